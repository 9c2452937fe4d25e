"""Alembic owns the schema: head builds it from nothing, and it matches the models exactly."""

from __future__ import annotations

import asyncio

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from planner.db import migration
from planner.db.engine import create_engine
from planner.db.models import Base
from tests.conftest import Databases


def _run_on(url: str, check):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        engine = create_engine(url)
        try:
            return await check(engine)
        finally:
            await engine.dispose()

    return asyncio.run(go())


async def _tables(engine):  # type: ignore[no-untyped-def]
    async with engine.connect() as connection:
        return await connection.run_sync(lambda c: sorted(inspect(c).get_table_names()))


def test_upgrade_empty_database_matches_models(databases: Databases) -> None:
    """An empty database upgraded to head has every table and no autogenerate difference."""
    url = databases.empty()
    migration.upgrade(url)
    assert _run_on(url, migration.schema_differences) == []
    assert _run_on(url, _tables) == sorted([*Base.metadata.tables, "alembic_version"])


def test_upgrade_records_head_revision(databases: Databases) -> None:
    """After the upgrade the database is at the scripts' head revision."""
    url = databases.empty()
    migration.upgrade(url)
    head = ScriptDirectory.from_config(migration.alembic_config()).get_current_head()
    assert _run_on(url, migration.current_revision) == head


def test_downgrade_to_base_removes_every_table(databases: Databases) -> None:
    """Migrations can be undone: downgrade to base leaves only Alembic's own table."""
    url = databases.empty()
    migration.upgrade(url)
    migration.downgrade(url)
    assert _run_on(url, _tables) == ["alembic_version"]
