"""What calendar feeds contain: the sessions of a neighbourhood, a commune, an organisation, a
kind, an audience or a place, in a rolling window, for the public or for one staff member.

Public feeds hold published and completed sessions, and cancelled ones for a retention period
so that subscribed phones strike them out — but only sessions that were once published: a
draft deleted or cancelled never reaches the public.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.measure import geodesic_m
from planner.db.models import (
    Commune,
    Organisation,
    OutreachSession,
    Qpv,
    SessionAudience,
    SessionPartner,
    SessionQpv,
    SessionStaff,
    Venue,
)
from planner.db.session_queries import LONGEST
from planner.errors import NotFoundError
from planner.session import SessionKind, SessionStatus


@dataclass(frozen=True, slots=True)
class FeedSelection:
    """Which sessions a feed holds; every filter given must match."""

    qpv: str | None = None
    commune: str | None = None
    organisation: int | None = None
    kind: SessionKind | None = None
    audience: str | None = None
    near: tuple[float, float] | None = None
    """(latitude, longitude) of a point; with ``radius_km``, sessions at venues that close."""
    radius_km: float = 2.0
    staff: int | None = None
    """A staff member's own sessions (private feed: every status but drafts deleted)."""


@dataclass(frozen=True, slots=True)
class FeedWindow:
    """The rolling window of a feed and how long cancellations stay in it."""

    start: datetime
    end: datetime
    cancelled_since: datetime
    """Cancelled sessions starting before this are dropped from the feed."""


async def check_selection(session: AsyncSession, selection: FeedSelection) -> None:
    """Raise :class:`NotFoundError` for a QPV, commune or organisation that does not exist."""
    if selection.qpv and await session.get(Qpv, selection.qpv.upper()) is None:
        raise NotFoundError(f"Aucun QPV ne porte le code {selection.qpv}.")
    if selection.commune and await session.get(Commune, selection.commune.upper()) is None:
        raise NotFoundError(f"Aucune commune n'a le code INSEE {selection.commune}.")
    if selection.organisation is not None and (
        await session.get(Organisation, selection.organisation) is None
    ):
        raise NotFoundError(f"Aucune organisation n° {selection.organisation}.")


async def _venues_near(
    session: AsyncSession, lat: float, lon: float, radius_km: float
) -> list[int]:
    """Venues within ``radius_km`` of a point (bounding box in SQL, then geodesic distance)."""
    dlat = radius_km / 110.0
    dlon = radius_km / (111.32 * max(math.cos(math.radians(lat)), 1e-6))
    rows = await session.execute(
        select(Venue.id, Venue.lat, Venue.lon).where(
            Venue.lat.between(lat - dlat, lat + dlat), Venue.lon.between(lon - dlon, lon + dlon)
        )
    )
    return [
        venue_id
        for venue_id, venue_lat, venue_lon in rows
        if geodesic_m(lon, lat, venue_lon, venue_lat) <= radius_km * 1000
    ]


async def feed_conditions(
    session: AsyncSession, selection: FeedSelection, window: FeedWindow
) -> list[Any]:
    s = OutreachSession
    visible = [SessionStatus.PUBLISHED.value, SessionStatus.COMPLETED.value]
    conditions: list[Any] = [
        s.end_at > window.start,
        s.start_at < window.end,
        s.start_at > window.start - LONGEST,
    ]
    cancelled_shown = and_(
        s.status == SessionStatus.CANCELLED.value,
        s.published_at.is_not(None),
        s.start_at >= window.cancelled_since,
    )
    if selection.staff is not None:
        conditions.append(
            s.id.in_(
                select(SessionStaff.session_id).where(SessionStaff.staff_id == selection.staff)
            )
        )
        conditions.append(or_(s.status.in_([*visible, SessionStatus.DRAFT.value]), cancelled_shown))
    else:
        conditions.append(or_(s.status.in_(visible), cancelled_shown))
    if selection.qpv:
        conditions.append(
            s.id.in_(
                select(SessionQpv.session_id).where(SessionQpv.qpv_code == selection.qpv.upper())
            )
        )
    if selection.commune:
        conditions.append(
            s.venue_id.in_(select(Venue.id).where(Venue.insee_code == selection.commune.upper()))
        )
    if selection.organisation is not None:
        conditions.append(
            or_(
                s.organisation_id == selection.organisation,
                s.id.in_(
                    select(SessionPartner.session_id).where(
                        SessionPartner.organisation_id == selection.organisation
                    )
                ),
            )
        )
    if selection.kind is not None:
        conditions.append(s.kind == selection.kind.value)
    if selection.audience:
        conditions.append(
            s.id.in_(
                select(SessionAudience.session_id).where(SessionAudience.tag == selection.audience)
            )
        )
    if selection.near is not None:
        lat, lon = selection.near
        conditions.append(
            s.venue_id.in_(await _venues_near(session, lat, lon, selection.radius_km))
        )
    return conditions


@dataclass(frozen=True, slots=True)
class FeedRevision:
    """A feed's version: how many sessions, the sum of their ids and of their ``shown_version``,
    and the last change among them. A session moving in or out of the feed changes the count or
    the sum of ids; any change to what one shows, its version (:mod:`planner.db.shown`)."""

    count: int
    ids: int
    versions: int
    latest: datetime | None

    def text(self) -> str:
        """The version as stored with the feed's state."""
        latest = self.latest.isoformat() if self.latest else "-"
        return f"{self.count}:{self.ids}:{self.versions}:{latest}"


async def feed_revision(
    session: AsyncSession, selection: FeedSelection, window: FeedWindow
) -> FeedRevision:
    """The feed's version (aggregates over indexed columns): the feed is rebuilt only when it
    changes."""
    s = OutreachSession
    conditions = await feed_conditions(session, selection, window)
    count, ids, versions, latest = (
        await session.execute(
            select(
                func.count(), func.sum(s.id), func.sum(s.shown_version), func.max(s.updated_at)
            ).where(*conditions)
        )
    ).one()
    return FeedRevision(int(count), int(ids or 0), int(versions or 0), latest)


async def upcoming_sessions(
    session: AsyncSession, selection: FeedSelection, window: FeedWindow, *, limit: int
) -> Sequence[OutreachSession]:
    """The first ``limit`` sessions of a feed not yet ended, by start time (the neighbourhood
    page lists them before its subscribe buttons)."""
    conditions = await feed_conditions(session, selection, window)
    rows = await session.scalars(
        select(OutreachSession)
        .where(*conditions)
        .order_by(OutreachSession.start_at, OutreachSession.id)
        .limit(limit)
    )
    return rows.unique().all()
