"""Campaign plans computed in the background of the service, with their live progress.

The engine is CPU-bound and takes seconds to minutes: it runs in a worker thread, outside any
database session; its progress (phase, best coverage, bound) is kept in memory for the status
endpoint, and its result is stored in its own transaction when it ends. A service stopped in the
middle leaves the plan ``running`` in the database: the next start marks it failed
(:func:`planner.db.campaign_plans.interrupt_running`). The runner uses no web framework: it lives
beside the services.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from planner.db.campaign_plans import fail_plan, finish_plan, interrupt_running
from planner.planning.campaign import CampaignProblem
from planner.planning.optimiser import plan
from planner.planning.search import Progress

logger = logging.getLogger("allervers.plans")
FAILED_MESSAGE = (
    "Le calcul du plan a échoué (erreur interne, consignée dans le journal du service)."
)


class PlanJobs:
    """The plans being computed by this process."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._maker = async_sessionmaker(engine, expire_on_commit=False)
        self._progress: dict[int, Progress] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def progress(self, plan_id: int) -> Progress | None:
        """The latest progress of a running plan of this process (``None`` if not running)."""
        return self._progress.get(plan_id)

    def start(self, plan_id: int, problem: CampaignProblem) -> None:
        """Compute the plan in a worker thread; its row must already be committed."""
        self._progress[plan_id] = Progress("preparation", 0.0, None, None, 0.0)
        task = asyncio.get_running_loop().create_task(self._run(plan_id, problem))
        self._tasks[plan_id] = task

    async def wait(self, plan_id: int, seconds: float) -> bool:
        """Wait up to ``seconds`` for a plan of this process; whether it has ended."""
        task = self._tasks.get(plan_id)
        if task is None:
            return True
        done, _ = await asyncio.wait({task}, timeout=seconds)
        return bool(done)

    async def interrupt_stale(self) -> None:
        """At start-up: plans a previous run of the service left running are failed."""
        try:
            async with self._maker.begin() as session:
                count = await interrupt_running(session, now=datetime.now(UTC))
        except (SQLAlchemyError, OSError) as exc:  # unmigrated or unreachable: /health says so
            logger.warning("plans en cours non vérifiés au démarrage : %s", type(exc).__name__)
            return
        if count:
            logger.warning("%d plan(s) interrompu(s) par un redémarrage", count)

    async def _run(self, plan_id: int, problem: CampaignProblem) -> None:
        def report(progress: Progress) -> None:
            self._progress[plan_id] = progress  # one assignment: safe from the worker thread

        try:
            proposal = await asyncio.to_thread(plan, problem, report)
            async with self._maker.begin() as session:
                await finish_plan(session, plan_id, problem, proposal, now=datetime.now(UTC))
        except Exception:
            logger.exception("plan %d failed", plan_id)
            async with self._maker.begin() as session:
                await fail_plan(session, plan_id, FAILED_MESSAGE, now=datetime.now(UTC))
        finally:
            self._progress.pop(plan_id, None)
            self._tasks.pop(plan_id, None)
