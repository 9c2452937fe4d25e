"""Reading sessions: one by number, a filtered page of them, and a venue's time zone.

What a caller reads goes through the session policy (:mod:`planner.access.sessions`): a page
holds only the sessions the caller sees, each with how much of it they see; a session they may
not see answers as a missing one (ids are not revealed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, SessionView, session_view
from planner.booking_input import SessionFilter
from planner.db.access_sql import full_view, load_facts, visible
from planner.db.models import OutreachSession, SessionPartner, SessionQpv, SessionStaff, Venue
from planner.errors import InvalidInputError, NotFoundError
from planner.session import RuleSettings, SessionStatus, timezone_for

LONGEST = max(longest for _, longest in RuleSettings().durations.values())
"""No session lasts longer (the duration rule refuses it): bounds ``start_at`` searches."""


async def get_session(session: AsyncSession, session_id: int) -> OutreachSession:
    """The session ``session_id`` or :class:`NotFoundError`."""
    row = await session.get(OutreachSession, session_id, populate_existing=True)
    if row is None:
        raise NotFoundError(f"Aucune séance n° {session_id}.")
    return row


async def seen_session(
    session: AsyncSession,
    session_id: int,
    *,
    caller: Caller | None,
    now: datetime,
    retention: timedelta,
) -> tuple[OutreachSession, SessionView]:
    """The session ``session_id`` and how much of it ``caller`` sees; :class:`NotFoundError`,
    the same as for a missing number, when they may not see it."""
    facts = (await load_facts(session, [session_id])).get(session_id)
    view = (
        SessionView.NONE
        if facts is None
        else session_view(caller, facts, now=now, retention=retention)
    )
    if view is SessionView.NONE:
        raise NotFoundError(f"Aucune séance n° {session_id}.")
    return await get_session(session, session_id), view


async def list_sessions(
    session: AsyncSession,
    filters: SessionFilter,
    *,
    caller: Caller | None,
    now: datetime,
    retention: timedelta,
    limit: int,
    offset: int,
) -> tuple[int, Sequence[tuple[OutreachSession, SessionView]]]:
    """Total matching and one page of the sessions ``caller`` sees, by start time, each with
    how much of it they see."""
    full = full_view(caller).label("full")
    query = select(OutreachSession, full).where(visible(caller, now=now, retention=retention))
    statuses = set(filters.statuses or SessionStatus)
    query = query.where(OutreachSession.status.in_(sorted(s.value for s in statuses)))
    if filters.start is not None:
        query = query.where(OutreachSession.end_at > filters.start)
        query = query.where(OutreachSession.start_at > filters.start - LONGEST)
    if filters.end is not None:
        query = query.where(OutreachSession.start_at < filters.end)
    if filters.qpv:
        query = query.where(
            OutreachSession.id.in_(
                select(SessionQpv.session_id).where(SessionQpv.qpv_code == filters.qpv.upper())
            )
        )
    if filters.commune:
        query = query.where(
            OutreachSession.venue_id.in_(
                select(Venue.id).where(Venue.insee_code == filters.commune.upper())
            )
        )
    if filters.kind:
        query = query.where(OutreachSession.kind == filters.kind.value)
    if filters.organisation is not None:
        query = query.where(
            or_(
                OutreachSession.organisation_id == filters.organisation,
                OutreachSession.id.in_(
                    select(SessionPartner.session_id).where(
                        SessionPartner.organisation_id == filters.organisation
                    )
                ),
            )
        )
    if filters.staff is not None:
        query = query.where(
            OutreachSession.id.in_(
                select(SessionStaff.session_id).where(SessionStaff.staff_id == filters.staff)
            )
        )
    result = await session.execute(
        query.order_by(OutreachSession.start_at, OutreachSession.id).limit(limit).offset(offset)
    )
    page = [
        (row, SessionView.FULL if bool(is_full) else SessionView.PUBLIC)
        for row, is_full in result.unique()
    ]
    if offset == 0 and len(page) < limit:
        return len(page), page  # the whole result fits in the page: no need to count
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    return total, page


async def venue_timezone(session: AsyncSession, venue_id: int) -> str:
    """The wall-clock zone of a venue (where a series keeps its local time)."""
    venue = await session.get(Venue, venue_id)
    if venue is None:
        raise InvalidInputError({"venue_id": f"aucun lieu n° {venue_id}"})
    return timezone_for(venue.insee_code)
