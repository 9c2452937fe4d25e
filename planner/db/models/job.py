"""Background jobs: heavy work a request hands over (imports, plans), followed at an address.

The row is what the service knows of a job: who asked, its input, where it stands and what it
gave. Running it is the job queue's business (:mod:`api.jobs`): procrastinate on PostgreSQL,
the embedded runner on SQLite; both only carry the row's id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from planner.db.models.base import Base


class Job(Base):
    """One piece of heavy work: ``queued``, ``running``, then ``done`` or ``failed``."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    """What to do: ``venue_import``, ``campaign_plan``."""
    status: Mapped[str] = mapped_column(String(16), index=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    """Who asked (``None``: the operator, or a person since deleted)."""
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    """The organisation the asker acted for."""
    subject_id: Mapped[int | None] = mapped_column(Integer, index=True)
    """What the job works on, by kind: a campaign plan's id…"""
    payload: Mapped[str | None] = mapped_column(Text)
    """The input (a CSV's text…), dropped once the job has ended."""
    done: Mapped[int] = mapped_column(Integer, default=0)
    """Progress: units done so far (rows…)…"""
    total: Mapped[int | None] = mapped_column(Integer)
    """…out of this many, when known."""
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    """Why it failed, in French."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
