"""Who may follow a background job (an import, a plan): the one who asked, and the admins.

A job's input and result can name venues and rows of another organisation's file: nobody else
reads them, not even colleagues (they see the venues themselves once imported).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.access.caller import Caller
from planner.session import Role


@dataclass(frozen=True, slots=True)
class JobFacts:
    """What the policy needs to know of a job."""

    staff_id: int | None
    """Who asked (``None``: the operator, from the command line)."""


def may_read_job(caller: Caller, job: JobFacts) -> bool:
    """Whether ``caller`` may follow ``job``: the one who asked, and admins."""
    return caller.role is Role.ADMIN or (
        job.staff_id is not None and job.staff_id == caller.staff_id
    )
