"""Compute a campaign's plan: the one sequence the web service and the command line share.

A new plan row is stored ``running`` and committed (so that its address can be followed and the
worker can store the result in its own transaction), the campaign is read into the engine's
problem, and the engine runs in the background (:class:`planner.db.plan_jobs.PlanJobs`). The
caller waits up to a given time: the web service a few seconds (then answers 202 and the plan is
followed at its address), the command line until the plan ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.db.campaign_plans import RUNNING, load_problem, start_plan
from planner.db.models import CampaignPlan
from planner.db.plan_jobs import PlanJobs
from planner.planning.campaign import Proposal, SolverSettings
from planner.planning.search import Progress, ProgressCallback
from planner.session import RuleSettings

Follow = Callable[[SolverSettings], ProgressCallback]
"""Called once the problem is read, with the solver's settings (its time limit); gives the
callback that receives the search's progress, from the worker thread."""


@dataclass(frozen=True, slots=True)
class PlanRun:
    """Where a plan stands when the wait ends."""

    plan: CampaignPlan
    """The plan row, read again: ``running``, ``done`` or ``failed``."""
    campaign_name: str
    proposal: Proposal | None
    """What the engine proposed, when it ended within the wait without failing."""
    progress: Progress | None
    """The search's latest progress while the plan is still running (else ``None``)."""

    @property
    def running(self) -> bool:
        """Whether the plan is still being computed (the wait ended first)."""
        return self.plan.status == RUNNING


async def compute_plan(
    session: AsyncSession,
    campaign_id: int,
    *,
    jobs: PlanJobs,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
    wait_seconds: float | None,
    workers: int,
    time_limit_s: float | None = None,
    seed: int = 0,
    operator: bool = False,
    follow: Follow | None = None,
    interrupted: str | None = None,
) -> PlanRun:
    """Start a plan of the campaign and wait for it up to ``wait_seconds`` (``None``: until it
    ends). Commits ``session``: the plan row must be stored before the worker runs.

    Coordinators of the campaign and admins may plan; ``operator`` (the command line) may plan
    any campaign. The solver searches ``time_limit_s`` (default: the campaign's) with ``workers``
    and ``seed``. ``interrupted``, when given, is the French reason a plan is failed with when
    the wait itself is interrupted (Ctrl-C on the command line); otherwise the plan goes on.
    """
    campaign, plan = await start_plan(
        session, campaign_id, caller=caller, now=now, operator=operator
    )
    solver = SolverSettings(
        time_limit_s=time_limit_s or campaign.time_limit_s, seed=seed, workers=workers
    )
    problem = await load_problem(session, campaign, settings=settings, now=now, solver=solver)
    name = campaign.name
    await session.commit()  # the worker stores the result in its own transaction
    task = jobs.start(plan.id, problem, None if follow is None else follow(solver))
    try:
        ended = await jobs.wait(plan.id, wait_seconds)
    except BaseException:
        if interrupted is not None:
            await jobs.fail(plan.id, interrupted)
        raise
    await session.refresh(plan)
    return PlanRun(
        plan=plan,
        campaign_name=name,
        proposal=task.result() if ended else None,
        progress=jobs.progress(plan.id),
    )
