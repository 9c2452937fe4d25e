"""A campaign's input checked against the database and completed with its defaults.

The pure part (input values, constants, checks that need no database) is
:mod:`planner.planning.campaign_input`; this module adds what needs the stored data, into the
same ``errors`` mapping (field → French message) so that a request is refused once with every
reason: the QPVs, people and venues must be known, and the defaults the coordinator did not give
are filled in (targets of the territory, weights from coverage, people of the organisations).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.clock import PARIS
from planner.coverage_status import coverage_status
from planner.db.models import (
    CampaignStaff,
    CampaignTarget,
    CampaignVenue,
    OutreachSession,
    Qpv,
    QpvEpci,
    SessionQpv,
    Staff,
    Venue,
)
from planner.planning.campaign_input import (
    PERIODS,
    WEEKDAYS,
    WEIGHTS,
    CampaignInput,
    TargetInput,
    person_problems,
    target_problems,
)
from planner.session import OVERSEAS_ZONES, PUBLIC, Role


async def territory_codes(
    session: AsyncSession, data: CampaignInput, errors: dict[str, str]
) -> list[str]:
    """The QPV codes of the campaign's departments and EPCIs (each must hold QPVs)."""
    codes: set[str] = set()
    empty = []
    for department in data.departments:
        found = set(
            await session.scalars(select(Qpv.code).where(Qpv.department_code == department))
        )
        if not found:
            empty.append(f"département {department}")
        codes |= found
    for siren in data.epcis:
        found = set(await session.scalars(select(QpvEpci.qpv_code).where(QpvEpci.siren == siren)))
        if not found:
            empty.append(f"EPCI {siren}")
        codes |= found
    if empty:
        field = "department" if any(e.startswith("dép") for e in empty) else "epci"
        errors[field] = "aucun QPV chargé pour : " + ", ".join(empty)
    return sorted(codes)


async def resolve_targets(
    session: AsyncSession, data: CampaignInput, territory: list[str], errors: dict[str, str]
) -> list[CampaignTarget]:
    """The targets given, completed with the defaults (weights are set by :func:`weighted`)."""
    given = data.targets
    if given is None:
        given = tuple(TargetInput(code) for code in territory)
    codes = [t.qpv_code.upper() for t in given]
    known = set(await session.scalars(select(Qpv.code).where(Qpv.code.in_(codes))))
    problems = []
    if unknown := sorted(set(codes) - known):
        problems.append("QPV inconnu(s) : " + ", ".join(unknown))
    problems += target_problems(given, codes, errors)
    if problems:
        errors["targets"] = " ; ".join(problems)
        return []
    return [
        CampaignTarget(
            qpv_code=t.qpv_code.upper(),
            min_visits=t.min_visits or data.min_visits,
            period_weeks=PERIODS.get(t.per or data.per, 1),
            weight=t.weight or 0,
            weight_basis="given" if t.weight is not None else "",
        )
        for t in given
    ]


async def weighted(
    session: AsyncSession, targets: list[CampaignTarget], first_day: date, now: datetime
) -> list[CampaignTarget]:
    """Fill in default weights from each QPV's last visit before the campaign (or now): the
    latest published or completed session serving it (drafts never reached anyone)."""
    missing = [t.qpv_code for t in targets if t.weight_basis != "given"]
    if not missing:
        return targets
    cutoff = min(now, datetime.combine(first_day, time.min, tzinfo=PARIS))
    last = dict(
        (
            await session.execute(
                select(SessionQpv.qpv_code, func.max(OutreachSession.start_at))
                .join(OutreachSession, OutreachSession.id == SessionQpv.session_id)
                .where(SessionQpv.qpv_code.in_(missing))
                .where(OutreachSession.status.in_([s.value for s in PUBLIC]))
                .where(OutreachSession.start_at < cutoff)
                .group_by(SessionQpv.qpv_code)
            )
        ).all()
    )
    for target in targets:
        if target.weight_basis == "given":
            continue
        seen = last.get(target.qpv_code)
        basis = coverage_status(None if seen is None else (cutoff - seen).days)
        target.weight, target.weight_basis = WEIGHTS[basis], basis.value
    return targets


async def resolve_staff(
    session: AsyncSession, data: CampaignInput, errors: dict[str, str]
) -> list[CampaignStaff]:
    """The people given (checked), or every active adviser and coordinator of the organisations."""
    orgs = set(data.organisations)
    if data.staff is None:
        rows = await session.scalars(
            select(Staff)
            .where(Staff.organisation_id.in_(orgs), Staff.active.is_(True))
            .where(Staff.role.in_([Role.ADVISER.value, Role.COORDINATOR.value]))
            .order_by(Staff.id)
        )
        return [CampaignStaff(staff_id=s.id, weekdays=list(WEEKDAYS), exceptions=[]) for s in rows]
    ids = [s.staff_id for s in data.staff]
    found = {s.id: s for s in await session.scalars(select(Staff).where(Staff.id.in_(ids)))}
    problems = []
    for person in data.staff:
        staff = found.get(person.staff_id)
        if staff is None:
            problems.append(f"intervenant n° {person.staff_id} inconnu")
        elif not staff.active:
            problems.append(f"intervenant n° {person.staff_id} désactivé")
        elif staff.organisation_id not in orgs:
            problems.append(f"intervenant n° {person.staff_id} : son organisation ne participe pas")
        problems += person_problems(person, data.first_day, data.last_day)
    if len(set(ids)) < len(ids):
        problems.append("un intervenant est cité deux fois")
    if problems:
        errors["staff"] = " ; ".join(problems)
        return []
    return [
        CampaignStaff(
            staff_id=p.staff_id,
            weekdays=sorted(set(p.weekdays)),
            exceptions=sorted({d.isoformat() for d in p.exceptions}),
            max_sessions_per_week=p.max_sessions_per_week,
        )
        for p in data.staff
    ]


async def resolve_venues(
    session: AsyncSession, data: CampaignInput, errors: dict[str, str]
) -> list[CampaignVenue]:
    """The venues chosen per QPV, each known."""
    ids = {v for choice in data.venues for v in choice.venue_ids}
    known = set(await session.scalars(select(Venue.id).where(Venue.id.in_(ids))))
    if unknown := sorted(ids - known):
        errors["venues"] = "lieu(x) inconnu(s) : " + ", ".join(map(str, unknown))
        return []
    return [
        CampaignVenue(qpv_code=choice.qpv_code.upper(), venue_id=v)
        for choice in data.venues
        for v in sorted(set(choice.venue_ids))
    ]


async def target_zones(session: AsyncSession, codes: list[str]) -> set[str]:
    """The wall-clock zones (IANA) of the departments of these QPVs."""
    departments = set(await session.scalars(select(Qpv.department_code).where(Qpv.code.in_(codes))))
    return {OVERSEAS_ZONES.get(d, "Europe/Paris") for d in departments}
