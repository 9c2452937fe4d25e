"""Visits already booked count: planning again after accepting tops up, never duplicates
(issue 17)."""

from __future__ import annotations

from datetime import timedelta

from planner.planning.campaign import Target, TargetOutcome, weighted_coverage
from planner.planning.greedy import greedy_plan
from planner.planning.optimiser import plan
from tests.planner.planning.test_optimiser import MONDAY, SUNDAY, _problem, _staff, _venue


def _two_qpvs(**kwargs: object):  # type: ignore[no-untyped-def]
    return _problem(
        targets=(Target("Q1", 1, 3), Target("Q2", 1, 1)),
        venues=(_venue(1, "Q1"), _venue(2, "Q2")),
        staff=(_staff(1, 10), _staff(2, 20)),
        **kwargs,
    )


def test_a_qpv_visited_already_is_met_and_not_planned_again() -> None:
    """Q1 has its visit this week (a draft accepted earlier): the plan visits Q2 only, and Q1
    is met by the booked visit, not explained as short."""
    problem = _two_qpvs(visits=(("Q1", MONDAY + timedelta(days=2)),))
    for proposal in (plan(problem), greedy_plan(problem)):
        assert {s.qpv_code for s in proposal.sessions} == {"Q2"}
        assert proposal.outcomes == (
            TargetOutcome("Q1", MONDAY, SUNDAY, 1, 0, booked=1),
            TargetOutcome("Q2", MONDAY, SUNDAY, 1, 1),
        )
        assert proposal.coverage == 3 + 1 == weighted_coverage(problem, proposal.sessions)
        assert all(o.met for o in proposal.outcomes)


def test_planning_again_with_the_first_plan_booked_adds_nothing() -> None:
    """Plan, count its sessions as booked, plan again: nothing new."""
    problem = _two_qpvs(min_gap_days=2)
    first = plan(problem)
    assert len(first.sessions) == 2
    again = _two_qpvs(
        min_gap_days=2,
        visits=tuple((s.qpv_code, problem.local_day(s.start)) for s in first.sessions),
    )
    assert plan(again).sessions == ()
    assert greedy_plan(again).sessions == ()


def test_a_second_visit_keeps_the_gap_from_the_booked_one() -> None:
    """Two visits wanted, one booked on Wednesday, two days apart at least (people free on
    weekdays): the new one is on Monday or Friday, never on Tuesday or Thursday."""
    problem = _problem(
        targets=(Target("Q1", 2),), min_gap_days=2, visits=(("Q1", MONDAY + timedelta(days=2)),)
    )
    for proposal in (plan(problem), greedy_plan(problem)):
        (session,) = proposal.sessions
        assert problem.local_day(session.start).weekday() in (0, 4)
        assert proposal.outcomes == (TargetOutcome("Q1", MONDAY, SUNDAY, 2, 1, booked=1),)


def test_a_short_target_says_the_booked_visits_and_the_gap() -> None:
    """Two visits wanted, one booked mid-week and a gap of five days: no evening is left far
    enough; the reason says so, with the visit booked."""
    problem = _problem(
        targets=(Target("Q1", 2),), min_gap_days=5, visits=(("Q1", MONDAY + timedelta(days=3)),)
    )
    (outcome,) = plan(problem).outcomes
    assert (outcome.booked, outcome.planned, outcome.met, outcome.cause) == (1, 0, False, "gap")
    assert "en plus des 1 déjà réservée(s)" in (outcome.reason or "")


def test_a_visit_just_before_the_period_keeps_the_gap_but_meets_no_target() -> None:
    """A visit on the Sunday before the campaign, three days between visits: Monday and
    Tuesday are too close, the week's target is still wanted and met on Wednesday or later."""
    problem = _problem(
        targets=(Target("Q1", 1),), min_gap_days=3, visits=(("Q1", MONDAY - timedelta(days=1)),)
    )
    for proposal in (plan(problem), greedy_plan(problem)):
        (session,) = proposal.sessions
        assert problem.local_day(session.start).weekday() >= 2
        assert proposal.outcomes == (TargetOutcome("Q1", MONDAY, SUNDAY, 1, 1),)
