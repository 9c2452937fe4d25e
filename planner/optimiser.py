"""The campaign optimiser: an OR-Tools CP-SAT model over the candidate slots (issue 7).

Variables: ``x[s]`` says slot ``s`` (evening, QPV, free venue serving it) is used; ``y[s, p]``
says person ``p`` staffs it. A used slot has exactly two people, at most one per organisation,
so the pair comes from two organisations (booking rule 4) — one boolean per (slot, person)
rather than per (slot, pair) keeps the model linear in the staff. Constraints: a person and a
venue at most once an evening (rule 2; the slots already avoid existing bookings, rules 2 and
3), each person's weekly maximum less their existing sessions, the minimum gap between two
visits to one QPV (at least one evening).

The objective is lexicographic through its weights: first the priority-weighted coverage (each
target week counts visits up to its minimum), then fairness (the maximum load of a person, down),
then fewer sessions (no visit beyond what coverage asks). Travel is not modelled yet. The greedy
plan is given as a hint and kept when CP-SAT finds nothing better in the time limit, so the
answer is never worse than the baseline on coverage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from ortools.sat.python import cp_model

from planner.campaign import (
    CampaignProblem,
    Proposal,
    ProposedSession,
    Slot,
    Week,
    candidate_slots,
    evenings,
    max_coverage,
    outcomes,
    remaining_capacity,
    session_for,
    weeks,
    weighted_coverage,
)
from planner.greedy import greedy_sessions

__all__ = ["optimise", "plan"]


def plan(problem: CampaignProblem) -> Proposal:
    """Plan the campaign with CP-SAT, falling back to the greedy plan when it finds nothing or
    nothing better on coverage."""
    slots = candidate_slots(problem)
    baseline = greedy_sessions(problem, slots)
    best = optimise(problem, slots=slots, hint=baseline)
    base_coverage = weighted_coverage(problem, baseline)
    if best is None or best.coverage < base_coverage:
        bound = max_coverage(problem) if best is None else best.coverage_bound
        return Proposal(
            sessions=tuple(baseline),
            outcomes=outcomes(problem, baseline, slots),
            coverage=base_coverage,
            coverage_bound=max(bound, base_coverage),
            status="GREEDY",
        )
    return best


def optimise(
    problem: CampaignProblem,
    *,
    slots: Sequence[Slot] | None = None,
    hint: Sequence[ProposedSession] = (),
) -> Proposal | None:
    """Solve the CP-SAT model over ``slots`` (default: every candidate slot; those without a
    possible pair are left out of the model); ``None`` when no solution is found in time."""
    every = candidate_slots(problem) if slots is None else slots
    slots = [s for s in every if s.pairable]
    capacity = remaining_capacity(problem)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(slots))]
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    per_person_evening: dict[tuple[int, date], list[cp_model.IntVar]] = defaultdict(list)
    per_person_week: dict[tuple[int, Week], list[cp_model.IntVar]] = defaultdict(list)
    per_person: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    per_venue_evening: dict[tuple[int, date], list[cp_model.IntVar]] = defaultdict(list)
    per_target_week: dict[tuple[str, Week], list[cp_model.IntVar]] = defaultdict(list)
    for i, slot in enumerate(slots):
        by_org: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        staffing = []
        for person in slot.people:
            if capacity[(person.staff_id, slot.week)] <= 0:
                continue
            var = model.new_bool_var(f"y{i}_{person.staff_id}")
            y[(i, person.staff_id)] = var
            staffing.append(var)
            by_org[person.organisation_id].append(var)
            per_person_evening[(person.staff_id, slot.day)].append(var)
            per_person_week[(person.staff_id, slot.week)].append(var)
            per_person[person.staff_id].append(var)
        model.add(sum(staffing) == 2 * x[i])
        for members in by_org.values():
            model.add(sum(members) <= x[i])
        per_venue_evening[(slot.venue.place.venue_id, slot.day)].append(x[i])
        per_target_week[(slot.qpv_code, slot.week)].append(x[i])
    for group in (*per_person_evening.values(), *per_venue_evening.values()):
        model.add_at_most_one(group)
    for (staff_id, week), group in per_person_week.items():
        model.add(sum(group) <= capacity[(staff_id, week)])
    _add_gaps(model, problem, slots, x)

    coverage = []
    for target in problem.targets:
        for week in weeks(problem):
            used = per_target_week.get((target.qpv_code, week), [])
            if not used or target.min_visits_per_week <= 0:
                continue
            cov = model.new_int_var(0, target.min_visits_per_week, f"c_{target.qpv_code}_{week}")
            model.add(cov <= sum(used))
            coverage.append(target.weight * cov)
    days = len(evenings(problem))
    max_load = model.new_int_var(0, days, "max_load")
    for loads in per_person.values():
        model.add(max_load >= sum(loads))
    k2 = len(slots) + 1
    k1 = (days + 1) * k2
    model.maximize(k1 * sum(coverage) - k2 * max_load - sum(x))
    _hint(model, slots, x, y, hint)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = problem.solver.time_limit_s
    solver.parameters.random_seed = problem.solver.seed
    solver.parameters.num_workers = problem.solver.workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    sessions = []
    for i, slot in enumerate(slots):
        if solver.boolean_value(x[i]):
            pair = [
                p for p in slot.people if (i, p.staff_id) in y and solver.value(y[(i, p.staff_id)])
            ]
            sessions.append(session_for(slot, pair[0], pair[1]))
    sessions.sort(key=lambda s: (s.start, s.qpv_code, s.venue_id))
    bound = solver.best_objective_bound
    found = weighted_coverage(problem, sessions)
    ceiling = max_coverage(problem)
    return Proposal(
        sessions=tuple(sessions),
        outcomes=outcomes(problem, sessions, every),
        coverage=found,
        coverage_bound=found if status == cp_model.OPTIMAL else min(ceiling, -(-int(bound) // k1)),
        status=solver.status_name(status),
        objective=solver.objective_value,
        best_bound=bound,
    )


def _add_gaps(
    model: cp_model.CpModel,
    problem: CampaignProblem,
    slots: Sequence[Slot],
    x: list[cp_model.IntVar],
) -> None:
    """Two visits to one QPV at least ``min_gap_days`` apart (and never two the same evening):
    at most one visit in any run of that many consecutive days."""
    gap = max(1, problem.min_gap_days)
    by_qpv: dict[str, list[int]] = defaultdict(list)
    for i, slot in enumerate(slots):
        by_qpv[slot.qpv_code].append(i)
    for indices in by_qpv.values():
        days = sorted({slots[i].day for i in indices})
        for first in days:
            window = [x[i] for i in indices if 0 <= (slots[i].day - first).days < gap]
            if len(window) > 1:
                model.add_at_most_one(window)


def _hint(
    model: cp_model.CpModel,
    slots: Sequence[Slot],
    x: list[cp_model.IntVar],
    y: dict[tuple[int, int], cp_model.IntVar],
    sessions: Sequence[ProposedSession],
) -> None:
    """Hint every variable with the given plan (the greedy one), a full feasible start."""
    index = {(s.day, s.qpv_code, s.venue.place.venue_id): i for i, s in enumerate(slots)}
    used: dict[int, set[int]] = {}
    for session in sessions:
        key = (session.start.date(), session.qpv_code, session.venue_id)
        if key in index:
            used[index[key]] = {a.staff_id for a in session.staff}
    for i, var in enumerate(x):
        model.add_hint(var, i in used)
    for (i, staff_id), var in y.items():
        model.add_hint(var, staff_id in used.get(i, set()))
