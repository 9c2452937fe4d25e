"""Rule 3 of the booking rules: between two sessions of one person, time to travel.

The straight-line distance between the venues at ``settings.travel_speed_kmh``, plus a margin,
must fit between the end of one session and the start of the next. The planner's slots apply
the same pair check (:func:`travel_shortfall`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from geo.measure import geodesic_m
from planner import rules_text as text
from planner.rules_case import Case, overlap, staff_ids
from planner.session import Place, RuleSettings, Violation


def travel_time(metres: float, settings: RuleSettings) -> timedelta:
    """Time needed between two sessions at venues ``metres`` apart (rule 3): the straight line at
    ``settings.travel_speed_kmh``, rounded up to the whole minute, plus ``travel_margin``.

    Rounding up keeps the bound in the minutes people book in and read in messages.
    """
    minutes = math.ceil(metres * 60 / (settings.travel_speed_kmh * 1000))
    return timedelta(minutes=minutes) + settings.travel_margin


@dataclass(frozen=True, slots=True)
class TravelShortfall:
    """Two sessions of one person too close in time for the distance between their venues."""

    metres: float
    needed: timedelta
    """Travel time and margin (:func:`travel_time`)."""
    gap: timedelta
    """Time between the end of the first and the start of the second."""
    before: bool
    """The other session comes first."""


def travel_shortfall(
    here: Place,
    start: datetime,
    end: datetime,
    there: Place,
    other_start: datetime,
    other_end: datetime,
    settings: RuleSettings,
) -> TravelShortfall | None:
    """Rule 3 for one pair of sessions (aware datetimes): why the gap between them does not
    cover the travel between their venues, or ``None`` when it does or the rule does not apply
    (same venue, a venue unplaced, overlapping sessions: rule 2's)."""
    if (
        there.venue_id == here.venue_id
        or here.lon is None
        or here.lat is None
        or there.lon is None
        or there.lat is None
        or overlap(start, end, other_start, other_end)
    ):
        return None
    metres = geodesic_m(here.lon, here.lat, there.lon, there.lat)
    needed = travel_time(metres, settings)
    before = other_end <= start
    gap = start - other_end if before else other_start - end
    return TravelShortfall(metres, needed, gap, before) if gap < needed else None


def check_travel(case: Case) -> Iterator[Violation]:
    """Rule 3: between two sessions of one person at different placed venues, the gap covers
    :func:`travel_time`. Overlapping pairs are rule 2's; an unplaced venue skips the pair."""
    here, start, end = case.booking.place, case.start, case.end
    for other, other_start, other_end in case.spans:
        there = other.place
        shared = staff_ids(case.booking) & staff_ids(other)
        if not shared:
            continue
        short = travel_shortfall(here, start, end, there, other_start, other_end, case.settings)
        if short is None:
            continue
        origin, destination = (there, here) if short.before else (here, there)
        for staff_id in sorted(shared):
            yield Violation(
                "trajet-impossible",
                f"{text.sentence(text.person(staff_id, case.booking, other))} ne peut pas aller "
                f"à temps du {text.venue(origin).removeprefix('le ')} au "
                f"{text.venue(destination).removeprefix('le ')} : "
                f"{text.distance(short.metres)} à vol d'oiseau demandent "
                f"{text.duration(short.needed)} (trajet et marge), il n'y a que "
                f"{text.duration(short.gap)} entre cette séance et la {text.session_name(other)}.",
                session_id=other.id,
            )
