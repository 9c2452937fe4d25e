"""Database health: reachable, migrated, and how much reference data it holds."""

from __future__ import annotations

from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db.territory import count_communes, count_qpvs
from planner.errors import DatabaseUnavailableError

UNAVAILABLE_SQLSTATES = ("08", "25006", "28", "3D000", "53", "55000", "57P")
"""PostgreSQL error classes of a database that cannot serve now (connection lost, read-only
transaction, refused authorisation, database missing, out of resources, not accepting
connections, shutting down), as opposed to a mistake in a query."""


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot serve now (unreachable, locked, read-only,
    restarting) — a 503 to retry later — rather than a mistake in a query (a 500)."""
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(state, str) and state.startswith(UNAVAILABLE_SQLSTATES)


WRITE_PROBE = text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0")
"""A write that changes nothing: refused by a read-only or locked database all the same."""


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    """What the health check saw."""

    backend: str
    revision: str
    qpv_count: int
    commune_count: int


async def check_database(session: AsyncSession) -> DatabaseHealth:
    """Query the database and check it accepts writes; raise
    :class:`DatabaseUnavailableError` if it cannot answer or cannot write."""
    try:
        connection = await session.connection()
        backend = connection.dialect.name
        revision = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
        if revision is None:
            raise DatabaseUnavailableError("La base de données n'est pas migrée (aucune révision).")
        await connection.execute(WRITE_PROBE)
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
