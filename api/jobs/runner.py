"""The job runner: a thread with its own event loop, so heavy work never holds the service's.

Two ways to carry jobs, one interface (:class:`JobRunner`): on PostgreSQL, **procrastinate**
(:mod:`api.jobs.queue_pg`), which keeps its queue in PostgreSQL itself, hands each job to one
worker among all processes (``SKIP LOCKED``), and retries the jobs of a worker that stopped
sending heartbeats; on SQLite, which has one writing process, the **embedded runner**
(:mod:`api.jobs.queue_sqlite`) takes queued rows in order and, when it starts, queues again
what a previous run left running. In both, the ``job`` row is the truth a request follows.

The runner also tends (:meth:`api.jobs.work.JobWork.tend`): the registrations' timed steps,
then the mail (:class:`api.mail.MailSender`). The service's sessions wake it
(:meth:`JobRunner.wake`, :mod:`planner.db.wake`) when a transaction that gave it such work
commits (mail queued, a session with registrants moved), and it looks again every
``ALLERVERS_MAIL_POLL_SECONDS`` (retries, offers running out, reminders); tending goes by its
own worker, so a long plan never holds a sign-in link back.

A service starts its runner when it starts if some job is unfinished or some mail unsent, else
at its first job or mail; with ``ALLERVERS_JOBS_IN_SERVICE=false`` it only hands them over, and
``allervers run-jobs`` runs them in a process of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from api.jobs.work import JobWork
from api.settings import Settings
from planner.clock import Clock, system_clock
from planner.db.engine import create_engine

logger = logging.getLogger("allervers.jobs")
T = TypeVar("T")
JOB_NICENESS = 10
"""How much lower the runner's thread is scheduled than the service (``nice``)."""


class JobRunner:
    """Runs jobs in a thread of its own; subclasses say how jobs are carried."""

    def __init__(self, settings: Settings, *, clock: Clock = system_clock, work: bool = True):
        self.settings = settings
        self.clock = clock
        self.works = work
        """Whether this runner runs jobs (else it only hands them over)."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._lock = threading.Lock()
        self._failure: BaseException | None = None
        self._telling: set[asyncio.Task[None]] = set()

    @property
    def started(self) -> bool:
        """Whether the runner's thread is up."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (idempotent); returns once it is ready to take jobs."""
        with self._lock:
            if self.started:
                return
            self._ready.clear()
            self._failure = None
            self._thread = threading.Thread(target=self._main, name="allervers-jobs", daemon=True)
            self._thread.start()
        self._ready.wait()
        if self._failure is not None:
            raise self._failure

    def stop(self) -> None:
        """Stop taking jobs; a job running is interrupted and queued again (retried later)."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has already ended
            loop.call_soon_threadsafe(stopping.set)
        thread.join(timeout=30)
        self._thread = None

    async def submit(self, job_id: int) -> None:
        """Hand over a committed job (starting the runner if needed)."""
        if not self.started:
            await asyncio.to_thread(self.start)
        await self._in_runner(self._hand_over(job_id))

    def wake(self) -> None:
        """Told, on the service's event loop, when a transaction that gave the runner work
        commits: tending is handed over without holding the request back."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # committed outside an event loop: the next look sends it
            return
        task = loop.create_task(self.tend_now())
        self._telling.add(task)
        task.add_done_callback(self._telling.discard)

    async def tend_now(self) -> None:
        """Have the runner tend now (starting it if needed)."""
        try:
            if not self.started:
                await asyncio.to_thread(self.start)
            await self._in_runner(self._hand_over_tending())
        except Exception:  # the work stays in the database: the next look does it
            logger.exception("le service des travaux n'a pas pu être réveillé")

    def serve_forever(self) -> None:
        """Run jobs in the calling (main) thread until SIGINT or SIGTERM (``allervers
        run-jobs``); a job running then is queued again."""
        self.works = True
        loop = asyncio.new_event_loop()
        self._loop = loop

        def stop() -> None:
            if self._stopping is not None:
                self._stopping.set()

        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop)
        try:
            loop.run_until_complete(self._life())
        finally:
            loop.close()

    async def _in_runner(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            raise RuntimeError("le service des travaux n'est pas démarré")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return await asyncio.wrap_future(future)

    def _main(self) -> None:
        _lower_priority()
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._life())
        except BaseException as exc:  # a broken start is raised by start()
            self._failure = exc
            logger.exception("le service des travaux s'est arrêté")
        finally:
            self._ready.set()
            loop.close()

    async def _life(self) -> None:
        self._stopping = asyncio.Event()
        engine = create_engine(self.settings.database_url)
        try:  # the service's composition, built for this loop
            await self._run(JobWork.build(self.settings, engine, clock=self.clock), self._stopping)
        finally:
            await engine.dispose()

    def _up(self) -> None:
        """Subclasses call this once they take jobs."""
        self._ready.set()

    async def _run(self, work: JobWork, stopping: asyncio.Event) -> None:
        raise NotImplementedError

    async def _hand_over(self, job_id: int) -> None:
        raise NotImplementedError

    async def _hand_over_tending(self) -> None:
        raise NotImplementedError


def _lower_priority() -> None:
    """Let the service's own thread and processes go first when the CPU is short: the runner's
    thread runs at a lower scheduling priority (Linux schedules threads one by one)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), JOB_NICENESS)


def job_runner(settings: Settings, *, clock: Clock = system_clock) -> JobRunner:
    """The runner for the settings' database."""
    if settings.database_url.startswith(("postgresql", "postgres:")):
        from api.jobs.queue_pg import ProcrastinateRunner

        return ProcrastinateRunner(settings, clock=clock, work=settings.jobs_in_service)
    from api.jobs.queue_sqlite import EmbeddedRunner

    return EmbeddedRunner(settings, clock=clock, work=settings.jobs_in_service)
