"""Coverage of the QPVs by outreach: which neighbourhoods sessions reach, how often, by whom.

Every figure is computed by the database with grouped queries (``GROUP BY qpv_code`` over
``session_qpv`` joined to the sessions of the period), never by Python loops over sessions:

- *held* sessions are published or completed ones that started in the period (``start`` from
  the first day's midnight to the last day's end, Paris time) and before ``now``; drafts and
  cancelled sessions never count;
- *planned* sessions are published ones starting at or after ``now``;
- a session serves the QPVs listed for it (by default its venue's served list), so a session in
  a social centre between two QPVs counts once for each: the per-QPV figures add up to more
  than the distinct totals, which :class:`CoverageSummary` gives separately.

A QPV's status: ``reached`` (last held session at most ``lapsed_after_days`` before the
reference day), ``lapsed`` (older), ``planned`` (none held, one to come), ``not_reached``.
The reference day is ``to``, or today when ``to`` lies ahead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, exists, func, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.people import require_coverage_reader
from planner.clock import PARIS
from planner.coverage_status import CoverageStatus, coverage_status
from planner.db.coverage_sql import (
    by_organisation,
    figures,
    held_forums,
    held_sessions,
    serving,
    session_filters,
    territory_codes,
)
from planner.db.coverage_values import (
    Coverage,
    CoverageFilter,
    CoverageSummary,
    Figures,
    QpvCoverage,
)
from planner.db.funnel import count_funnel
from planner.db.models import (
    OutreachSession,
    Qpv,
    QpvCommune,
    QpvEpci,
    SessionQpv,
)
from planner.errors import InvalidInputError, PermissionDeniedError
from planner.funnel import Funnel
from planner.session import SessionStatus


async def _unknown_places(session: AsyncSession, filters: CoverageFilter) -> dict[str, str]:
    errors: dict[str, str] = {}
    if filters.department and not await session.scalar(
        select(exists().where(Qpv.department_code == filters.department))
    ):
        errors["dep"] = f"aucun QPV chargé dans le département {filters.department}"
    if filters.epci and not await session.scalar(
        select(exists().where(QpvEpci.siren == filters.epci))
    ):
        errors["epci"] = f"aucun QPV chargé dans l'EPCI {filters.epci}"
    return errors


async def compute_coverage(
    session: AsyncSession, filters: CoverageFilter, *, caller: Caller | None, now: datetime
) -> Coverage:
    """Coverage of every QPV of the territory asked over the period (see the module doc; the
    grouped queries are built by :mod:`planner.db.coverage_sql`).

    Raises :class:`InvalidInputError` naming ``dep`` or ``epci`` when no loaded QPV has it,
    and :class:`PermissionDeniedError` for advisers, or for a manager asking for a department or
    an EPCI outside their own territory (a manager given none has no territory).
    """
    known = require_coverage_reader(caller)
    if errors := await _unknown_places(session, filters):
        raise InvalidInputError(errors)
    territory = territory_codes(filters, known)
    codes = list(await session.scalars(territory))
    if not codes:
        raise PermissionDeniedError("Ce territoire est en dehors de celui qui vous est confié.")
    held = held_sessions(session, filters, now).cte("held")
    per_qpv = by_organisation(
        select(SessionQpv.qpv_code).join(held, held.c.id == SessionQpv.session_id),
        held,
        SessionQpv.qpv_code,
    )
    in_territory = held.c.id.in_(serving(filters, known, codes))
    totals = by_organisation(select().select_from(held).where(in_territory), held).subquery()
    # one statement, so that the held sessions are read once for both groupings
    both = union_all(per_qpv, select(cast(null(), String), *totals.c))
    grouped: dict[str | None, Sequence[Any]] = {
        row[0]: row[1:] for row in await session.execute(both)
    }
    totals_row = grouped.pop(None)
    upcoming = (
        select(SessionQpv.qpv_code, func.min(OutreachSession.start_at))
        .join(OutreachSession, OutreachSession.id == SessionQpv.session_id)
        .where(
            OutreachSession.status == SessionStatus.PUBLISHED.value,
            OutreachSession.start_at >= now,
            *session_filters(filters),
        )
        .group_by(SessionQpv.qpv_code)
    )
    planned: dict[str, datetime] = dict((await session.execute(upcoming)).all())
    communes: dict[str, list[str]] = defaultdict(list)
    for code, name in await session.execute(
        select(QpvCommune.qpv_code, QpvCommune.name)
        .where(QpvCommune.qpv_code.in_(territory))
        .order_by(QpvCommune.qpv_code, QpvCommune.position)
    ):
        communes[code].append(name)
    reference = min(filters.last_day, now.astimezone(PARIS).date())
    qpvs: list[QpvCoverage] = []
    for code, name, dep_code, dep_name, wkb in await session.execute(
        select(Qpv.code, Qpv.name, Qpv.department_code, Qpv.department_name, Qpv.geometry_wkb)
        .where(Qpv.code.in_(territory))
        .order_by(Qpv.code)
    ):
        row = grouped.get(code)
        first = row[8].astimezone(PARIS).date() if row else None
        last = row[9].astimezone(PARIS).date() if row else None
        days = (reference - last).days if last else None
        qpvs.append(
            QpvCoverage(
                code=code,
                name=name,
                department_code=dep_code,
                department_name=dep_name,
                communes=tuple(communes[code]),
                geometry_wkb=wkb,
                figures=figures(row[:7]) if row else Figures(),
                organisations=int(row[7]) if row else 0,
                first_session=first,
                last_session=last,
                days_since_last=days,
                next_session=planned.get(code),
                status=coverage_status(days, code in planned, filters.lapsed_after_days),
            )
        )
    chain = await count_funnel(session, held_forums(filters, known, codes, now))
    return Coverage(filters, reference, tuple(qpvs), _summary(qpvs, totals_row, chain))


def _summary(
    qpvs: Sequence[QpvCoverage], totals_row: Sequence[Any], chain: Funnel
) -> CoverageSummary:
    by_status = {s.value: sum(q.status is s for q in qpvs) for s in CoverageStatus}
    held = by_status[CoverageStatus.REACHED] + by_status[CoverageStatus.LAPSED]
    gaps = sorted(
        (q for q in qpvs if q.status is not CoverageStatus.REACHED),
        key=lambda q: (q.days_since_last is not None, -(q.days_since_last or 0), q.code),
    )
    return CoverageSummary(
        qpvs=len(qpvs),
        by_status=by_status,
        reached_share=round(held / len(qpvs), 4) if qpvs else 0.0,
        totals=figures(totals_row[:7]),
        sessions_per_qpv_sum=sum(q.figures.sessions for q in qpvs),
        organisations=int(totals_row[7] or 0),
        gaps=tuple(q.code for q in gaps),
        funnel=chain,
    )
