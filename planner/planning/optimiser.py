"""The campaign optimiser: an OR-Tools CP-SAT model over the candidate slots (issue 7).

The model is built per visit, not per venue: ``v[g]`` says the QPV of group ``g`` (an evening and
a QPV) is visited; when several free venues serve it, ``z[g, u]`` picks one; ``y[g, p]`` says
person ``p`` goes. A visit has exactly two people, at most one per organisation, so the pair comes
from two organisations (booking rule 4); a person blocked at one of the group's venues (an
existing booking too close in time or space) cannot go when that venue is picked. One boolean per
(visit, person) rather than per (slot, pair) keeps the model linear in the staff. Constraints: a
person and a venue at most once an evening (rule 2; the slots already avoid existing bookings,
rules 2 and 3), each person's weekly maximum less their existing sessions, the minimum gap between
two visits to one QPV (at least one evening).

Two phases make the lexicographic objective of :class:`planner.planning.campaign.Score` exact:
the first maximises the priority-weighted coverage; the bound reported on it is the tighter of
CP-SAT's and the model's linear relaxation's (:mod:`planner.planning.relaxation`, solved first);
the second keeps that coverage and minimises first the heaviest load, then travel (kilometres
from each person's base to the QPV's venues, averaged when the QPV has several), then the number
of sessions. The greedy plan hints the first phase, so CP-SAT starts from a full feasible plan;
the greedy plan is also the answer when CP-SAT finds nothing better in the time limit, so the
answer is never worse than the baseline. Each phase is a complete search (which proves small
campaigns optimal at once) followed, when it did not, by large-neighbourhood search from its
best plan (:func:`_search`). By default the workers interleave and stop on deterministic time:
the same answer every run.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from planner.planning.campaign import (
    CampaignProblem,
    Proposal,
    ProposedSession,
    StaffMember,
    Week,
    max_coverage,
    period_index,
    periods,
    score,
    travel_km,
)
from planner.planning.explain import outcomes
from planner.planning.greedy import greedy_sessions
from planner.planning.relaxation import lp_bound
from planner.planning.slots import Slot, candidate_slots, remaining_capacity, session_for

__all__ = ["Progress", "optimise", "plan"]

COVERAGE_SHARE = 0.6
"""Share of the time limit the coverage phase may use; fairness and travel get the rest."""
PROOF_SHARE = 0.3
"""Share of a phase's time given to CP-SAT's complete search before local search takes over."""


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the search is: its phase, seconds since planning started, the best coverage found
    and its proven bound so far (coverage phase), and the share of the time limit spent."""

    phase: str
    """``coverage`` (first phase) or ``balance`` (load and travel), then ``done``."""
    elapsed_s: float
    coverage: int | None
    bound: int | None
    fraction: float


ProgressCallback = Callable[[Progress], None]


def plan(problem: CampaignProblem, on_progress: ProgressCallback | None = None) -> Proposal:
    """Plan the campaign with CP-SAT, falling back to the greedy plan when it finds nothing or
    nothing better on the objective."""
    started = time.perf_counter()
    slots = candidate_slots(problem)
    baseline = greedy_sessions(problem, slots)
    best = optimise(problem, slots=slots, hint=baseline, started=started, on_progress=on_progress)
    base_score = score(problem, baseline)
    if best is None or best.score.key < base_score.key:
        bound = max_coverage(problem) if best is None else best.coverage_bound
        best = Proposal(
            sessions=tuple(baseline),
            outcomes=outcomes(problem, baseline, slots),
            score=base_score,
            coverage_bound=max(bound, base_score.coverage),
            status="GREEDY",
            first_solution_s=None if best is None else best.first_solution_s,
            solve_s=None if best is None else best.solve_s,
        )
    if on_progress is not None:
        on_progress(
            Progress("done", time.perf_counter() - started, best.coverage, best.coverage_bound, 1)
        )
    return best


def optimise(
    problem: CampaignProblem,
    *,
    slots: Sequence[Slot] | None = None,
    hint: Sequence[ProposedSession] = (),
    started: float | None = None,
    on_progress: ProgressCallback | None = None,
) -> Proposal | None:
    """Solve the model over ``slots`` (default: every candidate slot); ``None`` when no
    solution is found in the time limit."""
    started = time.perf_counter() if started is None else started
    every = candidate_slots(problem) if slots is None else slots
    model = _Model(problem, every)
    limit = problem.solver.time_limit_s
    reporter = _Reporter(started, limit, on_progress)

    model.model.maximize(model.coverage)
    relaxed = lp_bound(model.model)
    reporter.bound = None if relaxed is None else int(relaxed + 1e-6)
    model.hint_sessions(hint)
    first = _search(model.model, problem, limit * COVERAGE_SHARE, reporter.phase("coverage"))
    if first.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found = model.sessions(first.solver)
    covered = round(first.solver.objective_value)
    bound = min(max_coverage(problem), int(first.bound + 1e-6))
    if reporter.bound is not None:
        bound = min(bound, reporter.bound)
    proven = first.status == cp_model.OPTIMAL or covered >= bound

    model.model.add(model.coverage >= covered)
    model.model.minimize(model.balance)
    model.model.clear_hints()  # type: ignore[no-untyped-call]
    model.hint_sessions(found)
    second = _search(model.model, problem, limit * (1 - COVERAGE_SHARE), reporter.phase("balance"))
    if second.status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = model.sessions(second.solver)
    found.sort(key=lambda s: (s.start, s.qpv_code, s.venue_id))
    return Proposal(
        sessions=tuple(found),
        outcomes=outcomes(problem, found, every),
        score=score(problem, found),
        coverage_bound=covered if proven else max(bound, covered),
        status="OPTIMAL" if proven and second.status == cp_model.OPTIMAL else "FEASIBLE",
        first_solution_s=reporter.first_solution_s,
        solve_s=first.seconds + second.seconds,
    )


@dataclass(frozen=True, slots=True)
class _Searched:
    """What one phase's search gives: status, the solver holding its best solution, the bound
    the complete search proved, and the wall seconds both searches took."""

    status: cp_model.CpSolverStatus
    solver: cp_model.CpSolver
    bound: float
    seconds: float


def _search(
    model: cp_model.CpModel,
    problem: CampaignProblem,
    seconds: float,
    callback: cp_model.CpSolverSolutionCallback,
) -> _Searched:
    """A complete search for :data:`PROOF_SHARE` of the budget, which proves small campaigns
    optimal at once; when it does not, large-neighbourhood search from its best solution for
    the rest (on a Hauts-de-France campaign it finds markedly better plans than the complete
    search in the same time; it proves nothing, so the complete search's bound stands)."""
    complete = _solver(problem, seconds * PROOF_SHARE)
    status = complete.solve(model, callback)
    spent = complete.wall_time
    if status not in (cp_model.FEASIBLE, cp_model.UNKNOWN):
        return _Searched(status, complete, complete.best_objective_bound, spent)
    if status == cp_model.FEASIBLE:  # start from its best solution (else from the hint)
        model.clear_hints()  # type: ignore[no-untyped-call]
        for index in range(len(model.proto.variables)):
            variable = model.get_int_var_from_proto_index(index)
            model.add_hint(variable, complete.value(variable))
    local = _solver(problem, seconds * (1 - PROOF_SHARE))
    local.parameters.use_lns_only = True
    found = local.solve(model, callback)
    spent += local.wall_time
    sign = -1 if model.proto.objective.scaling_factor < 0 else 1  # maximising: scaled by -1
    if found in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
        status == cp_model.UNKNOWN or sign * local.objective_value < sign * complete.objective_value
    ):
        return _Searched(cp_model.FEASIBLE, local, complete.best_objective_bound, spent)
    return _Searched(status, complete, complete.best_objective_bound, spent)


def _solver(problem: CampaignProblem, seconds: float) -> cp_model.CpSolver:
    """A CP-SAT solver given ``seconds`` of search.

    With ``deterministic`` settings (the default) the workers interleave their search and stop
    on CP-SAT's deterministic time, so the same problem, seed and worker count give the same
    plan on any machine and any load; wall time then only caps a machine much slower than
    the deterministic clock (three times the budget)."""
    solver = cp_model.CpSolver()
    settings = problem.solver
    solver.parameters.random_seed = settings.seed
    solver.parameters.num_workers = settings.workers
    if settings.deterministic:
        solver.parameters.interleave_search = True
        solver.parameters.max_deterministic_time = max(0.0, seconds)
        solver.parameters.max_time_in_seconds = max(0.0, 3 * seconds)
    else:
        solver.parameters.max_time_in_seconds = max(0.0, seconds)
    return solver


class _Reporter:
    """Turns CP-SAT's solution callbacks into :class:`Progress` and notes the first solution."""

    def __init__(self, started: float, limit: float, sink: ProgressCallback | None) -> None:
        self.started, self.limit, self.sink = started, limit, sink
        self.first_solution_s: float | None = None
        self.bound: int | None = None
        """The linear relaxation's bound on the coverage, when known."""

    def best_bound(self, solver_bound: float) -> int:
        """The tightest bound proven so far: CP-SAT's, the linear relaxation's."""
        found = int(solver_bound + 1e-6)
        self.bound = found if self.bound is None else min(found, self.bound)
        return self.bound

    def phase(self, name: str) -> cp_model.CpSolverSolutionCallback:
        reporter = self

        class Callback(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                elapsed = time.perf_counter() - reporter.started
                if reporter.first_solution_s is None:
                    reporter.first_solution_s = elapsed
                if reporter.sink is not None:
                    first = name == "coverage"
                    reporter.sink(
                        Progress(
                            name,
                            elapsed,
                            round(self.objective_value) if first else None,
                            reporter.best_bound(self.best_objective_bound) if first else None,
                            min(1.0, elapsed / reporter.limit) if reporter.limit > 0 else 1.0,
                        )
                    )

        return Callback()


class _Model:
    """The CP-SAT model of a campaign over its candidate slots (see the module docstring)."""

    def __init__(self, problem: CampaignProblem, slots: Sequence[Slot]) -> None:
        self.model = cp_model.CpModel()
        capacity = remaining_capacity(problem)
        grouped: dict[tuple[date, str], list[Slot]] = defaultdict(list)
        for slot in slots:
            grouped[(slot.day, slot.qpv_code)].append(slot)
        self.groups: list[list[Slot]] = []
        self.v: list[cp_model.IntVar] = []
        self.z: list[dict[int, cp_model.IntVar]] = []
        self.y: list[dict[int, cp_model.IntVar]] = []
        self.people: list[dict[int, StaffMember]] = []
        per_person_evening: dict[tuple[int, date], list[cp_model.IntVar]] = defaultdict(list)
        per_person_week: dict[tuple[int, Week], list[cp_model.IntVar]] = defaultdict(list)
        per_person: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        per_venue_evening: dict[tuple[int, date], list[cp_model.IntVar]] = defaultdict(list)
        per_period: dict[tuple[str, int], list[int]] = defaultdict(list)
        spans = {t.qpv_code: t.period_weeks for t in problem.targets}
        travel = []
        worst = 0
        for (day, code), options in sorted(grouped.items()):
            people = {
                p.staff_id: p
                for slot in options
                for p in slot.people
                if capacity[(p.staff_id, slot.week)] > 0
            }
            if len({p.organisation_id for p in people.values()}) < 2:
                continue
            g = len(self.groups)
            visit = self.model.new_bool_var(f"v{g}")
            self.groups.append(options)
            self.v.append(visit)
            self.people.append(people)
            venues = {s.venue.place.venue_id: s for s in options}
            free = {u: {p.staff_id for p in s.people} for u, s in venues.items()}
            if len(venues) == 1:
                picks = {next(iter(venues)): visit}
            else:
                picks = {u: self.model.new_bool_var(f"z{g}_{u}") for u in venues}
                self.model.add(sum(picks.values()) == visit)
            self.z.append(picks)
            for u, pick in picks.items():
                per_venue_evening[(u, day)].append(pick)
            staffing: dict[int, cp_model.IntVar] = {}
            by_org: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for staff_id, person in sorted(people.items()):
                go = self.model.new_bool_var(f"y{g}_{staff_id}")
                staffing[staff_id] = go
                by_org[person.organisation_id].append(go)
                per_person_evening[(staff_id, day)].append(go)
                per_person_week[(staff_id, options[0].week)].append(go)
                per_person[staff_id].append(go)
                for u, ids in free.items():
                    if staff_id not in ids:
                        self.model.add(go + picks[u] <= 1)
                km = [travel_km(person, s.venue.place) for s in venues.values()]
                cost = round(sum(km) / len(km))
                travel.append(cost * go)
                worst += cost
            self.y.append(staffing)
            self.model.add(sum(staffing.values()) == 2 * visit)
            for members in by_org.values():
                if len(members) > 1:
                    self.model.add(sum(members) <= visit)
            per_period[(code, period_index(problem, spans[code], day))].append(g)
        for group in (*per_person_evening.values(), *per_venue_evening.values()):
            if len(group) > 1:
                self.model.add_at_most_one(group)
        for (staff_id, week), group in per_person_week.items():
            if len(group) > capacity[(staff_id, week)]:
                self.model.add(sum(group) <= capacity[(staff_id, week)])
        self._add_gaps(problem)

        covered = []
        self.counted: list[tuple[cp_model.IntVar, list[int], int]] = []
        for target in problem.targets:
            for period in periods(problem, target.period_weeks):
                used = per_period.get((target.qpv_code, period.index), [])
                if not used or target.min_visits <= 0:
                    continue
                if len(used) <= target.min_visits:
                    covered.append(target.weight * sum(self.v[g] for g in used))
                    continue
                name = f"c_{target.qpv_code}_{period.index}"
                cov = self.model.new_int_var(0, target.min_visits, name)
                self.model.add(cov <= sum(self.v[g] for g in used))
                covered.append(target.weight * cov)
                self.counted.append((cov, used, target.min_visits))
        self.coverage = sum(covered)
        most = max((len(loads) for loads in per_person.values()), default=0)
        max_load = self.model.new_int_var(0, most, "max_load")
        for loads in per_person.values():
            self.model.add(max_load >= sum(loads))
        self.max_load = max_load
        # travel and the session count, below any change of the heaviest load
        tie_break = sum(travel) + sum(self.v)
        self.balance = (worst + len(self.v) + 1) * max_load + tie_break

    def _add_gaps(self, problem: CampaignProblem) -> None:
        """Two visits to one QPV at least ``min_gap_days`` apart (and never two the same
        evening, which the grouping already ensures): at most one visit in any run of that many
        consecutive days."""
        gap = max(1, problem.min_gap_days)
        if gap == 1:
            return
        by_qpv: dict[str, list[int]] = defaultdict(list)
        for g, options in enumerate(self.groups):
            by_qpv[options[0].qpv_code].append(g)
        for indices in by_qpv.values():
            days = sorted({self.groups[g][0].day for g in indices})
            for first in days:
                window = [
                    self.v[g] for g in indices if 0 <= (self.groups[g][0].day - first).days < gap
                ]
                if len(window) > 1:
                    self.model.add_at_most_one(window)

    def hint_sessions(self, sessions: Sequence[ProposedSession]) -> None:
        """Hint every variable with a plan (the greedy one, or phase one's): a full start."""
        index = {(opts[0].day, opts[0].qpv_code): g for g, opts in enumerate(self.groups)}
        chosen: dict[int, ProposedSession] = {}
        for proposed in sessions:
            g = index.get((proposed.start.date(), proposed.qpv_code))
            if g is not None:
                chosen[g] = proposed
        for g, visit in enumerate(self.v):
            session = chosen.get(g)
            self.model.add_hint(visit, session is not None)
            for u, pick in self.z[g].items():
                if pick is not visit:
                    self.model.add_hint(pick, session is not None and session.venue_id == u)
            staff = {a.staff_id for a in session.staff} if session is not None else set()
            for staff_id, go in self.y[g].items():
                self.model.add_hint(go, staff_id in staff)
        for cov, used, most in self.counted:
            self.model.add_hint(cov, min(most, sum(g in chosen for g in used)))
        load = Counter(a.staff_id for s in chosen.values() for a in s.staff)
        self.model.add_hint(self.max_load, max(load.values(), default=0))

    def sessions(self, solver: cp_model.CpSolver) -> list[ProposedSession]:
        """The sessions of the solver's solution."""
        found = []
        for g, visit in enumerate(self.v):
            if not solver.boolean_value(visit):
                continue
            venue = next(u for u, pick in self.z[g].items() if solver.boolean_value(pick))
            slot = next(s for s in self.groups[g] if s.venue.place.venue_id == venue)
            pair = [self.people[g][i] for i, go in self.y[g].items() if solver.boolean_value(go)]
            found.append(session_for(slot, pair[0], pair[1]))
        return found
