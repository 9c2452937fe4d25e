"""The CP-SAT model of a campaign over its candidate slots (issue 7).

The model is built per visit, not per venue: ``v[g]`` says the QPV of group ``g`` (an evening and
a QPV) is visited; when several free venues serve it, ``z[g, u]`` picks one; ``y[g, p]`` says
person ``p`` goes. A visit has exactly two people, at most one per organisation, so the pair comes
from two organisations (booking rule 4); a person blocked at one of the group's venues (an
existing booking too close in time or space) cannot go when that venue is picked. One boolean per
(visit, person) rather than per (slot, pair) keeps the model linear in the staff. Constraints: a
person and a venue at most once an evening (rule 2; the slots already avoid existing bookings,
rules 2 and 3), each person's weekly maximum less their existing sessions, the minimum gap between
two visits to one QPV (at least one evening).

The model carries both objectives :mod:`planner.planning.optimiser` solves in turn: the
priority-weighted ``coverage``, and ``balance`` (the heaviest load, then travel, then the number
of sessions); it also reads a plan into hints and a solution back into sessions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from ortools.sat.python import cp_model

from planner.planning.campaign import (
    CampaignProblem,
    ProposedSession,
    StaffMember,
    Week,
    booked_visits,
    period_index,
    periods,
    too_close,
    travel_km,
)
from planner.planning.slots import Slot, remaining_capacity, session_for


class CampaignModel:
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
            if too_close(problem, code, day):
                continue  # a visit already booked is nearer than the minimum gap
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

        covered: list[cp_model.LinearExprT] = []
        self.counted: list[tuple[cp_model.IntVar, list[int], int]] = []
        booked = booked_visits(problem)
        for target in problem.targets:
            for period in periods(problem, target.period_weeks):
                done = min(booked[(target.qpv_code, period.index)], target.min_visits)
                covered.append(target.weight * done)
                need = target.min_visits - done
                used = per_period.get((target.qpv_code, period.index), [])
                if not used or need <= 0:
                    continue
                if len(used) <= need:
                    covered.append(target.weight * sum(self.v[g] for g in used))
                    continue
                name = f"c_{target.qpv_code}_{period.index}"
                cov = self.model.new_int_var(0, need, name)
                self.model.add(cov <= sum(self.v[g] for g in used))
                covered.append(target.weight * cov)
                self.counted.append((cov, used, need))
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
