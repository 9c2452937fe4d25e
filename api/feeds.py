"""Feeds served fast: each session's VEVENT rendered once per change, feeds assembled by
concatenation and kept with their ETag until a session in them changes.

The fragment cache is keyed by session and audience (public or private) and checked against
the session's ``updated_at``; the feed cache by the feed's selection and checked against its
revision (count, last change, sum of ids — two aggregate queries over indexed columns).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response
from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)
from sqlalchemy.ext.asyncio import AsyncSession

from api.settings import Settings
from calendars.event import (
    EventData,
    event_status,
    event_uid,
    public_event,
    render_event,
    session_summary,
)
from calendars.feed import FeedHeader, assemble_feed, feed_window, strong_etag
from planner.db.feeds import FeedSelection, FeedWindow, feed_revision, feed_sessions
from planner.db.models import OutreachSession
from planner.session import SESSION_KIND_LABELS, SessionKind

FEED_CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class Feed:
    """An assembled feed: its bytes, strong ETag and last change."""

    body: bytes
    etag: str
    last_modified: datetime | None


def location_of(row: OutreachSession) -> str:
    """The full postal address of a session's venue, as LOCATION."""
    venue = row.venue
    place = " ".join(p for p in (venue.postcode, venue.commune_name) if p)
    return ", ".join(p for p in (venue.name, venue.street, place) if p)


class FeedService:
    """Renders sessions to fragments and feeds, with the two caches."""

    def __init__(self, settings: Settings) -> None:
        self.public_url = settings.public_url
        self.domain = urlsplit(settings.public_url).hostname or "allervers"
        self.max_age = settings.feed_max_age
        self.retention = timedelta(days=settings.feed_cancelled_retention_days)
        self.back = timedelta(days=settings.feed_days_back)
        self.ahead = timedelta(days=settings.feed_days_ahead)
        self.revalidate = settings.feed_revalidate_seconds
        self._fragments: dict[tuple[int, bool], tuple[datetime, bytes]] = {}
        self._feeds: OrderedDict[Any, tuple[Any, Feed]] = OrderedDict()
        self._checked: dict[str, tuple[float, Feed]] = {}

    def event_data(self, row: OutreachSession, *, private: bool) -> EventData:
        """The iCalendar values of a session; private ones add staff, partners and notes."""
        event = EventData(
            uid=event_uid(row.id, domain=self.domain),
            sequence=row.revision,
            last_modified=row.updated_at,
            start=row.start_at,
            end=row.end_at,
            timezone=row.timezone,
            summary=session_summary(SESSION_KIND_LABELS[SessionKind(row.kind)], row.title),
            description="\n".join(
                part
                for part in (
                    row.description,
                    f"Annulée : {row.cancel_reason}" if row.cancel_reason else "",
                    "Organisé par "
                    + ", ".join(
                        [row.organisation.name, *(p.organisation.name for p in row.partners)]
                    ),
                )
                if part
            ),
            location=location_of(row),
            lat=row.venue.lat,
            lon=row.venue.lon,
            url=f"{self.public_url}/seances/{row.id}",
            categories=(
                SESSION_KIND_LABELS[SessionKind(row.kind)],
                *(a.tag for a in row.audiences),
            ),
            status=event_status(row.status),
            private_notes=row.internal_notes or None,
            contacts=tuple(f"{s.member.name} <{s.member.email}>" for s in row.staff),
        )
        return event if private else public_event(event)

    def fragment(self, row: OutreachSession, *, private: bool) -> bytes:
        """The session's VEVENT, rendered again only when the session changed."""
        key = (row.id, private)
        cached = self._fragments.get(key)
        if cached is not None and cached[0] == row.updated_at:
            return cached[1]
        rendered = render_event(self.event_data(row, private=private))
        self._fragments[key] = (row.updated_at, rendered)
        return rendered

    def single(self, row: OutreachSession, *, private: bool) -> Feed:
        """A calendar holding one session (``/api/sessions/{id}.ics``)."""
        body = assemble_feed(
            FeedHeader(name=row.title, description=row.title, domain=self.domain),
            [self.fragment(row, private=private)],
            [row.timezone],
        )
        return Feed(body, strong_etag(body), row.updated_at.replace(microsecond=0))

    def window(self, now: datetime) -> FeedWindow:
        """The rolling window of feeds at ``now``."""
        start, end = feed_window(now=now, back=self.back, ahead=self.ahead)
        return FeedWindow(start=start, end=end, cancelled_since=now - self.retention)

    async def feed(
        self,
        session: AsyncSession,
        selection: FeedSelection,
        *,
        name: str,
        description: str,
        now: datetime,
        private: bool = False,
    ) -> Feed:
        """The feed of ``selection``, from the cache while none of its sessions changed."""
        window = self.window(now)
        revision = await feed_revision(session, selection, window)
        key = (selection, private, name)
        cached = self._feeds.get(key)
        if cached is not None and cached[0] == revision:
            self._feeds.move_to_end(key)
            return cached[1]
        rows = await feed_sessions(session, selection, window)
        body = assemble_feed(
            FeedHeader(name=name, description=description, domain=self.domain),
            [self.fragment(row, private=private) for row in rows],
            sorted({row.timezone for row in rows}),
        )
        latest = revision[1]
        feed = Feed(body, strong_etag(body), latest.replace(microsecond=0) if latest else None)
        self._feeds[key] = (revision, feed)
        if len(self._feeds) > FEED_CACHE_SIZE:
            self._feeds.popitem(last=False)
        return feed

    def recent(self, address: str) -> Feed | None:
        """The feed last served at ``address`` if its version was checked moments ago.

        Within ``ALLERVERS_FEED_REVALIDATE_SECONDS`` a feed is served without touching the
        database; a change reaches subscribers that much later at most (they poll hourly).
        """
        seen = self._checked.get(address)
        if seen is not None and time.monotonic() - seen[0] < self.revalidate:
            return seen[1]
        return None

    def forget(self) -> None:
        """A change went through this process: check every feed's version again."""
        self._checked.clear()

    def remember(self, address: str, feed: Feed) -> None:
        """Note that ``address`` was just checked and serves ``feed``."""
        if len(self._checked) > FEED_CACHE_SIZE:
            self._checked.clear()
        self._checked[address] = (time.monotonic(), feed)

    def answer(
        self, feed: Feed, *, if_none_match: str | None, if_modified_since: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for ``feed``: inline text/calendar, strong ETag,
        Last-Modified in whole seconds, ``Cache-Control: max-age``, 304 without a body."""
        headers = {"etag": feed.etag, "cache-control": f"max-age={self.max_age}"}
        if feed.last_modified is not None:
            headers["last-modified"] = format_datetime(feed.last_modified, usegmt=True)
        if _not_modified(feed, if_none_match, if_modified_since):
            return 304, headers, b""
        return 200, {**headers, "content-type": "text/calendar; charset=utf-8"}, feed.body

    def respond(self, request: Request[Any, Any, Any], feed: Feed) -> Response[bytes]:
        """:meth:`answer` as a Litestar response."""
        status, headers, body = self.answer(
            feed,
            if_none_match=request.headers.get("if-none-match"),
            if_modified_since=request.headers.get("if-modified-since"),
        )
        calendar = headers.pop("content-type", None) is not None
        # Litestar adds "; charset=utf-8" to a text media type itself.
        media_type = "text/calendar" if calendar else None
        return Response(body, status_code=status, headers=headers, media_type=media_type)


def feed_address(scope: Scope) -> str:
    """The cache key of a feed request: its path and query string."""
    return f"{scope['path']}?{scope.get('query_string', b'').decode('latin-1')}"


def feed_cache(feeds: FeedService) -> Callable[[ASGIApp], ASGIApp]:
    """Middleware answering public feeds checked moments ago straight from the cache, before
    routing, dependencies and the database: the warm path of ``bench/feeds.py``."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if (
                scope["type"] == ScopeType.HTTP
                and scope.get("method") == "GET"
                and scope["path"].startswith("/feeds/")
                and not scope["path"].startswith("/feeds/staff/")
                and (feed := feeds.recent(feed_address(scope))) is not None
            ):
                headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
                status, answer_headers, body = feeds.answer(
                    feed,
                    if_none_match=headers.get("if-none-match"),
                    if_modified_since=headers.get("if-modified-since"),
                )
                answer_headers["content-length"] = str(len(body))
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(k.encode(), v.encode()) for k, v in answer_headers.items()],
                }
                await send(start)
                end: HTTPResponseBodyEvent = {
                    "type": "http.response.body",
                    "body": body,
                    "more_body": False,
                }
                await send(end)
                return
            await app(scope, receive, send)

        return middleware

    return wrap


def _not_modified(feed: Feed, if_none_match: str | None, since: str | None) -> bool:
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since."""
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        return "*" in tags or feed.etag in tags
    if since and feed.last_modified is not None:
        try:
            return feed.last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
