"""Soft booking rules a to d, each on both sides of its boundary."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from typing import Any

import pytest

from planner.session import (
    Booking,
    EveningWindow,
    Notice,
    SessionKind,
    SessionStatus,
    Verdict,
)
from tests.planner.rules_cases import (
    CAMILLE,
    ETOUVIE,
    NORD,
    QPV,
    SAMIR,
    _at,
    _booking,
    _check,
    _codes,
    _other,
)

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
