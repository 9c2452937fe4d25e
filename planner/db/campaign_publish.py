"""Publishing an accepted campaign plan in one action: every draft it booked becomes published,
through the same publication as a single session (the rules judged again: a published session
needs a placed venue), all or none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.campaigns import require_planner
from planner.db.campaign_plans import ACCEPTED, get_plan
from planner.db.campaigns import get_campaign
from planner.db.session_changes import change_status
from planner.db.session_queries import get_session
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
    completed are left as they are); the ids published. One refusal raises and the caller's
    transaction is rolled back: none is published."""
    campaign = await get_campaign(session, campaign_id, caller)
    require_planner(caller, campaign.organisation_id)
    plan = await get_plan(session, campaign_id, plan_id, caller)
    if plan.status != ACCEPTED:
        raise ConflictError(
            f"Le plan n° {plan_id} n'a pas été accepté : acceptez-le avant de publier ses séances."
        )
    published = []
    for session_id in plan.accepted_session_ids or []:
        row = await get_session(session, session_id)
        if row.status == SessionStatus.DRAFT.value:
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
