"""What coverage counts ahead of the sessions held: the next published session of each QPV,
and the sessions planned in the period (:mod:`planner.db.coverage`).

*Planned* sessions start in the period, at or after ``now``, and are published — or drafts,
which is what an accepted campaign plan books, counted only when the session policy lets the
caller see them (:func:`planner.db.access_sql.full_view`: admins, managers of the territory,
the organisations running them); the counts say how many, never which. Drafts whose time has
passed were never held and are not planned: they count nowhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.db.access_sql import full_view
from planner.db.coverage_sql import (
    midnight,
    other_organisations,
    period_end,
    serving,
    session_filters,
    unselective,
)
from planner.db.coverage_values import CoverageFilter, Planned
from planner.db.models import OutreachSession, SessionQpv
from planner.session import SessionStatus

PUBLISHED, DRAFT = SessionStatus.PUBLISHED.value, SessionStatus.DRAFT.value


NEAR = timedelta(weeks=8)
"""How far :func:`next_sessions` looks first: most QPVs visited at all have a session then."""


async def next_sessions(
    session: AsyncSession, filters: CoverageFilter, codes: list[str], now: datetime
) -> dict[str, datetime]:
    """Per QPV of ``codes``, the start of its first published session from ``now`` on (in the
    period or after it).

    Looked for in the next :data:`NEAR` weeks first (the sessions of a few weeks, through the
    ``start_at`` index), then, for the QPVs still without one, after them (through those QPVs'
    ``session_qpv`` rows): the same answer as one look at every session to come, which reads
    the 43,000 of them at 100,000 sessions (~40 ms).
    """
    found: dict[str, datetime] = dict(
        (await session.execute(_upcoming(session, filters, now, now + NEAR))).all()
    )
    rest = [code for code in codes if code not in found]
    if rest:
        later = _upcoming(session, filters, now + NEAR, None).where(SessionQpv.qpv_code.in_(rest))
        found.update((await session.execute(later)).all())
    return found


def _upcoming(
    session: AsyncSession, filters: CoverageFilter, start: datetime, end: datetime | None
) -> Select[str, datetime]:
    """Per QPV, the first published session starting from ``start`` (until ``end``)."""
    window = [OutreachSession.start_at >= start]
    if end is not None:
        window.append(OutreachSession.start_at < end)
    return (
        select(SessionQpv.qpv_code, func.min(OutreachSession.start_at))
        .join(OutreachSession, OutreachSession.id == SessionQpv.session_id)
        .where(
            unselective(session, OutreachSession.status == PUBLISHED),
            *window,
            *session_filters(filters),
        )
        .group_by(SessionQpv.qpv_code)
    )


async def planned_sessions(
    session: AsyncSession,
    filters: CoverageFilter,
    caller: Caller,
    codes: list[str],
    now: datetime,
) -> dict[str | None, Planned]:
    """Sessions planned in the period per QPV, and under ``None`` the territory's, each session
    once; nothing when the period is over (no query then)."""
    if period_end(filters) <= now:
        return {}
    rows = await session.execute(_planned_statement(session, filters, caller, codes, now))
    return {code: Planned(int(count), int(drafts or 0)) for code, count, drafts in rows}


async def planned_organisations(
    session: AsyncSession,
    filters: CoverageFilter,
    caller: Caller,
    now: datetime,
) -> dict[str, dict[int, int]]:
    """Per QPV, the organisations of its planned sessions (lead, staff, partners, as for the
    sessions held) with how many each: who will go, e.g. a campaign week accepted for next
    week. Nothing when the period is over."""
    if period_end(filters) <= now:
        return {}
    planned = (
        select(OutreachSession.id, OutreachSession.organisation_id)
        .where(*_ahead(session, filters, caller, now))
        .cte("planned")
    )
    leads = (
        select(SessionQpv.qpv_code, planned.c.organisation_id, func.count())
        .join(planned, planned.c.id == SessionQpv.session_id)
        .group_by(SessionQpv.qpv_code, planned.c.organisation_id)
    )
    others = other_organisations(planned)
    joined = (
        select(SessionQpv.qpv_code, others.c.org, func.count(distinct(others.c.id)))
        .select_from(others)
        .join(SessionQpv, SessionQpv.session_id == others.c.id)
        .group_by(others.c.org, SessionQpv.qpv_code)
    )
    found: dict[str, dict[int, int]] = {}
    for code, org, count in await session.execute(union_all(leads, joined)):
        shares = found.setdefault(code, {})
        shares[org] = shares.get(org, 0) + int(count)
    return found


def _ahead(
    session: AsyncSession, filters: CoverageFilter, caller: Caller, now: datetime
) -> list[Any]:
    """The conditions of a session planned in the period (see the module docstring)."""
    drafts_seen = and_(OutreachSession.status == DRAFT, full_view(caller))
    return [
        OutreachSession.start_at >= max(midnight(filters.first_day), now),
        OutreachSession.start_at < period_end(filters),
        unselective(session, or_(OutreachSession.status == PUBLISHED, drafts_seen)),
        *session_filters(filters),
    ]


def _planned_statement(
    session: AsyncSession,
    filters: CoverageFilter,
    caller: Caller,
    codes: list[str],
    now: datetime,
) -> CompoundSelect[Any]:
    """Sessions planned in the period: per QPV (QPV, sessions, drafts), then the territory's
    totals, each session once (null, sessions, drafts)."""
    draft = case((OutreachSession.status == DRAFT, 1), else_=0)
    ahead = _ahead(session, filters, caller, now)
    per_qpv = (
        select(SessionQpv.qpv_code, func.count(), func.sum(draft))
        .join(OutreachSession, OutreachSession.id == SessionQpv.session_id)
        .where(*ahead)
        .group_by(SessionQpv.qpv_code)
    )
    totals = select(cast(null(), String), func.count(), func.sum(draft)).where(
        *ahead, serving(OutreachSession.id, filters, caller, codes)
    )
    return union_all(per_qpv, totals)
