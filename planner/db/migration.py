"""Run Alembic programmatically: upgrade a database to head, or compare it with the models."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from planner.db.models import Base

SCRIPT_LOCATION = "planner.db:migrations"


def alembic_config(**attributes: Any) -> Config:
    """Return an Alembic config pointing at our migrations, with ``attributes`` for env.py."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes.update(attributes)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision`` (synchronous; runs its own event loop)."""
    command.upgrade(alembic_config(url=url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Migrate the database at ``url`` down to ``revision``."""
    command.downgrade(alembic_config(url=url), revision)


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def schema_differences(engine: AsyncEngine) -> list[Any]:
    """Return what autogenerate would change to make the database match the models."""
    async with engine.connect() as connection:
        return await connection.run_sync(_differences)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(engine: AsyncEngine) -> str | None:
    """Return the database's Alembic revision, ``None`` when it was never migrated."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)
