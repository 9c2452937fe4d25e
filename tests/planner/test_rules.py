"""Booking rules as a whole: every violation at once, series, and the invariants of the verdict."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.measure import geodesic_m
from planner.rules import CODES, series_starts
from planner.rules_travel import travel_time
from planner.session import (
    HOLDING,
    Assignment,
    Booking,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
    Verdict,
)
from tests.planner.rules_cases import (
    CAMILLE,
    ETOUVIE,
    NORD,
    QPV,
    SETTINGS,
    UNPLACED,
    _at,
    _booking,
    _check,
    _codes,
)


def test_check_booking_lists_every_violation_in_rule_order() -> None:
    """All broken rules are reported at once, in the order of the code table."""
    booking = _booking(
        status=SessionStatus.PUBLISHED,
        end=_at(3, 3, 17),
        capacity=-2,
        staff=(CAMILLE,),
        place=UNPLACED,
    )
    assert _codes(_check(booking, now=_at(3, 4, 9))) == [
        ("fin-avant-debut", None),
        ("dans-le-passe", None),
        ("capacite-negative", None),
        ("binome-incomplet", None),
        ("lieu-non-geolocalise", None),
        ("lieu-hors-qpv", None),
    ]


def test_check_booking_naive_datetime_is_an_error() -> None:
    """A naive datetime is a programming error, not a verdict."""
    with pytest.raises(ValueError, match="naive datetime"):
        _check(_booking(start=datetime(2026, 3, 3, 18)))  # noqa: DTZ001 - the case under test


# Series keep their local wall-clock time.


def test_series_starts_keep_local_time_across_october() -> None:
    """Every Tuesday 18:00 Paris for six weeks stays 18:00 after the end of summer time."""
    starts = series_starts(_at(10, 13, 18), count=6, timezone="Europe/Paris")
    assert [s.isoformat() for s in starts] == [
        "2026-10-13T18:00:00+02:00",
        "2026-10-20T18:00:00+02:00",
        "2026-10-27T18:00:00+01:00",
        "2026-11-03T18:00:00+01:00",
        "2026-11-10T18:00:00+01:00",
        "2026-11-17T18:00:00+01:00",
    ]


def test_series_starts_keep_local_time_across_march_from_utc() -> None:
    """A first start given in UTC is read in the series' zone, then kept as wall-clock time."""
    starts = series_starts(datetime(2026, 3, 24, 17, tzinfo=UTC), count=2, timezone="Europe/Paris")
    assert [s.isoformat() for s in starts] == [
        "2026-03-24T18:00:00+01:00",
        "2026-03-31T18:00:00+02:00",
    ]


def test_series_starts_daily_campaign_week() -> None:
    """A campaign week: five evenings in a row, every day at the same time."""
    starts = series_starts(_at(9, 14, 18), count=5, timezone="Europe/Paris", interval_days=1)
    assert [s.isoformat() for s in starts] == [f"2026-09-{d}T18:00:00+02:00" for d in range(14, 19)]


def test_series_starts_nonexistent_time_moves_forward() -> None:
    """02:30 does not exist on 29 March 2026 in Paris: that occurrence is 03:30 summer time."""
    starts = series_starts(_at(3, 22, 2, 30), count=2, timezone="Europe/Paris")
    assert [s.isoformat() for s in starts] == [
        "2026-03-22T02:30:00+01:00",
        "2026-03-29T03:30:00+02:00",
    ]


def test_series_starts_overseas_zone() -> None:
    """Réunion has no DST: the series keeps UTC+4 throughout."""
    zone = "Indian/Reunion"
    starts = series_starts(_at(10, 20, 18, zone=zone), count=2, timezone=zone)
    assert [s.isoformat() for s in starts] == [
        "2026-10-20T18:00:00+04:00",
        "2026-10-27T18:00:00+04:00",
    ]


def test_series_starts_zero_count_is_empty() -> None:
    """No occurrence asked, none given."""
    assert series_starts(_at(10, 13, 18), count=0, timezone="Europe/Paris") == []


@pytest.mark.parametrize(
    ("first", "count", "interval"),
    [
        (_at(10, 13, 18), -1, 7),
        (_at(10, 13, 18), 3, 0),
        (datetime(2026, 10, 13, 18), 3, 7),  # noqa: DTZ001 - the case under test
    ],
    ids=["negative-count", "zero-interval", "naive"],
)
def test_series_starts_bad_arguments(first: datetime, count: int, interval: int) -> None:
    """Negative counts, empty intervals and naive datetimes are programming errors."""
    with pytest.raises(ValueError, match=r"count|naive"):
        series_starts(first, count=count, timezone="Europe/Paris", interval_days=interval)


# Invariants (Hypothesis).

PEOPLE = (Assignment(1, 10), Assignment(2, 20), Assignment(3, 10), Assignment(4, 30))
VENUES = (ETOUVIE, NORD, replace(NORD, venue_id=4, lon=2.30, lat=49.89), UNPLACED)
Day = tuple[int, int]
DAYS: tuple[Day, ...] = ((3, 3), (3, 28), (3, 29))
"""An ordinary Tuesday and the spring DST weekend; afternoons and evenings, so sessions meet."""
NEW: st.SearchStrategy[int | None] = st.none()
"""Ids of bookings not yet stored."""


@st.composite
def _bookings(
    draw: st.DrawFn,
    ids: st.SearchStrategy[int | None] = NEW,
    days: tuple[Day, ...] = DAYS,
    venues: tuple[Place, ...] = VENUES,
) -> Booking:
    month, day = draw(st.sampled_from(days))
    start = _at(month, day, 14) + timedelta(minutes=15 * draw(st.integers(0, 32)))
    end = start + timedelta(minutes=15 * draw(st.integers(2, 20)))
    return Booking(
        id=draw(ids),
        kind=draw(st.sampled_from(SessionKind)),
        status=draw(st.sampled_from(SessionStatus)),
        start=start,
        end=end,
        timezone="Europe/Paris",
        place=draw(st.sampled_from(venues)),
        staff=tuple(draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3, unique=True))),
        qpv_codes=tuple(draw(st.lists(st.sampled_from((QPV, "QN08002M")), unique=True))),
        organisation_id=10,
    )


def _span(booking: Booking) -> tuple[datetime, datetime]:
    return booking.start.astimezone(UTC), booking.end.astimezone(UTC)


def _travel_ok(a: Booking, b: Booking) -> bool:
    """The reference reading of rule 3 for a non-overlapping pair sharing someone."""
    if a.place.lon is None or a.place.lat is None or b.place.lon is None or b.place.lat is None:
        return True
    if a.place.venue_id == b.place.venue_id:
        return True
    (a_start, a_end), (b_start, b_end) = _span(a), _span(b)
    gap = max(a_start, b_start) - min(a_end, b_end)
    metres = geodesic_m(a.place.lon, a.place.lat, b.place.lon, b.place.lat)
    return gap >= travel_time(metres, SETTINGS)


@settings(deadline=None)
@given(requests=st.lists(_bookings(days=DAYS[:1], venues=VENUES[:3]), min_size=5, max_size=12))
def test_check_booking_accepted_set_never_double_books(requests: list[Booking]) -> None:
    """Bookings accepted one by one never double-book a person or a venue, nor skimp on travel."""
    accepted: list[Booking] = []
    for request in requests:
        if _check(request, *accepted).accepted:
            accepted.append(replace(request, id=len(accepted) + 1))
    holding = [b for b in accepted if b.status in HOLDING]
    broken = []
    for a, b in combinations(holding, 2):
        (a_start, a_end), (b_start, b_end) = _span(a), _span(b)
        shared = {s.staff_id for s in a.staff} & {s.staff_id for s in b.staff}
        overlap = max(a_start, b_start) < min(a_end, b_end)
        if overlap and (shared or a.place.venue_id == b.place.venue_id):
            broken.append(("overlap", a.id, b.id))
        elif not overlap and shared and not _travel_ok(a, b):
            broken.append(("travel", a.id, b.id))
    assert broken == []


def _linked(verdict: Verdict) -> list[str]:
    """Codes that name another session: the rules on pairs."""
    return [code for code, session_id in _codes(verdict) if session_id is not None]


@settings(deadline=None)
@given(data=st.data())
def test_check_booking_pair_rules_symmetric(data: st.DataObject) -> None:
    """Conflicts, travel and revisits judge two sessions alike whichever is being booked."""
    first = data.draw(_bookings(ids=st.just(1), days=DAYS[:1]))
    second = data.draw(_bookings(ids=st.just(2), days=DAYS[:1]))
    gap = timedelta(minutes=5 * data.draw(st.integers(-6, 8)))
    length = second.end - second.start
    start = first.end + gap if data.draw(st.booleans()) else first.start - gap - length
    second = replace(second, start=start, end=start + length)
    assert _linked(_check(first, second)) == _linked(_check(second, first))


TIGHT = RuleSettings(max_evenings_per_week=1)
"""Settings under which the soft rules fire often enough to be exercised."""


@settings(deadline=None)
@given(data=st.data())
def test_check_booking_ignores_order_of_others(data: st.DataObject) -> None:
    """The verdict depends on the set of neighbours, not on the order the service loads them."""
    booking = data.draw(_bookings(ids=st.sampled_from([None, 1])))
    others = data.draw(st.lists(_bookings(ids=st.integers(1, 6)), max_size=8))
    shuffled = data.draw(st.permutations(others))
    assert _check(booking, *shuffled, settings=TIGHT) == _check(booking, *others, settings=TIGHT)


@settings(deadline=None)
@given(data=st.data())
def test_check_booking_ignores_its_stored_version(data: st.DataObject) -> None:
    """An edited session finds its stored version (same id) among the others and ignores it."""
    booking = data.draw(_bookings(ids=st.just(100)))
    stored = data.draw(_bookings(ids=st.just(100)))
    others = data.draw(st.lists(_bookings(ids=st.integers(1, 6)), max_size=6))
    verdict = _check(booking, *others, settings=TIGHT)
    assert _check(booking, stored, *others, settings=TIGHT) == verdict


@settings(deadline=None)
@given(booking=_bookings(), others=st.lists(_bookings(ids=st.integers(1, 6)), max_size=6))
def test_check_booking_codes_documented(booking: Booking, others: list[Booking]) -> None:
    """Every code a verdict carries is in the documented code table."""
    verdict = _check(booking, *others, settings=TIGHT)
    assert {code for code, _ in _codes(verdict)} - set(CODES) == set()
