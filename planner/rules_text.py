"""French wording shared by the booking rules' messages: moments, intervals, durations, distances.

Times are written in the zone given (the booking's own wall clock), as people read them in
their calendar: ``03/03/2026 à 18:00``, ``de 18:00 à 21:30 le 03/03/2026``.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from planner.session import Booking, Place


def person(staff_id: int, *bookings: Booking) -> str:
    """The person's name as one of ``bookings`` gives it (``Awa Diallo``), or
    ``l'intervenant n° 18`` when none does."""
    for booking in bookings:
        for assignment in booking.staff:
            if assignment.staff_id == staff_id and assignment.name:
                return assignment.name
    return f"l'intervenant n° {staff_id}"


def venue(place: Place) -> str:
    """``le lieu « Centre social Étouvie »``, or ``le lieu n° 3`` when its name is unknown."""
    return f"le lieu « {place.name} »" if place.name else f"le lieu n° {place.venue_id}"


def sentence(text: str) -> str:
    """``text`` with a capital first letter (to start a message)."""
    return text[:1].upper() + text[1:]


def session_name(other: Booking) -> str:
    """``séance n° 41`` (a session not yet stored has no number)."""
    return "séance sans numéro" if other.id is None else f"séance n° {other.id}"


def moment(instant: datetime, zone: ZoneInfo) -> str:
    """``03/03/2026 à 18:00`` in ``zone``."""
    return f"{instant.astimezone(zone):%d/%m/%Y à %H:%M}"


def interval(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """``de 18:00 à 21:30 le 03/03/2026``, or ``du … à … au … à …`` over several local days."""
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.date() == last.date():
        return f"de {first:%H:%M} à {last:%H:%M} le {first:%d/%m/%Y}"
    return f"du {moment(start, zone)} au {moment(end, zone)}"


def duration(span: timedelta) -> str:
    """``45 min``, ``3 h``, ``1 h 05``, ``72 h``; seconds are dropped."""
    hours, minutes = divmod(int(span.total_seconds()) // 60, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes:02d}" if minutes else f"{hours} h"


def distance(metres: float) -> str:
    """``740 m`` under a kilometre, rounded up (500.1 m is not "500 m", past a 500 m limit),
    else ``2,3 km`` (French decimal comma)."""
    if metres < 1000:
        return f"{math.ceil(metres)} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


def utc_offset(offset: timedelta | None) -> str:
    """``UTC+01:00``, ``UTC-03:00``."""
    minutes = int((offset or timedelta(0)).total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def count(number: int, noun: str) -> str:
    """``1 jour``, ``2 jours``: French plural of a regular noun (0 and 1 are singular)."""
    return f"{number} {noun}{'s' if number > 1 else ''}"
