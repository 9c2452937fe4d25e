"""The campaign-plan job: read the campaign, search (CP-SAT, in a worker thread, so the runner's
loop keeps writing progress), store the proposal — one plan row, which any process shows."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from api.jobs.report import Reporter
from planner.db.campaign_plans import finish_plan
from planner.db.campaign_problem import load_problem
from planner.db.jobs import finish_job
from planner.db.models import Campaign, CampaignPlan, Job
from planner.db.plan_service import record_plan_progress
from planner.planning.campaign import SolverSettings
from planner.planning.optimiser import plan
from planner.planning.search import Progress

if TYPE_CHECKING:
    from api.jobs.work import JobWork

PROGRESS_EVERY_S = 0.5


async def run_plan(work: JobWork, job: Job) -> None:
    """Compute the plan ``job.subject_id`` with the job's solver settings."""
    plan_id = job.subject_id
    if plan_id is None:
        raise LookupError(f"travail {job.id} sans plan")
    solver = SolverSettings(**json.loads(job.payload or "{}"))
    async with work.maker() as session:
        row = await session.get_one(CampaignPlan, plan_id)
        campaign = await session.get_one(Campaign, row.campaign_id)
        problem = await load_problem(
            session, campaign, settings=work.rules, now=work.clock(), solver=solver
        )

    async def write(session: AsyncSession, progress: Progress) -> None:
        await record_plan_progress(session, plan_id, progress)

    reporter = Reporter(work.maker, write, every=PROGRESS_EVERY_S)
    proposal = await asyncio.to_thread(plan, problem, reporter.report)  # reports from its thread
    await reporter.drain()
    async with work.maker.begin() as session:
        await finish_plan(session, plan_id, problem, proposal, now=work.clock())
        finish_job(
            await session.get_one(Job, job.id, populate_existing=True),
            {"plan_id": plan_id, "status": proposal.status},
            now=work.clock(),
        )
