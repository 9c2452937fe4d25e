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

The rules themselves live by kind: hard ones in :mod:`planner.rules_hard` and
:mod:`planner.rules_travel` (rule 3), soft ones in :mod:`planner.rules_soft`, the status
lifecycle in :mod:`planner.rules_status`; this module assembles the verdict and expands series.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from planner.rules_case import Case, neighbours, utc
from planner.rules_hard import check_conflicts, check_inputs, check_neighbourhood, check_placed
from planner.rules_soft import check_dst, check_evenings, check_outside_qpv, check_revisits
from planner.rules_status import check_editable, check_transition
from planner.rules_travel import check_travel
from planner.session import HOLDING, Booking, EveningWindow, RuleSettings, Verdict

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
]


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
    start, end = utc(booking.start), utc(booking.end)
    holds = start < end and booking.status in HOLDING
    case = Case(
        booking=booking,
        start=start,
        end=end,
        now=utc(now),
        zone=ZoneInfo(booking.timezone),
        sound=start < end,
        holds=holds,
        spans=neighbours(booking, others) if holds else (),
        settings=settings,
        window=settings.evening_window if window is None else window,
    )
    hard = (check_inputs, check_conflicts, check_travel, check_neighbourhood, check_placed)
    soft = (check_evenings, check_revisits, check_outside_qpv, check_dst)
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
    first = utc(first_start).astimezone(zone)
    wall = first.replace(tzinfo=None)
    return [
        (wall + timedelta(days=interval_days * i))
        .replace(tzinfo=zone, fold=first.fold)
        .astimezone(UTC)
        .astimezone(zone)
        for i in range(count)
    ]
