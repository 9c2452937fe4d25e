"""The embedded runner, for SQLite: one process writes, so the ``job`` table is the queue.

Jobs are taken oldest first, one at a time (SQLite has one writer: two imports at once would
only wait for each other). When it starts, the runner queues again what a previous run left
running (or fails it after its last try, :func:`planner.db.jobs.requeue_interrupted`); a job
handed over wakes it at once, and it also looks every ``ALLERVERS_JOB_POLL_SECONDS`` (jobs
queued by another process, such as the service when ``allervers run-jobs`` runs them). Tending
(registrations' timed steps, then mail) goes beside the jobs, by a loop of its own: at once
when woken, else every ``ALLERVERS_MAIL_POLL_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from api.jobs.runner import JobRunner
from api.jobs.work import JobWork
from planner.db.jobs import queued_job_ids, requeue_interrupted

logger = logging.getLogger("allervers.jobs")


class EmbeddedRunner(JobRunner):
    """Takes the queued rows of the ``job`` table, in this process."""

    _wake: asyncio.Event | None = None
    _tend_wake: asyncio.Event | None = None

    async def _run(self, work: JobWork, stopping: asyncio.Event) -> None:
        self._wake = asyncio.Event()
        self._tend_wake = asyncio.Event()
        if not self.works:
            self._up()
            await stopping.wait()
            return
        async with work.maker.begin() as session:
            again, failed = await requeue_interrupted(session, now=self.clock())
        if again or failed:
            logger.warning("travaux interrompus : %d repris, %d en échec", again, failed)
        tending = asyncio.ensure_future(self._tend(work, stopping, self._tend_wake))
        self._up()
        try:
            await self._take_jobs(work, stopping, self._wake)
        finally:
            tending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await tending

    async def _take_jobs(self, work: JobWork, stopping: asyncio.Event, wake: asyncio.Event) -> None:
        while not stopping.is_set():
            async with work.maker() as session:
                ids = await queued_job_ids(session)
            for job_id in ids:
                running = asyncio.ensure_future(work.run(job_id))
                stop = asyncio.ensure_future(stopping.wait())
                await asyncio.wait({running, stop}, return_when=asyncio.FIRST_COMPLETED)
                stop.cancel()
                if stopping.is_set():
                    running.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await running
                    return
            await _either(wake, stopping, timeout=self.settings.job_poll_seconds)

    async def _tend(self, work: JobWork, stopping: asyncio.Event, wake: asyncio.Event) -> None:
        while not stopping.is_set():
            wake.clear()
            await work.tend()
            await _either(wake, stopping, timeout=self.settings.mail_poll_seconds)

    async def _hand_over(self, job_id: int) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _hand_over_tending(self) -> None:
        if self._tend_wake is not None:
            self._tend_wake.set()


async def _either(wake: asyncio.Event, stopping: asyncio.Event, *, timeout: float) -> None:
    """Wait until ``wake`` or ``stopping`` is set, or ``timeout`` seconds; ``wake`` is cleared."""
    waiters = {asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stopping.wait())}
    _, pending = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    for waiter in pending:
        waiter.cancel()
    wake.clear()
