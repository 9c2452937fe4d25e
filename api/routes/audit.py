"""``GET /api/audit``: the append-only audit log, for managers and admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Router, get
from litestar.params import QueryParameter

from api.deps import CallerDep, DbSession
from api.schemas import LARGEST_ID, IdQuery
from planner.access import Access
from planner.db.audit import list_entries


class AuditOut(msgspec.Struct, frozen=True):
    """One change: who, when, what, before and after."""

    id: int
    at: datetime
    actor_id: int | None
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@get("/", summary="Journal d'audit", opt={"access": Access.AUDIT})
async def audit_list(
    db_session: DbSession,
    caller: CallerDep,
    entity: Annotated[
        str | None,
        QueryParameter(
            pattern=r"^(session|venue|organisation|staff|token|feed-token|campaign|partnership)$"
        ),
    ] = None,
    entity_id: IdQuery = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    offset: Annotated[int, QueryParameter(ge=0, le=LARGEST_ID)] = 0,
) -> list[AuditOut]:
    """Entries newest first, optionally about one kind of thing or one thing: all for admins;
    for managers, those about sessions, venues and campaigns of their territory, e-mails masked."""
    rows = await list_entries(
        db_session, caller=caller, entity=entity, entity_id=entity_id, limit=limit, offset=offset
    )
    return [
        AuditOut(r.id, r.at, r.actor_id, r.action, r.entity, r.entity_id, r.before, r.after)
        for r in rows
    ]


router = Router(path="/api/audit", route_handlers=[audit_list], tags=["audit"])
