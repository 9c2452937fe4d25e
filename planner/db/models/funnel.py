"""What follows an employer forum: immersions (PMSMP) and hires, each linked to the forum it came
from and, when known, to the participant's registration (anonymous once erased)."""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.db.models.base import Base


class AfterForum:
    """What an immersion and a hire share: the forum, the employer, the participant, who
    recorded it and when."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="CASCADE"), index=True
    )
    employer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    """The participant, as a registration of the forum."""
    first_day: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class Immersion(AfterForum, Base):
    """A PMSMP (période de mise en situation en milieu professionnel) after a forum."""

    __tablename__ = "immersion"

    last_day: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(16))
    """``hire``, ``training``, ``none``; ``None`` while it runs or is not known."""


class Hire(AfterForum, Base):
    """A hire after a forum (directly, or after an immersion)."""

    __tablename__ = "hire"

    contract: Mapped[str] = mapped_column(String(16))
    """``cdi``, ``cdd`` or ``alternance``."""
    emplois_francs: Mapped[bool] = mapped_column(Boolean)
    """Hired under the emplois-francs scheme (the person lives in a QPV)."""
