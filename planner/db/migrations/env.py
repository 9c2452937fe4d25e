"""Alembic environment: async engines (aiosqlite, asyncpg), batch mode for SQLite.

Called by :mod:`planner.db.migration` with the URL (or an open connection) in
``config.attributes``; from the ``alembic`` command line it reads ``ALLERVERS_DATABASE_URL``.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from planner.db.engine import create_engine
from planner.db.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on a new engine for the given URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_sync(connection)
        return
    url = config.attributes.get("url") or os.environ.get("ALLERVERS_DATABASE_URL")
    if not url:
        raise SystemExit("ALLERVERS_DATABASE_URL n'est pas défini : quelle base migrer ?")
    asyncio.run(_run_async(url))


if context.is_offline_mode():
    raise SystemExit("Les migrations hors ligne (--sql) ne sont pas prises en charge.")
run_migrations_online()
