"""The soft booking rules: a booking that breaks one is accepted with a notice.

Rule a: evenings per person per ISO week; rule b: a QPV served again within a few days; rule c:
venues far from every QPV; rule d: sessions across a DST change.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from planner import rules_text as text
from planner.rules_case import Case, staff_ids
from planner.session import Booking, EveningWindow, Notice, SessionKind


def _is_evening(booking: Booking, start: datetime, window: EveningWindow) -> bool:
    """Rule a: neighbourhood sessions, and any session starting at or after the window's start,
    local time (an evening forum tires people as much)."""
    local = start.astimezone(ZoneInfo(booking.timezone))
    return booking.kind is SessionKind.NEIGHBOURHOOD_SESSION or local.time() >= window.start


def check_evenings(case: Case) -> Iterator[Notice]:
    """Rule a: an evening booking makes more than ``max_evenings_per_week`` evening sessions for
    someone in the ISO week of its local start (each session's week read in its own zone)."""
    booking, window = case.booking, case.window
    if not case.holds or not _is_evening(booking, case.start, window):
        return
    year, week, _ = case.start.astimezone(case.zone).isocalendar()
    evenings = [
        other
        for other, other_start, _ in case.spans
        if _is_evening(other, other_start, window)
        and other_start.astimezone(ZoneInfo(other.timezone)).isocalendar()[:2] == (year, week)
    ]
    limit = case.settings.max_evenings_per_week
    for staff_id in sorted(staff_ids(booking)):
        count = 1 + sum(staff_id in staff_ids(other) for other in evenings)
        if count > limit:
            yield Notice(
                "trop-de-soirees",
                f"{text.sentence(text.person(staff_id, booking))} aurait {count} séances en soirée "
                f"la semaine {week} "
                f"de {year}, au-delà des {limit} conseillées.",
            )


def check_revisits(case: Case) -> Iterator[Notice]:
    """Rule b: for each QPV served, the nearest other session serving it at most
    ``qpv_revisit_days`` local calendar days away (0 for the same day or an overlap), nearest by
    days, then by elapsed gap, then by id; notices in session id order."""
    start, end, zone, days_max = case.start, case.end, case.zone, case.settings.qpv_revisit_days
    found = []
    for code in sorted(set(case.booking.qpv_codes)):
        nearby = []
        for other, other_start, other_end in case.spans:
            days = max(0, _days(start, other_end, zone), _days(other_start, end, zone))
            if code in other.qpv_codes and days <= days_max:
                gap = max(timedelta(0), start - other_end, other_start - end)
                nearby.append((days, gap, (other, other_start, other_end)))
        if not nearby:
            continue
        days, _, (other, other_start, other_end) = min(nearby, key=lambda n: (n[0], n[1]))
        apart = "le même jour" if days == 0 else f"à {text.count(days, 'jour')} d'écart"
        found.append(
            Notice(
                "qpv-revisite",
                f"Le QPV {code} est déjà servi par la {text.session_name(other)} "
                f"{text.interval(other_start, other_end, zone)}, {apart} ; au-delà de "
                f"{text.count(days_max, 'jour')}, d'autres quartiers en profiteraient.",
                session_id=other.id,
            )
        )
    yield from sorted(found, key=lambda n: (n.session_id is None, n.session_id or 0))


def check_outside_qpv(case: Case) -> Iterator[Notice]:
    """Rule c: the venue lies in no QPV and farther than ``serve_radius_m`` from the nearest
    (an unknown distance counts as farther)."""
    place, radius = case.booking.place, case.settings.serve_radius_m
    distance = place.nearest_qpv_distance_m
    if place.qpv_code is not None or (distance is not None and distance <= radius):
        return
    nearest = (
        "sa distance au plus proche est inconnue"
        if distance is None
        else f"le plus proche est à {text.distance(distance)}"
    )
    yield Notice(
        "lieu-hors-qpv",
        f"{text.sentence(text.venue(place))} n'est dans aucun QPV et {nearest} (au-delà de "
        f"{text.distance(radius)}) : les habitants des quartiers y viendront moins.",
    )


def check_dst(case: Case) -> Iterator[Notice]:
    """Rule d: the local UTC offset changes during the session (a DST change): the wall-clock
    duration differs from the real one, and calendars may show it oddly."""
    if not case.sound:
        return
    before, after = (moment.astimezone(case.zone).utcoffset() for moment in (case.start, case.end))
    if before != after:
        yield Notice(
            "changement-d-heure",
            f"La séance traverse un changement d'heure ({text.utc_offset(before)} au début, "
            f"{text.utc_offset(after)} à la fin) : vérifiez les horaires annoncés.",
        )


def _days(later_start: datetime, earlier_end: datetime, zone: ZoneInfo) -> int:
    """Local calendar days from the last day a session occupies to the first of a later one."""
    last = (earlier_end - timedelta(microseconds=1)).astimezone(zone).date()
    return (later_start.astimezone(zone).date() - last).days
