"""The grouped SQL queries behind QPV coverage (:mod:`planner.db.coverage`).

Held sessions of the period, one row each read from ``session_reach`` (:func:`held_sessions`,
see :mod:`planner.db.reach`), are spread over the QPVs they list (:func:`elements`), summed per
QPV and lead organisation, and their other organisations counted per QPV, in one statement
(:func:`held_statement`); the territory asked for (:func:`territory_codes`) and the sessions
serving it (:func:`serving`) narrow them. Both SQLite and PostgreSQL run them; where their
planners differ, each gets the form it runs fastest (measured with ``bench/coverage.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.clock import PARIS
from planner.db.coverage_values import CoverageFilter, Figures
from planner.db.models import (
    OutreachSession,
    Qpv,
    QpvEpci,
    SessionPartner,
    SessionQpv,
    SessionReach,
    SessionStaff,
)
from planner.session import PUBLIC, Role, SessionKind

PER_QPV, TOTAL, BY_ORGANISATION = "q", "t", "o"
"""What a row of :func:`held_statement` holds: sums per QPV, the totals, or the sessions per QPV
of an organisation that led, staffed or partnered them."""


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def unselective(session: AsyncSession, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """``condition``, told to SQLite's planner as true of most rows (``likelihood``): without
    statistics it takes a status test for the most selective term and reads the sessions
    through the status index (87,000 of 100,000) rather than the period's through the
    ``start_at`` index; measured 23 ms → 9 ms. PostgreSQL has statistics."""
    if _postgres(session):
        return condition
    return func.likelihood(condition, literal_column("0.9"))


def midnight(day: date) -> datetime:
    """The start of ``day``, Paris time: periods are days in Paris."""
    return datetime.combine(day, time.min, tzinfo=PARIS)


def period_end(filters: CoverageFilter) -> datetime:
    """The end (excluded) of the period's last day."""
    return midnight(filters.last_day + timedelta(days=1))


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


def serving(
    session_id: Any, filters: CoverageFilter, caller: Caller, codes: list[str]
) -> ColumnElement[bool]:
    """Whether the session ``session_id`` serves a QPV of the territory.

    Session-side groupings are not narrowed to the territory: their rows (one per QPV at most)
    are picked in Python. Only distinct totals need the territory in SQL: an ``IN`` subquery on
    the territory's ``session_qpv`` rows, read once by both backends (SQLite would otherwise
    probe every code of an ``IN`` list for every session); with no territory, whether the
    session serves any QPV at all, a primary-key probe (an ``IN`` over every ``session_qpv`` row
    costs SQLite a temporary index of them all, ~40 ms at 100,000 sessions).
    """
    condition: ColumnElement[bool]
    if filters.department or filters.epci or caller.role is Role.MANAGER:
        condition = session_id.in_(
            select(SessionQpv.session_id).where(SessionQpv.qpv_code.in_(codes))
        )
    else:
        condition = exists().where(SessionQpv.session_id == session_id)
    return condition


def session_filters(filters: CoverageFilter) -> list[ColumnElement[bool]]:
    """Conditions on the sessions counted: their kind; an organisation that led, staffed (its
    staff's organisation) or partnered them."""
    conditions: list[ColumnElement[bool]] = []
    if filters.kind is not None:
        conditions.append(OutreachSession.kind == filters.kind.value)
    if filters.organisation is not None:
        conditions.append(
            or_(
                OutreachSession.organisation_id == filters.organisation,
                exists().where(
                    SessionStaff.session_id == OutreachSession.id,
                    SessionStaff.organisation_id == filters.organisation,
                ),
                exists().where(
                    SessionPartner.session_id == OutreachSession.id,
                    SessionPartner.organisation_id == filters.organisation,
                ),
            )
        )
    return conditions


def held_sessions(session: AsyncSession, filters: CoverageFilter, now: datetime) -> Select[Any]:
    """Held sessions of the period, one row each as coverage reads it (:mod:`planner.db.reach`):
    id, lead organisation, start, hours, staff-hours, outcome figures, QPVs and other
    organisations."""
    r = SessionReach
    query = select(r.session_id.label("id")).add_columns(
        r.organisation_id,
        r.start_at,
        r.hours,
        r.staff_hours,
        r.people_met,
        r.new_contacts,
        r.job_offers,
        r.immersions,
        r.qpv_codes,
        r.organisations,
    )
    query = query.where(
        r.status.in_(sorted(s.value for s in PUBLIC)),
        r.start_at >= midnight(filters.first_day),
        r.start_at < min(period_end(filters), now),
    )
    if filters.kind is not None:
        query = query.where(r.kind == filters.kind.value)
    if filters.organisation is not None:
        query = query.where(
            r.session_id.in_(select(OutreachSession.id).where(*session_filters(filters)))
        )
    return query


def elements(session: AsyncSession, listed: Any, kind: Any) -> Any:
    """The values of a listed column of :class:`SessionReach`, one row each (column
    ``value``), to join beside the row that lists them: ``unnest`` of a PostgreSQL array,
    ``json_each`` of a SQLite JSON array."""
    value = column("value", kind)
    if _postgres(session):
        return func.unnest(listed).table_valued(value).render_derived()
    return func.json_each(listed).table_valued(value)


def _sums(held: Any) -> list[ColumnElement[Any]]:
    """(count, hours, staff-hours, people, contacts, offers, immersions, first, last)."""
    return [
        func.count(),
        func.sum(held.c.hours),
        func.sum(held.c.staff_hours),
        func.sum(held.c.people_met),
        func.sum(held.c.new_contacts),
        func.sum(held.c.job_offers),
        func.sum(held.c.immersions),
        func.min(held.c.start_at),
        func.max(held.c.start_at),
    ]


def other_organisations(held: Any) -> Any:
    """The organisations of each session of ``held`` (id, organisation) other than its lead:
    its staff's (``session_staff.organisation_id``, their organisation when assigned) and its
    partners'; rows (session id, organisation id), an organisation once per person or
    partnership (so counted with ``DISTINCT`` session ids)."""
    staff = (
        select(SessionStaff.session_id.label("id"), SessionStaff.organisation_id.label("org"))
        .join(held, held.c.id == SessionStaff.session_id)
        .where(SessionStaff.organisation_id != held.c.organisation_id)
    )
    partners = (
        select(SessionPartner.session_id, SessionPartner.organisation_id)
        .join(held, held.c.id == SessionPartner.session_id)
        .where(SessionPartner.organisation_id != held.c.organisation_id)
    )
    return union_all(staff, partners).subquery("others")


def held_statement(
    session: AsyncSession,
    filters: CoverageFilter,
    caller: Caller,
    codes: list[str],
    now: datetime,
) -> CompoundSelect[Any]:
    """One statement reading the held sessions once (:func:`held_sessions`, one row each with
    its QPVs and organisations listed) for three groupings, told apart by their first column:

    - :data:`PER_QPV`: (kind, QPV, null, count, hours, staff-hours, people, contacts, offers,
      immersions, first start, last start), summed per QPV and lead organisation, then per QPV
      (few rows, so few timestamps, reach Python);
    - :data:`TOTAL`: the territory's totals, each session once (kind, null, null, the sums);
    - :data:`BY_ORGANISATION`: sessions per QPV and organisation (kind, QPV, organisation,
      count, nulls): those it led (from the grouping of the sums) plus those it joined (each
      session lists an organisation once), one row each.
    """
    held = held_sessions(session, filters, now).cte("held")
    qpv = elements(session, held.c.qpv_codes, String)
    by_lead = (
        select(
            qpv.c.value.label("qpv"),
            held.c.organisation_id.label("org"),
            *[column.label(f"c{i}") for i, column in enumerate(_sums(held))],
        )
        .select_from(held)
        .join(qpv, true())
        .group_by(qpv.c.value, held.c.organisation_id)
        .cte("by_lead")
    )
    sums = [by_lead.c[f"c{i}"] for i in range(9)]
    per_qpv = select(
        literal(PER_QPV, String),
        by_lead.c.qpv,
        cast(null(), Integer),
        *[func.sum(column) for column in sums[:7]],
        func.min(sums[7]),
        func.max(sums[8]),
    ).group_by(by_lead.c.qpv)
    totals = select(
        literal(TOTAL, String), cast(null(), String), cast(null(), Integer), *_sums(held)
    ).where(serving(held.c.id, filters, caller, codes))
    where = elements(session, held.c.qpv_codes, String)
    org = elements(session, held.c.organisations, Integer)
    joined = (
        select(where.c.value.label("qpv"), org.c.value.label("org"), func.count().label("n"))
        .select_from(held)
        .join(where, true())
        .join(org, true())
        .group_by(where.c.value, org.c.value)
    )
    led = select(by_lead.c.qpv, by_lead.c.org, sums[0].label("n"))
    organisations = union_all(led, joined).subquery("organisations")
    by_organisation = (
        select(
            literal(BY_ORGANISATION, String),
            organisations.c.qpv,
            organisations.c.org,
            func.sum(organisations.c.n),
        )
        .add_columns(*[null()] * 8)
        .group_by(organisations.c.qpv, organisations.c.org)
    )
    return union_all(per_qpv, totals, by_organisation)


def held_forums(
    filters: CoverageFilter, caller: Caller, codes: list[str], now: datetime
) -> Select[Any]:
    """Employer forums held in the period and serving the territory (their ids): the forums
    whose chain — registered, attended, immersions, hires — coverage sums."""
    return select(OutreachSession.id).where(
        OutreachSession.kind == SessionKind.EMPLOYER_FORUM.value,
        OutreachSession.status.in_(sorted(s.value for s in PUBLIC)),
        OutreachSession.start_at >= midnight(filters.first_day),
        OutreachSession.start_at < min(period_end(filters), now),
        serving(OutreachSession.id, filters, caller, codes),
        *session_filters(filters),
    )


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
