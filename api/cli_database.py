"""Database plumbing of the ``allervers`` commands: one transaction, the schema migrations,
and the demonstration dataset (``migrate``, ``load-demo``)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.settings import Settings
from planner.clock import system_clock
from planner.db import migration
from planner.db.bundled import load_bundled_if_empty
from planner.db.demo import has_data, load_demo
from planner.db.engine import create_engine

T = TypeVar("T")


async def in_transaction(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction: committed if it returns, rolled back if it raises."""
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def upgrade_schema(settings: Settings) -> None:
    """Bring the database schema to the latest Alembic revision (every command does first)."""
    migration.upgrade(settings.database_url)


def command_migrate(settings: Settings, _args: argparse.Namespace) -> list[str]:
    """Upgrade the database schema to the latest revision."""
    upgrade_schema(settings)
    return ["Base de données à jour."]


def command_load_demo(settings: Settings, _args: argparse.Namespace) -> list[str]:
    """Fill an empty database with the demonstration dataset, in one transaction."""
    upgrade_schema(settings)
    return load_demo_dataset(settings, only_if_empty=False)


def load_demo_dataset(settings: Settings, *, only_if_empty: bool) -> list[str]:
    """Load the demo (refused on a database with data, or skipped when ``only_if_empty``)."""

    async def run() -> list[str]:
        from api.app import build_placer

        engine = create_engine(settings.database_url)
        placer = build_placer(settings, engine)
        now = system_clock()
        try:
            async with (
                async_sessionmaker(engine, expire_on_commit=False)() as session,
                session.begin(),
            ):
                loaded = (
                    await load_bundled_if_empty(session, now=now)
                    if settings.load_reference_data
                    else []
                )
                if only_if_empty and await has_data(session):
                    return loaded
                report = await load_demo(
                    session,
                    placer=placer,
                    settings=settings.rule_settings(),
                    now=now,
                    invitations=(settings.public_url, timedelta(hours=settings.invitation_hours)),
                )
                return loaded + report.lines()
        finally:
            await engine.dispose()

    return asyncio.run(run())
