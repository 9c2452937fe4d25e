"""``/campagnes``: coordinators create a campaign, run its plan with the progress shown, review
the proposed sessions and the reasons for every target left short, accept the plan, then
publish its sessions in one action — through the services behind ``/api/campaigns``."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.deps import AppSettings, CallerDep, DbSession, Now, Rules, Runner
from api.pages.base import VIEWER, Viewer, page
from api.pages.form_values import FormData, many, one
from api.schemas.campaign import CampaignCreate, campaign_out
from api.schemas.campaign_plan import plan_out
from planner.access import Access
from planner.clock import PARIS
from planner.db import campaign_plans, campaigns, people
from planner.db.campaign_publish import (
    accept_and_publish,
    publish_plan,
    waiting_for_a_venue,
    withdraw_plan,
)
from planner.db.plan_service import compute_plan
from planner.errors import InvalidInputError, PermissionDeniedError

SIGN_IN = "/connexion?suivant=/campagnes"
FIELDS = ("name", "department", "epci", "first_day", "last_day", "organisations", "time_limit_s")


async def _list_page(
    db_session: DbSession,
    viewer: Any,
    caller: CallerDep,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status: int = 200,
) -> Template:
    rows = await campaigns.list_campaigns(db_session, caller)
    organisations = await people.list_organisations(db_session)
    return page(
        "campagnes.html",
        title="Campagnes",
        viewer=viewer,
        current="/campagnes",
        status=status,
        campaigns=rows,
        organisations=organisations,
        values=values,
        errors=errors,
        error=f"Campagne non créée : {len(errors)} problème(s) à corriger." if errors else None,
    )


def published_notice(publiee: str) -> str:
    """What a publication did: ``publiee`` is one more than the drafts left for want of a
    venue (the redirect's query)."""
    waiting = int(publiee) - 1 if publiee.isdigit() and 0 < int(publiee) < 10_000 else 0
    done = "Séances du plan publiées : elles sont dans les calendriers."
    if not waiting:
        return done
    return (
        f"{done} {waiting} séance{'s' if waiting > 1 else ''} reste{'nt' if waiting > 1 else ''} "
        "en brouillon : leur lieu est à trouver (choisissez-le sur la page de chaque séance)."
    )


def codes(text: str) -> list[str]:
    """Codes typed in one field, separated by commas, semicolons or spaces."""
    return [c for c in text.replace(",", " ").replace(";", " ").split() if c]


@get("/", opt={"access": Access.PLANNER}, include_in_schema=False)
async def campaign_list(
    db_session: DbSession, viewer: Viewer, caller: CallerDep, now: Now
) -> Template | Redirect:
    """The campaigns the person reads, and the form creating one."""
    if viewer is None or caller is None:
        return Redirect(path=SIGN_IN, status_code=303)
    today = now.astimezone(PARIS).date()
    values = {
        "name": "",
        "department": "",
        "epci": "",
        "first_day": date.fromordinal(today.toordinal() + 7 - today.weekday()).isoformat(),
        "last_day": date.fromordinal(today.toordinal() + 20 - today.weekday()).isoformat(),
        "organisations": [str(viewer.organisation_id)],
        "time_limit_s": "10",
    }
    return await _list_page(db_session, viewer, caller, values, {})


@post("/", opt={"access": Access.PLANNER}, include_in_schema=False, status_code=303)
async def campaign_create(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    data: FormData,
) -> Template | Redirect:
    """Create the campaign (the API's own schema and service); every error by its field."""
    if viewer is None or caller is None:
        return Redirect(path=SIGN_IN, status_code=303)
    values: dict[str, Any] = {name: one(data, name) for name in FIELDS}
    values["organisations"] = many(data, "organisations")
    raw: dict[str, Any] = {
        "name": values["name"],
        "first_day": values["first_day"],
        "last_day": values["last_day"],
        "organisations": [int(v) for v in values["organisations"] if v.isascii() and v.isdigit()],
        "time_limit_s": float(values["time_limit_s"] or 10)
        if values["time_limit_s"].replace(".", "", 1).isdigit()
        else -1,
    }
    raw["departments"] = codes(values["department"].upper())
    raw["epcis"] = codes(values["epci"])
    errors: dict[str, str] = {}
    try:
        request = msgspec.convert(raw, CampaignCreate)
        row = await campaigns.create_campaign(
            db_session, request.to_input(), caller=caller, settings=rules, now=now
        )
    except msgspec.ValidationError as exc:
        where = str(exc).rsplit("$.", 1)[-1].split("[")[0] if "$." in str(exc) else "name"
        where = {"departments": "department", "epcis": "epci"}.get(where, where)
        errors[where if where in FIELDS else "name"] = (
            "valeur refusée : " + str(exc).split(" - ")[0]
        )
    except InvalidInputError as invalid:
        errors = {k if k in FIELDS else "name": v for k, v in invalid.errors.items()}
    except PermissionDeniedError as refused:  # a structure the coordinator may not plan with
        errors = {"organisations": refused.message}
    else:
        return Redirect(path=f"/campagnes/{row.id}", status_code=303)
    return await _list_page(db_session, viewer, caller, values, errors, status=422)


@get("/{campaign_id:int}", opt={"access": Access.PLANNER}, include_in_schema=False)
async def campaign_page(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    campaign_id: FromPath[int],
    publiee: FromQuery[str | None] = None,
    retire: FromQuery[str | None] = None,
) -> Template | Redirect:
    """The campaign, its latest plan (progress while it runs; sessions and reasons once done)."""
    if viewer is None or caller is None:
        return Redirect(path=f"/connexion?suivant=/campagnes/{campaign_id}", status_code=303)
    row = await campaigns.get_campaign(db_session, campaign_id, caller)
    plans = await campaign_plans.list_plans(db_session, campaign_id, caller)
    latest = plan_out(plans[0]) if plans else None
    names = {o.id: o.name for o in await people.list_organisations(db_session)}
    return page(
        "campagne.html",
        title=row.name,
        viewer=viewer,
        current="/campagnes",
        campaign=campaign_out(row),
        organisation_names=[names.get(o.organisation_id, "") for o in row.organisations],
        plan=latest,
        stale=latest is not None and latest.campaign_revision != row.revision,
        notice=(
            published_notice(publiee)
            if publiee
            else "Brouillons du plan retirés : leurs séances sont annulées."
            if retire
            else None
        ),
    )


@get(
    "/{campaign_id:int}/plans/{plan_id:int}/etat",
    opt={"access": Access.PLANNER},
    include_in_schema=False,
)
async def plan_state(
    db_session: DbSession,
    caller: CallerDep,
    campaign_id: FromPath[int],
    plan_id: FromPath[int],
) -> Template:
    """The plan's section alone (htmx polls it while the plan runs)."""
    row = await campaign_plans.get_plan(db_session, campaign_id, plan_id, caller)
    campaign = await campaigns.get_campaign(db_session, campaign_id, caller)
    return Template(
        template_name="_plan.html",
        context={
            "plan": plan_out(row),
            "campaign": campaign_out(campaign),
            "stale": row.campaign_revision != campaign.revision,
        },
    )


@post(
    "/{campaign_id:int}/planification",
    opt={"access": Access.PLANNER},
    include_in_schema=False,
    status_code=303,
)
async def run_plan(
    db_session: DbSession,
    caller: CallerDep,
    runner: Runner,
    settings: AppSettings,
    now: Now,
    campaign_id: FromPath[int],
) -> Redirect:
    """Start the plan (it runs in the background; the page follows its progress)."""
    await compute_plan(
        db_session,
        campaign_id,
        submit=runner.submit,
        caller=caller,
        now=now,
        wait_seconds=min(settings.plan_wait_seconds, 1.0),
        workers=settings.plan_workers,
    )
    return Redirect(path=f"/campagnes/{campaign_id}", status_code=303)


@post(
    "/{campaign_id:int}/plans/{plan_id:int}/acceptation",
    opt={"access": Access.PLANNER},
    include_in_schema=False,
    status_code=303,
)
async def accept(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    campaign_id: FromPath[int],
    plan_id: FromPath[int],
    publier: FromQuery[bool] = False,
) -> Redirect:
    """Book every proposed session as a draft, all or none (the service's own checks); with
    ``publier``, publish them in the same transaction."""
    if publier:
        plan = await accept_and_publish(
            db_session, campaign_id, plan_id, caller=caller, settings=rules, now=now
        )
        waiting = len(await waiting_for_a_venue(db_session, plan))
        return Redirect(path=f"/campagnes/{campaign_id}?publiee={waiting + 1}", status_code=303)
    await campaign_plans.accept_plan(
        db_session, campaign_id, plan_id, caller=caller, settings=rules, now=now
    )
    return Redirect(path=f"/campagnes/{campaign_id}", status_code=303)


@post(
    "/{campaign_id:int}/plans/{plan_id:int}/publication",
    opt={"access": Access.PLANNER},
    include_in_schema=False,
    status_code=303,
)
async def publish(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    campaign_id: FromPath[int],
    plan_id: FromPath[int],
) -> Redirect:
    """Publish the accepted plan's drafts in one action."""
    await publish_plan(db_session, campaign_id, plan_id, caller=caller, settings=rules, now=now)
    plan = await campaign_plans.get_plan(db_session, campaign_id, plan_id, caller)
    waiting = len(await waiting_for_a_venue(db_session, plan))
    return Redirect(path=f"/campagnes/{campaign_id}?publiee={waiting + 1}", status_code=303)


@post(
    "/{campaign_id:int}/plans/{plan_id:int}/retrait",
    opt={"access": Access.PLANNER},
    include_in_schema=False,
    status_code=303,
)
async def withdraw(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    campaign_id: FromPath[int],
    plan_id: FromPath[int],
) -> Redirect:
    """Cancel the drafts the accepted plan left, in one action."""
    await withdraw_plan(db_session, campaign_id, plan_id, caller=caller, settings=rules, now=now)
    return Redirect(path=f"/campagnes/{campaign_id}?retire=1", status_code=303)


router = Router(
    path="/campagnes",
    route_handlers=[
        campaign_list,
        campaign_create,
        campaign_page,
        plan_state,
        run_plan,
        accept,
        publish,
        withdraw,
    ],
    dependencies=VIEWER,
    tags=["pages"],
)
