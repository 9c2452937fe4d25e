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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    cast,
    exists,
    extract,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, require_caller
from planner.db.models import (
    OutreachSession,
    Qpv,
    QpvCommune,
    QpvEpci,
    SessionOutcome,
    SessionPartner,
    SessionQpv,
    SessionStaff,
)
from planner.errors import InvalidInputError, PermissionDeniedError
from planner.session import PUBLIC, Role, SessionKind, SessionStatus

PARIS = ZoneInfo("Europe/Paris")
READERS = frozenset({Role.MANAGER, Role.COORDINATOR, Role.ADMIN})
DEFAULT_LAPSED_AFTER_DAYS = 30
DOUBLE_COUNTING_NOTE = (
    "Une séance compte pour chaque QPV qu'elle dessert : la somme des chiffres par QPV peut "
    "dépasser les totaux, qui comptent chaque séance une seule fois."
)


class CoverageStatus(StrEnum):
    """How well outreach reaches a QPV over the period."""

    REACHED = "reached"
    LAPSED = "lapsed"
    PLANNED = "planned"
    NOT_REACHED = "not_reached"


@dataclass(frozen=True, slots=True)
class CoverageFilter:
    """What coverage is asked for: a period (days, inclusive) and optional narrowing."""

    first_day: date
    last_day: date
    kind: SessionKind | None = None
    organisation: int | None = None
    """Lead or partner organisation of the sessions counted."""
    department: str | None = None
    epci: str | None = None
    lapsed_after_days: int = DEFAULT_LAPSED_AFTER_DAYS


@dataclass(frozen=True, slots=True)
class Figures:
    """Sums over held sessions: per QPV, or over distinct sessions for the totals."""

    sessions: int = 0
    session_hours: float = 0.0
    staff_hours: float = 0.0
    people_met: int = 0
    new_contacts: int = 0
    job_offers: int = 0
    immersions: int = 0


@dataclass(frozen=True, slots=True)
class QpvCoverage:
    """One QPV of the territory asked, reached or not, with its polygon (exact, as WKB)."""

    code: str
    name: str
    department_code: str
    department_name: str
    communes: tuple[str, ...]
    geometry_wkb: bytes
    figures: Figures
    organisations: int
    first_session: date | None
    last_session: date | None
    days_since_last: int | None
    next_session: datetime | None
    status: CoverageStatus


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    """Totals over the territory, the share reached and the gaps, nearest-forgotten first."""

    qpvs: int
    by_status: dict[str, int]
    reached_share: float
    """QPVs with a held session (``reached`` or ``lapsed``) over all QPVs, from 0 to 1."""
    totals: Figures
    """Each session counted once, however many QPVs it serves."""
    sessions_per_qpv_sum: int
    """The per-QPV session counts added up: more than ``totals.sessions`` when sessions serve
    several QPVs."""
    organisations: int
    gaps: tuple[str, ...]
    """QPVs not ``reached``, never-reached first, then by days since the last session (most
    first), then by code."""
    note: str = DOUBLE_COUNTING_NOTE


@dataclass(frozen=True, slots=True)
class Coverage:
    """Coverage of a territory over a period."""

    filters: CoverageFilter
    reference_day: date
    qpvs: tuple[QpvCoverage, ...]
    summary: CoverageSummary


def require_coverage_reader(caller: Caller | None) -> Caller:
    """A manager, coordinator or admin: the people who plan campaigns."""
    known = require_caller(caller)
    if known.role not in READERS:
        raise PermissionDeniedError(
            "La couverture des QPV est réservée aux managers, coordinateurs et administrateurs."
        )
    return known


def _hours(session: AsyncSession) -> ColumnElement[Any]:
    """A session's length in hours, in the dialect's own date arithmetic."""
    start, end = OutreachSession.start_at, OutreachSession.end_at
    if session.get_bind().dialect.name == "postgresql":
        return extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)


def _territory(filters: CoverageFilter, caller: Caller) -> Select[Any]:
    """Codes of the QPVs asked for, within a manager's departments and EPCIs (if any)."""
    query = select(Qpv.code)
    if filters.department:
        query = query.where(Qpv.department_code == filters.department)
    if filters.epci:
        query = query.where(
            exists().where(QpvEpci.qpv_code == Qpv.code, QpvEpci.siren == filters.epci)
        )
    if caller.role is Role.MANAGER and (caller.departments or caller.epcis):
        query = query.where(
            or_(
                Qpv.department_code.in_(sorted(caller.departments)),
                exists().where(
                    QpvEpci.qpv_code == Qpv.code, QpvEpci.siren.in_(sorted(caller.epcis))
                ),
            )
        )
    return query


def _serving(filters: CoverageFilter, caller: Caller, codes: list[str]) -> Select[Any]:
    """Sessions serving a QPV of the territory, as a subquery for ``id IN (…)``.

    Session-side groupings are not narrowed to the territory: their rows (one per QPV at most)
    are picked in Python. Only the distinct totals need the territory in SQL, written as an
    ``IN`` subquery so that both backends read the territory's ``session_qpv`` rows once
    (SQLite would otherwise probe every code of an ``IN`` list for every session).
    """
    query = select(SessionQpv.session_id)
    manager = caller.role is Role.MANAGER and bool(caller.departments or caller.epcis)
    if filters.department or filters.epci or manager:
        query = query.where(SessionQpv.qpv_code.in_(codes))
    return query


def _session_filters(filters: CoverageFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.kind is not None:
        conditions.append(OutreachSession.kind == filters.kind.value)
    if filters.organisation is not None:
        conditions.append(
            or_(
                OutreachSession.organisation_id == filters.organisation,
                exists().where(
                    SessionPartner.session_id == OutreachSession.id,
                    SessionPartner.organisation_id == filters.organisation,
                ),
            )
        )
    return conditions


def _held(session: AsyncSession, filters: CoverageFilter, now: datetime) -> Select[Any]:
    """Held sessions of the period, one row each with its hours, staff-hours and outcome.

    Staff are counted per session by a correlated lookup on SQLite (a primary-key probe each)
    and by joining one grouped pass over ``session_staff`` on PostgreSQL, whose planner costs
    43,000 sub-plans high enough to compile the query (JIT) and runs them slower than a hash
    join (measured with ``bench/coverage.py``).
    """
    hours = _hours(session)
    query = select(OutreachSession.id)
    staff: Any
    if session.get_bind().dialect.name == "postgresql":
        counts = (
            select(SessionStaff.session_id, func.count().label("staff"))
            .group_by(SessionStaff.session_id)
            .subquery()
        )
        query = query.join(counts, counts.c.session_id == OutreachSession.id)
        staff = counts.c.staff
    else:
        staff = (
            select(func.count())
            .where(SessionStaff.session_id == OutreachSession.id)
            .correlate(OutreachSession)
            .scalar_subquery()
        )
    end = min(_midnight(filters.last_day + timedelta(days=1)), now)
    return (
        query.add_columns(
            OutreachSession.organisation_id,
            OutreachSession.start_at,
            hours.label("hours"),
            (hours * staff).label("staff_hours"),
            func.coalesce(SessionOutcome.people_met, 0).label("people_met"),
            func.coalesce(SessionOutcome.new_contacts, 0).label("new_contacts"),
            func.coalesce(SessionOutcome.job_offers, 0).label("job_offers"),
            func.coalesce(SessionOutcome.immersions, 0).label("immersions"),
        )
        .outerjoin(SessionOutcome, SessionOutcome.session_id == OutreachSession.id)
        .where(OutreachSession.status.in_(sorted(s.value for s in PUBLIC)))
        .where(OutreachSession.start_at >= _midnight(filters.first_day))
        .where(OutreachSession.start_at < end)
        .where(*_session_filters(filters))
    )


def _by_organisation(query: Select[Any], held: Any, *keys: Any) -> Select[Any]:
    """Sums of held sessions per ``keys``: (key…, count, hours, staff-hours, people, contacts,
    offers, immersions, organisations, first start, last start).

    Grouped twice, by key and organisation then by key, so that the distinct organisations
    are counted without ``COUNT(DISTINCT)``, which makes PostgreSQL sort every row (spilling to
    disk at 100,000 sessions) instead of hashing a few thousand groups.
    """
    inner = (
        query.add_columns(
            *keys,
            held.c.organisation_id,
            func.count().label("sessions"),
            func.sum(held.c.hours).label("hours"),
            func.sum(held.c.staff_hours).label("staff_hours"),
            func.sum(held.c.people_met).label("people_met"),
            func.sum(held.c.new_contacts).label("new_contacts"),
            func.sum(held.c.job_offers).label("job_offers"),
            func.sum(held.c.immersions).label("immersions"),
            func.min(held.c.start_at).label("first"),
            func.max(held.c.start_at).label("last"),
        )
        .group_by(*keys, held.c.organisation_id)
        .subquery()
    )
    outer_keys = [inner.c[key.key] for key in keys]
    return select(
        *outer_keys,
        func.sum(inner.c.sessions),
        func.sum(inner.c.hours),
        func.sum(inner.c.staff_hours),
        func.sum(inner.c.people_met),
        func.sum(inner.c.new_contacts),
        func.sum(inner.c.job_offers),
        func.sum(inner.c.immersions),
        func.count(),
        func.min(inner.c.first),
        func.max(inner.c.last),
    ).group_by(*outer_keys)


def _figures(row: Sequence[Any]) -> Figures:
    """Figures from a row of (count, hours, staff-hours, people, contacts, offers, immersions)."""
    count, hours, staff_hours, people, contacts, offers, immersions = row
    return Figures(
        sessions=int(count or 0),
        session_hours=round(float(hours or 0), 2),
        staff_hours=round(float(staff_hours or 0), 2),
        people_met=int(people or 0),
        new_contacts=int(contacts or 0),
        job_offers=int(offers or 0),
        immersions=int(immersions or 0),
    )


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


def _status(days: int | None, planned: bool, lapsed_after: int) -> CoverageStatus:
    if days is not None:
        return CoverageStatus.REACHED if days <= lapsed_after else CoverageStatus.LAPSED
    return CoverageStatus.PLANNED if planned else CoverageStatus.NOT_REACHED


async def compute_coverage(
    session: AsyncSession, filters: CoverageFilter, *, caller: Caller | None, now: datetime
) -> Coverage:
    """Coverage of every QPV of the territory asked over the period (see the module doc).

    Raises :class:`InvalidInputError` naming ``dep`` or ``epci`` when no loaded QPV has it,
    and :class:`PermissionDeniedError` for advisers, or for a manager asking for a department or
    an EPCI outside their own territory (a manager given none sees every QPV).
    """
    known = require_coverage_reader(caller)
    if errors := await _unknown_places(session, filters):
        raise InvalidInputError(errors)
    territory = _territory(filters, known)
    codes = list(await session.scalars(territory))
    if not codes:
        raise PermissionDeniedError("Ce territoire est en dehors de celui qui vous est confié.")
    held = _held(session, filters, now).cte("held")
    per_qpv = _by_organisation(
        select(SessionQpv.qpv_code).join(held, held.c.id == SessionQpv.session_id),
        held,
        SessionQpv.qpv_code,
    )
    in_territory = held.c.id.in_(_serving(filters, known, codes))
    totals = _by_organisation(select().select_from(held).where(in_territory), held).subquery()
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
            *_session_filters(filters),
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
                figures=_figures(row[:7]) if row else Figures(),
                organisations=int(row[7]) if row else 0,
                first_session=first,
                last_session=last,
                days_since_last=days,
                next_session=planned.get(code),
                status=_status(days, code in planned, filters.lapsed_after_days),
            )
        )
    return Coverage(filters, reference, tuple(qpvs), _summary(qpvs, totals_row))


def _summary(qpvs: Sequence[QpvCoverage], totals_row: Sequence[Any]) -> CoverageSummary:
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
        totals=_figures(totals_row[:7]),
        sessions_per_qpv_sum=sum(q.figures.sessions for q in qpvs),
        organisations=int(totals_row[7] or 0),
        gaps=tuple(q.code for q in gaps),
    )
