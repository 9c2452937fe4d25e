"""Running a piece of database work from a (synchronous) test: its own engine, one committed
transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from planner.db.engine import create_engine

T = TypeVar("T")


def committed(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction on ``url``; its result."""

    async def go() -> T:
        engine = create_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as s, s.begin():
                return await work(s)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def start_now(url: str, session_id: int) -> None:
    """Move a session's start to a minute ago, as if it had begun (the API books in the future
    only); its end stays."""
    from planner.db.models import OutreachSession

    async def work(s: AsyncSession) -> None:
        row = await s.get_one(OutreachSession, session_id)
        row.start_at = datetime.now(UTC) - timedelta(minutes=1)

    committed(url, work)
