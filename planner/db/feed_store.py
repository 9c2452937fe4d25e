"""Feeds kept in the database: the sessions' rendered fragments and each feed's last change.

A feed is assembled from one query — its sessions in order, each with its stored fragment when
that fragment is current — and only the sessions whose fragment is missing or stale are loaded
and rendered again, then stored (an upsert: two workers rendering the same fragment agree).
A feed's ``Last-Modified`` is the moment its revision was first seen different, so it advances
even when a session leaves the feed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db.feeds import FeedRevision, FeedSelection, FeedWindow, feed_conditions
from planner.db.models import FeedState, OutreachSession, SessionFragment

CHUNK = 500
"""Sessions loaded at a time to render their fragments (bounded IN lists)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A session of a feed: its zone, and its stored fragment when current."""

    session_id: int
    timezone: str
    body: bytes | None


def _insert(session: AsyncSession, table: Any) -> Any:
    """An ``INSERT`` that takes ``ON CONFLICT … DO UPDATE``, on either engine."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


async def feed_entries(
    session: AsyncSession,
    selection: FeedSelection,
    window: FeedWindow,
    *,
    private: bool,
    render_key: str,
) -> list[Entry]:
    """The feed's sessions by start time, each with its fragment if it is current."""
    s, f = OutreachSession, SessionFragment
    conditions = await feed_conditions(session, selection, window)
    rows = await session.execute(
        select(s.id, s.timezone, f.body)
        .outerjoin(
            f,
            and_(
                f.session_id == s.id,
                f.private == private,
                f.shown_version == s.shown_version,
                f.render_key == render_key,
            ),
        )
        .where(*conditions)
        .order_by(s.start_at, s.id)
    )
    return [Entry(session_id, timezone, body) for session_id, timezone, body in rows]


async def render_missing(
    session: AsyncSession,
    session_ids: Sequence[int],
    render: Callable[[OutreachSession], bytes],
    *,
    private: bool,
    render_key: str,
) -> dict[int, bytes]:
    """Render the fragments of ``session_ids`` and store them; their bodies by session."""
    rendered: dict[int, bytes] = {}
    for start in range(0, len(session_ids), CHUNK):
        rows = (
            await session.scalars(
                select(OutreachSession)
                .where(OutreachSession.id.in_(session_ids[start : start + CHUNK]))
                .execution_options(populate_existing=True)
            )
        ).unique()
        values = []
        for row in rows:
            rendered[row.id] = render(row)
            values.append(
                {
                    "session_id": row.id,
                    "private": private,
                    "shown_version": row.shown_version,
                    "render_key": render_key,
                    "body": rendered[row.id],
                }
            )
        await _store(session, values)
    return rendered


async def _store(session: AsyncSession, values: Iterable[dict[str, Any]]) -> None:
    values = list(values)
    if not values:
        return
    statement = _insert(session, SessionFragment.__table__).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["session_id", "private"],
            set_={
                "shown_version": statement.excluded.shown_version,
                "render_key": statement.excluded.render_key,
                "body": statement.excluded.body,
            },
        )
    )


def feed_address(*parts: object) -> str:
    """The key of a feed's state: a digest of what designates it."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


async def last_modified(
    session: AsyncSession, address: str, revision: FeedRevision, *, now: datetime
) -> datetime:
    """When the feed at ``address`` last changed: kept while its revision stays the same, else
    now (in whole seconds, and always later than before)."""
    text = revision.text()
    state = await session.get(FeedState, address, populate_existing=True)
    if state is not None and state.revision == text:
        return state.last_modified
    moment = now.replace(microsecond=0)
    if state is not None and moment <= state.last_modified:
        moment = state.last_modified + timedelta(seconds=1)
    table = FeedState.__table__
    statement = _insert(session, table).values(address=address, revision=text, last_modified=moment)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["address"],
            set_={"revision": text, "last_modified": moment},
            where=table.c.revision != text,  # another worker may have seen it first
        )
    )
    stored: datetime = (
        await session.scalars(select(table.c.last_modified).where(table.c.address == address))
    ).one()
    return stored
