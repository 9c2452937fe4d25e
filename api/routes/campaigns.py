"""Campaign routes: create, read and change campaigns; compute, follow and accept their plans."""

from __future__ import annotations

import msgspec
from litestar import Response, Router, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from api.deps import AppSettings, CallerDep, DbSession, Now, Rules, Runner
from api.examples import CampaignBody
from api.schemas import given_fields
from api.schemas.campaign import CampaignOut, CampaignPatch, campaign_out, convert
from api.schemas.campaign_plan import PlanOut, plan_out
from planner.access import Access
from planner.db import campaign_plans, campaigns
from planner.db.campaign_publish import (
    accept_and_publish,
    publish_plan,
    waiting_for_a_venue,
    withdraw_plan,
)
from planner.db.plan_service import compute_plan


@post(
    "/", status_code=HTTP_201_CREATED, summary="Créer une campagne", opt={"access": Access.PLANNER}
)
async def campaign_create(
    db_session: DbSession, caller: CallerDep, rules: Rules, now: Now, data: CampaignBody
) -> CampaignOut:
    """Create a campaign (coordinators for their organisation, admins): every error at once."""
    row = await campaigns.create_campaign(
        db_session, data.to_input(), caller=caller, settings=rules, now=now
    )
    return campaign_out(row)


@get("/", summary="Lister les campagnes", opt={"access": Access.STAFF})
async def campaign_list(db_session: DbSession, caller: CallerDep) -> list[CampaignOut]:
    """Every campaign, the latest first (staff only)."""
    return [campaign_out(row) for row in await campaigns.list_campaigns(db_session, caller)]


@get("/{campaign_id:int}", summary="Une campagne", opt={"access": Access.STAFF})
async def campaign_detail(
    db_session: DbSession, caller: CallerDep, campaign_id: FromPath[int]
) -> CampaignOut:
    """A campaign with its targets, people and chosen venues."""
    return campaign_out(await campaigns.get_campaign(db_session, campaign_id, caller))


@patch("/{campaign_id:int}", summary="Modifier une campagne", opt={"access": Access.PLANNER})
async def campaign_update(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    campaign_id: FromPath[int],
    data: JSONBody[CampaignPatch],
) -> CampaignOut:
    """Change the given fields; plans computed before can no longer be accepted."""
    changes = convert(given_fields(data))
    row = await campaigns.update_campaign(
        db_session, campaign_id, changes, caller=caller, settings=rules, now=now
    )
    return campaign_out(row)


@post(
    "/{campaign_id:int}/plan",
    status_code=HTTP_201_CREATED,
    summary="Calculer un plan",
    opt={"access": Access.PLANNER},
)
async def plan_create(
    db_session: DbSession,
    caller: CallerDep,
    runner: Runner,
    settings: AppSettings,
    now: Now,
    campaign_id: FromPath[int],
) -> Response[PlanOut]:
    """Compute a plan: 201 with the plan when it ends within the service's wait, otherwise 202
    with the running plan and its address to follow (``Location``)."""
    run = await compute_plan(
        db_session,
        campaign_id,
        submit=runner.submit,
        caller=caller,
        now=now,
        wait_seconds=settings.plan_wait_seconds,
        workers=settings.plan_workers,
    )
    location = f"/api/campaigns/{campaign_id}/plans/{run.plan.id}"
    if run.running:
        return Response(
            plan_out(run.plan),
            status_code=HTTP_202_ACCEPTED,
            headers={"Location": location},
        )
    return Response(
        plan_out(run.plan), status_code=HTTP_201_CREATED, headers={"Location": location}
    )


@get("/{campaign_id:int}/plans", summary="Plans d'une campagne", opt={"access": Access.STAFF})
async def plan_list(
    db_session: DbSession, caller: CallerDep, campaign_id: FromPath[int]
) -> list[PlanOut]:
    """A campaign's plans, the latest first."""
    rows = await campaign_plans.list_plans(db_session, campaign_id, caller)
    return [plan_out(row) for row in rows]


@get(
    "/{campaign_id:int}/plans/{plan_id:int}",
    summary="Un plan (état, avancement, propositions)",
    opt={"access": Access.STAFF},
)
async def plan_detail(
    db_session: DbSession,
    caller: CallerDep,
    campaign_id: FromPath[int],
    plan_id: FromPath[int],
) -> PlanOut:
    """A plan: while ``running``, its progress; once ``done``, its figures, proposed sessions
    and every target period with why it is not met."""
    row = await campaign_plans.get_plan(db_session, campaign_id, plan_id, caller)
    return plan_out(row)


@post(
    "/{campaign_id:int}/plans/{plan_id:int}/accept",
    status_code=HTTP_200_OK,
    summary="Accepter un plan",
    opt={"access": Access.PLANNER},
)
async def plan_accept(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    campaign_id: FromPath[int],
    plan_id: FromPath[int],
    publish: FromQuery[bool] = False,
) -> PlanOut:
    """Book every proposed session as a draft through the booking rules, in one transaction:
    one refusal and nothing is booked (the answer names the session and every violation).
    With ``publish=true``, publish them too in the same transaction: all or none."""
    if publish:
        row = await accept_and_publish(
            db_session, campaign_id, plan_id, caller=caller, settings=rules, now=now
        )
    else:
        row = await campaign_plans.accept_plan(
            db_session, campaign_id, plan_id, caller=caller, settings=rules, now=now
        )
    return plan_out(row)


class Published(msgspec.Struct, frozen=True):
    """The sessions an accepted plan's publication published."""

    published_session_ids: list[int]
    waiting_for_venue_session_ids: list[int] = []
    """Drafts at a stand-in venue ("lieu à trouver"): set their venue, then publish them."""


@post(
    "/{campaign_id:int}/plans/{plan_id:int}/publish",
    status_code=HTTP_200_OK,
    summary="Publier les séances d'un plan accepté",
    opt={"access": Access.PLANNER},
)
async def plan_publish(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    campaign_id: FromPath[int],
    plan_id: FromPath[int],
) -> Published:
    """Publish every draft the accepted plan booked, in one transaction: one refusal and none
    is published."""
    ids = await publish_plan(
        db_session, campaign_id, plan_id, caller=caller, settings=rules, now=now
    )
    plan = await campaign_plans.get_plan(db_session, campaign_id, plan_id, caller)
    return Published(ids, await waiting_for_a_venue(db_session, plan))


class Withdrawn(msgspec.Struct, frozen=True):
    """The drafts an accepted plan's withdrawal cancelled."""

    cancelled_session_ids: list[int]


@post(
    "/{campaign_id:int}/plans/{plan_id:int}/withdraw",
    status_code=HTTP_200_OK,
    summary="Retirer les brouillons d'un plan accepté",
    opt={"access": Access.PLANNER},
)
async def plan_withdraw(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    campaign_id: FromPath[int],
    plan_id: FromPath[int],
) -> Withdrawn:
    """Cancel every draft the accepted plan booked that is still a draft, in one transaction;
    its published sessions stay (cancel each on its own, its registrants are told)."""
    ids = await withdraw_plan(
        db_session, campaign_id, plan_id, caller=caller, settings=rules, now=now
    )
    return Withdrawn(ids)


router = Router(
    path="/api/campaigns",
    route_handlers=[
        campaign_create,
        campaign_list,
        campaign_detail,
        campaign_update,
        plan_create,
        plan_list,
        plan_detail,
        plan_accept,
        plan_publish,
        plan_withdraw,
    ],
    tags=["campagnes"],
)
