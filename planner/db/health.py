"""Database health: reachable, migrated, and how much reference data it holds."""

from __future__ import annotations

from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db.territory import count_communes, count_qpvs
from planner.errors import DatabaseUnavailableError


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    """What the health check saw."""

    backend: str
    revision: str
    qpv_count: int
    commune_count: int


async def check_database(session: AsyncSession) -> DatabaseHealth:
    """Query the database; raise :class:`DatabaseUnavailableError` if it cannot answer."""
    try:
        connection = await session.connection()
        backend = connection.dialect.name
        revision = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
        if revision is None:
            raise DatabaseUnavailableError("La base de données n'est pas migrée (aucune révision).")
        return DatabaseHealth(
            backend=backend,
            revision=str(revision),
            qpv_count=await count_qpvs(session),
            commune_count=await count_communes(session),
        )
    except (OperationalError, DBAPIError, OSError, TimeoutError) as exc:
        await session.rollback()
        raise DatabaseUnavailableError(
            "La base de données ne répond pas ; réessayez dans un instant."
        ) from exc
