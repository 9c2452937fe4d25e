"""VTIMEZONE blocks in the classic rule-based form, derived from the tz database (zoneinfo).

RFC 5545 §3.6.5 lets a VTIMEZONE describe its onsets by ``RRULE`` or by ``RDATE`` lists.
icalendar 7.3's ``add_missing_timezones()`` writes ``RDATE`` lists, which Thunderbird's and
Radicale's parsers misread (every summer event one hour off, docs/CALENDAR_FEEDS.md). We write
what tzurl.org, Thunderbird and Google write: one ``DAYLIGHT`` and one ``STANDARD`` block, each
with a yearly ``RRULE`` stated from 1970 (``BYMONTH=3;BYDAY=-1SU`` and ``BYMONTH=10;BYDAY=-1SU``
for Europe/Paris); a zone without daylight saving time gets a single ``STANDARD`` block.

The rules are read from zoneinfo, not typed in: the offset changes of :data:`SCAN_YEARS` are
found by scanning the zone, and must form one yearly pair on fixed weekday rules (or be none).
A zone whose rules changed within those years (or will, as far as the tz database knows) is
refused with :class:`ValueError` rather than written wrong: expressing a change of rules needs
``UNTIL`` in a VTIMEZONE, and Home Assistant's parser rejects a whole calendar for it (it wants
``UNTIL`` in local time where RFC 5545 §3.6.5 demands UTC).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SCAN_YEARS = range(2020, 2038)
"""Years whose offset changes are read from zoneinfo and must follow one yearly rule.

They cover every feed's rolling window (60 days back, a year ahead) with room to spare;
2037 is where 32-bit TZif data ends and the zone's standing rule takes over.
"""
CLASSIC_YEAR = 1970
"""The rules are stated from this year, as tzurl.org, Thunderbird and Google do."""

_DAY = 86_400
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


@dataclass(frozen=True, slots=True)
class _Change:
    """One offset change of a zone: the UTC instant, the offsets around it, the new name."""

    at: datetime
    before: timedelta
    after: timedelta
    name: str
    daylight: bool

    @property
    def wall(self) -> datetime:
        """The local wall-clock time of the change, read in the offset before it (RFC 5545)."""
        return (self.at + self.before).replace(tzinfo=None)

    @property
    def positions(self) -> frozenset[int]:
        """The ``BYDAY`` ordinals naming its day: n-th weekday of the month, and -1 if last."""
        wall = self.wall
        nth = (wall.day - 1) // 7 + 1
        last = wall.day + 7 > calendar.monthrange(wall.year, wall.month)[1]
        return frozenset({nth, -1} if last else {nth})

    @property
    def kind(self) -> tuple[bool, timedelta, timedelta, str, int, int, time]:
        """What must stay equal for two changes to follow one yearly rule."""
        wall = self.wall
        return (
            self.daylight,
            self.before,
            self.after,
            self.name,
            wall.month,
            wall.weekday(),
            wall.time(),
        )


@dataclass(slots=True)
class _Rule:
    """A run of changes, one a year, on the same weekday rule: one DAYLIGHT/STANDARD block."""

    changes: list[_Change]
    positions: frozenset[int]

    def accepts(self, change: _Change) -> bool:
        """Whether ``change`` continues this run: same kind, next year, a common ordinal."""
        last = self.changes[-1]
        return (
            last.kind == change.kind
            and last.wall.year + 1 == change.wall.year
            and bool(self.positions & change.positions)
        )

    def lines(self) -> list[str]:
        """The block's content lines, from ``BEGIN`` to ``END``, stated from 1970."""
        first = self.changes[0]
        wall = first.wall
        position = -1 if -1 in self.positions else min(self.positions)
        days = [
            day
            for day in range(1, calendar.monthrange(CLASSIC_YEAR, wall.month)[1] + 1)
            if calendar.weekday(CLASSIC_YEAR, wall.month, day) == wall.weekday()
        ]
        day = days[position - 1 if position > 0 else position]
        start = datetime.combine(datetime(CLASSIC_YEAR, wall.month, day).date(), wall.time())  # noqa: DTZ001
        component = "DAYLIGHT" if first.daylight else "STANDARD"
        return [
            f"BEGIN:{component}",
            f"TZOFFSETFROM:{_offset(first.before)}",
            f"TZOFFSETTO:{_offset(first.after)}",
            f"TZNAME:{first.name}",
            f"DTSTART:{start:%Y%m%dT%H%M%S}",
            f"RRULE:FREQ=YEARLY;BYMONTH={wall.month};BYDAY={position}{_WEEKDAYS[wall.weekday()]}",
            f"END:{component}",
        ]


def vtimezone(zone: str) -> bytes:
    """Return the VTIMEZONE block of an IANA zone, rule-based (RFC 5545 §3.6.5), CRLF-ended.

    Europe/Paris gives the classic pair (``DAYLIGHT`` from the last Sunday of March at 02:00,
    ``STANDARD`` from the last Sunday of October at 03:00); America/Cayenne, Indian/Reunion and
    the other overseas zones without DST give one ``STANDARD`` block. Raises
    :class:`ValueError` for a zone zoneinfo does not know, or whose rules changed during
    :data:`SCAN_YEARS`. Cached per zone.
    """
    return _vtimezone(zone)


@cache
def _vtimezone(zone: str) -> bytes:
    if not _ZONE_NAME.fullmatch(zone):
        raise ValueError(f"fuseau horaire invalide : {zone!r}")
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"fuseau horaire inconnu : {zone!r}") from error
    rules: list[_Rule] = []
    for change in _changes(tz):
        rule = next((r for r in rules if r.accepts(change)), None)
        if rule is None:
            rules.append(_Rule([change], change.positions))
        else:
            rule.changes.append(change)
            rule.positions &= change.positions
    # No X-LIC-LOCATION (tzurl.org writes one): dateutil's tzical refuses any X- property here.
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone}"]
    if not rules:
        origin = datetime(SCAN_YEARS[0], 1, 1, tzinfo=UTC).astimezone(tz)
        offset = _offset(origin.utcoffset() or timedelta(0))
        lines += [
            "BEGIN:STANDARD",
            f"TZOFFSETFROM:{offset}",
            f"TZOFFSETTO:{offset}",
            f"TZNAME:{origin.tzname()}",
            f"DTSTART:{CLASSIC_YEAR}0101T000000",
            "END:STANDARD",
        ]
    elif len(rules) == 2 and all(len(rule.changes) == len(SCAN_YEARS) for rule in rules):
        for rule in rules:
            lines += rule.lines()
    else:
        raise ValueError(
            f"le fuseau {zone} change de règles entre {SCAN_YEARS[0]} et {SCAN_YEARS[-1]} :"
            " il n'a pas de VTIMEZONE classique"
        )
    lines.append("END:VTIMEZONE")
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _changes(tz: ZoneInfo) -> list[_Change]:
    """The offset changes of ``tz`` during :data:`SCAN_YEARS`, found day by day then bisected."""

    def offset(t: int) -> timedelta:
        return datetime.fromtimestamp(t, tz).utcoffset() or timedelta(0)

    t = int(datetime(SCAN_YEARS[0], 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(SCAN_YEARS[-1] + 1, 1, 1, tzinfo=UTC).timestamp())
    before = offset(t)
    found: list[_Change] = []
    while t < end:
        step = t + _DAY
        if offset(step) == before:
            t = step
            continue
        low, high = t, step
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if offset(middle) == before else (low, middle)
        local = datetime.fromtimestamp(high, tz)
        after = offset(high)
        found.append(
            _Change(
                at=datetime.fromtimestamp(high, UTC),
                before=before,
                after=after,
                name=local.tzname() or "",
                daylight=bool(local.dst()),
            )
        )
        t, before = high, after
    return found


def _offset(delta: timedelta) -> str:
    """An RFC 5545 UTC-OFFSET: ``+0100``, ``-0300``, seconds only when there are some."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")
