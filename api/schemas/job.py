"""Background job schemas (msgspec): where a job stands, and what it gave."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from planner.db.models import Job

Status = Literal["queued", "running", "done", "failed"]


class JobOut(msgspec.Struct, frozen=True):
    """A job: ``queued``, ``running`` (``done`` of ``total`` units so far), then ``done`` with
    its ``result`` or ``failed`` with its ``error`` (French)."""

    id: int
    kind: str
    status: Status
    done: int
    total: int | None
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def job_out(job: Job) -> JobOut:
    """The API view of a job row."""
    return JobOut(
        id=job.id,
        kind=job.kind,
        status=job.status,  # type: ignore[arg-type]
        done=job.done,
        total=job.total,
        result=job.result,
        error=job.error,
        attempts=job.attempts,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )
