"""``GET /health``: is the service up and its database reachable and migrated."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.territory import Health
from planner.db.health import check_database


@get("/health", summary="État du service et de sa base", tags=["service"])
async def health(db_session: NamedDependency[AsyncSession]) -> Health:
    """200 with the database's status; 503 problem when the database does not answer."""
    seen = await check_database(db_session)
    return Health(
        status="ok",
        database="ok",
        backend=seen.backend,
        revision=seen.revision,
        qpv_count=seen.qpv_count,
        commune_count=seen.commune_count,
    )
