"""A feed as a concatenation: calendar header, VTIMEZONE blocks, VEVENT fragments, footer.

Each session's VEVENT is rendered once, when it changes (:func:`calendars.event.render_event`),
and kept as bytes; serving a feed only joins bytes, so it costs a copy, not a rendering. The
same inputs give the same bytes and therefore the same strong ETag (RFC 9110 §8.8.3), which is
what lets a client's ``If-None-Match`` be answered with ``304``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from icalendar import Calendar, vDuration

from calendars.event import text_value
from calendars.timezone import vtimezone

FOOTER = b"END:VCALENDAR\r\n"
_USED_ZONE = re.compile(rb"\nDTSTART;TZID=([^:\r]+):")
"""A fragment's zone: render_event writes DTSTART and DTEND in the same one."""
WINDOW_BACK = timedelta(days=60)
"""How far back a feed reaches: past sessions stay visible for two months."""
WINDOW_AHEAD = timedelta(days=365)
"""How far ahead a feed reaches. Google drops events from feeds over about 1 MB: at some
650 bytes a session, that is about 1,500 sessions in the window of one feed."""


@dataclass(frozen=True, slots=True)
class FeedHeader:
    """What a calendar says about itself (RFC 5545 §3.7, RFC 7986 §5)."""

    name: str
    """Shown as the calendar's name: ``NAME`` and ``X-WR-CALNAME``."""
    description: str
    """``DESCRIPTION`` and ``X-WR-CALDESC``."""
    domain: str
    """The service's domain, named in ``PRODID``."""
    refresh: timedelta = timedelta(hours=1)
    """How often clients should poll: ``REFRESH-INTERVAL`` and ``X-PUBLISHED-TTL``."""

    def __post_init__(self) -> None:
        if self.refresh <= timedelta(0) or self.refresh.microseconds:
            raise ValueError(f"intervalle de rafraîchissement invalide : {self.refresh}")
        if not self.domain or any(c in self.domain for c in "/\r\n"):
            raise ValueError(f"domaine invalide : {self.domain!r}")


def assemble_feed(
    header: FeedHeader, fragments: Sequence[bytes], timezones: Iterable[str]
) -> bytes:
    """Return a whole VCALENDAR: header, one VTIMEZONE per zone, the fragments, the footer.

    ``fragments`` are :func:`~calendars.event.render_event` outputs, in the order the feed
    should list them; ``timezones`` must name every zone the fragments use (duplicates and
    order do not matter: blocks are written once each, sorted by name, so the bytes are stable).
    A zone used by a fragment but missing from ``timezones`` raises :class:`ValueError`: the
    check is one scan of the fragments' ``DTSTART`` lines (about 3 ms for 10,000 events).
    """
    zones = sorted(set(timezones))
    events = b"".join(fragments)
    missing = {zone.decode() for zone in _USED_ZONE.findall(events)}.difference(zones)
    if missing:
        # Outlook shifts or drops events whose TZID has no VTIMEZONE (CALENDAR_FEEDS.md).
        raise ValueError(f"fuseaux utilisés sans VTIMEZONE : {', '.join(sorted(missing))}")
    return b"".join((_header(header), *(vtimezone(zone) for zone in zones), events, FOOTER))


def strong_etag(body: bytes) -> str:
    """Return a strong ETag of a feed body: 32 hex digits of its SHA-256, quoted (RFC 9110)."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def feed_window(
    *, now: datetime, back: timedelta = WINDOW_BACK, ahead: timedelta = WINDOW_AHEAD
) -> tuple[datetime, datetime]:
    """Return the rolling window ``[now - back, now + ahead)`` of sessions a feed shows.

    A session belongs to the feed when it ends after the first bound and starts before the
    second; keeping feeds to this window keeps them small (docs/CALENDAR_FEEDS.md).
    """
    if now.tzinfo is None:
        raise ValueError("now doit porter un fuseau horaire")
    return now - back, now + ahead


@cache
def _header(header: FeedHeader) -> bytes:
    """The calendar's opening lines, rendered once per header (icalendar folds and escapes).

    icalendar 7.3 does not know the RFC 7986 ``NAME`` nor the ``X-WR-*`` properties and would
    write them unescaped; they are given as escaped TEXT explicitly.
    """
    calendar = Calendar()
    calendar.add("prodid", f"-//{header.domain}//allervers//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", text_value(header.name))
    calendar.add("x-wr-calname", text_value(header.name))
    calendar.add("description", text_value(header.description))
    calendar.add("x-wr-caldesc", text_value(header.description))
    calendar.add("refresh-interval", vDuration(header.refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(header.refresh))
    body = bytes(calendar.to_ical())
    if not body.endswith(FOOTER):
        raise AssertionError("icalendar a changé sa façon d'écrire un VCALENDAR")
    return body[: -len(FOOTER)]
