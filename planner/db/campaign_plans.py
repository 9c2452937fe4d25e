"""Plans of a campaign: started, results stored, acceptance.

:mod:`planner.db.campaign_problem` reads the problem the engine solves; the engine itself runs
outside any database session, as a background job (:mod:`planner.db.plan_service` stores it,
:mod:`api.jobs` runs it), which records its progress
(:func:`planner.db.plan_service.record_plan_progress`) and stores what it proposes
(:func:`finish_plan`).
:func:`accept_plan` books every proposed session as a draft through
:func:`planner.db.booking.book_session`, in the caller's transaction: one refusal aborts all.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.campaigns import require_planner
from planner.booking_input import SessionInput
from planner.db.booking import book_session
from planner.db.campaign_rights import check_plan_rights
from planner.db.campaigns import get_campaign
from planner.db.models import (
    Campaign,
    CampaignPlan,
    Organisation,
    Qpv,
    Staff,
    Venue,
)
from planner.db.venues_to_find import TO_FIND, stand_in_venue
from planner.errors import BookingRefusedError, ConflictError, NotFoundError
from planner.planning.campaign import (
    TIMEZONE,
    CampaignProblem,
    Proposal,
    max_coverage,
)
from planner.session import (
    SESSION_KIND_LABELS,
    RuleSettings,
    SessionKind,
)

RUNNING, DONE, FAILED, ACCEPTED = "running", "done", "failed", "accepted"
WITHDRAWN = "withdrawn"
"""An accepted plan whose remaining drafts were cancelled in one action."""


async def start_plan(
    session: AsyncSession,
    campaign_id: int,
    *,
    caller: Caller | None,
    now: datetime,
    operator: bool = False,
) -> tuple[Campaign, CampaignPlan]:
    """A new plan row, ``running``, for a coordinator of the campaign or an admin (or the
    command line, ``operator``)."""
    if operator:
        campaign = await session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFoundError(f"Aucune campagne n° {campaign_id}.")
        author = None
    else:
        campaign = await get_campaign(session, campaign_id, caller)
        author = require_planner(caller, campaign.organisation_id).staff_id
    plan = CampaignPlan(
        campaign_id=campaign.id,
        campaign_revision=campaign.revision,
        status=RUNNING,
        created_by_id=author,
        created_at=now,
    )
    session.add(plan)
    await session.flush()
    return campaign, plan


async def get_plan(
    session: AsyncSession, campaign_id: int, plan_id: int, caller: Caller | None
) -> CampaignPlan:
    """One plan of a campaign (404 when either is unknown)."""
    await get_campaign(session, campaign_id, caller)
    plan = await session.get(CampaignPlan, plan_id)
    if plan is None or plan.campaign_id != campaign_id:
        raise NotFoundError(f"Aucun plan n° {plan_id} pour la campagne n° {campaign_id}.")
    return plan


async def list_plans(
    session: AsyncSession, campaign_id: int, caller: Caller | None
) -> list[CampaignPlan]:
    """A campaign's plans, the latest first."""
    await get_campaign(session, campaign_id, caller)
    return list(
        await session.scalars(
            select(CampaignPlan)
            .where(CampaignPlan.campaign_id == campaign_id)
            .order_by(CampaignPlan.id.desc())
        )
    )


async def finish_plan(
    session: AsyncSession,
    plan_id: int,
    problem: CampaignProblem,
    proposal: Proposal,
    *,
    now: datetime,
) -> CampaignPlan:
    """Store a computed proposal: figures, sessions and outcomes with names for reading."""
    plan = await session.get(CampaignPlan, plan_id)
    if plan is None:
        raise NotFoundError(f"Aucun plan n° {plan_id}.")
    codes = {o.qpv_code for o in proposal.outcomes}
    qpv_names = dict(
        (await session.execute(select(Qpv.code, Qpv.name).where(Qpv.code.in_(codes)))).all()
    )
    venue_ids = {s.venue_id for s in proposal.sessions}
    venues: dict[int, tuple[str, float | None, float | None]] = {
        vid: (name, lat, lon)
        for vid, name, lat, lon in (
            await session.execute(
                select(Venue.id, Venue.name, Venue.lat, Venue.lon).where(Venue.id.in_(venue_ids))
            )
        ).all()
    }
    staff_ids = {a.staff_id for s in proposal.sessions for a in s.staff}
    people = {
        sid: (name, org_name)
        for sid, name, org_name in (
            await session.execute(
                select(Staff.id, Staff.name, Organisation.name)
                .join(Organisation, Organisation.id == Staff.organisation_id)
                .where(Staff.id.in_(staff_ids))
            )
        ).all()
    }
    stand_ins = {v.place.venue_id: v.place for v in problem.venues if v.place.to_find}
    for venue_id, place in stand_ins.items():
        venues[venue_id] = (TO_FIND, place.lat, place.lon)
    plan.sessions = [
        {
            "qpv_code": s.qpv_code,
            "qpv_name": qpv_names.get(s.qpv_code, s.qpv_code),
            "venue_id": None if s.venue_id in stand_ins else s.venue_id,
            "to_find": s.venue_id in stand_ins,
            "venue_name": venues[s.venue_id][0] if s.venue_id in venues else "",
            "venue_lat": venues[s.venue_id][1] if s.venue_id in venues else None,
            "venue_lon": venues[s.venue_id][2] if s.venue_id in venues else None,
            "timezone": problem.timezone,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "staff": [
                {
                    "staff_id": a.staff_id,
                    "name": people[a.staff_id][0],
                    "organisation_id": a.organisation_id,
                    "organisation_name": people[a.staff_id][1],
                }
                for a in s.staff
            ],
        }
        for s in proposal.sessions
    ]
    plan.outcomes = [
        {
            "qpv_code": o.qpv_code,
            "qpv_name": qpv_names.get(o.qpv_code, o.qpv_code),
            "first_day": o.first_day.isoformat(),
            "last_day": o.last_day.isoformat(),
            "required": o.required,
            "planned": o.planned,
            "booked": o.booked,
            "met": o.met,
            "reason": o.reason,
            "cause": o.cause,
        }
        for o in proposal.outcomes
    ]
    plan.status = DONE
    plan.progress = None
    plan.solver_status = proposal.status
    plan.coverage, plan.coverage_bound = proposal.coverage, proposal.coverage_bound
    plan.max_coverage = max_coverage(problem)
    plan.max_load, plan.travel_km = proposal.score.max_load, proposal.score.travel_km
    plan.first_solution_s, plan.solve_s = proposal.first_solution_s, proposal.solve_s
    plan.finished_at = now
    await session.flush()
    return plan


async def fail_plan(session: AsyncSession, plan_id: int, message: str, *, now: datetime) -> None:
    """Mark a plan failed, with why (French)."""
    await session.execute(
        update(CampaignPlan)
        .where(CampaignPlan.id == plan_id)
        .values(status=FAILED, message=message, progress=None, finished_at=now)
    )


async def accept_plan(
    session: AsyncSession,
    campaign_id: int,
    plan_id: int,
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
) -> CampaignPlan:
    """Book every proposed session as a draft through the booking service, all or none.

    Before anything is booked, every session is checked for the caller's rights as if booked by
    hand (:func:`planner.access.require_session_editor`), and every person's organisation must
    still be one the caller plans with (own or active partner: a revoked partnership stops
    it); one refusal refuses the plan (403 naming the session and why).

    A refusal raises :class:`BookingRefusedError` naming the session; the caller's transaction
    must then be rolled back (the routes do), so that nothing of the plan stays booked.
    """
    campaign = await get_campaign(session, campaign_id, caller)
    known = require_planner(caller, campaign.organisation_id)
    plan = await get_plan(session, campaign_id, plan_id, caller)
    if plan.status == ACCEPTED:
        raise ConflictError(f"Le plan n° {plan_id} a déjà été accepté.")
    if plan.status != DONE:
        raise ConflictError(
            f"Le plan n° {plan_id} n'est pas prêt (calcul en cours ou échoué) : il ne peut "
            "pas être accepté."
        )
    if plan.campaign_revision != campaign.revision:
        raise ConflictError(
            "La campagne a été modifiée depuis le calcul de ce plan : relancez le calcul."
        )
    await check_plan_rights(session, plan, campaign, known)
    label = SESSION_KIND_LABELS[SessionKind(campaign.kind)]
    booked = []
    for proposed in plan.sessions or []:
        start = datetime.fromisoformat(proposed["start"])
        staff = proposed["staff"]
        data = SessionInput(
            kind=SessionKind(campaign.kind),
            title=f"{label.capitalize()} – {proposed['qpv_name']}",
            start=start,
            end=datetime.fromisoformat(proposed["end"]),
            venue_id=proposed["venue_id"]
            if proposed["venue_id"] is not None
            else (
                await stand_in_venue(
                    session, proposed["qpv_code"], now=now, actor_id=known.staff_id
                )
            ).id,
            organisation_id=campaign.organisation_id,
            staff_ids=tuple(p["staff_id"] for p in staff),
            partner_ids=tuple(
                sorted({p["organisation_id"] for p in staff} - {campaign.organisation_id})
            ),
            qpv_codes=(proposed["qpv_code"],),
            description=f"Séance proposée par la campagne « {campaign.name} ».",
        )
        try:
            result = await book_session(session, data, caller=caller, settings=settings, now=now)
        except BookingRefusedError as refused:
            local = start.astimezone(ZoneInfo(proposed.get("timezone", TIMEZONE)))
            raise BookingRefusedError(
                f"Plan non accepté, rien n'a été réservé : la séance du {local:%d/%m/%Y à %H:%M} "
                f"au QPV {proposed['qpv_code']} est refusée ({refused.message}).",
                violations=refused.violations,
            ) from refused
        booked.append(result.row.id)
    plan.status = ACCEPTED
    plan.accepted_session_ids = booked
    plan.accepted_at = now
    plan.accepted_by_id = known.staff_id
    await session.flush()
    return plan
