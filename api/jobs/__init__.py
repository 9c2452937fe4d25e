"""Background jobs: the runner (a thread with its own event loop) and what each kind of job does.

See :mod:`api.jobs.runner` for how jobs are carried (procrastinate on PostgreSQL, the embedded
runner on SQLite) and :mod:`planner.db.jobs` for the rows requests follow.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.jobs.runner import JobRunner, job_runner
from planner.db.jobs import unfinished_jobs
from planner.db.outbox import unsent_mail

__all__ = ["JobRunner", "job_runner", "start_if_needed"]
logger = logging.getLogger("allervers.jobs")


async def start_if_needed(runner: JobRunner, sessions: async_sessionmaker[AsyncSession]) -> None:
    """At the service's start: start the runner now if some job is unfinished or some mail
    unsent (else it starts with the first job or mail handed over)."""
    if not runner.works:
        return
    try:
        async with sessions() as session:
            waiting = await unfinished_jobs(session) or await unsent_mail(session)
    except (SQLAlchemyError, OSError) as exc:  # unmigrated or unreachable: /health says so
        logger.warning("travaux en attente non vérifiés au démarrage : %s", type(exc).__name__)
        return
    if waiting:
        await asyncio.to_thread(runner.start)
