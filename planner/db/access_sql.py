"""The session policy (:mod:`planner.access.sessions`) as SQL, and the facts it reads.

:func:`visible` and :func:`full_view` are the WHERE-clause translations of
:func:`~planner.access.sessions.session_view` (not ``NONE``; ``FULL``): lists, exports and
coverage filter with them in the database, so a page of results never holds what the caller may
not see. :func:`load_facts` reads the same facts for the pure function (single reads, booking
conflicts). ``tests/planner/db/test_access_sql.py`` checks that both always agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, SessionFacts
from planner.access.caller import BOOKERS
from planner.db.models import (
    Commune,
    OutreachSession,
    Qpv,
    QpvEpci,
    SessionPartner,
    SessionQpv,
    SessionStaff,
    Venue,
)
from planner.session import PUBLIC, Role, SessionStatus

S = OutreachSession


def public_condition(*, now: datetime, retention: timedelta) -> ColumnElement[bool]:
    """Published or completed, or cancelled once published and starting within ``retention``
    before ``now`` (as in feeds)."""
    return or_(
        S.status.in_(sorted(s.value for s in PUBLIC)),
        and_(
            S.status == SessionStatus.CANCELLED.value,
            S.published_at.is_not(None),
            S.start_at >= now - retention,
        ),
    )


def in_territory(departments: Iterable[str], epcis: Iterable[str]) -> ColumnElement[bool]:
    """Sessions whose venue's commune or one of whose QPVs lies in these departments or EPCIs."""
    deps, sirens = sorted(departments), sorted(epcis)
    if not deps and not sirens:
        return false()
    places: list[ColumnElement[bool]] = []
    commune = []
    if deps:
        commune.append(Commune.department_code.in_(deps))
    if sirens:
        commune.append(Commune.epci_siren.in_(sirens))
    places.append(
        exists().where(
            Venue.id == S.venue_id, Commune.insee_code == Venue.insee_code, or_(*commune)
        )
    )
    if deps:
        places.append(
            exists().where(
                SessionQpv.session_id == S.id,
                Qpv.code == SessionQpv.qpv_code,
                Qpv.department_code.in_(deps),
            )
        )
    if sirens:
        places.append(
            exists().where(
                SessionQpv.session_id == S.id,
                QpvEpci.qpv_code == SessionQpv.qpv_code,
                QpvEpci.siren.in_(sirens),
            )
        )
    return or_(*places)


def full_view(caller: Caller | None) -> ColumnElement[bool]:
    """Sessions ``caller`` sees in full (staff, notes, outcome)."""
    if caller is None:
        return false()
    if caller.role is Role.ADMIN:
        return true()
    if caller.role is Role.MANAGER:
        return in_territory(caller.departments, caller.epcis)
    if caller.role not in BOOKERS:
        return false()
    return or_(
        S.organisation_id == caller.organisation_id,
        exists().where(
            SessionPartner.session_id == S.id,
            SessionPartner.organisation_id == caller.organisation_id,
        ),
        exists().where(SessionStaff.session_id == S.id, SessionStaff.staff_id == caller.staff_id),
    )


def visible(caller: Caller | None, *, now: datetime, retention: timedelta) -> ColumnElement[bool]:
    """Sessions ``caller`` sees at all (the view is not ``NONE``)."""
    if caller is not None and caller.role is Role.ADMIN:
        return true()
    return or_(full_view(caller), public_condition(now=now, retention=retention))


async def load_facts(session: AsyncSession, ids: Iterable[int]) -> dict[int, SessionFacts]:
    """The policy's facts of the sessions ``ids`` that exist."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = (
        await session.execute(
            select(
                S.id,
                S.organisation_id,
                S.status,
                S.start_at,
                S.published_at,
                Commune.department_code,
                Commune.epci_siren,
            )
            .join(Venue, Venue.id == S.venue_id)
            .outerjoin(Commune, Commune.insee_code == Venue.insee_code)
            .where(S.id.in_(wanted))
        )
    ).all()
    partners: dict[int, set[int]] = defaultdict(set)
    staff: dict[int, set[int]] = defaultdict(set)
    deps: dict[int, set[str]] = defaultdict(set)
    sirens: dict[int, set[str]] = defaultdict(set)
    for sid, org in await session.execute(
        select(SessionPartner.session_id, SessionPartner.organisation_id).where(
            SessionPartner.session_id.in_(wanted)
        )
    ):
        partners[sid].add(org)
    for sid, member in await session.execute(
        select(SessionStaff.session_id, SessionStaff.staff_id).where(
            SessionStaff.session_id.in_(wanted)
        )
    ):
        staff[sid].add(member)
    for sid, qpv_dep in await session.execute(
        select(SessionQpv.session_id, Qpv.department_code)
        .join(Qpv, Qpv.code == SessionQpv.qpv_code)
        .where(SessionQpv.session_id.in_(wanted))
    ):
        deps[sid].add(qpv_dep)
    for sid, qpv_siren in await session.execute(
        select(SessionQpv.session_id, QpvEpci.siren)
        .join(QpvEpci, QpvEpci.qpv_code == SessionQpv.qpv_code)
        .where(SessionQpv.session_id.in_(wanted))
    ):
        sirens[sid].add(qpv_siren)
    facts: dict[int, SessionFacts] = {}
    for sid, org, status, start, published_at, dep, siren in rows:
        facts[sid] = SessionFacts(
            organisation_id=org,
            status=SessionStatus(status),
            start=start,
            published=published_at is not None,
            partner_ids=frozenset(partners[sid]),
            staff_ids=frozenset(staff[sid]),
            departments=frozenset(deps[sid] | ({dep} if dep else set())),
            epcis=frozenset(sirens[sid] | ({siren} if siren else set())),
        )
    return facts
