"""The grouped SQL queries behind QPV coverage (:mod:`planner.db.coverage`).

Held sessions of the period, one row each (:func:`held_sessions`), are grouped per QPV and over
the territory (:func:`by_organisation`); the territory asked for (:func:`territory_codes`) and
the sessions serving it (:func:`serving`) narrow them. Both SQLite and PostgreSQL run them; where
their planners differ, each gets the form it runs fastest (measured with ``bench/coverage.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, extract, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.clock import PARIS
from planner.db.coverage_values import CoverageFilter, Figures
from planner.db.models import (
    OutreachSession,
    Qpv,
    QpvEpci,
    SessionOutcome,
    SessionPartner,
    SessionQpv,
    SessionStaff,
)
from planner.session import PUBLIC, Role, SessionKind


def _hours(session: AsyncSession) -> ColumnElement[Any]:
    """A session's length in hours, in the dialect's own date arithmetic."""
    start, end = OutreachSession.start_at, OutreachSession.end_at
    if session.get_bind().dialect.name == "postgresql":
        return extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def _midnight(day: date) -> datetime:
    """The start of ``day``, Paris time: periods are days in Paris."""
    return datetime.combine(day, time.min, tzinfo=PARIS)


def territory_codes(filters: CoverageFilter, caller: Caller) -> Select[Any]:
    """Codes of the QPVs asked for, within a manager's departments and EPCIs (a manager given
    none has no territory: no code)."""
    query = select(Qpv.code)
    if filters.department:
        query = query.where(Qpv.department_code == filters.department)
    if filters.epci:
        query = query.where(
            exists().where(QpvEpci.qpv_code == Qpv.code, QpvEpci.siren == filters.epci)
        )
    if caller.role is Role.MANAGER:
        query = query.where(
            or_(
                Qpv.department_code.in_(sorted(caller.departments)),
                exists().where(
                    QpvEpci.qpv_code == Qpv.code, QpvEpci.siren.in_(sorted(caller.epcis))
                ),
            )
        )
    return query


def serving(filters: CoverageFilter, caller: Caller, codes: list[str]) -> Select[Any]:
    """Sessions serving a QPV of the territory, as a subquery for ``id IN (…)``.

    Session-side groupings are not narrowed to the territory: their rows (one per QPV at most)
    are picked in Python. Only the distinct totals need the territory in SQL, written as an
    ``IN`` subquery so that both backends read the territory's ``session_qpv`` rows once
    (SQLite would otherwise probe every code of an ``IN`` list for every session).
    """
    query = select(SessionQpv.session_id)
    manager = caller.role is Role.MANAGER
    if filters.department or filters.epci or manager:
        query = query.where(SessionQpv.qpv_code.in_(codes))
    return query


def session_filters(filters: CoverageFilter) -> list[ColumnElement[bool]]:
    """Conditions on the sessions counted: their kind, their lead or partner organisation."""
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


def held_sessions(session: AsyncSession, filters: CoverageFilter, now: datetime) -> Select[Any]:
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
        .where(*session_filters(filters))
    )


def held_forums(
    filters: CoverageFilter, caller: Caller, codes: list[str], now: datetime
) -> Select[Any]:
    """Employer forums held in the period and serving the territory (their ids): the forums
    whose chain — registered, attended, immersions, hires — coverage sums."""
    end = min(_midnight(filters.last_day + timedelta(days=1)), now)
    return select(OutreachSession.id).where(
        OutreachSession.kind == SessionKind.EMPLOYER_FORUM.value,
        OutreachSession.status.in_(sorted(s.value for s in PUBLIC)),
        OutreachSession.start_at >= _midnight(filters.first_day),
        OutreachSession.start_at < end,
        OutreachSession.id.in_(serving(filters, caller, codes)),
        *session_filters(filters),
    )


def by_organisation(query: Select[Any], held: Any, *keys: Any) -> Select[Any]:
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


def figures(row: Sequence[Any]) -> Figures:
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
