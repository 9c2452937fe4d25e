"""Compute a campaign's plan: the one sequence the web service and the command line share.

A new plan row is stored ``running`` with the background job that computes it, and committed;
the job is handed to the job runner (``submit``), which reads the campaign into the engine's
problem, runs the engine outside the event loop, keeps its progress on the plan row and stores
the result (:mod:`api.jobs`). The caller waits up to a given time, reading the plan row: the web
service a few seconds (then answers 202 and the plan is followed at its address, from any
process), the command line until the plan ends.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.db.campaign_plans import RUNNING, start_plan
from planner.db.jobs import CAMPAIGN_PLAN, create_job, fail_job
from planner.db.models import CampaignPlan
from planner.planning.search import Progress

Submit = Callable[[int], Awaitable[None]]
"""Hands a committed job's id to the job runner."""
Watch = Callable[[CampaignPlan], None]
"""Called with the plan row each time it is read again while waiting."""
POLL_S = 0.2


@dataclass(frozen=True, slots=True)
class PlanRun:
    """Where a plan stands when the wait ends."""

    plan: CampaignPlan
    """The plan row, read again: ``running``, ``done`` or ``failed``."""
    campaign_name: str
    job_id: int

    @property
    def running(self) -> bool:
        """Whether the plan is still being computed (the wait ended first)."""
        return self.plan.status == RUNNING


async def compute_plan(
    session: AsyncSession,
    campaign_id: int,
    *,
    submit: Submit,
    caller: Caller | None,
    now: datetime,
    wait_seconds: float | None,
    workers: int,
    time_limit_s: float | None = None,
    seed: int = 0,
    operator: bool = False,
    watch: Watch | None = None,
    interrupted: str | None = None,
) -> PlanRun:
    """Start a plan of the campaign and wait for it up to ``wait_seconds`` (``None``: until it
    ends). Commits ``session``: the plan and its job must be stored before the runner reads them.

    Coordinators of the campaign and admins may plan; ``operator`` (the command line) may plan
    any campaign. The solver searches ``time_limit_s`` (default: the campaign's) with ``workers``
    and ``seed``. ``interrupted``, when given, is the French reason the plan is failed with when
    the wait itself is interrupted (Ctrl-C on the command line); otherwise the plan goes on.
    """
    campaign, plan = await start_plan(
        session, campaign_id, caller=caller, now=now, operator=operator
    )
    solver = {
        "time_limit_s": time_limit_s or campaign.time_limit_s,
        "seed": seed,
        "workers": workers,
    }
    job = await create_job(
        session,
        CAMPAIGN_PLAN,
        caller=caller,
        now=now,
        payload=json.dumps(solver),
        subject_id=plan.id,
    )
    name, job_id = campaign.name, job.id
    await session.commit()
    try:
        await submit(job_id)
        await _wait(session, plan, wait_seconds, watch)
    except BaseException:
        if interrupted is not None:
            await session.rollback()
            await fail_job(session, job_id, interrupted, now=now)
            await session.commit()
        raise
    return PlanRun(plan=plan, campaign_name=name, job_id=job_id)


async def _wait(
    session: AsyncSession, plan: CampaignPlan, seconds: float | None, watch: Watch | None
) -> None:
    deadline = None if seconds is None else time.monotonic() + seconds
    while True:
        await session.rollback()  # a new snapshot: the runner commits in its own transactions
        await session.refresh(plan)
        if watch is not None:
            watch(plan)
        if plan.status != RUNNING or (deadline is not None and time.monotonic() >= deadline):
            return
        await asyncio.sleep(POLL_S)


async def record_plan_progress(session: AsyncSession, plan_id: int, progress: Progress) -> None:
    """Keep a running plan's latest progress, for whichever process shows the plan."""
    await session.execute(
        update(CampaignPlan)
        .where(CampaignPlan.id == plan_id, CampaignPlan.status == RUNNING)
        .values(progress=asdict(progress))
    )


def plan_progress(plan: CampaignPlan) -> Progress | None:
    """A running plan's latest progress (``None`` before the search reports, or once ended)."""
    if plan.status != RUNNING or not plan.progress:
        return None
    return Progress(**plan.progress)
