"""Background job routes: follow a job handed over by another route (``202`` + ``Location``)."""

from __future__ import annotations

from litestar import Response, Router, get
from litestar.params import FromPath

from api.deps import CallerDep, DbSession
from api.schemas.job import JobOut, job_out
from planner.access import Access, require_caller
from planner.db.jobs import DONE, FAILED, read_job


@get("/{job_id:int}", summary="Suivre un travail (import…)", opt={"access": Access.STAFF})
async def job_detail(
    db_session: DbSession, caller: CallerDep, job_id: FromPath[int]
) -> Response[JobOut]:
    """Where a job stands: while it is queued or running, ``Retry-After`` says when to ask
    again; once ``done``, its result (an import's counts and rejected rows). Only the one who
    asked and admins see it (404 for others)."""
    job = await read_job(db_session, job_id, caller=require_caller(caller))
    headers = {} if job.status in (DONE, FAILED) else {"Retry-After": "1"}
    return Response(job_out(job), headers=headers)


router = Router(path="/api/jobs", route_handlers=[job_detail], tags=["travaux"])
