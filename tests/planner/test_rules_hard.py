"""Hard booking rules 1, 2, 4 and 5, each on both sides of its boundary."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from planner.session import (
    HOLDING,
    Assignment,
    EveningWindow,
    Place,
    SessionKind,
    SessionStatus,
    Verdict,
    Violation,
)
from tests.planner.rules_cases import (
    CAMILLE,
    ETOUVIE,
    LEA,
    SAMIR,
    SETTINGS,
    UNPLACED,
    _at,
    _booking,
    _check,
    _codes,
    _other,
)

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
