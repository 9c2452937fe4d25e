"""``GET /api/staff/available``: the partner finder — who from another organisation is free
for an evening at a venue and can get there in time, partners first, then nearest."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Router, get
from litestar.params import QueryParameter

from api.deps import CallerDep, DbSession, Now, Rules
from api.schemas import LARGEST_ID
from planner.access import Access, require_booker
from planner.db.partner_finder import Candidate, free_partners


class CandidateOut(msgspec.Struct, frozen=True):
    """Someone free for the evening, with their organisation and how far its base is."""

    staff_id: int
    name: str
    organisation_id: int
    organisation: str
    partner: bool
    distance_m: float | None
    distance_from: str | None
    """``previous_session`` (their last session that day) or ``home_venue`` (their
    organisation's), where ``distance_m`` is measured from; ``null`` with no distance."""
    warning: str | None
    """The weekly-evenings rule's notice when this evening takes them beyond it (they come
    after the others)."""


def candidate_out(c: Candidate) -> CandidateOut:
    """Present a candidate."""
    return CandidateOut(
        c.staff_id,
        c.name,
        c.organisation_id,
        c.organisation,
        c.partner,
        None if c.distance_m is None else round(c.distance_m),
        None if c.distance_m is None else "previous_session" if c.from_session else "home_venue",
        c.warning,
    )


@get("/", summary="Qui est disponible pour une séance", opt={"access": Access.BOOKER})
async def available_staff(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    venue_id: Annotated[int, QueryParameter(ge=1, le=LARGEST_ID, description="Le lieu.")],
    start: Annotated[datetime, QueryParameter(description="Début, avec fuseau.")],
    end: Annotated[datetime, QueryParameter(description="Fin, avec fuseau.")],
) -> list[CandidateOut]:
    """People of other organisations free from ``start`` to ``end`` and able to reach the
    venue from their sessions around (the booking rules' verdict on each of them alone)."""
    me = require_booker(caller)
    found = await free_partners(
        db_session,
        venue_id=venue_id,
        start=start,
        end=end,
        organisation_id=me.organisation_id,
        settings=rules,
        now=now,
    )
    return [candidate_out(c) for c in found]


router = Router(path="/api/staff/available", route_handlers=[available_staff], tags=["personnel"])
