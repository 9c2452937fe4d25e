"""Partnership routes: an organisation's partners, proposing and agreeing, revoking.

A coordinator posting a partner agrees for their own organisation (a proposal until the other
side's coordinator agrees too); an admin posting one sets it active at once.
"""

from __future__ import annotations

from litestar import Router, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.deps import CallerDep, DbSession, Now
from api.schemas.partnership import PartnerCreate, PartnershipOut, partnership_out
from planner.access import Access
from planner.db import partnerships


@get("/", summary="Partenariats d'une organisation", opt={"access": Access.STAFF})
async def partner_list(
    db_session: DbSession, caller: CallerDep, organisation_id: FromPath[int]
) -> list[PartnershipOut]:
    """The organisation's partnerships: pending, active and revoked (staff only)."""
    rows = await partnerships.list_partnerships(db_session, organisation_id, caller=caller)
    return [partnership_out(row, organisation_id) for row in rows]


@post(
    "/",
    status_code=HTTP_201_CREATED,
    summary="Proposer (ou établir) un partenariat",
    opt={"access": Access.PLANNER},
)
async def partner_create(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    organisation_id: FromPath[int],
    data: JSONBody[PartnerCreate],
) -> PartnershipOut:
    """A coordinator agrees for their organisation (active once the other side agrees too);
    an admin sets the partnership active at once. 409 when already agreed or active."""
    row = await partnerships.propose(
        db_session, organisation_id, data.partner_id, caller=caller, now=now
    )
    return partnership_out(row, organisation_id)


@post(
    "/{partner_id:int}/agree",
    status_code=HTTP_200_OK,
    summary="Accepter un partenariat proposé",
    opt={"access": Access.PLANNER},
)
async def partner_agree(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    organisation_id: FromPath[int],
    partner_id: FromPath[int],
) -> PartnershipOut:
    """A coordinator (or an admin) agrees for the organisation to the partnership proposed by
    ``partner_id``: it becomes active when both sides have agreed."""
    row = await partnerships.agree(db_session, organisation_id, partner_id, caller=caller, now=now)
    return partnership_out(row, organisation_id)


@delete(
    "/{partner_id:int}",
    status_code=HTTP_200_OK,
    summary="Mettre fin à un partenariat",
    opt={"access": Access.PLANNER},
)
async def partner_revoke(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    organisation_id: FromPath[int],
    partner_id: FromPath[int],
) -> PartnershipOut:
    """Revoke the partnership (a coordinator of either side, or an admin): campaigns no longer
    plan with the partner; 404 when there is none in force."""
    row = await partnerships.revoke(db_session, organisation_id, partner_id, caller=caller, now=now)
    return partnership_out(row, organisation_id)


router = Router(
    path="/api/organisations/{organisation_id:int}/partners",
    route_handlers=[partner_list, partner_create, partner_agree, partner_revoke],
    tags=["partenariats"],
)
