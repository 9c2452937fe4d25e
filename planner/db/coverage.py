"""Coverage of the QPVs by outreach: which neighbourhoods sessions reach, how often, by whom.

Every figure is computed by the database with grouped queries (``GROUP BY`` QPV over the
sessions of the period, each spread over the QPVs it serves), never by Python loops over
sessions; the held ones are read from what coverage keeps of each session
(:mod:`planner.db.reach`):

- *held* sessions are published or completed ones that started in the period (``start`` from
  the first day's midnight to the last day's end, Paris time) and before ``now``; drafts and
  cancelled sessions never count;
- *planned* sessions start in the period at or after ``now``: published ones, and the drafts
  the caller may see (:mod:`planner.db.coverage_planned`); counted apart from the held ones;
- *by whom*: a session's organisations are its lead, its staff's (``session_staff``'s
  organisation, theirs when assigned) and its partners'; each QPV lists them with their
  sessions, and counts them once however many sessions they joined;
- a session serves the QPVs listed for it (by default its venue's served list), so a session in
  a social centre between two QPVs counts once for each: the per-QPV figures add up to more
  than the distinct totals, which :class:`CoverageSummary` gives separately.

A QPV's status: ``reached`` (last held session at most ``lapsed_after_days`` before the
reference day), ``lapsed`` (older), ``planned`` (« prévu »: none held, one planned in the
period), ``not_reached``. The reference day is ``to``, or today when ``to`` lies ahead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.people import require_coverage_reader
from planner.clock import PARIS
from planner.coverage_status import CoverageStatus, coverage_status
from planner.db.coverage_planned import next_sessions, planned_organisations, planned_sessions
from planner.db.coverage_sql import (
    PER_QPV,
    TOTAL,
    figures,
    held_forums,
    held_statement,
    territory_codes,
)
from planner.db.coverage_values import (
    Coverage,
    CoverageFilter,
    CoverageSummary,
    Department,
    Figures,
    OrganisationShare,
    Planned,
    QpvCoverage,
)
from planner.db.funnel import count_funnel
from planner.db.models import Organisation, Qpv, QpvCommune, QpvEpci
from planner.errors import InvalidInputError, PermissionDeniedError
from planner.funnel import Funnel


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
    grouped queries are built by :mod:`planner.db.coverage_sql` and
    :mod:`planner.db.coverage_planned`).

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
    held = await _held(session, filters, known, codes, now)
    ahead = await planned_sessions(session, filters, known, codes, now)
    coming_by = await planned_organisations(session, filters, known, now)
    next_start = await next_sessions(session, filters, codes, now)
    communes: dict[str, list[str]] = defaultdict(list)
    for code, name in await session.execute(
        select(QpvCommune.qpv_code, QpvCommune.name)
        .where(QpvCommune.qpv_code.in_(territory))
        .order_by(QpvCommune.qpv_code, QpvCommune.position)
    ):
        communes[code].append(name)
    names = await _organisation_names(
        session, [*held.by_organisation.values(), *coming_by.values()]
    )
    reference = min(filters.last_day, now.astimezone(PARIS).date())
    qpvs: list[QpvCoverage] = []
    for code, name, dep_code, dep_name, wkb in await session.execute(
        select(Qpv.code, Qpv.name, Qpv.department_code, Qpv.department_name, Qpv.geometry_wkb)
        .where(Qpv.code.in_(territory))
        .order_by(Qpv.code)
    ):
        sums = held.per_qpv.get(code)
        first = sums[7].astimezone(PARIS).date() if sums else None
        last = sums[8].astimezone(PARIS).date() if sums else None
        days = (reference - last).days if last else None
        coming = ahead.get(code, Planned())
        shares = _shares(held.by_organisation.get(code, {}), names)
        qpvs.append(
            QpvCoverage(
                code=code,
                name=name,
                department_code=dep_code,
                department_name=dep_name,
                communes=tuple(communes[code]),
                geometry_wkb=wkb,
                figures=figures(sums[:7]) if sums else Figures(),
                organisations=len(shares),
                first_session=first,
                last_session=last,
                days_since_last=days,
                next_session=next_start.get(code),
                status=coverage_status(days, coming.sessions > 0, filters.lapsed_after_days),
                planned=coming,
                by_organisation=shares,
                planned_by_organisation=_shares(coming_by.get(code, {}), names),
            )
        )
    everyone = {org for code in codes for org in held.by_organisation.get(code, {})}
    chain = await count_funnel(session, held_forums(filters, known, codes, now))
    summary = _summary(qpvs, held.totals, len(everyone), ahead.get(None, Planned()), chain)
    departments = await _departments(session, filters, known)
    return Coverage(filters, reference, tuple(qpvs), summary, departments)


@dataclass(frozen=True, slots=True)
class _Held:
    """What the held sessions' statement answers, gathered per QPV."""

    per_qpv: dict[str, list[Any]]
    """Sums per QPV: count, hours, staff-hours, people, contacts, offers, immersions, first
    and last start."""
    by_organisation: dict[str, dict[int, int]]
    """Sessions per QPV and organisation (led, staffed or partnered)."""
    totals: Sequence[Any]


async def _held(
    session: AsyncSession, filters: CoverageFilter, caller: Caller, codes: list[str], now: datetime
) -> _Held:
    per_qpv: dict[str, list[Any]] = {}
    by_organisation: dict[str, dict[int, int]] = defaultdict(dict)
    totals: Sequence[Any] = ()
    for row in await session.execute(held_statement(session, filters, caller, codes, now)):
        kind = row[0]
        if kind == PER_QPV:
            per_qpv[row[1]] = list(row[3:])
        elif kind == TOTAL:
            totals = row[3:]
        else:
            by_organisation[row[1]][row[2]] = int(row[3])
    return _Held(per_qpv, by_organisation, totals)


async def _organisation_names(
    session: AsyncSession, shares: Sequence[dict[int, int]]
) -> dict[int, str]:
    ids = sorted({org for counts in shares for org in counts})
    if not ids:
        return {}
    rows = await session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return dict(rows.all())


def _shares(sessions: dict[int, int], names: dict[int, str]) -> tuple[OrganisationShare, ...]:
    """The organisations of a QPV with their sessions, most first, then by name."""
    shares = (OrganisationShare(org, names.get(org, ""), n) for org, n in sessions.items())
    return tuple(sorted(shares, key=lambda s: (-s.sessions, s.name, s.id)))


async def _departments(
    session: AsyncSession, filters: CoverageFilter, caller: Caller
) -> tuple[Department, ...]:
    """The departments of the caller's whole territory (the filters' own place left aside):
    what the department filter offers, each once."""
    everywhere = replace(filters, department=None, epci=None)
    rows = await session.execute(
        select(Qpv.department_code, Qpv.department_name)
        .where(Qpv.code.in_(territory_codes(everywhere, caller)))
        .group_by(Qpv.department_code, Qpv.department_name)
        .order_by(Qpv.department_code)
    )
    return tuple(Department(code, name) for code, name in rows)


def _summary(
    qpvs: Sequence[QpvCoverage],
    totals_row: Sequence[Any],
    organisations: int,
    coming: Planned,
    chain: Funnel,
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
        organisations=organisations,
        gaps=tuple(q.code for q in gaps),
        funnel=chain,
        planned=coming,
    )
