"""``GET /health``: is the service up and its database reachable and migrated."""

from __future__ import annotations

import os

from litestar import Router, get

from api.deps import DbSession
from api.schemas.territory import Health
from planner.access import Access
from planner.db.health import check_database


@get("/", summary="État du service et de sa base", opt={"access": Access.ANYONE})
async def health(db_session: DbSession) -> Health:
    """200 with the database's status; 503 problem when the database does not answer."""
    seen = await check_database(db_session)
    return Health(
        status="ok",
        database="ok",
        backend=seen.backend,
        revision=seen.revision,
        qpv_count=seen.qpv_count,
        commune_count=seen.commune_count,
        process=os.getpid(),
    )


router = Router(path="/health", route_handlers=[health], tags=["service"])
