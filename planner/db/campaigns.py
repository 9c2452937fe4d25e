"""Campaigns stored: create, read and change them, with every input checked at once (issue 7).

Defaults a coordinator would expect:

- no targets given: every QPV of the territory (any set of departments and EPCIs: a region's
  week is one campaign), ``min_visits`` per ``per``;
- a target without a weight: from coverage before the campaign — never reached weighs 3, last
  visited more than 30 days (:data:`planner.coverage_status.DEFAULT_LAPSED_AFTER_DAYS`) before
  the campaign starts weighs 2, else 1;
- no people given: every active adviser and coordinator of the participating organisations,
  available every weekday evening (Monday to Friday);
- no venues chosen for a QPV: the venues serving it, when the plan is computed.

Changing the territory or the default frequency without giving targets recomputes the targets;
changing the organisations without giving people recomputes the people. Every change bumps the
campaign's revision, so that a plan computed before it cannot be accepted.

Rights (:mod:`planner.access.campaigns`): coordinators plan their organisation's campaigns
with their own organisation and its active partners (:mod:`planner.db.partnerships`), admins
any; a campaign is read by its organisations' staff, admins and managers of its territory.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, require_caller
from planner.access.campaigns import (
    CampaignFacts,
    may_read_campaign,
    organisations_refused,
    require_partners,
    require_planner,
)
from planner.db.audit import audited
from planner.db.campaign_resolution import (
    resolve_staff,
    resolve_targets,
    resolve_venues,
    target_zones,
    territory_codes,
    weighted,
)
from planner.db.models import Campaign, CampaignOrganisation, Organisation, Qpv, QpvEpci
from planner.db.partnerships import active_partner_ids
from planner.db.session_values import organisation_window
from planner.errors import InvalidInputError, NotFoundError
from planner.planning.campaign_input import (
    PERIOD_NAMES,
    CampaignInput,
    StaffInput,
    TargetInput,
    VenueChoice,
    check_numbers,
    parse_time,
)
from planner.session import RuleSettings, SessionKind


async def _facts(session: AsyncSession, row: Campaign) -> CampaignFacts:
    """A campaign as the policy sees it: organisations, and the territory of its targets."""
    codes = [t.qpv_code for t in row.targets]
    departments = await session.scalars(select(Qpv.department_code).where(Qpv.code.in_(codes)))
    epcis = await session.scalars(select(QpvEpci.siren).where(QpvEpci.qpv_code.in_(codes)))
    return CampaignFacts(
        organisation_id=row.organisation_id,
        organisations=frozenset(o.organisation_id for o in row.organisations),
        departments=frozenset(departments),
        epcis=frozenset(epcis),
    )


async def readable(session: AsyncSession, row: Campaign, caller: Caller) -> bool:
    """Whether ``caller`` may read the campaign (see :func:`may_read_campaign`)."""
    return may_read_campaign(caller, await _facts(session, row))


async def get_campaign(session: AsyncSession, campaign_id: int, caller: Caller | None) -> Campaign:
    """A campaign, for those the policy lets read it; 404 for anyone else, as when unknown, so
    that numbers are not revealed."""
    known = require_caller(caller)
    row = await session.get(Campaign, campaign_id)
    if row is None or not await readable(session, row, known):
        raise NotFoundError(f"Aucune campagne n° {campaign_id}.")
    return row


async def list_campaigns(session: AsyncSession, caller: Caller | None) -> list[Campaign]:
    """The campaigns the caller may read, the latest first."""
    known = require_caller(caller)
    rows = await session.scalars(select(Campaign).order_by(Campaign.id.desc()))
    return [row for row in rows if await readable(session, row, known)]


async def check_partners(
    session: AsyncSession, caller: Caller, organisations: tuple[int, ...]
) -> None:
    """Refuse (403, naming them) organisations the caller may not plan with: a coordinator plans
    with their own organisation and its active partners only."""
    partners = await active_partner_ids(session, caller.organisation_id)
    refused = organisations_refused(caller, organisations, partners)
    if refused:
        names = dict(
            (
                await session.execute(
                    select(Organisation.id, Organisation.name).where(Organisation.id.in_(refused))
                )
            ).all()
        )
        require_partners(caller, organisations, partners, names)


async def create_campaign(
    session: AsyncSession,
    data: CampaignInput,
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
) -> Campaign:
    """Check and store a new campaign (nothing is stored when anything is wrong)."""
    known = require_planner(caller)
    if data.organisation_id is None:
        data = replace(data, organisation_id=known.organisation_id)
    require_planner(caller, data.organisation_id)
    await check_partners(session, known, data.organisations)
    row = Campaign(revision=0, created_by_id=known.staff_id, created_at=now, updated_at=now)
    await _apply(session, row, data, settings=settings, now=now)
    session.add(row)
    await audited(
        session,
        row,
        actor_id=known.staff_id,
        action="create",
        entity="campaign",
        before=None,
        after=snapshot,
        now=now,
    )
    return row


async def update_campaign(
    session: AsyncSession,
    campaign_id: int,
    changes: dict[str, Any],
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
) -> Campaign:
    """Change the given fields of a campaign (see the module docstring for what follows)."""
    row = await get_campaign(session, campaign_id, caller)
    known = require_planner(caller, row.organisation_id)
    before = snapshot(row)
    current = current_input(row)
    if "targets" not in changes and {"departments", "epcis", "min_visits", "per"} & set(changes):
        changes = {**changes, "targets": None}
    if {"departments", "epcis"} & set(changes):  # a territory given replaces the whole one
        changes = {"departments": (), "epcis": (), **changes}
    if "staff" not in changes and "organisations" in changes:
        changes = {**changes, "staff": None}
    data = replace(current, **changes)
    require_planner(caller, data.organisation_id)
    if "organisations" in changes:
        await check_partners(session, known, data.organisations)
    await _apply(session, row, data, settings=settings, now=now)
    row.revision += 1
    row.updated_at = now
    await audited(
        session,
        row,
        actor_id=known.staff_id,
        action="update",
        entity="campaign",
        before=before,
        after=snapshot,
        now=now,
    )
    return row


def current_input(row: Campaign) -> CampaignInput:
    """A stored campaign as the input that would make it again (targets and people explicit)."""
    return CampaignInput(
        name=row.name,
        first_day=row.first_day,
        last_day=row.last_day,
        organisations=tuple(o.organisation_id for o in row.organisations),
        departments=tuple(row.departments),
        epcis=tuple(row.epcis),
        organisation_id=row.organisation_id,
        targets=tuple(
            TargetInput(
                t.qpv_code,
                t.min_visits,
                PERIOD_NAMES[t.period_weeks],
                t.weight if t.weight_basis == "given" else None,
            )
            for t in row.targets
        ),
        staff=tuple(
            StaffInput(
                s.staff_id,
                tuple(s.weekdays),
                tuple(date.fromisoformat(d) for d in s.exceptions),
                s.max_sessions_per_week,
            )
            for s in row.staff
        ),
        venues=tuple(VenueChoice(code, tuple(ids)) for code, ids in venue_choices(row).items()),
        kind=SessionKind(row.kind),
        duration_minutes=row.duration_minutes,
        window_start=row.window_start,
        window_end=row.window_end,
        max_sessions_per_week=row.max_sessions_per_week,
        min_gap_days=row.min_gap_days,
        max_travel_km=row.max_travel_km,
        time_limit_s=row.time_limit_s,
    )


def venue_choices(row: Campaign) -> dict[str, list[int]]:
    """The venues the coordinator chose, by QPV code."""
    chosen: dict[str, list[int]] = {}
    for choice in row.venues:
        chosen.setdefault(choice.qpv_code, []).append(choice.venue_id)
    return chosen


def snapshot(row: Campaign) -> dict[str, Any]:
    """A campaign's fields for the audit log (people by number only)."""
    return {
        "name": row.name,
        "organisation_id": row.organisation_id,
        "territory": [*row.departments, *row.epcis],
        "period": [row.first_day.isoformat(), row.last_day.isoformat()],
        "organisations": [o.organisation_id for o in row.organisations],
        "targets": len(row.targets),
        "staff": [s.staff_id for s in row.staff],
        "revision": row.revision,
    }


async def _apply(
    session: AsyncSession,
    row: Campaign,
    data: CampaignInput,
    *,
    settings: RuleSettings,
    now: datetime,
) -> None:
    """Check ``data`` whole (every error at once) and write it into ``row`` and its children."""
    errors: dict[str, str] = {}
    data = replace(
        data,
        departments=tuple(sorted({d.strip().upper() for d in data.departments})),
        epcis=tuple(sorted({e.strip() for e in data.epcis})),
    )
    check_numbers(data, settings, errors)
    lead = await session.get(Organisation, data.organisation_id or 0)
    if lead is None:
        errors["organisation_id"] = f"aucune organisation n° {data.organisation_id}"
    known_orgs = set(
        await session.scalars(
            select(Organisation.id).where(Organisation.id.in_(set(data.organisations)))
        )
    )
    if missing := sorted(set(data.organisations) - known_orgs):
        errors["organisations"] = "organisation(s) inconnue(s) : " + ", ".join(map(str, missing))
    start = parse_time(data.window_start, "window_start", errors)
    end = parse_time(data.window_end, "window_end", errors)
    if lead is not None:
        allowed = organisation_window(lead, settings)
        start, end = start or allowed.start, end or allowed.end
        if not allowed.start <= start < end <= allowed.end:
            errors["window_start"] = (
                f"le créneau doit tenir dans celui de l'organisation, "
                f"{allowed.start:%H:%M}–{allowed.end:%H:%M}"
            )
        elif datetime.combine(date.min, start) + timedelta(
            minutes=data.duration_minutes
        ) > datetime.combine(date.min, end):
            errors["duration_minutes"] = "la séance ne tient pas dans le créneau du soir"
    territory = await territory_codes(session, data, errors)
    targets = await resolve_targets(session, data, territory, errors)
    staff = await resolve_staff(session, data, errors)
    venues = await resolve_venues(session, data, errors)
    aimed = {t.qpv_code for t in targets}
    if len(await target_zones(session, sorted(aimed))) > 1:
        errors["targets"] = (
            "les QPV visés sont sur des fuseaux horaires différents (métropole et outre-mer) : "
            "préparez une campagne par territoire"
        )
    if targets and (stray := sorted({v.qpv_code for v in venues} - aimed)):
        errors["venues"] = "lieux choisis pour des QPV non visés : " + ", ".join(stray)
    if errors or start is None or end is None:
        raise InvalidInputError(errors)
    row.name = data.name.strip()
    row.organisation_id = data.organisation_id or 0
    row.departments, row.epcis = list(data.departments), list(data.epcis)
    row.first_day, row.last_day = data.first_day, data.last_day
    row.kind, row.duration_minutes = data.kind.value, data.duration_minutes
    row.window_start, row.window_end = f"{start:%H:%M}", f"{end:%H:%M}"
    row.max_sessions_per_week, row.min_gap_days = data.max_sessions_per_week, data.min_gap_days
    row.max_travel_km, row.time_limit_s = data.max_travel_km, data.time_limit_s
    row.organisations = [
        CampaignOrganisation(organisation_id=o) for o in sorted(set(data.organisations))
    ]
    row.targets = await weighted(session, targets, data.first_day, now)
    row.staff = staff
    row.venues = venues
