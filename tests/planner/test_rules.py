"""Booking rules: every hard and soft rule on both sides of its boundary, and the invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from itertools import combinations
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.measure import geodesic_m
from planner.rules import (
    CODES,
    check_booking,
    check_editable,
    check_transition,
    series_starts,
    travel_time,
)
from planner.session import (
    HOLDING,
    Assignment,
    Booking,
    EveningWindow,
    Notice,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
    Verdict,
    Violation,
)

PARIS = ZoneInfo("Europe/Paris")
SETTINGS = RuleSettings()
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)
QPV = "QN08001M"
ETOUVIE = Place(venue_id=1, lon=2.2502, lat=49.9151, qpv_code=QPV, nearest_qpv_distance_m=0.0)
NORD = Place(venue_id=2, lon=2.2502, lat=49.9251, qpv_code="QN08002M", nearest_qpv_distance_m=0.0)
"""1.1 km north of Étouvie: 4 min at 20 km/h (rounded up) + 15 min margin = 19 min."""
UNPLACED = Place(venue_id=3, lon=None, lat=None, qpv_code=None, nearest_qpv_distance_m=None)
CAMILLE = Assignment(staff_id=12, organisation_id=100)
"""A Mission Locale adviser."""
SAMIR = Assignment(staff_id=13, organisation_id=200)
"""A social-centre worker."""
LEA = Assignment(staff_id=14, organisation_id=100)
"""Camille's colleague at the Mission Locale."""
STRANGER = Assignment(staff_id=99, organisation_id=300)


def _at(month: int, day: int, hour: int, minute: int = 0, **kw: Any) -> datetime:
    zone = ZoneInfo(kw.get("zone", "Europe/Paris"))
    return datetime(kw.get("year", 2026), month, day, hour, minute, tzinfo=zone)


def _booking(**changes: Any) -> Booking:
    """A valid evening neighbourhood session, Tuesday 3 March 2026, 18:00–21:30 at Étouvie."""
    base = Booking(
        id=None,
        kind=SessionKind.NEIGHBOURHOOD_SESSION,
        status=SessionStatus.DRAFT,
        start=_at(3, 3, 18),
        end=_at(3, 3, 21, 30),
        timezone="Europe/Paris",
        place=ETOUVIE,
        staff=(CAMILLE, SAMIR),
        qpv_codes=(QPV,),
        organisation_id=100,
    )
    return replace(base, **changes)


def _other(session_id: int | None, start: datetime, end: datetime, **changes: Any) -> Booking:
    """A published information session elsewhere, by someone else, serving no QPV."""
    base = Booking(
        id=session_id,
        kind=SessionKind.INFO_SESSION,
        status=SessionStatus.PUBLISHED,
        start=start,
        end=end,
        timezone="Europe/Paris",
        place=NORD,
        staff=(STRANGER,),
        qpv_codes=(),
        organisation_id=300,
    )
    return replace(base, **changes)


def _check(booking: Booking, *others: Booking, **kw: Any) -> Verdict:
    return check_booking(
        booking,
        others=others,
        now=kw.get("now", NOW),
        settings=kw.get("settings", SETTINGS),
        window=kw.get("window"),
    )


def _codes(verdict: Verdict) -> list[tuple[str, int | None]]:
    items: tuple[Violation | Notice, ...] = (*verdict.violations, *verdict.notices)
    return [(item.code, item.session_id) for item in items]


# Rule 1: times, duration, past, capacity.


def test_check_booking_valid_session_accepted() -> None:
    """A well-formed evening session with a pair, in a QPV, alone: nothing to say."""
    assert _check(_booking()) == Verdict()


def test_check_booking_end_before_start_refused() -> None:
    """An end before the start is refused on the end field, and no interval rule runs."""
    assert _check(_booking(end=_at(3, 3, 17))) == Verdict(
        violations=(
            Violation(
                "fin-avant-debut",
                "La fin (03/03/2026 à 17:00) doit être après le début (03/03/2026 à 18:00).",
                field="end",
            ),
        )
    )


def test_check_booking_end_equal_to_start_refused() -> None:
    """An empty session (end = start) is refused too."""
    assert _codes(_check(_booking(end=_at(3, 3, 18)))) == [("fin-avant-debut", None)]


@pytest.mark.parametrize(
    ("kind", "minutes", "codes"),
    [
        (SessionKind.INFO_SESSION, 30, []),
        (SessionKind.INFO_SESSION, 29, [("duree-hors-bornes", None)]),
        (SessionKind.INFO_SESSION, 240, []),
        (SessionKind.INFO_SESSION, 241, [("duree-hors-bornes", None)]),
        (SessionKind.NEIGHBOURHOOD_SESSION, 60, []),
        (SessionKind.NEIGHBOURHOOD_SESSION, 59, [("duree-hors-bornes", None)]),
    ],
)
def test_check_booking_duration_bounds_inclusive(
    kind: SessionKind, minutes: int, codes: list[tuple[str, None]]
) -> None:
    """Durations equal to a bound pass; a minute beyond refuses."""
    booking = _booking(kind=kind, end=_at(3, 3, 18) + timedelta(minutes=minutes))
    assert _codes(_check(booking)) == codes


def test_check_booking_duration_message_names_bounds() -> None:
    """The duration message gives the kind's bounds and the actual duration."""
    booking = _booking(kind=SessionKind.INFO_SESSION, start=_at(3, 3, 14), end=_at(3, 3, 18, 1))
    assert _check(booking) == Verdict(
        violations=(
            Violation(
                "duree-hors-bornes",
                "Une séance « réunion d'information » dure de 30 min à 4 h : celle-ci dure 4 h 01.",
            ),
        )
    )


def test_check_booking_neighbourhood_five_hours_accepted() -> None:
    """17:00–22:00 is both the longest neighbourhood session and the whole default window."""
    assert _check(_booking(start=_at(3, 3, 17), end=_at(3, 3, 22))) == Verdict()


def test_check_booking_in_the_past_refused() -> None:
    """A start before now is refused on the start field."""
    assert _check(_booking(), now=_at(3, 3, 18, 1)) == Verdict(
        violations=(
            Violation(
                "dans-le-passe",
                "Le début (03/03/2026 à 18:00) est déjà passé : on ne réserve pas dans le passé.",
                field="start",
            ),
        )
    )


def test_check_booking_starting_now_accepted() -> None:
    """A session starting exactly now is not in the past."""
    assert _check(_booking(), now=_at(3, 3, 18)) == Verdict()


@pytest.mark.parametrize(("capacity", "codes"), [(None, []), (0, []), (-1, ["capacite-negative"])])
def test_check_booking_capacity_not_negative(capacity: int | None, codes: list[str]) -> None:
    """No capacity or zero is fine; a negative one is refused on the capacity field."""
    violations = _check(_booking(capacity=capacity)).violations
    assert [(v.code, v.field) for v in violations] == [(code, "capacity") for code in codes]


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


# Rule 2: one person, one venue, one session at a time.


def test_check_booking_staff_overlap_refused() -> None:
    """A person already in another session at that time is refused, naming that session."""
    other = _other(41, _at(3, 3, 18), _at(3, 3, 21, 30), staff=(CAMILLE,))
    assert _check(_booking(), other) == Verdict(
        violations=(
            Violation(
                "intervenant-deja-pris",
                "L'intervenant n° 12 est déjà en séance de 18:00 à 21:30 le 03/03/2026 "
                "(séance n° 41).",
                session_id=41,
                field="staff",
            ),
        )
    )


def test_check_booking_staff_overlap_one_violation_per_person() -> None:
    """Two people of the booking busy in the same session: one violation each, by staff id."""
    other = _other(41, _at(3, 3, 21), _at(3, 3, 23), staff=(SAMIR, CAMILLE))
    assert [v.message for v in _check(_booking(), other).violations] == [
        "L'intervenant n° 12 est déjà en séance de 21:00 à 23:00 le 03/03/2026 (séance n° 41).",
        "L'intervenant n° 13 est déjà en séance de 21:00 à 23:00 le 03/03/2026 (séance n° 41).",
    ]


def test_check_booking_venue_overlap_refused() -> None:
    """A venue already taken at that time is refused on the venue field."""
    other = _other(41, _at(3, 3, 21), _at(3, 3, 23), place=ETOUVIE)
    assert _check(_booking(), other) == Verdict(
        violations=(
            Violation(
                "lieu-deja-pris",
                "Le lieu n° 1 est déjà réservé de 21:00 à 23:00 le 03/03/2026 (séance n° 41).",
                session_id=41,
                field="venue",
            ),
        )
    )


def test_check_booking_conflicts_ordered_by_rule_then_session() -> None:
    """People conflicts come before venue conflicts, each by conflicting session id."""
    second = _other(42, _at(3, 3, 19), _at(3, 3, 20), staff=(CAMILLE,), place=ETOUVIE)
    first = _other(41, _at(3, 3, 20), _at(3, 3, 21), staff=(SAMIR,))
    assert _codes(_check(_booking(), second, first)) == [
        ("intervenant-deja-pris", 41),
        ("intervenant-deja-pris", 42),
        ("lieu-deja-pris", 42),
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [(_at(3, 3, 15), _at(3, 3, 18)), (_at(3, 3, 21, 30), _at(3, 3, 23))],
    ids=["before", "after"],
)
def test_check_booking_back_to_back_same_venue_accepted(start: datetime, end: datetime) -> None:
    """Half-open intervals: a session ending as this one starts (or the reverse) is no clash."""
    other = _other(41, start, end, staff=(CAMILLE,), place=ETOUVIE)
    assert _check(_booking(), other) == Verdict()


@pytest.mark.parametrize("status", sorted(HOLDING))
def test_check_booking_holding_statuses_hold(status: SessionStatus) -> None:
    """Draft, published and completed sessions all hold their people and venue."""
    other = _other(41, _at(3, 3, 19), _at(3, 3, 20), status=status, place=ETOUVIE)
    assert _codes(_check(_booking(), other)) == [("lieu-deja-pris", 41)]


def test_check_booking_cancelled_other_releases() -> None:
    """A cancelled session frees its people and venue."""
    other = _other(41, _at(3, 3, 19), _at(3, 3, 20), staff=(CAMILLE,), place=ETOUVIE)
    assert _check(_booking(), replace(other, status=SessionStatus.CANCELLED)) == Verdict()


def test_check_booking_cancelled_booking_holds_nothing() -> None:
    """A cancelled booking conflicts with nobody."""
    other = _other(41, _at(3, 3, 19), _at(3, 3, 20), staff=(CAMILLE,), place=ETOUVIE)
    assert _check(_booking(status=SessionStatus.CANCELLED), other) == Verdict()


def test_check_booking_other_with_same_id_ignored() -> None:
    """The stored version of the session being edited is not a conflict with itself."""
    edited = _booking(id=7, start=_at(3, 3, 19), end=_at(3, 3, 22))
    assert _check(edited, _booking(id=7)) == Verdict()


def test_check_booking_two_new_bookings_conflict() -> None:
    """Two unsaved bookings (both ``id=None``) are not the same session."""
    other = _other(None, _at(3, 3, 19), _at(3, 3, 20), place=ETOUVIE)
    assert _check(_booking(), other).violations == (
        Violation(
            "lieu-deja-pris",
            "Le lieu n° 1 est déjà réservé de 19:00 à 20:00 le 03/03/2026 (séance sans numéro).",
            field="venue",
        ),
    )


def test_check_booking_duplicate_others_reported_once() -> None:
    """A neighbour loaded twice by the service yields one violation."""
    other = _other(41, _at(3, 3, 19), _at(3, 3, 20), place=ETOUVIE)
    assert _codes(_check(_booking(), other, other)) == [("lieu-deja-pris", 41)]


def test_check_booking_multi_day_conflict_message() -> None:
    """A conflicting session over several days is written with both dates."""
    other = _other(41, _at(3, 2, 9), _at(3, 4, 17), kind=SessionKind.HACKATHON, place=ETOUVIE)
    assert [v.message for v in _check(_booking(), other).violations] == [
        "Le lieu n° 1 est déjà réservé du 02/03/2026 à 09:00 au 04/03/2026 à 17:00 (séance n° 41).",
    ]


# Rule 3: travel time between two sessions of one person.


def test_travel_time_rounds_up_to_the_minute() -> None:
    """1,000 m at 20 km/h is exactly 3 min; 1,112 m is rounded up to 4; the margin is added."""
    assert [travel_time(m, SETTINGS) for m in (0.0, 1000.0, 1112.3)] == [
        timedelta(minutes=15),
        timedelta(minutes=18),
        timedelta(minutes=19),
    ]


def test_travel_time_between_test_venues() -> None:
    """Étouvie and the northern venue are 19 min apart, which the travel tests rely on."""
    distance = geodesic_m(ETOUVIE.lon or 0, ETOUVIE.lat or 0, NORD.lon or 0, NORD.lat or 0)
    assert travel_time(distance, SETTINGS) == timedelta(minutes=19)


@pytest.mark.parametrize(
    ("start", "end", "codes"),
    [
        (_at(3, 3, 15), _at(3, 3, 17, 41), []),
        (_at(3, 3, 15), _at(3, 3, 17, 42), [("trajet-impossible", 41)]),
        (_at(3, 3, 21, 49), _at(3, 3, 23), []),
        (_at(3, 3, 21, 48), _at(3, 3, 23), [("trajet-impossible", 41)]),
    ],
    ids=["before-exact", "before-short", "after-exact", "after-short"],
)
def test_check_booking_travel_time_boundary(
    start: datetime, end: datetime, codes: list[tuple[str, int]]
) -> None:
    """A gap of exactly the travel time passes; a minute less refuses, on either side."""
    other = _other(41, start, end, staff=(CAMILLE,))
    assert _codes(_check(_booking(), other)) == codes


def test_check_booking_travel_message() -> None:
    """The travel message names the person, the route, the distance, the need and the gap."""
    other = _other(41, _at(3, 3, 15), _at(3, 3, 17, 42), staff=(SAMIR, CAMILLE))
    assert _check(_booking(), other).violations == tuple(
        Violation(
            "trajet-impossible",
            f"L'intervenant n° {staff_id} ne peut pas aller à temps du lieu n° 2 au lieu n° 1 : "
            "1,1 km à vol d'oiseau demandent 19 min (trajet et marge), il n'y a que 18 min "
            "entre cette séance et la séance n° 41.",
            session_id=41,
        )
        for staff_id in (12, 13)
    )


def test_check_booking_travel_not_needed_without_shared_staff() -> None:
    """Different people at nearby venues need no travel time."""
    assert _check(_booking(), _other(41, _at(3, 3, 15), _at(3, 3, 18))) == Verdict()


@pytest.mark.parametrize("which", ["booking", "other"])
def test_check_booking_travel_skipped_for_unplaced_venue(which: str) -> None:
    """Without a point for either venue the travel time is unknown and not checked."""
    booking = _booking(place=UNPLACED if which == "booking" else ETOUVIE, qpv_codes=())
    other = _other(41, _at(3, 3, 15), _at(3, 3, 18), staff=(CAMILLE,))
    other = replace(other, place=UNPLACED if which == "other" else NORD)
    assert _check(booking, other).violations == ()


# Rule 4: neighbourhood sessions in the evening window, in pairs.


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (_at(3, 3, 17), _at(3, 3, 21), None),
        (_at(3, 3, 18), _at(3, 3, 22), None),
        (_at(3, 3, 18), _at(3, 3, 22, 1), "end"),
        (_at(3, 3, 16, 59), _at(3, 3, 21), "start"),
        (_at(3, 3, 21), _at(3, 4, 0, 30), "end"),
    ],
    ids=["17:00", "22:00", "22:01", "16:59", "past-midnight"],
)
def test_check_booking_evening_window_boundaries(
    start: datetime, end: datetime, field: str | None
) -> None:
    """Start ≥ 17:00 and end ≤ 22:00 the same local day; the faulty field is named."""
    violations = _check(_booking(start=start, end=end)).violations
    expected = [] if field is None else [("hors-creneau-du-soir", field)]
    assert [(v.code, v.field) for v in violations] == expected


def test_check_booking_evening_window_message() -> None:
    """The window message gives the window, the zone and the session's local times."""
    assert _check(_booking(end=_at(3, 3, 22, 1))) == Verdict(
        violations=(
            Violation(
                "hors-creneau-du-soir",
                "Une permanence de quartier se tient le même soir entre 17:00 et 22:00 (heure "
                "locale, Europe/Paris) : celle-ci a lieu de 18:00 à 22:01 le 03/03/2026.",
                field="end",
            ),
        )
    )


LONG = (timedelta(hours=1), timedelta(hours=8))


def test_check_booking_evening_window_both_ends_no_field() -> None:
    """Too early and too late at once: no single field is at fault."""
    durations = {**SETTINGS.durations, SessionKind.NEIGHBOURHOOD_SESSION: LONG}
    booking = _booking(start=_at(3, 3, 16, 30), end=_at(3, 3, 22, 30))
    violations = _check(booking, settings=replace(SETTINGS, durations=durations)).violations
    assert [(v.code, v.field) for v in violations] == [("hors-creneau-du-soir", None)]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (_at(3, 3, 16), _at(3, 3, 21), None),
        (_at(3, 3, 15, 59), _at(3, 3, 20), "start"),
        (_at(3, 3, 18), _at(3, 3, 21, 30), "end"),
    ],
    ids=["16:00-21:00", "15:59", "21:30"],
)
def test_check_booking_organisation_window(
    start: datetime, end: datetime, field: str | None
) -> None:
    """An organisation's own window (16:00–21:00) replaces the default one."""
    window = EveningWindow(start=time(16), end=time(21))
    violations = _check(_booking(start=start, end=end), window=window).violations
    expected = [] if field is None else [("hors-creneau-du-soir", field)]
    assert [(v.code, v.field) for v in violations] == expected


@pytest.mark.parametrize(
    ("day", "accepted"),
    [((3, 28), True), ((3, 29), False), ((10, 24), False), ((10, 25), True)],
    ids=["march-saturday", "march-sunday", "october-saturday", "october-sunday"],
)
def test_check_booking_window_read_in_local_time_across_dst(
    day: tuple[int, int], accepted: bool
) -> None:
    """17:00–21:00 UTC is 18:00–22:00 in winter time but 19:00–23:00 in summer time."""
    start = datetime(2026, *day, 17, tzinfo=UTC)
    booking = _booking(start=start, end=start + timedelta(hours=4))
    assert _check(booking).accepted is accepted


@pytest.mark.parametrize("zone", ["America/Cayenne", "Indian/Reunion"])
def test_check_booking_overseas_evening_in_local_time(zone: str) -> None:
    """Overseas sessions follow their own wall clock, even when UTC has changed day."""
    booking = _booking(timezone=zone, start=_at(3, 3, 18, zone=zone), end=_at(3, 3, 22, zone=zone))
    assert _check(booking) == Verdict()


def test_check_booking_overseas_late_end_message_in_local_time() -> None:
    """A Réunion session ending at 22:01 is refused with Réunion times (UTC+4)."""
    zone = "Indian/Reunion"
    booking = _booking(
        timezone=zone, start=_at(3, 3, 18, zone=zone), end=_at(3, 3, 22, 1, zone=zone)
    )
    assert [v.message for v in _check(booking).violations] == [
        "Une permanence de quartier se tient le même soir entre 17:00 et 22:00 (heure locale, "
        "Indian/Reunion) : celle-ci a lieu de 18:00 à 22:01 le 03/03/2026."
    ]


@pytest.mark.parametrize(
    ("staff", "detail"),
    [
        ((CAMILLE,), "1 intervenant, 1 structure"),
        ((CAMILLE, LEA), "2 intervenants, 1 structure"),
        ((), "0 intervenant, 0 structure"),
    ],
    ids=["alone", "same-organisation", "nobody"],
)
def test_check_booking_pair_incomplete(staff: tuple[Assignment, ...], detail: str) -> None:
    """A neighbourhood session needs two people from two organisations."""
    assert _check(_booking(staff=staff)) == Verdict(
        violations=(
            Violation(
                "binome-incomplet",
                "Une permanence de quartier se tient à deux au moins, de deux structures "
                f"différentes (ici : {detail}).",
                field="staff",
            ),
        )
    )


def test_check_booking_pair_rule_only_for_neighbourhood_sessions() -> None:
    """An information session may be run by one person, at any hour."""
    booking = _booking(
        kind=SessionKind.INFO_SESSION, staff=(CAMILLE,), start=_at(3, 3, 9), end=_at(3, 3, 11)
    )
    assert _check(booking) == Verdict()


# Rule 5: published sessions have a placed venue.


@pytest.mark.parametrize(
    ("status", "place", "codes"),
    [
        (SessionStatus.PUBLISHED, UNPLACED, ["lieu-non-geolocalise"]),
        (SessionStatus.PUBLISHED, replace(ETOUVIE, lat=None), ["lieu-non-geolocalise"]),
        (SessionStatus.DRAFT, UNPLACED, []),
        (SessionStatus.PUBLISHED, ETOUVIE, []),
    ],
    ids=["published-unplaced", "published-half-placed", "draft-unplaced", "published-placed"],
)
def test_check_booking_published_needs_placed_venue(
    status: SessionStatus, place: Place, codes: list[str]
) -> None:
    """Only a published session needs its venue on the map."""
    violations = _check(_booking(status=status, place=place)).violations
    assert [(v.code, v.field) for v in violations] == [(code, "venue") for code in codes]


# Rule a: evenings per person per ISO week.


def _evening(session_id: int, month: int, day: int, **changes: Any) -> Booking:
    return _other(session_id, _at(month, day, 18), _at(month, day, 20), **changes)


def test_check_booking_too_many_evenings_noticed() -> None:
    """A fourth evening session in one ISO week is accepted with a notice for that person."""
    others = [_evening(40 + day, 3, day, staff=(CAMILLE,)) for day in (2, 4, 5)]
    assert _check(_booking(), *others) == Verdict(
        notices=(
            Notice(
                "trop-de-soirees",
                "L'intervenant n° 12 aurait 4 séances en soirée la semaine 10 de 2026, au-delà "
                "des 3 conseillées.",
            ),
        )
    )


@pytest.mark.parametrize(
    "others",
    [
        [_evening(40 + day, 3, day, staff=(CAMILLE,)) for day in (2, 4)],
        [_evening(40 + day, 3, day, staff=(CAMILLE,)) for day in (1, 2, 4)],
        [
            *[_evening(40 + day, 3, day, staff=(CAMILLE,)) for day in (2, 4)],
            _evening(45, 3, 5, staff=(CAMILLE,), status=SessionStatus.CANCELLED),
        ],
        [
            *[_evening(40 + day, 3, day, staff=(CAMILLE,)) for day in (2, 4)],
            _other(45, _at(3, 5, 9), _at(3, 5, 12), staff=(CAMILLE,)),
        ],
    ],
    ids=["three", "previous-week", "cancelled", "daytime"],
)
def test_check_booking_evening_count_not_exceeded(others: list[Booking]) -> None:
    """Three evenings is the limit; other weeks, cancellations and daytime do not count."""
    assert _check(_booking(), *others) == Verdict()


def test_check_booking_evening_counts_any_kind_after_window_start() -> None:
    """A forum starting at 17:00 counts as an evening; with the organisation's window, 16:30."""
    others = [
        _other(41, _at(3, 2, 17), _at(3, 2, 19), staff=(CAMILLE,)),
        _other(42, _at(3, 4, 16, 30), _at(3, 4, 19), staff=(CAMILLE,)),
        _evening(43, 3, 5, staff=(CAMILLE,)),
    ]
    window = EveningWindow(start=time(16, 30), end=time(22))
    assert [_codes(_check(_booking(), *others, window=w)) for w in (None, window)] == [
        [],
        [("trop-de-soirees", None)],
    ]


def test_check_booking_daytime_booking_adds_no_evening() -> None:
    """A daytime booking is not blamed for someone's evenings."""
    others = [_evening(40 + day, 3, day, staff=(CAMILLE,)) for day in (2, 4, 5, 6)]
    booking = _booking(kind=SessionKind.INFO_SESSION, start=_at(3, 3, 9), end=_at(3, 3, 11))
    assert _check(booking, *others) == Verdict()


def test_check_booking_evenings_week_53() -> None:
    """ISO week 53 of 2026 runs into January 2027: its evenings are counted together."""
    others = [_evening(40 + day, 12, day, staff=(SAMIR,)) for day in (29, 30, 31)]
    booking = _booking(start=_at(1, 1, 18, year=2027), end=_at(1, 1, 21, year=2027))
    assert [n.message for n in _check(booking, *others).notices] == [
        "L'intervenant n° 13 aurait 4 séances en soirée la semaine 53 de 2026, au-delà des 3 "
        "conseillées."
    ]


# Rule b: a QPV served again within a few days.


def test_check_booking_qpv_revisit_noticed() -> None:
    """Another session serving the same QPV two days later is named in a notice."""
    other = _evening(41, 3, 5, qpv_codes=(QPV,))
    assert _check(_booking(), other) == Verdict(
        notices=(
            Notice(
                "qpv-revisite",
                "Le QPV QN08001M est déjà servi par la séance n° 41 de 18:00 à 20:00 le "
                "05/03/2026, à 2 jours d'écart ; au-delà de 3 jours, d'autres quartiers en "
                "profiteraient.",
                session_id=41,
            ),
        )
    )


@pytest.mark.parametrize(
    ("day", "codes"),
    [
        ((3, 6), [("qpv-revisite", 41)]),
        ((3, 7), []),
        ((2, 28), [("qpv-revisite", 41)]),
        ((2, 27), []),
    ],
    ids=["3-days-after", "4-days-after", "3-days-before", "4-days-before"],
)
def test_check_booking_qpv_revisit_days_boundary(
    day: tuple[int, int], codes: list[tuple[str, int]]
) -> None:
    """Three calendar days apart is still a revisit; four is not."""
    assert _codes(_check(_booking(), _evening(41, *day, qpv_codes=(QPV,)))) == codes


def test_check_booking_qpv_revisit_names_nearest() -> None:
    """Of several sessions serving the QPV, the nearest is named; on a tie, the lowest id."""
    others = [
        _evening(41, 3, 5, qpv_codes=(QPV,)),
        _evening(43, 3, 4, qpv_codes=(QPV,)),
        _evening(42, 3, 4, qpv_codes=(QPV,), place=replace(NORD, venue_id=9)),
    ]
    assert _codes(_check(_booking(), *others)) == [("qpv-revisite", 42)]


def test_check_booking_qpv_revisit_one_per_qpv_by_session() -> None:
    """Each served QPV gets its own notice, ordered by the session they name."""
    others = [
        _evening(41, 3, 4, qpv_codes=(QPV,)),
        _evening(40, 3, 5, qpv_codes=("QN08002M",)),
    ]
    assert _codes(_check(_booking(qpv_codes=(QPV, "QN08002M")), *others)) == [
        ("qpv-revisite", 40),
        ("qpv-revisite", 41),
    ]


def test_check_booking_qpv_revisit_same_day() -> None:
    """A session the same evening elsewhere for the same QPV is noticed as the same day."""
    other = _other(41, _at(3, 3, 14), _at(3, 3, 16), qpv_codes=(QPV,))
    assert [n.message for n in _check(_booking(), other).notices] == [
        "Le QPV QN08001M est déjà servi par la séance n° 41 de 14:00 à 16:00 le 03/03/2026, le "
        "même jour ; au-delà de 3 jours, d'autres quartiers en profiteraient."
    ]


def test_check_booking_qpv_revisit_ignores_cancelled() -> None:
    """A cancelled session did not serve the QPV."""
    other = _evening(41, 3, 4, qpv_codes=(QPV,), status=SessionStatus.CANCELLED)
    assert _check(_booking(), other) == Verdict()


def test_check_booking_qpv_revisit_midnight_end_is_previous_day() -> None:
    """A session ending at 00:00 occupies only the day before: Friday 27 is four days away."""
    other = _other(41, _at(2, 27, 20), _at(2, 28, 0), qpv_codes=(QPV,))
    assert _check(_booking(), other) == Verdict()


# Rule c: venues far from every QPV.


@pytest.mark.parametrize(
    ("distance", "detail"),
    [
        (None, "sa distance au plus proche est inconnue"),
        (500.0, None),
        (500.1, "le plus proche est à 501 m"),
        (2300.0, "le plus proche est à 2,3 km"),
    ],
)
def test_check_booking_venue_outside_qpv(distance: float | None, detail: str | None) -> None:
    """Outside every QPV and beyond 500 m of the nearest (or unknown): a notice."""
    place = replace(ETOUVIE, venue_id=5, qpv_code=None, nearest_qpv_distance_m=distance)
    expected = (
        ()
        if detail is None
        else (
            Notice(
                "lieu-hors-qpv",
                f"Le lieu n° 5 n'est dans aucun QPV et {detail} (au-delà de 500 m) : les "
                "habitants des quartiers y viendront moins.",
            ),
        )
    )
    assert _check(_booking(place=place)) == Verdict(notices=expected)


def test_check_booking_venue_inside_qpv_far_from_nothing() -> None:
    """A venue inside a QPV is never far from one, whatever the distance field says."""
    assert _check(_booking(place=replace(ETOUVIE, nearest_qpv_distance_m=None))) == Verdict()


# Rule d: sessions across a DST change.


def test_check_booking_spring_dst_noticed() -> None:
    """A hackathon over the last weekend of March crosses the change to summer time."""
    booking = _booking(
        kind=SessionKind.HACKATHON, start=_at(3, 28, 10), end=_at(3, 29, 18), qpv_codes=()
    )
    assert _check(booking) == Verdict(
        notices=(
            Notice(
                "changement-d-heure",
                "La séance traverse un changement d'heure (UTC+01:00 au début, UTC+02:00 à la "
                "fin) : vérifiez les horaires annoncés.",
            ),
        )
    )


def test_check_booking_autumn_dst_noticed() -> None:
    """A hackathon over the last weekend of October crosses the change to winter time."""
    booking = _booking(kind=SessionKind.HACKATHON, start=_at(10, 24, 10), end=_at(10, 25, 18))
    assert [n.message for n in _check(booking).notices] == [
        "La séance traverse un changement d'heure (UTC+02:00 au début, UTC+01:00 à la fin) : "
        "vérifiez les horaires annoncés."
    ]


def test_check_booking_duration_is_elapsed_time_across_dst() -> None:
    """72 h elapsed over the spring change is 73 h on the wall clock: still within bounds."""
    booking = _booking(kind=SessionKind.HACKATHON, start=_at(3, 28, 10), end=_at(3, 31, 11))
    assert _codes(_check(booking)) == [("changement-d-heure", None)]


def test_check_booking_no_dst_in_cayenne() -> None:
    """French Guiana keeps UTC−3 all year: the same weekend crosses nothing."""
    zone = "America/Cayenne"
    booking = _booking(
        kind=SessionKind.HACKATHON,
        timezone=zone,
        start=_at(3, 28, 10, zone=zone),
        end=_at(3, 29, 18, zone=zone),
    )
    assert _check(booking) == Verdict()


# Status transitions and frozen sessions.

ALLOWED = {
    (SessionStatus.DRAFT, SessionStatus.PUBLISHED),
    (SessionStatus.DRAFT, SessionStatus.CANCELLED),
    (SessionStatus.PUBLISHED, SessionStatus.COMPLETED),
    (SessionStatus.PUBLISHED, SessionStatus.CANCELLED),
}


def test_check_transition_matrix() -> None:
    """Exactly the four lifecycle moves are allowed; every other pair is refused."""
    matrix = {
        (a, b): getattr(check_transition(a, b), "code", None)
        for a in SessionStatus
        for b in SessionStatus
    }
    assert matrix == {
        (a, b): None if (a, b) in ALLOWED else "transition-interdite"
        for a in SessionStatus
        for b in SessionStatus
    }


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (
            SessionStatus.PUBLISHED,
            SessionStatus.DRAFT,
            "Une séance à l'état « publiée » ne peut pas passer à l'état « brouillon » "
            "(possibles : « terminée », « annulée »).",
        ),
        (
            SessionStatus.COMPLETED,
            SessionStatus.CANCELLED,
            "Une séance à l'état « terminée » ne peut pas passer à l'état « annulée » "
            "(cet état est définitif).",
        ),
        (
            SessionStatus.PUBLISHED,
            SessionStatus.PUBLISHED,
            "La séance est déjà à l'état « publiée ».",
        ),
    ],
    ids=["unpublish", "from-final", "same"],
)
def test_check_transition_refusal_message(
    current: SessionStatus, target: SessionStatus, message: str
) -> None:
    """Refusals name both statuses in French and what is possible instead."""
    assert check_transition(current, target) == Violation("transition-interdite", message)


def test_check_editable_by_status() -> None:
    """Drafts and published sessions may be edited; completed and cancelled ones are frozen."""
    assert [check_editable(status) for status in SessionStatus] == [
        None,
        None,
        Violation(
            "seance-figee",
            "Une séance terminée ne peut plus être modifiée ; seul son bilan peut encore être "
            "saisi.",
        ),
        Violation("seance-figee", "Une séance annulée ne peut plus être modifiée."),
    ]


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
