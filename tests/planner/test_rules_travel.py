"""Hard booking rule 3: travel time between two sessions of one person."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from geo.measure import geodesic_m
from planner.rules_travel import travel_time
from planner.session import (
    Verdict,
    Violation,
)
from tests.planner.rules_cases import (
    CAMILLE,
    ETOUVIE,
    NORD,
    SAMIR,
    SETTINGS,
    UNPLACED,
    _at,
    _booking,
    _check,
    _codes,
    _other,
)

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
