"""Booking rules as pure functions: what makes a session bookable, and what deserves a warning.

:func:`check_booking` judges one :class:`~planner.session.Booking` against the sessions around
it and returns every hard rule broken (:class:`~planner.session.Violation`: refused) and every
soft one (:class:`~planner.session.Notice`: accepted with a warning), as pretalx's
``get_talk_warnings`` does; the service raises one error carrying the list. No ORM, no clock,
no I/O: the service loads the neighbours and passes ``now=``. Messages are French, for a person;
:data:`CODES` is the table of stable codes, in the order the verdict lists them.

Times are compared as instants (UTC), never as wall clocks: two aware datetimes sharing a
``ZoneInfo`` compare and subtract by wall clock in Python, which is wrong across a DST change.
Wall-clock rules (the evening window, ISO weeks, calendar days, messages) read the booking's own
zone. Naive datetimes are a programming error (:class:`ValueError`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from geo.measure import geodesic_m
from planner import rules_text as text
from planner.rules_status import check_editable, check_transition
from planner.session import (
    HOLDING,
    SESSION_KIND_LABELS,
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

CODES: dict[str, str] = {
    "fin-avant-debut": "hard, rule 1: the end is not after the start (field end)",
    "duree-hors-bornes": "hard, rule 1: duration outside settings.durations[kind], inclusive",
    "dans-le-passe": "hard, rule 1: start < now (field start)",
    "capacite-negative": "hard, rule 1: capacity < 0 (field capacity)",
    "intervenant-deja-pris": "hard, rule 2: one per (staff, overlapping session) (field staff)",
    "lieu-deja-pris": "hard, rule 2: the venue hosts an overlapping session (field venue)",
    "trajet-impossible": "hard, rule 3: one per (staff, session) too close to reach in time",
    "hors-creneau-du-soir": "hard, rule 4: outside the evening window, local time (start/end)",
    "binome-incomplet": "hard, rule 4: fewer than 2 staff from 2 organisations (field staff)",
    "lieu-non-geolocalise": "hard, rule 5: published with an unplaced venue (field venue)",
    "trop-de-soirees": "soft, rule a: one per staff member over max_evenings_per_week",
    "qpv-revisite": "soft, rule b: one per QPV, naming the nearest session serving it",
    "lieu-hors-qpv": "soft, rule c: venue in no QPV and beyond serve_radius_m of the nearest",
    "changement-d-heure": "soft, rule d: UTC offset differs between start and end (DST)",
    "transition-interdite": "check_transition: status change not in TRANSITIONS",
    "seance-figee": "check_editable: completed or cancelled sessions are frozen",
}
"""Every code the rules emit, with its rule; verdicts follow this order, then session id."""

__all__ = [
    "CODES",
    "check_booking",
    "check_editable",
    "check_transition",
    "series_starts",
    "travel_shortfall",
    "travel_time",
]

_Span = tuple[Booking, datetime, datetime]
"""A neighbour with its start and end as UTC instants."""


@dataclass(frozen=True, slots=True)
class _Case:
    """The booking being judged with what every rule reads; times are UTC instants."""

    booking: Booking
    start: datetime
    end: datetime
    now: datetime
    zone: ZoneInfo
    sound: bool
    """The end is after the start: the rules on intervals apply."""
    holds: bool
    """Sound and in a holding status: the booking holds its staff and venue (rules 2, 3, a, b)."""
    spans: tuple[_Span, ...]
    """Holding neighbours; none when the booking holds nothing."""
    settings: RuleSettings
    window: EveningWindow


def check_booking(
    booking: Booking,
    *,
    others: Sequence[Booking],
    now: datetime,
    settings: RuleSettings,
    window: EveningWindow | None = None,
) -> Verdict:
    """Judge ``booking`` against ``others`` (a superset of its neighbours, any status).

    ``window`` is the organising organisation's evening window (default
    ``settings.evening_window``). An ``other`` with the booking's own id is the booking itself,
    being edited, and is ignored; cancelled others release their staff and venue and count for
    nothing, nor does a cancelled booking hold anything. When the end is not after the start,
    only the rules that do not need a time interval are checked. Violations and notices come in
    :data:`CODES` order, then by conflicting session id, so the verdict does not depend on the
    order of ``others``.
    """
    start, end = _utc(booking.start), _utc(booking.end)
    holds = start < end and booking.status in HOLDING
    case = _Case(
        booking=booking,
        start=start,
        end=end,
        now=_utc(now),
        zone=ZoneInfo(booking.timezone),
        sound=start < end,
        holds=holds,
        spans=_neighbours(booking, others) if holds else (),
        settings=settings,
        window=settings.evening_window if window is None else window,
    )
    hard = (_check_inputs, _check_conflicts, _check_travel, _check_neighbourhood, _check_placed)
    soft = (_check_evenings, _check_revisits, _check_outside_qpv, _check_dst)
    return Verdict(
        violations=tuple(v for rule in hard for v in rule(case)),
        notices=tuple(n for rule in soft for n in rule(case)),
    )


def series_starts(
    first_start: datetime, *, count: int, timezone: str, interval_days: int = 7
) -> list[datetime]:
    """Return the ``count`` starts of a series, one every ``interval_days`` days, at the same
    local wall-clock time in ``timezone`` (aware datetimes in that zone, the first one included).

    Every Tuesday 18:00 Europe/Paris stays 18:00 local across the end of October, so its UTC
    instant moves by an hour. A wall-clock time that does not exist that day (02:30 on the spring
    change) is moved forward by the gap, as an instant would be; an ambiguous one (02:30 on the
    autumn change) takes the same fold as ``first_start``.
    """
    if count < 0 or interval_days < 1:
        raise ValueError("count must be >= 0 and interval_days >= 1")
    zone = ZoneInfo(timezone)
    first = _utc(first_start).astimezone(zone)
    wall = first.replace(tzinfo=None)
    return [
        (wall + timedelta(days=interval_days * i))
        .replace(tzinfo=zone, fold=first.fold)
        .astimezone(UTC)
        .astimezone(zone)
        for i in range(count)
    ]


def travel_time(metres: float, settings: RuleSettings) -> timedelta:
    """Time needed between two sessions at venues ``metres`` apart (rule 3): the straight line at
    ``settings.travel_speed_kmh``, rounded up to the whole minute, plus ``travel_margin``.

    Rounding up keeps the bound in the minutes people book in and read in messages.
    """
    minutes = math.ceil(metres * 60 / (settings.travel_speed_kmh * 1000))
    return timedelta(minutes=minutes) + settings.travel_margin


def _utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the rules need aware datetimes")
    return moment.astimezone(UTC)


def _neighbours(booking: Booking, others: Sequence[Booking]) -> tuple[_Span, ...]:
    """The holding others that are not the booking itself, without duplicates, in a total order
    that does not depend on how the service loaded them."""
    kept = {
        other
        for other in others
        if other.status in HOLDING and (booking.id is None or other.id != booking.id)
    }
    spans = [(other, _utc(other.start), _utc(other.end)) for other in kept]
    return tuple(
        sorted(spans, key=lambda s: (s[0].id is None, s[0].id or 0, s[1], s[2], repr(s[0])))
    )


def _overlap(start: datetime, end: datetime, other_start: datetime, other_end: datetime) -> bool:
    """Half-open intervals [start, end) meet: back-to-back sessions do not overlap (rule 2)."""
    return max(start, other_start) < min(end, other_end)


def _staff(booking: Booking) -> set[int]:
    return {a.staff_id for a in booking.staff}


def _check_inputs(case: _Case) -> Iterator[Violation]:
    """Rule 1: end after start, duration (elapsed, not wall clock) within the kind's bounds,
    no start in the past, no negative capacity."""
    booking, start, end, zone = case.booking, case.start, case.end, case.zone
    if not case.sound:
        yield Violation(
            "fin-avant-debut",
            f"La fin ({text.moment(end, zone)}) doit être après le début "
            f"({text.moment(start, zone)}).",
            field="end",
        )
    elif not (bounds := case.settings.durations[booking.kind])[0] <= end - start <= bounds[1]:
        yield Violation(
            "duree-hors-bornes",
            f"Une séance « {SESSION_KIND_LABELS[booking.kind]} » dure de "
            f"{text.duration(bounds[0])} à {text.duration(bounds[1])} : celle-ci dure "
            f"{text.duration(end - start)}.",
        )
    if start < case.now:
        yield Violation(
            "dans-le-passe",
            f"Le début ({text.moment(start, zone)}) est déjà passé : on ne réserve pas dans "
            "le passé.",
            field="start",
        )
    if booking.capacity is not None and booking.capacity < 0:
        yield Violation(
            "capacite-negative",
            f"La capacité ne peut pas être négative (ici {booking.capacity}).",
            field="capacity",
        )


def _check_conflicts(case: _Case) -> Iterator[Violation]:
    """Rule 2: nobody in two overlapping sessions, no venue hosting two (holding ones only)."""
    booking, zone = case.booking, case.zone
    clashes = [s for s in case.spans if _overlap(case.start, case.end, s[1], s[2])]
    for other, other_start, other_end in clashes:
        for staff_id in sorted(_staff(booking) & _staff(other)):
            yield Violation(
                "intervenant-deja-pris",
                f"L'intervenant n° {staff_id} est déjà en séance "
                f"{text.interval(other_start, other_end, zone)} ({text.session_name(other)}).",
                session_id=other.id,
                field="staff",
            )
    for other, other_start, other_end in clashes:
        if other.place.venue_id == booking.place.venue_id:
            yield Violation(
                "lieu-deja-pris",
                f"Le lieu n° {booking.place.venue_id} est déjà réservé "
                f"{text.interval(other_start, other_end, zone)} ({text.session_name(other)}).",
                session_id=other.id,
                field="venue",
            )


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
        or _overlap(start, end, other_start, other_end)
    ):
        return None
    metres = geodesic_m(here.lon, here.lat, there.lon, there.lat)
    needed = travel_time(metres, settings)
    before = other_end <= start
    gap = start - other_end if before else other_start - end
    return TravelShortfall(metres, needed, gap, before) if gap < needed else None


def _check_travel(case: _Case) -> Iterator[Violation]:
    """Rule 3: between two sessions of one person at different placed venues, the gap covers
    :func:`travel_time`. Overlapping pairs are rule 2's; an unplaced venue skips the pair."""
    here, start, end = case.booking.place, case.start, case.end
    for other, other_start, other_end in case.spans:
        there = other.place
        shared = _staff(case.booking) & _staff(other)
        if not shared:
            continue
        short = travel_shortfall(here, start, end, there, other_start, other_end, case.settings)
        if short is None:
            continue
        origin, destination = (there, here) if short.before else (here, there)
        for staff_id in sorted(shared):
            yield Violation(
                "trajet-impossible",
                f"L'intervenant n° {staff_id} ne peut pas aller à temps du lieu "
                f"n° {origin.venue_id} au lieu n° {destination.venue_id} : "
                f"{text.distance(short.metres)} à vol d'oiseau demandent "
                f"{text.duration(short.needed)} (trajet et marge), il n'y a que "
                f"{text.duration(short.gap)} entre cette séance et la {text.session_name(other)}.",
                session_id=other.id,
            )


def _check_neighbourhood(case: _Case) -> Iterator[Violation]:
    """Rule 4: a neighbourhood session starts and ends inside the evening window, local time, on
    one local day (an end at 22:00 exactly fits a 22:00 window), and is staffed by at least two
    people from at least two organisations (the seminar's Mission Locale and social-centre pairs).
    """
    booking, zone, window = case.booking, case.zone, case.window
    if booking.kind is not SessionKind.NEIGHBOURHOOD_SESSION:
        return
    local_start, local_end = case.start.astimezone(zone), case.end.astimezone(zone)
    early = local_start.time() < window.start
    late = local_end.date() != local_start.date() or local_end.time() > window.end
    if case.sound and (early or late):
        yield Violation(
            "hors-creneau-du-soir",
            f"Une permanence de quartier se tient le même soir entre {window.start:%H:%M} et "
            f"{window.end:%H:%M} (heure locale, {zone.key}) : celle-ci a lieu "
            f"{text.interval(case.start, case.end, zone)}.",
            field=None if early and late else "start" if early else "end",
        )
    people = len(_staff(booking))
    bodies = len({a.organisation_id for a in booking.staff})
    if people < 2 or bodies < 2:
        yield Violation(
            "binome-incomplet",
            "Une permanence de quartier se tient à deux au moins, de deux structures différentes "
            f"(ici : {text.count(people, 'intervenant')}, {text.count(bodies, 'structure')}).",
            field="staff",
        )


def _check_placed(case: _Case) -> Iterator[Violation]:
    """Rule 5: a published session has a venue placed on the map (residents must find it)."""
    place = case.booking.place
    if case.booking.status is SessionStatus.PUBLISHED and (place.lon is None or place.lat is None):
        yield Violation(
            "lieu-non-geolocalise",
            f"Le lieu n° {place.venue_id} n'est pas placé sur la carte : une séance publiée "
            "doit avoir un lieu géolocalisé (adresse ou coordonnées).",
            field="venue",
        )


def _is_evening(booking: Booking, start: datetime, window: EveningWindow) -> bool:
    """Rule a: neighbourhood sessions, and any session starting at or after the window's start,
    local time (an evening forum tires people as much)."""
    local = start.astimezone(ZoneInfo(booking.timezone))
    return booking.kind is SessionKind.NEIGHBOURHOOD_SESSION or local.time() >= window.start


def _check_evenings(case: _Case) -> Iterator[Notice]:
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
    for staff_id in sorted(_staff(booking)):
        count = 1 + sum(staff_id in _staff(other) for other in evenings)
        if count > limit:
            yield Notice(
                "trop-de-soirees",
                f"L'intervenant n° {staff_id} aurait {count} séances en soirée la semaine {week} "
                f"de {year}, au-delà des {limit} conseillées.",
            )


def _check_revisits(case: _Case) -> Iterator[Notice]:
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


def _check_outside_qpv(case: _Case) -> Iterator[Notice]:
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
        f"Le lieu n° {place.venue_id} n'est dans aucun QPV et {nearest} (au-delà de "
        f"{text.distance(radius)}) : les habitants des quartiers y viendront moins.",
    )


def _check_dst(case: _Case) -> Iterator[Notice]:
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
