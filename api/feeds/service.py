"""Feeds assembled by concatenating session fragments, kept with their ETag until what they
show changes.

The feed cache is keyed by the feed's selection and checked against its revision (count, sums
of ids and of shown versions, last change — aggregates over indexed columns); a feed rebuilt
takes the fragments stored in the database (:mod:`planner.db.feed_store`) and renders only
those that changed, and its ``Last-Modified`` is the moment its revision changed, kept in the
database too. The addresses checked moments ago are remembered so that
:mod:`api.feeds.middleware` can answer them without the database.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from api.feeds.fragment import Fragments
from api.settings import Settings
from calendars.feed import FeedHeader, assemble_feed, feed_window, strong_etag
from planner.db.feed_store import feed_address, feed_entries, last_modified, render_missing
from planner.db.feeds import FeedSelection, FeedWindow, feed_revision
from planner.db.models import OutreachSession

FEED_CACHE_SIZE = 512


def change_signal(database_url: str) -> Path:
    """The file whose modification time says « a write went through » to every worker serving
    ``database_url`` on this machine (one per database, in the temporary directory)."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"allervers-ecritures-{digest}"


@dataclass(frozen=True, slots=True)
class Feed:
    """An assembled feed: its bytes, strong ETag and last change, and the same gzip-compressed
    with its own ETag (compressed once, when the feed is assembled)."""

    body: bytes
    etag: str
    last_modified: datetime | None
    gzipped: bytes
    gzip_etag: str

    @classmethod
    def of(cls, body: bytes, last_modified: datetime | None) -> Feed:
        """The feed of ``body``, with its ETags and its compressed form."""
        etag = strong_etag(body)
        return cls(body, etag, last_modified, gzip.compress(body, mtime=0), f'{etag[:-1]}-gz"')


class FeedService:
    """Assembles feeds from session fragments, with the feed cache and the checked addresses."""

    def __init__(self, settings: Settings) -> None:
        self.public_url = settings.public_url
        self.domain = urlsplit(settings.public_url).hostname or "allervers"
        self.max_age = settings.feed_max_age
        self.retention = timedelta(days=settings.feed_cancelled_retention_days)
        self.back = timedelta(days=settings.feed_days_back)
        self.ahead = timedelta(days=settings.feed_days_ahead)
        self.revalidate = settings.feed_revalidate_seconds
        self.signal = change_signal(settings.database_url)
        self.fragments = Fragments(public_url=self.public_url, domain=self.domain)
        self._feeds: OrderedDict[Any, tuple[Any, Feed]] = OrderedDict()
        self._checked: dict[str, tuple[float, Feed]] = {}
        self._seen_signal = (0, 0)
        self.listeners: list[Callable[[], None]] = []
        """Called when a change went through this process (other answers remembered)."""

    def single(self, row: OutreachSession, *, private: bool) -> Feed:
        """A calendar holding one session (``/api/sessions/{id}.ics``)."""
        body = assemble_feed(
            FeedHeader(name=row.title, description=row.title, domain=self.domain),
            [self.fragments.render(row, private=private)],
            [row.timezone],
        )
        return Feed.of(body, row.updated_at.replace(microsecond=0))

    def public_ics(self, row: OutreachSession) -> bytes:
        """A session's public calendar file (attached to registrants' messages)."""
        return self.single(row, private=False).body

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
        """The feed of ``selection``, from the cache while nothing it shows changed."""
        window = self.window(now)
        revision = await feed_revision(session, selection, window)
        key = (selection, private, name)
        cached = self._feeds.get(key)
        if cached is not None and cached[0] == revision:
            self._feeds.move_to_end(key)
            return cached[1]
        render_key = self.fragments.key
        entries = await feed_entries(
            session, selection, window, private=private, render_key=render_key
        )
        rendered = await render_missing(
            session,
            [e.session_id for e in entries if e.body is None],
            lambda row: self.fragments.render(row, private=private),
            private=private,
            render_key=render_key,
        )
        body = assemble_feed(
            FeedHeader(name=name, description=description, domain=self.domain),
            [e.body if e.body is not None else rendered[e.session_id] for e in entries],
            sorted({e.timezone for e in entries}),
        )
        changed = await last_modified(session, feed_address(*key), revision, now=now)
        feed = Feed.of(body, changed)
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
        if seen is None or time.monotonic() - seen[0] >= self.revalidate:
            return None
        if self._seen_signal != self.signal_state():  # a write went through another worker
            self._checked.clear()
            return None
        return seen[1]

    def forget(self) -> None:
        """A change went through this process: check every feed's version again, here and —
        through the shared signal file — in every other worker on this machine."""
        self._checked.clear()
        for listener in self.listeners:
            listener()
        try:  # a new file each time (a new inode: timestamps can be too coarse to differ)
            fresh = self.signal.with_name(f"{self.signal.name}.{os.getpid()}")
            fresh.write_bytes(b"")
            os.replace(fresh, self.signal)
        except OSError:
            pass  # without the file, other workers find the change within ``revalidate``

    def signal_state(self) -> tuple[int, int]:
        """The change signal file as last written (by any worker of this machine)."""
        try:
            seen = self.signal.stat()
        except OSError:
            return (0, 0)
        return (seen.st_ino, seen.st_mtime_ns)

    def remember(self, address: str, feed: Feed) -> None:
        """Note that ``address`` was just checked and serves ``feed``."""
        if len(self._checked) > FEED_CACHE_SIZE:
            self._checked.clear()
        if not self._checked:
            self._seen_signal = self.signal_state()
        self._checked[address] = (time.monotonic(), feed)
