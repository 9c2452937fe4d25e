"""What coverage counts ahead of the sessions held: the next published session of each QPV,
and the sessions planned in the period (:mod:`planner.db.coverage`).

*Planned* sessions start in the period, at or after ``now``, and are published — or drafts,
which is what an accepted campaign plan books, counted only when the session policy lets the
caller see them (:func:`planner.db.access_sql.full_view`: admins, managers of the territory,
the organisations running them); the counts say how many, never which. Drafts whose time has
passed were never held and are not planned: they count nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    null,
    or_,
    select,
    union_all,
)

from planner.access import Caller
from planner.db.access_sql import full_view
from planner.db.coverage_sql import midnight, period_end, serving, session_filters
from planner.db.coverage_values import CoverageFilter, Planned
from planner.db.models import OutreachSession, SessionQpv
from planner.session import SessionStatus

PUBLISHED, DRAFT = SessionStatus.PUBLISHED.value, SessionStatus.DRAFT.value


def upcoming(filters: CoverageFilter, now: datetime) -> Select[str, datetime]:
    """Per QPV, the start of its first published session from ``now`` on (in the period or
    after it): (QPV, start)."""
    return (
        select(SessionQpv.qpv_code, func.min(OutreachSession.start_at))
        .join(OutreachSession, OutreachSession.id == SessionQpv.session_id)
        .where(
            OutreachSession.status == PUBLISHED,
            OutreachSession.start_at >= now,
            *session_filters(filters),
        )
        .group_by(SessionQpv.qpv_code)
    )


def planned_statement(
    filters: CoverageFilter, caller: Caller, codes: list[str], now: datetime
) -> CompoundSelect[Any]:
    """Sessions planned in the period: per QPV (QPV, sessions, drafts), then the territory's
    totals, each session once (null, sessions, drafts)."""
    drafts_seen = and_(OutreachSession.status == DRAFT, full_view(caller))
    draft = case((OutreachSession.status == DRAFT, 1), else_=0)
    ahead = [
        OutreachSession.start_at >= max(midnight(filters.first_day), now),
        OutreachSession.start_at < period_end(filters),
        or_(OutreachSession.status == PUBLISHED, drafts_seen),
        *session_filters(filters),
    ]
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


def planned(row: Sequence[Any] | None) -> Planned:
    """Planned counts from a row of (sessions, drafts)."""
    if row is None:
        return Planned()
    return Planned(sessions=int(row[0] or 0), drafts=int(row[1] or 0))
