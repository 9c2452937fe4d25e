"""A running job's progress, written where every process can read it, without slowing the job.

:class:`Reporter` takes reports from any thread (the job's own loop, or a solver's thread) and
writes the latest one in its own short transaction at most every few seconds, on the runner's
loop; a busy database only delays the next write.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

logger = logging.getLogger("allervers.jobs")
T = TypeVar("T")


class Reporter(Generic[T]):
    """Writes a job's reports with ``write``, at most every ``every`` seconds."""

    def __init__(
        self,
        maker: async_sessionmaker[AsyncSession],
        write: Callable[[AsyncSession, T], Awaitable[None]],
        *,
        every: float,
    ) -> None:
        self._maker = maker
        self._write = write
        self._every = every
        self._loop = asyncio.get_running_loop()
        self._last = 0.0
        self._writes: set[asyncio.Task[None]] = set()

    def report(self, value: T) -> None:
        """Take a report (from any thread); it is written unless one was moments ago."""
        if time.monotonic() - self._last < self._every:
            return
        self._last = time.monotonic()
        self._loop.call_soon_threadsafe(self._start, value)

    async def drain(self) -> None:
        """Wait for the writes under way (before the job stores its result)."""
        if self._writes:
            await asyncio.wait(set(self._writes))

    def _start(self, value: T) -> None:
        task = self._loop.create_task(self._store(value))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _store(self, value: T) -> None:
        try:
            async with self._maker.begin() as session:
                await self._write(session, value)
        except SQLAlchemyError:  # the database is busy: the next report will say it
            logger.debug("avancement d'un travail non écrit")
