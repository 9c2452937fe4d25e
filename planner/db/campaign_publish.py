"""An accepted campaign plan in one action: publish every draft it booked, through the same
publication as a single session (the rules judged again: a published session needs a placed
venue), all or none; accept and publish at once; or withdraw the drafts it left (issue 17)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.campaigns import require_planner
from planner.db.campaign_plans import ACCEPTED, WITHDRAWN, accept_plan, get_plan
from planner.db.campaigns import get_campaign
from planner.db.models import CampaignPlan, OutreachSession, Venue
from planner.db.session_changes import change_status
from planner.errors import ConflictError
from planner.session import RuleSettings, SessionStatus


async def publish_plan(
    session: AsyncSession,
    campaign_id: int,
    plan_id: int,
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
) -> list[int]:
    """Publish the drafts an accepted plan booked (those already published, cancelled or
    completed are left as they are, and those whose venue is still to find stay drafts: see
    :func:`waiting_for_a_venue`); the ids published. One refusal raises and the caller's
    transaction is rolled back: none is published."""
    plan = await _accepted(
        session,
        campaign_id,
        plan_id,
        caller,
        f"Le plan n° {plan_id} n'a pas été accepté : acceptez-le avant de publier ses séances.",
    )
    published = []
    for session_id, to_find in await _drafts(session, plan):
        if not to_find:
            await change_status(
                session,
                session_id,
                SessionStatus.PUBLISHED,
                caller=caller,
                settings=settings,
                now=now,
            )
            published.append(session_id)
    return published


async def _accepted(
    session: AsyncSession, campaign_id: int, plan_id: int, caller: Caller | None, refusal: str
) -> CampaignPlan:
    """The accepted plan, for a planner of its campaign; ``refusal`` (409) when not accepted."""
    campaign = await get_campaign(session, campaign_id, caller)
    require_planner(caller, campaign.organisation_id)
    plan = await get_plan(session, campaign_id, plan_id, caller)
    if plan.status != ACCEPTED:
        raise ConflictError(refusal)
    return plan


async def _drafts(session: AsyncSession, plan: CampaignPlan) -> list[tuple[int, bool]]:
    """The sessions the plan booked that are still drafts, in booking order: (id, whether its
    venue is still to find), read in one query (not each session with its staff, partners,
    QPVs and audiences)."""
    booked = plan.accepted_session_ids or []
    found = await session.execute(
        select(OutreachSession.id, Venue.to_find)
        .join(Venue, Venue.id == OutreachSession.venue_id)
        .where(
            OutreachSession.id.in_(booked),
            OutreachSession.status == SessionStatus.DRAFT.value,
        )
    )
    to_find: dict[int, bool] = {sid: bool(flag) for sid, flag in found}
    return [(sid, to_find[sid]) for sid in booked if sid in to_find]


async def accept_and_publish(
    session: AsyncSession,
    campaign_id: int,
    plan_id: int,
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
) -> CampaignPlan:
    """Accept the plan and publish its sessions in the caller's transaction: one refusal,
    at booking or at publication, and the caller rolls everything back."""
    plan = await accept_plan(
        session, campaign_id, plan_id, caller=caller, settings=settings, now=now
    )
    await publish_plan(session, campaign_id, plan_id, caller=caller, settings=settings, now=now)
    return plan


WITHDRAWN_REASON = "Plan de campagne retiré avant publication."


async def withdraw_plan(
    session: AsyncSession,
    campaign_id: int,
    plan_id: int,
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
) -> list[int]:
    """Cancel the drafts an accepted plan booked and that are still drafts (nobody saw them:
    their people and venues are freed, and planning again may use them); published sessions
    stay, each to be cancelled on its own page, where its registrants are told. The plan is
    then ``withdrawn``; the ids cancelled."""
    plan = await _accepted(
        session,
        campaign_id,
        plan_id,
        caller,
        f"Le plan n° {plan_id} n'est pas un plan accepté : il n'a rien réservé à retirer.",
    )
    withdrawn = []
    for session_id, _ in await _drafts(session, plan):
        await change_status(
            session,
            session_id,
            SessionStatus.CANCELLED,
            caller=caller,
            settings=settings,
            now=now,
            reason=WITHDRAWN_REASON,
        )
        withdrawn.append(session_id)
    plan.status = WITHDRAWN
    await session.flush()
    return withdrawn


async def waiting_for_a_venue(session: AsyncSession, plan: CampaignPlan) -> list[int]:
    """The plan's drafts still at a stand-in venue ("lieu à trouver"): they wait for their
    organiser to set the venue before they can be published."""
    return [session_id for session_id, to_find in await _drafts(session, plan) if to_find]
