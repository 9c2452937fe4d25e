"""The greedy campaign planner: the baseline the optimiser is measured against, and its fallback.

Evening by evening, in date order, it gives each target still short of its minimum for the
period (the heaviest first, then by QPV code) the first free venue serving it and the two
least-loaded free people from two organisations (ties by distance from their base, then staff
id). Simple and deterministic: the same problem always gives the same plan, and every session it
proposes passes the hard booking rules, since it only uses
:func:`planner.planning.slots.candidate_slots` and keeps the same constraints as the model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from itertools import groupby

from planner.planning.campaign import (
    CampaignProblem,
    Proposal,
    ProposedSession,
    StaffMember,
    booked_visits,
    max_coverage,
    period_index,
    score,
    too_close,
    travel_km,
)
from planner.planning.explain import outcomes
from planner.planning.slots import Slot, candidate_slots, remaining_capacity, session_for

__all__ = ["greedy_plan", "greedy_sessions"]


def greedy_plan(problem: CampaignProblem) -> Proposal:
    """Plan the campaign greedily; the bound reported is the coverage of every target met."""
    slots = candidate_slots(problem)
    sessions = greedy_sessions(problem, slots)
    return Proposal(
        sessions=tuple(sessions),
        outcomes=outcomes(problem, sessions, slots),
        score=score(problem, sessions),
        coverage_bound=max_coverage(problem),
        status="GREEDY",
    )


def greedy_sessions(problem: CampaignProblem, slots: Sequence[Slot]) -> list[ProposedSession]:
    """The greedy choice of sessions among ``slots`` (see the module docstring)."""
    targets = {t.qpv_code: t for t in problem.targets}
    capacity = dict(remaining_capacity(problem))
    gap = max(1, problem.min_gap_days)
    planned: Counter[tuple[str, int]] = booked_visits(problem)
    load: Counter[int] = Counter()
    last_visit: dict[str, date] = {}
    chosen = []
    for day, evening in groupby(sorted(slots, key=lambda s: s.day), key=lambda s: s.day):
        busy_people: set[int] = set()
        busy_venues: set[int] = set()
        ordered = sorted(
            evening,
            key=lambda s: (-targets[s.qpv_code].weight, s.qpv_code, s.venue.place.venue_id),
        )
        for slot in ordered:
            target = targets[slot.qpv_code]
            period = (slot.qpv_code, period_index(problem, target.period_weeks, day))
            last = last_visit.get(slot.qpv_code)
            if (
                planned[period] >= target.min_visits
                or (last is not None and (day - last).days < gap)
                or too_close(problem, slot.qpv_code, day)
                or slot.venue.place.venue_id in busy_venues
            ):
                continue
            free = sorted(
                (
                    p
                    for p in slot.people
                    if p.staff_id not in busy_people and capacity[(p.staff_id, slot.week)] > 0
                ),
                key=lambda p: (load[p.staff_id], travel_km(p, slot.venue.place), p.staff_id),
            )
            pair = _pair(free)
            if pair is None:
                continue
            for person in pair:
                busy_people.add(person.staff_id)
                capacity[(person.staff_id, slot.week)] -= 1
                load[person.staff_id] += 1
            busy_venues.add(slot.venue.place.venue_id)
            planned[period] += 1
            last_visit[slot.qpv_code] = day
            chosen.append(session_for(slot, *pair))
    return chosen


def _pair(people: Sequence[StaffMember]) -> tuple[StaffMember, StaffMember] | None:
    """The first person, and the first after them from another organisation."""
    if not people:
        return None
    first = people[0]
    for other in people[1:]:
        if other.organisation_id != first.organisation_id:
            return (first, other)
    return None
