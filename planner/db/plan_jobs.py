"""Campaign plans computed in the background of the service, with their live progress.

The engine is CPU-bound and takes seconds to minutes: it runs in a worker thread, outside any
database session; its progress (phase, best coverage, bound) is kept in memory for the status
endpoint, and its result is stored in its own transaction when it ends. A service stopped in the
middle leaves the plan ``running`` in the database: the next start marks it failed
(:func:`planner.db.campaign_plans.interrupt_running`). :func:`planner.db.plan_service.compute_plan`
starts the plans and waits for them; this runner knows nothing of the web.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from planner.clock import Clock, system_clock
from planner.db.campaign_plans import fail_plan, finish_plan, interrupt_running
from planner.planning.campaign import CampaignProblem, Proposal
from planner.planning.optimiser import plan
from planner.planning.search import Progress, ProgressCallback

logger = logging.getLogger("allervers.plans")
FAILED_MESSAGE = (
    "Le calcul du plan a échoué (erreur interne, consignée dans le journal du service)."
)


class PlanJobs:
    """The plans being computed by this process."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock = system_clock) -> None:
        self._maker = async_sessionmaker(engine, expire_on_commit=False)
        self._clock = clock
        self._progress: dict[int, Progress] = {}
        self._tasks: dict[int, asyncio.Task[Proposal | None]] = {}

    def progress(self, plan_id: int) -> Progress | None:
        """The latest progress of a running plan of this process (``None`` if not running)."""
        return self._progress.get(plan_id)

    def start(
        self,
        plan_id: int,
        problem: CampaignProblem,
        on_progress: ProgressCallback | None = None,
    ) -> asyncio.Task[Proposal | None]:
        """Compute the plan in a worker thread; its row must already be committed. The task
        gives the stored proposal, or ``None`` when the computation failed (the plan says why);
        ``on_progress`` also receives the search's progress, from the worker thread."""
        self._progress[plan_id] = Progress("preparation", 0.0, None, None, 0.0)
        task = asyncio.get_running_loop().create_task(self._run(plan_id, problem, on_progress))
        self._tasks[plan_id] = task
        return task

    async def wait(self, plan_id: int, seconds: float | None) -> bool:
        """Wait up to ``seconds`` (``None``: until it ends) for a plan of this process; whether
        it has ended."""
        task = self._tasks.get(plan_id)
        if task is None:
            return True
        done, _ = await asyncio.wait({task}, timeout=seconds)
        return bool(done)

    async def fail(self, plan_id: int, message: str) -> None:
        """Mark a plan failed, with why (French), in its own transaction."""
        async with self._maker.begin() as session:
            await fail_plan(session, plan_id, message, now=self._clock())

    async def interrupt_stale(self) -> None:
        """At start-up: plans a previous run of the service left running are failed."""
        try:
            async with self._maker.begin() as session:
                count = await interrupt_running(session, now=self._clock())
        except (SQLAlchemyError, OSError) as exc:  # unmigrated or unreachable: /health says so
            logger.warning("plans en cours non vérifiés au démarrage : %s", type(exc).__name__)
            return
        if count:
            logger.warning("%d plan(s) interrompu(s) par un redémarrage", count)

    async def _run(
        self, plan_id: int, problem: CampaignProblem, on_progress: ProgressCallback | None
    ) -> Proposal | None:
        def report(progress: Progress) -> None:
            self._progress[plan_id] = progress  # one assignment: safe from the worker thread
            if on_progress is not None:
                on_progress(progress)

        try:
            proposal = await asyncio.to_thread(plan, problem, report)
            async with self._maker.begin() as session:
                await finish_plan(session, plan_id, problem, proposal, now=self._clock())
        except Exception:
            logger.exception("plan %d failed", plan_id)
            await self.fail(plan_id, FAILED_MESSAGE)
            return None
        finally:
            self._progress.pop(plan_id, None)
            self._tasks.pop(plan_id, None)
        return proposal
