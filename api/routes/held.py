"""``POST /api/sessions/held``: a session that took place without being booked, entered
afterwards with its outcome by a coordinator (:mod:`planner.db.held_session`)."""

from __future__ import annotations

import msgspec
from litestar import Router, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from api.deps import CallerDep, DbSession, Now, Rules
from api.schemas.session import BookingOut, OutcomeIn, SessionCreate, notices_out, session_out
from planner.access import Access
from planner.db.held_session import record_held_session


class HeldSessionIn(msgspec.Struct, forbid_unknown_fields=True):
    """The session as it took place, and what it achieved."""

    session: SessionCreate
    outcome: OutcomeIn


@post(
    "/",
    status_code=HTTP_201_CREATED,
    summary="Saisir après coup une séance tenue",
    opt={"access": Access.PLANNER},
)
async def held_session_create(
    db_session: DbSession, caller: CallerDep, rules: Rules, now: Now, data: JSONBody[HeldSessionIn]
) -> BookingOut:
    """Store a past session with its outcome (completed at once); every booking rule applies
    but the one refusing the past; the audit says it was entered afterwards."""
    booked = await record_held_session(
        db_session,
        data.session.to_input(),
        data.outcome.to_input(),
        caller=caller,
        settings=rules,
        now=now,
    )
    return BookingOut(session_out(booked.row, private=True), notices_out(booked.notices))


router = Router(path="/api/sessions/held", route_handlers=[held_session_create], tags=["séances"])
