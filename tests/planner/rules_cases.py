"""The sessions, places and people the booking-rule tests build on, and how they judge them.

Shared by ``tests/planner/test_rules*.py``: a valid evening neighbourhood session at Étouvie
(:func:`_booking`), neighbours around it (:func:`_other`), and :func:`_check` with the fixed
``now`` and settings.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from planner.clock import PARIS
from planner.rules import check_booking
from planner.session import (
    Assignment,
    Booking,
    Notice,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
    Verdict,
    Violation,
)

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
