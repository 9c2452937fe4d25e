"""The optimiser's reported bound is a bound: never below the best plan, found by exhaustive
search on small campaigns, whatever the time it was given (issue 17: a wall-clock run called a
plan optimal that a longer run beat)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.planning.campaign import (
    CampaignProblem,
    ProposedSession,
    Target,
    period_index,
    weighted_coverage,
)
from planner.planning.greedy import greedy_sessions
from planner.planning.model import CampaignModel
from planner.planning.optimiser import coverage_bound, plan
from planner.planning.search import Reporter, search_phase
from planner.planning.slots import Slot, candidate_slots, remaining_capacity, session_for
from tests.planner.planning.test_optimiser import _campaigns, _problem, _staff, _venue


def _options(slots: list[Slot]) -> dict[object, list[tuple[Slot, ProposedSession]]]:
    """Every (slot, pair of two organisations) by evening."""
    by_day: dict[object, list[tuple[Slot, ProposedSession]]] = {}
    for slot in slots:
        for a, b in combinations(slot.people, 2):
            if a.organisation_id != b.organisation_id:
                by_day.setdefault(slot.day, []).append((slot, session_for(slot, a, b)))
    return by_day


def exhaustive_optimum(problem: CampaignProblem) -> int:
    """The best coverage of any plan over the candidate slots, by trying every plan: each
    evening any set of visits with distinct people, venues and QPVs, then the weekly maxima
    and the minimum gap checked on the whole plan."""
    slots = candidate_slots(problem)
    by_day = _options(slots)
    days = sorted(by_day)
    capacity = remaining_capacity(problem)
    gap = max(1, problem.min_gap_days)
    best = 0

    def evening_sets(day: object) -> list[list[tuple[Slot, ProposedSession]]]:
        options = by_day[day]
        found: list[list[tuple[Slot, ProposedSession]]] = [[]]
        for size in range(1, len(options) + 1):
            for chosen in combinations(options, size):
                people = [a.staff_id for _, s in chosen for a in s.staff]
                venues = [s.venue_id for _, s in chosen]
                qpvs = [s.qpv_code for _, s in chosen]
                if (
                    len(set(people)) == len(people)
                    and len(set(venues)) == len(venues)
                    and len(set(qpvs)) == len(qpvs)
                ):
                    found.append(list(chosen))
        return found

    choices = [evening_sets(day) for day in days]

    def feasible(plan_: list[tuple[Slot, ProposedSession]]) -> bool:
        load = Counter((a.staff_id, slot.week) for slot, s in plan_ for a in s.staff)
        if any(n > capacity[key] for key, n in load.items()):
            return False
        visits: dict[str, list] = {}
        for slot, _ in plan_:
            visits.setdefault(slot.qpv_code, []).append(slot.day)
        return all(
            (later - earlier).days >= gap
            for days_ in visits.values()
            for earlier, later in zip(sorted(days_), sorted(days_)[1:], strict=False)
        )

    def walk(index: int, chosen: list[tuple[Slot, ProposedSession]]) -> None:
        nonlocal best
        if not feasible(chosen):
            return
        if index == len(choices):
            best = max(best, weighted_coverage(problem, [s for _, s in chosen]))
            return
        for evening in choices[index]:
            walk(index + 1, chosen + evening)

    walk(0, [])
    return best


def _small(problem: CampaignProblem) -> bool:
    """Small enough to try every plan in a moment."""
    by_day = _options(candidate_slots(problem))
    return sum(len(v) for v in by_day.values()) <= 14 and all(len(v) <= 6 for v in by_day.values())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(_campaigns(), st.sampled_from([0.0005, 0.002, 0.02, 1.0]), st.booleans())
def test_reported_bound_is_never_below_the_exhaustive_optimum(
    problem: CampaignProblem, limit: float, deterministic: bool
) -> None:
    """Whatever the time limit and clock, the plan is at most the optimum, the bound at least
    it, and a plan called optimal is the optimum."""
    if not _small(problem):
        return
    solver = replace(problem.solver, time_limit_s=limit, deterministic=deterministic)
    proposal = plan(replace(problem, solver=solver))
    optimum = exhaustive_optimum(problem)
    assert proposal.coverage <= optimum <= proposal.coverage_bound
    if proposal.status == "OPTIMAL" or proposal.coverage_bound == proposal.coverage:
        assert proposal.coverage == optimum


def test_exhaustive_search_finds_what_the_period_allows() -> None:
    """The exhaustive search itself: two QPVs, one week, one pair: one visit per evening."""

    problem = _problem(
        targets=(Target("Q1", 2, 3), Target("Q2", 1, 1)),
        venues=(_venue(1, "Q1"), _venue(2, "Q2")),
        staff=(_staff(1, 10, most=2), _staff(2, 20, most=2)),
        min_gap_days=3,
    )
    # two sessions a week for the pair: both to Q1 (weight 3 × 2) beat one each (3 + 1)
    assert exhaustive_optimum(problem) == 6
    assert period_index(problem, 1, problem.first_day) == 0


def test_a_complete_search_that_found_nothing_proves_nothing() -> None:
    """The complete search given no time ends UNKNOWN, where CP-SAT answers a bound of 0;
    large-neighbourhood search then finds the plan: the phase must report no bound, not 0 (read
    as a proof, 0 made any plan "optimal")."""

    problem = _problem(
        targets=(Target("Q1", 2, 3), Target("Q2", 1, 1)),
        venues=(_venue(1, "Q1"), _venue(2, "Q2")),
        staff=(_staff(1, 10), _staff(2, 20), _staff(3, 20)),
    )
    slots = candidate_slots(problem)
    model = CampaignModel(problem, slots)
    model.model.maximize(model.coverage)
    model.hint_sessions(greedy_sessions(problem, slots))
    reporter = Reporter(0.0, 1.0, None)
    searched = search_phase(model.model, problem, 1.0, reporter.phase("coverage"), 0.0)
    assert searched.solver.objective_value > 0  # the local search found a plan
    assert searched.bound == float("inf")
    assert coverage_bound(problem, searched.bound, None) == 3 * 2 + 1


def test_with_no_time_the_greedy_plan_keeps_the_relaxation_bound() -> None:
    """No time to search: the greedy plan is the answer, with the bound the relaxation proved
    (one pair, one session each a week: 3 of the 4 wanted), not every target met."""
    problem = _problem(
        targets=(Target("Q1", 1, 3), Target("Q2", 1, 1)),
        venues=(_venue(1, "Q1"), _venue(2, "Q2")),
        staff=(_staff(1, 10, most=1), _staff(2, 20, most=1)),
        solver=replace(_problem().solver, time_limit_s=0.0),
    )
    proposal = plan(problem)
    assert (proposal.status, proposal.coverage, proposal.coverage_bound) == ("GREEDY", 3, 3)
    assert exhaustive_optimum(problem) == 3
