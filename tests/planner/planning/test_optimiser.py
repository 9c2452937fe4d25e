"""Campaign planning: hand-made campaigns with exact plans, and the booking rules as invariant."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.clock import PARIS
from planner.planning.campaign import (
    CampaignProblem,
    CandidateVenue,
    ProposedSession,
    SolverSettings,
    StaffMember,
    Target,
    TargetOutcome,
    proposal_bookings,
)
from planner.planning.greedy import greedy_plan
from planner.planning.optimiser import plan
from planner.rules import check_booking
from planner.session import (
    Assignment,
    Booking,
    Place,
    SessionKind,
    SessionStatus,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=PARIS)
MONDAY = date(2026, 3, 2)
"""ISO week 10 of 2026, before the spring clock change."""
SUNDAY = MONDAY + timedelta(days=6)
WEEKDAYS = frozenset(range(5))
SOLVER = SolverSettings(time_limit_s=2.0, seed=1, workers=2)


def _place(venue_id: int, offset: float = 0.0) -> Place:
    return Place(venue_id, 3.06 + offset, 50.63 + offset, f"QN059{venue_id:03d}", 0.0)


def _venue(venue_id: int, *codes: str) -> CandidateVenue:
    return CandidateVenue(_place(venue_id, venue_id / 1000), frozenset(codes))


def _staff(
    staff_id: int, org: int, *, exceptions: frozenset[date] = frozenset(), most: int = 3
) -> StaffMember:
    return StaffMember(staff_id, org, WEEKDAYS, exceptions, most)


def _problem(**kwargs: Any) -> CampaignProblem:
    base = CampaignProblem(
        targets=(Target("Q1"),),
        venues=(_venue(1, "Q1"),),
        staff=(_staff(1, 10), _staff(2, 20)),
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=6),
        now=NOW,
        organisation_id=10,
        solver=SOLVER,
    )
    return replace(base, **kwargs)


def _at(day: date, hour: int, minutes: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minutes), tzinfo=PARIS)


def _session(code: str, venue: int, day: date, *staff: tuple[int, int]) -> ProposedSession:
    a, b = (Assignment(s, o) for s, o in staff)
    return ProposedSession(code, venue, _at(day, 17), _at(day, 19), (a, b))


def _existing(
    booking_id: int, place: Place, start: datetime, hours: int, *staff: tuple[int, int]
) -> Booking:
    return Booking(
        id=booking_id,
        kind=SessionKind.INFO_SESSION,
        status=SessionStatus.PUBLISHED,
        start=start,
        end=start + timedelta(hours=hours),
        timezone="Europe/Paris",
        place=place,
        staff=tuple(Assignment(s, o) for s, o in staff),
        qpv_codes=(),
        organisation_id=99,
    )


def _violations(problem: CampaignProblem, bookings: list[Booking]) -> list[object]:
    """Every hard rule each proposed booking breaks against the existing and the other ones."""
    found: list[object] = []
    for i, booking in enumerate(bookings):
        others = [*problem.existing, *bookings[:i], *bookings[i + 1 :]]
        verdict = check_booking(
            booking,
            others=others,
            now=problem.now,
            settings=problem.rule_settings,
            window=problem.window,
        )
        found.extend(verdict.violations)
    return found


def test_plan_two_qpvs_four_staff_meets_every_target() -> None:
    """Two QPVs wanting two visits each, two days apart, four people: all met, load even."""
    problem = _problem(
        targets=(Target("Q1", 2), Target("Q2", 2)),
        venues=(_venue(1, "Q1"), _venue(2, "Q2")),
        staff=(_staff(1, 10), _staff(2, 10), _staff(3, 20), _staff(4, 20)),
        min_gap_days=2,
    )
    proposal = plan(problem)
    assert proposal.outcomes == (
        TargetOutcome("Q1", MONDAY, SUNDAY, 2, 2),
        TargetOutcome("Q2", MONDAY, SUNDAY, 2, 2),
    )
    assert (proposal.status, proposal.coverage, proposal.coverage_bound) == ("OPTIMAL", 4, 4)
    loads = sorted(
        sum(a.staff_id == person for s in proposal.sessions for a in s.staff)
        for person in (1, 2, 3, 4)
    )
    assert (len(proposal.sessions), loads) == (4, [2, 2, 2, 2])
    assert _violations(problem, proposal_bookings(problem, proposal)) == []


def test_plan_qpv_without_venue_is_unmet_with_reason() -> None:
    """A target no candidate venue serves is reported unmet, with the French reason."""
    problem = _problem(targets=(Target("Q1"), Target("Q9")))
    proposal = plan(problem)
    assert proposal.outcomes == (
        TargetOutcome("Q1", MONDAY, SUNDAY, 1, 1),
        TargetOutcome(
            "Q9", MONDAY, SUNDAY, 1, 0, "Aucun lieu candidat ne dessert le QPV Q9.", "no_venue"
        ),
    )


def test_plan_exception_date_respected() -> None:
    """A person free Monday and Tuesday but excepted on Monday is planned on Tuesday."""
    tuesday = MONDAY + timedelta(days=1)
    problem = _problem(
        staff=(_staff(1, 10), _staff(2, 20, exceptions=frozenset({MONDAY}))),
        last_day=tuesday,
    )
    assert plan(problem).sessions == (_session("Q1", 1, tuesday, (1, 10), (2, 20)),)


def test_plan_no_pair_in_window_is_unmet_with_reason() -> None:
    """When only one organisation is free, the target is unmet for want of a pair."""
    problem = _problem(staff=(_staff(1, 10), _staff(2, 20, exceptions=frozenset({MONDAY}))))
    problem = replace(problem, last_day=MONDAY)
    assert plan(problem).outcomes == (
        TargetOutcome(
            "Q1",
            MONDAY,
            MONDAY,
            1,
            0,
            "Aucun binôme de deux structures différentes n'est disponible sur le créneau "
            "17:00–22:00 pour le QPV Q1 le 2 mars 2026.",
            "no_pair",
        ),
    )


def test_plan_existing_venue_booking_excluded() -> None:
    """The venue held on Monday evening by an existing booking pushes the visit to Tuesday."""
    tuesday = MONDAY + timedelta(days=1)
    taken = _existing(7, _place(1, 0.001), _at(MONDAY, 18), 1, (5, 50), (6, 60))
    problem = _problem(last_day=tuesday, existing=(taken,))
    proposal = plan(problem)
    assert proposal.sessions == (_session("Q1", 1, tuesday, (1, 10), (2, 20)),)
    assert _violations(problem, proposal_bookings(problem, proposal)) == []


def test_plan_existing_person_booking_and_travel_excluded() -> None:
    """A person busy just before the window far away cannot be planned that evening."""
    tuesday = MONDAY + timedelta(days=1)
    far = Place(8, 2.35, 48.85, None, 3000.0)
    busy = _existing(8, far, _at(MONDAY, 15), 1, (1, 10), (5, 50))
    problem = _problem(last_day=tuesday, existing=(busy,))
    proposal = plan(problem)
    assert proposal.sessions == (_session("Q1", 1, tuesday, (1, 10), (2, 20)),)
    assert _violations(problem, proposal_bookings(problem, proposal)) == []


def test_plan_capacity_exhausted_goes_to_priority() -> None:
    """With one session per person per week, the heavier QPV gets it; the other says why."""
    problem = _problem(
        targets=(Target("Q1", 1, 1), Target("Q2", 1, 3)),
        venues=(_venue(1, "Q1"), _venue(2, "Q2")),
        staff=(_staff(1, 10, most=1), _staff(2, 20, most=1)),
    )
    proposal = plan(problem)
    assert proposal.outcomes == (
        TargetOutcome(
            "Q1",
            MONDAY,
            SUNDAY,
            1,
            0,
            "La capacité des intervenants est épuisée du 2 mars 2026 au 8 mars 2026 : les binômes "
            "disponibles ont atteint leur maximum de séances ou servent des QPV prioritaires.",
            "capacity",
        ),
        TargetOutcome("Q2", MONDAY, SUNDAY, 1, 1),
    )
    assert (proposal.coverage, greedy_plan(problem).coverage) == (3, 3)


def test_plan_duration_outside_window_is_unmet_with_reason() -> None:
    """A session longer than the evening window fits no evening."""
    problem = _problem(duration=timedelta(hours=6))
    assert plan(problem).outcomes[0].reason == (
        "Aucune soirée de la période ne peut accueillir une séance de 360 min dans le créneau "
        "17:00–22:00 du 2 mars 2026 au 8 mars 2026."
    )


def test_plan_no_solution_in_time_falls_back_to_greedy() -> None:
    """With no time to search, the plan is the greedy baseline, reported as such."""
    problem = _problem(
        targets=(Target("Q1", 2), Target("Q2", 2)),
        venues=(_venue(1, "Q1"), _venue(2, "Q2")),
        staff=(_staff(1, 10), _staff(2, 10), _staff(3, 20), _staff(4, 20)),
        min_gap_days=2,
        solver=replace(SOLVER, time_limit_s=0.0),
    )
    baseline = greedy_plan(problem)
    fallen = plan(problem)
    assert replace(fallen, solve_s=None) == replace(baseline, coverage_bound=4)


def test_plan_fortnight_target_counts_two_weeks() -> None:
    """A QPV wanting one visit a fortnight over two weeks gets one visit, met for the fortnight."""
    problem = _problem(
        targets=(Target("Q1", 1, 1, period_weeks=2),), last_day=MONDAY + timedelta(days=13)
    )
    proposal = plan(problem)
    assert proposal.outcomes == (TargetOutcome("Q1", MONDAY, MONDAY + timedelta(days=13), 1, 1),)
    assert len(proposal.sessions) == 1


def test_plan_prefers_nearer_people_and_respects_travel_limit() -> None:
    """Among equally loaded people, those based nearer go; nobody beyond the limit is sent."""
    lille = (3.06, 50.63)
    near = (_place(1, 0.001).lon or 0.0, _place(1, 0.001).lat or 0.0)
    staff = (
        replace(_staff(1, 10), base=(3.3, 50.63)),  # 17 km east
        replace(_staff(2, 10), base=near),
        replace(_staff(3, 20), base=(2.35, 48.85)),  # Paris, 200 km away
        replace(_staff(4, 20), base=lille),
    )
    problem = _problem(staff=staff, last_day=MONDAY, max_travel_km=50.0)
    proposal = plan(problem)
    assert proposal.sessions == (_session("Q1", 1, MONDAY, (2, 10), (4, 20)),)
    assert proposal.score.travel_km == 0
    far = replace(problem, staff=(staff[0], staff[2]))
    assert plan(far).sessions == ()
    assert plan(far).outcomes[0].reason is not None


def test_plan_person_kept_to_their_qpvs() -> None:
    """A person allowed only in Q2 is never sent to Q1."""
    staff = (
        _staff(1, 10),
        replace(_staff(2, 20), qpv_codes=frozenset({"Q2"})),
        _staff(3, 30),
    )
    problem = _problem(staff=staff, last_day=MONDAY)
    assert plan(problem).sessions == (_session("Q1", 1, MONDAY, (1, 10), (3, 30)),)


def test_plan_overseas_campaign_uses_its_wall_clock() -> None:
    """A campaign in French Guiana plans its evenings at 17:00 Cayenne time, within the rules."""
    cayenne = ZoneInfo("America/Cayenne")
    problem = _problem(
        timezone="America/Cayenne", last_day=MONDAY, now=datetime(2026, 3, 1, tzinfo=cayenne)
    )
    proposal = plan(problem)
    (session,) = proposal.sessions
    assert session.start == datetime.combine(MONDAY, time(17, 0), tzinfo=cayenne)
    assert session.start.utcoffset() == timedelta(hours=-3)
    assert _violations(problem, proposal_bookings(problem, proposal)) == []


@st.composite
def _campaigns(draw: st.DrawFn) -> CampaignProblem:
    """Small random campaigns: few people, venues and QPVs, one or two weeks, some bookings."""
    days = draw(st.integers(1, 14))
    period = [MONDAY + timedelta(days=d) for d in range(days)]
    codes = [f"Q{i}" for i in range(draw(st.integers(1, 3)))]
    venues = tuple(
        CandidateVenue(
            _place(v, draw(st.floats(0, 0.05))),
            frozenset(draw(st.lists(st.sampled_from(codes), min_size=1, max_size=2))),
        )
        for v in range(1, draw(st.integers(1, 3)) + 1)
    )
    staff = tuple(
        StaffMember(
            s,
            draw(st.integers(1, 3)),
            frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
            frozenset(draw(st.sets(st.sampled_from(period), max_size=3))),
            draw(st.integers(1, 3)),
        )
        for s in range(1, draw(st.integers(2, 5)) + 1)
    )
    existing = tuple(
        _existing(
            100 + n,
            draw(st.sampled_from([v.place for v in venues] + [_place(50, 0.1)])),
            _at(
                draw(st.sampled_from(period)),
                draw(st.integers(15, 21)),
                draw(st.sampled_from([0, 30])),
            ),
            1,
            *[
                (p.staff_id, p.organisation_id)
                for p in draw(st.sets(st.sampled_from(staff), max_size=2))
            ],
        )
        for n in range(draw(st.integers(0, 3)))
    )
    return _problem(
        targets=tuple(Target(c, draw(st.integers(1, 2)), draw(st.integers(1, 3))) for c in codes),
        venues=venues,
        staff=staff,
        last_day=period[-1],
        min_gap_days=draw(st.integers(1, 3)),
        duration=timedelta(minutes=draw(st.sampled_from([60, 90, 120]))),
        existing=existing,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_campaigns())
def test_plan_random_campaigns_pass_rules_and_beat_greedy(problem: CampaignProblem) -> None:
    """Every proposed session passes the hard booking rules; the objective is never worse than
    the greedy one's, and the coverage never above its reported bound."""
    proposal = plan(problem)
    baseline = greedy_plan(problem)
    assert _violations(problem, proposal_bookings(problem, proposal)) == []
    assert _violations(problem, proposal_bookings(problem, baseline)) == []
    assert proposal.score.key >= baseline.score.key
    assert baseline.coverage <= proposal.coverage <= proposal.coverage_bound
