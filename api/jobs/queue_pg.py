"""Jobs carried by procrastinate, on PostgreSQL.

Why procrastinate rather than SAQ, the other queue that lives in PostgreSQL: procrastinate is
PostgreSQL-only by design (``SELECT … FOR UPDATE SKIP LOCKED`` in its own functions, LISTEN/NOTIFY
to wake workers at once), detects workers that died by their missing heartbeats and lets us retry
their jobs, offers queueing locks (a job handed over twice is queued once), and is maintained by a
team with a long release history; its schema is applied by our migrations (``0010``, in a
``procrastinate`` schema of its own). SAQ came from Redis, its PostgreSQL queue is younger and
needs its own sweeper tuning; its built-in progress field was its one advantage, and our ``job``
row already keeps progress for every runner.

procrastinate carries only the job's id: the ``job`` row stays the truth. A worker runs in the
runner's thread of each service process (or in ``allervers run-jobs``), one job at a time;
every ``ALLERVERS_JOB_STALLED_SECONDS / 3`` it also looks for jobs whose worker stopped sending
heartbeats for ``ALLERVERS_JOB_STALLED_SECONDS`` (a process killed) and retries them; when it
starts, it queues again the rows left running that procrastinate no longer holds (interrupted
where procrastinate could not see it), then hands over the rows still queued (a service stopped
between storing a job and handing it over), the queueing lock keeping each one queued once.

Tending (registrations' timed steps, then mail) has a queue and a worker of its own (a plan may
run for minutes; a sign-in link must not wait for it): a task handed over when a transaction
that gave it work commits (queued once at a time), and the same work as a periodic task every
``ALLERVERS_MAIL_POLL_SECONDS`` (retries, offers running out, reminders) — procrastinate defers
each period once across all processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

from api.jobs.runner import JobRunner
from api.jobs.work import JobWork
from planner.db.jobs import queued_job_ids, requeue_interrupted

logger = logging.getLogger("allervers.jobs")
QUEUE = "allervers"
TASK = "allervers.run_job"
TEND_QUEUE = "allervers-tend"
TEND_TASK = "allervers.tend"
TEND_PERIODIC_TASK = "allervers.tend_periodic"
SCHEMA = "procrastinate"
"""The PostgreSQL schema holding procrastinate's tables and functions (migration ``0010``)."""


def procrastinate_conninfo(database_url: str) -> str:
    """The libpq address of ``database_url``, searching procrastinate's schema first."""
    url = make_url(database_url.replace("postgres://", "postgresql://", 1))
    address = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return make_conninfo(address, options=f"-c search_path={SCHEMA}")


class ProcrastinateRunner(JobRunner):
    """Hands jobs to procrastinate, and runs a procrastinate worker when it works."""

    def _app(self, work: JobWork) -> App:
        app = App(
            connector=PsycopgConnector(conninfo=procrastinate_conninfo(self.settings.database_url))
        )

        @app.task(name=TASK, queue=QUEUE, pass_context=True)
        async def run_job(context: JobContext, job_id: int) -> None:
            await work.run(job_id, retry=context.job.attempts > 0)

        @app.task(name=TEND_TASK, queue=TEND_QUEUE)
        async def tend() -> None:
            await work.tend()

        @app.periodic(cron=tend_cron(self.settings.mail_poll_seconds), periodic_id="tend")
        @app.task(name=TEND_PERIODIC_TASK, queue=TEND_QUEUE)
        async def tend_periodic(timestamp: int) -> None:
            await work.tend()

        return app

    async def _run(self, work: JobWork, stopping: asyncio.Event) -> None:
        self._procrastinate = self._app(work)
        async with self._procrastinate.open_async():
            if not self.works:
                self._up()
                await stopping.wait()
                return
            alive = await self._alive()
            async with work.maker.begin() as session:
                again, failed = await requeue_interrupted(session, now=self.clock(), alive=alive)
            if again or failed:
                logger.warning("travaux interrompus : %d repris, %d en échec", again, failed)
            async with work.maker() as session:
                for job_id in await queued_job_ids(session, limit=1000):
                    await self._hand_over(job_id)
            await self._hand_over_tending()
            stalled = self.settings.job_stalled_seconds
            workers = [self._worker(QUEUE, stalled), self._worker(TEND_QUEUE, stalled)]
            self._up()
            while not stopping.is_set() and not any(worker.done() for worker in workers):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=stalled / 3)
                await self._retry_stalled(stalled)
            for worker in workers:
                worker.cancel()
            for worker in workers:
                with contextlib.suppress(asyncio.CancelledError):
                    await worker

    def _worker(self, queue: str, stalled: float) -> asyncio.Future[None]:
        """A procrastinate worker taking one job at a time from ``queue``."""
        return asyncio.ensure_future(
            self._procrastinate.run_worker_async(
                queues=[queue],
                name=queue,
                concurrency=1,
                install_signal_handlers=False,
                update_heartbeat_interval=stalled / 3,
                stalled_worker_timeout=stalled,
                shutdown_graceful_timeout=1.0,
                delete_jobs="successful",
            )
        )

    async def _alive(self) -> set[int]:
        """Our jobs procrastinate still holds (to do, or being done by a live or stalled
        worker): the others left running were interrupted."""
        rows = await self._procrastinate.connector.execute_query_all_async(
            "SELECT args FROM procrastinate_jobs "
            "WHERE task_name = %(task)s AND status IN ('todo', 'doing')",
            task=TASK,
        )
        return {int(row["args"]["job_id"]) for row in rows}

    async def _retry_stalled(self, seconds: float) -> None:
        manager = self._procrastinate.job_manager
        try:
            for queue in (QUEUE, TEND_QUEUE):
                for job in await manager.get_stalled_jobs(
                    queue=queue, seconds_since_heartbeat=seconds
                ):
                    logger.warning("travail procrastinate %s sans nouvelles : relancé", job.id)
                    await manager.retry_job(job)
        except Exception:  # the database is away: the next round tries again
            logger.exception("recherche des travaux bloqués impossible")

    async def _hand_over(self, job_id: int) -> None:
        task = self._procrastinate.tasks[TASK]
        with contextlib.suppress(AlreadyEnqueued):
            await task.configure(queueing_lock=f"job-{job_id}").defer_async(job_id=job_id)

    async def _hand_over_tending(self) -> None:
        task = self._procrastinate.tasks[TEND_TASK]
        with contextlib.suppress(AlreadyEnqueued):  # one already queued does this work too
            await task.configure(queueing_lock="tend").defer_async()


def tend_cron(seconds: float) -> str:
    """A procrastinate cron (with its column of seconds) running every ``seconds`` (rounded,
    at least 1, at most 59: each minute restarts the count)."""
    return f"* * * * * */{min(max(round(seconds), 1), 59)}"
