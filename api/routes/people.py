"""Organisations, staff and tokens: admins manage them; staff read them; tokens are shown once."""

from __future__ import annotations

from datetime import timedelta

from litestar import Router, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED

from api.deps import AppSettings, CallerDep, DbSession, Now
from api.examples import OrganisationBody, StaffBody
from api.schemas import IdQuery, given_fields
from api.schemas.people import (
    OrganisationOut,
    OrganisationPatch,
    StaffOut,
    StaffPatch,
    TokenCreate,
    TokenOut,
    organisation_out,
    staff_out,
    token_out,
)
from planner.access import Access, require_admin, require_caller
from planner.access.people import may_manage_token, token_owner_scope
from planner.db import accounts, people, tokens


@get("/", summary="Lister les organisations", opt={"access": Access.STAFF})
async def organisation_list(db_session: DbSession, caller: CallerDep) -> list[OrganisationOut]:
    """Every organisation (staff only)."""
    require_caller(caller)
    return [organisation_out(o) for o in await people.list_organisations(db_session)]


@post(
    "/",
    status_code=HTTP_201_CREATED,
    summary="Créer une organisation",
    opt={"access": Access.ADMIN},
)
async def organisation_create(
    db_session: DbSession, caller: CallerDep, now: Now, data: OrganisationBody
) -> OrganisationOut:
    """Create an organisation (admins)."""
    admin = require_admin(caller)
    org = await people.create_organisation(
        db_session,
        kind=data.kind,
        name=data.name,
        siret=data.siret,
        home_venue_id=data.home_venue_id,
        evening_start=data.evening_start,
        evening_end=data.evening_end,
        actor_id=admin.staff_id,
        now=now,
    )
    return organisation_out(org)


@get("/{org_id:int}", summary="Une organisation", opt={"access": Access.STAFF})
async def organisation_detail(
    db_session: DbSession, caller: CallerDep, org_id: FromPath[int]
) -> OrganisationOut:
    """One organisation (staff only)."""
    require_caller(caller)
    return organisation_out(await people.get_organisation(db_session, org_id))


@patch("/{org_id:int}", summary="Modifier une organisation", opt={"access": Access.ADMIN})
async def organisation_update(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    org_id: FromPath[int],
    data: JSONBody[OrganisationPatch],
) -> OrganisationOut:
    """Change an organisation (admins)."""
    admin = require_admin(caller)
    changes = given_fields(data)
    org = await people.update_organisation(
        db_session, org_id, changes, actor_id=admin.staff_id, now=now
    )
    return organisation_out(org)


@get("/", summary="Lister le personnel", opt={"access": Access.STAFF})
async def staff_list(
    db_session: DbSession, caller: CallerDep, organisation: IdQuery = None
) -> list[StaffOut]:
    """Staff members, optionally of one organisation (staff only)."""
    require_caller(caller)
    return [staff_out(s) for s in await people.list_staff(db_session, organisation_id=organisation)]


@post(
    "/",
    status_code=HTTP_201_CREATED,
    summary="Créer un membre du personnel",
    opt={"access": Access.ADMIN},
)
async def staff_create(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    settings: AppSettings,
    data: StaffBody,
    invitation: FromQuery[bool] = False,
) -> StaffOut:
    """Create a staff member (admins); with ``?invitation=true``, mail them an invitation to
    choose their password."""
    admin = require_admin(caller)
    staff = await people.create_staff(
        db_session,
        organisation_id=data.organisation_id,
        name=data.name,
        email=data.email,
        role=data.role,
        departments=data.departments,
        epcis=data.epcis,
        actor_id=admin.staff_id,
        now=now,
    )
    if invitation:
        await accounts.invite(
            db_session,
            staff.id,
            caller=admin,
            base_url=settings.public_url,
            ttl=timedelta(hours=settings.invitation_hours),
            now=now,
        )
    return staff_out(staff)


@post(
    "/{staff_id:int}/invitation",
    status_code=HTTP_202_ACCEPTED,
    summary="Inviter un membre du personnel à choisir son mot de passe",
    opt={"access": Access.PLANNER},
)
async def staff_invite(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    settings: AppSettings,
    staff_id: FromPath[int],
) -> None:
    """Mail a one-time link to choose a password (admins; coordinators for their own
    organisation); the mail leaves after the answer, the link is never in it."""
    await accounts.invite(
        db_session,
        staff_id,
        caller=require_caller(caller),
        base_url=settings.public_url,
        ttl=timedelta(hours=settings.invitation_hours),
        now=now,
    )


@patch("/{staff_id:int}", summary="Modifier un membre du personnel", opt={"access": Access.ADMIN})
async def staff_update(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    staff_id: FromPath[int],
    data: JSONBody[StaffPatch],
) -> StaffOut:
    """Change a staff member (admins); ``active: false`` disables their tokens too."""
    admin = require_admin(caller)
    changes = given_fields(data)
    staff = await people.update_staff(
        db_session, staff_id, changes, actor_id=admin.staff_id, now=now
    )
    return staff_out(staff)


@post("/", status_code=HTTP_201_CREATED, summary="Créer un jeton", opt={"access": Access.STAFF})
async def token_create(
    db_session: DbSession, caller: CallerDep, now: Now, data: JSONBody[TokenCreate]
) -> TokenOut:
    """Create a token: admins for anyone, others for themselves. The secret is shown only now."""
    known = require_caller(caller)
    staff_id = data.staff_id if data.staff_id is not None else known.staff_id
    if not may_manage_token(known, staff_id):
        require_admin(caller)
    token, secret = await tokens.issue_token(
        db_session, staff_id, name=data.name, actor_id=known.staff_id, now=now
    )
    return token_out(token, secret)


@get("/", summary="Lister les jetons", opt={"access": Access.STAFF})
async def token_list(db_session: DbSession, caller: CallerDep) -> list[TokenOut]:
    """Tokens without their secret: all for admins, one's own for others."""
    scope = token_owner_scope(require_caller(caller))
    return [token_out(t) for t in await tokens.list_tokens(db_session, staff_id=scope)]


@delete("/{token_id:int}", summary="Révoquer un jeton", opt={"access": Access.STAFF})
async def token_revoke(
    db_session: DbSession, caller: CallerDep, now: Now, token_id: FromPath[int]
) -> None:
    """Revoke a token (admins, or its owner); it stops working at once."""
    known = require_caller(caller)
    await tokens.revoke_token(db_session, token_id, caller=known, actor_id=known.staff_id, now=now)


organisations_router = Router(
    path="/api/organisations",
    route_handlers=[
        organisation_list,
        organisation_create,
        organisation_detail,
        organisation_update,
    ],
    tags=["organisations"],
)
staff_router = Router(
    path="/api/staff",
    route_handlers=[staff_list, staff_create, staff_update, staff_invite],
    tags=["personnel"],
)
tokens_router = Router(
    path="/api/tokens", route_handlers=[token_create, token_list, token_revoke], tags=["jetons"]
)
