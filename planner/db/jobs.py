"""The job rows: created by a request, claimed and finished by the job runner (:mod:`api.jobs`).

A job is ``queued`` when stored, ``running`` once a runner claims it, then ``done`` (with its
result) or ``failed`` (with why, in French). Claiming is one conditional UPDATE, so two runners
handed the same job never both run it; a job whose runner died is claimed again as a retry, at
most :data:`MAX_ATTEMPTS` times in all, then failed: never silently lost.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from planner.access import Caller
from planner.access.jobs import JobFacts, may_read_job
from planner.db.campaign_plans import FAILED as PLAN_FAILED
from planner.db.campaign_plans import RUNNING as PLAN_RUNNING
from planner.db.models import CampaignPlan, Job
from planner.errors import NotFoundError

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
VENUE_IMPORT = "venue_import"
CAMPAIGN_PLAN = "campaign_plan"
"""The kinds of job (a plan job's ``subject_id`` is its plan)."""
MAX_ATTEMPTS = 2
"""A job interrupted (its runner stopped or killed) is tried once more, then failed."""
INTERRUPTED = (
    "Le travail a été interrompu deux fois (arrêt du service) : rien n'en a été enregistré, "
    "soumettez-le à nouveau."
)
FAILED_MESSAGE = "Le travail a échoué (erreur interne, consignée dans le journal du service)."


async def create_job(
    session: AsyncSession,
    kind: str,
    *,
    caller: Caller | None,
    now: datetime,
    payload: str | None = None,
    total: int | None = None,
    subject_id: int | None = None,
) -> Job:
    """Store a queued job in the caller's transaction; the runner is told once it commits."""
    job = Job(
        kind=kind,
        status=QUEUED,
        staff_id=None if caller is None else caller.staff_id,
        organisation_id=None if caller is None else caller.organisation_id,
        subject_id=subject_id,
        payload=payload,
        done=0,
        total=total,
        attempts=0,
        created_at=now,
    )
    session.add(job)
    await session.flush()
    return job


async def read_job(session: AsyncSession, job_id: int, *, caller: Caller) -> Job:
    """The job, for the one who asked it and admins; another caller gets "not found" (a job's
    existence says nothing to them)."""
    job = await session.get(Job, job_id)
    if job is None or not may_read_job(caller, JobFacts(job.staff_id)):
        raise NotFoundError(f"Aucun travail n° {job_id}.")
    return job


async def claim_job(
    session: AsyncSession, job_id: int, *, now: datetime, retry: bool = False
) -> Job | None:
    """Take a queued job to run (``retry``: also one left running by a runner that died);
    ``None`` when it is not to be run (taken by another runner, ended, or unknown)."""
    states = [Job.status == QUEUED]
    if retry:
        states.append(Job.status == RUNNING)
    claimed = await session.execute(
        update(Job)
        .where(Job.id == job_id, or_(*states), Job.attempts < MAX_ATTEMPTS)
        .values(status=RUNNING, attempts=Job.attempts + 1, started_at=now, done=0)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        if retry:
            await fail_job(session, job_id, INTERRUPTED, now=now, only_running=True)
        return None
    return await session.get(Job, job_id, populate_existing=True)


async def record_progress(
    session: AsyncSession, job_id: int, done: int, total: int | None = None
) -> None:
    """Where a running job stands (units done, out of ``total`` when known)."""
    values: dict[str, Any] = {"done": done}
    if total is not None:
        values["total"] = total
    await session.execute(
        update(Job).where(Job.id == job_id, Job.status == RUNNING).values(**values)
    )


def finish_job(job: Job, result: dict[str, Any], *, now: datetime) -> None:
    """Mark ``job`` done with its result, in the transaction that wrote its work."""
    job.status = DONE
    job.result = result
    job.payload = None
    job.finished_at = now
    if job.total is not None:
        job.done = job.total


async def fail_job(
    session: AsyncSession,
    job_id: int,
    error: str,
    *,
    now: datetime,
    only_running: bool = False,
) -> None:
    """Mark a job failed with why (French); its input is dropped."""
    states = [RUNNING] if only_running else [QUEUED, RUNNING]
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(states))
        .values(status=FAILED, error=error, payload=None, finished_at=now)
    )
    await _fail_subjects(session, now=now)


async def _fail_subjects(session: AsyncSession, *, now: datetime) -> None:
    """What a failed job worked on fails with it, saying why: a plan still ``running``."""
    failed_job = (
        select(Job.error)
        .where(
            Job.kind == CAMPAIGN_PLAN,
            Job.subject_id == CampaignPlan.id,
            Job.status == FAILED,
        )
        .order_by(Job.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    await session.execute(
        update(CampaignPlan)
        .where(CampaignPlan.status == PLAN_RUNNING, failed_job.is_not(None))
        .values(status=PLAN_FAILED, message=failed_job, progress=None, finished_at=now)
        .execution_options(synchronize_session=False)
    )


async def requeue_job(session: AsyncSession, job_id: int, *, now: datetime) -> None:
    """Queue again a job whose runner is stopping (it will be retried, if tries are left)."""
    await _requeue(session, Job.id == job_id, now=now)


async def requeue_interrupted(
    session: AsyncSession, *, now: datetime, alive: Collection[int] = ()
) -> tuple[int, int]:
    """When a runner starts: jobs left running by a runner that is gone (every one on SQLite,
    where one process runs them; on PostgreSQL, those not in ``alive``, the queue's live jobs)
    were interrupted: each is queued again, or failed when it already had its last try.
    Gives (requeued, failed)."""
    gone = [Job.id.not_in(list(alive))] if alive else []
    return await _requeue(session, *gone, now=now)


async def _requeue(
    session: AsyncSession, *which: ColumnElement[bool], now: datetime
) -> tuple[int, int]:
    """The running jobs ``which`` select are queued again, or failed (with what they worked
    on) after their last try; gives (requeued, failed)."""
    running = [Job.status == RUNNING, *which]
    again = await session.execute(
        update(Job).where(*running, Job.attempts < MAX_ATTEMPTS).values(status=QUEUED)
    )
    failed = await session.execute(
        update(Job)
        .where(*running)
        .values(status=FAILED, error=INTERRUPTED, payload=None, finished_at=now)
    )
    await _fail_subjects(session, now=now)
    return again.rowcount, failed.rowcount  # type: ignore[attr-defined]


async def queued_job_ids(session: AsyncSession, *, limit: int = 20) -> Sequence[int]:
    """Queued jobs, oldest first."""
    return (
        await session.scalars(
            select(Job.id).where(Job.status == QUEUED).order_by(Job.id).limit(limit)
        )
    ).all()


async def unfinished_jobs(session: AsyncSession) -> int:
    """How many jobs are queued or running (a runner is needed when there are some)."""
    rows = await session.scalars(select(Job.id).where(Job.status.in_([QUEUED, RUNNING])).limit(1))
    return len(rows.all())
