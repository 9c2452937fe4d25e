"""What follows an employer forum: its organisers record immersions and hires; those who see it
in full read its chain registered → attended → immersions → hires (counts only)."""

from __future__ import annotations

from litestar import Router, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from api.deps import CallerDep, DbSession, Now, Retention
from api.schemas.funnel import (
    FunnelOut,
    HireIn,
    HireOut,
    ImmersionIn,
    ImmersionOut,
    OutcomeIn,
    funnel_out,
)
from planner.access import Access
from planner.db import funnel
from planner.db.models import Hire, Immersion
from planner.funnel import HireInput, ImmersionInput


def _immersion(row: Immersion) -> ImmersionOut:
    return ImmersionOut(
        row.id,
        row.session_id,
        row.employer_id,
        row.registration_id,
        row.first_day,
        row.last_day,
        row.outcome,
    )


@post(
    "/api/sessions/{session_id:int}/immersions",
    status_code=HTTP_201_CREATED,
    summary="Noter une immersion issue d'un forum",
    opt={"access": Access.BOOKER},
)
async def immersion_create(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    session_id: FromPath[int],
    data: JSONBody[ImmersionIn],
) -> ImmersionOut:
    """Record an immersion after the forum (its organisers, once it has begun)."""
    given = ImmersionInput(
        data.employer_id, data.first_day, data.last_day, data.registration_id, data.outcome
    )
    row = await funnel.record_immersion(db_session, session_id, given, caller=caller, now=now)
    return _immersion(row)


@patch(
    "/api/immersions/{immersion_id:int}",
    summary="Dire comment une immersion s'est terminée",
    opt={"access": Access.BOOKER},
)
async def immersion_outcome(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    immersion_id: FromPath[int],
    data: JSONBody[OutcomeIn],
) -> ImmersionOut:
    """Embauche, formation or sans suite."""
    row = await funnel.set_immersion_outcome(
        db_session, immersion_id, data.outcome, caller=caller, now=now
    )
    return _immersion(row)


@post(
    "/api/sessions/{session_id:int}/hires",
    status_code=HTTP_201_CREATED,
    summary="Noter une embauche issue d'un forum",
    opt={"access": Access.BOOKER},
)
async def hire_create(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    session_id: FromPath[int],
    data: JSONBody[HireIn],
) -> HireOut:
    """Record a hire after the forum (its organisers, once it has begun)."""
    given = HireInput(
        data.employer_id, data.contract, data.first_day, data.emplois_francs, data.registration_id
    )
    row: Hire = await funnel.record_hire(db_session, session_id, given, caller=caller, now=now)
    return HireOut(
        row.id,
        row.session_id,
        row.employer_id,
        row.registration_id,
        row.contract,
        row.first_day,
        row.emplois_francs,
    )


@get(
    "/api/sessions/{session_id:int}/funnel",
    summary="Inscrits, présents, immersions, embauches d'un forum",
    opt={"access": Access.STAFF},
)
async def funnel_detail(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    retention: Retention,
    session_id: FromPath[int],
) -> FunnelOut:
    """The forum's chain, counts only, for those who see the forum in full."""
    chain = await funnel.forum_funnel(
        db_session, session_id, caller=caller, now=now, retention=retention
    )
    return funnel_out(chain)


router = Router(
    path="/",
    route_handlers=[immersion_create, immersion_outcome, hire_create, funnel_detail],
    tags=["forums"],
)
