"""Registration tables: residents registered to a session, with what a registration needs and
nothing more (first name or pseudonym, one contact, optional needs), erased on schedule."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from planner.db.models.base import Base


class Registration(Base):
    """One resident's registration to a session (no account: a secret link acts for them).

    ``confirmed`` and ``offered`` hold a place, ``waiting`` waits for one in order of
    registration, ``cancelled`` gave it back. Once erased, the personal fields are empty and the
    link is dead; the status and attendance stay, anonymous, for the counts."""

    __tablename__ = "registration"
    __table_args__ = (Index("ix_registration_session_id_status", "session_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("outreach_session.id", ondelete="CASCADE"))
    secret: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The personal link's secret. Kept (unlike sign-in secrets, of which only a hash is kept)
    because later messages (a place offered, a reminder, a change) carry the link again; it
    gives no more than the row it sits beside, and it is emptied when the row is erased."""
    status: Mapped[str] = mapped_column(String(16))
    first_name: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    needs: Mapped[str | None] = mapped_column(Text)
    """Accessibility needs the registrant chose to tell the organisers."""
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    """Also when consent to the stated use was given (no registration without it)."""
    offered_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """An ``offered`` place is held for them until then, and passes on after."""
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    told_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """The session's ``revision`` the registrant was last told of (a move or a cancellation
    after it is told to them by the job runner)."""
    attendance: Mapped[str | None] = mapped_column(String(16))
    """After the session: ``present``, ``absent`` or ``excused``."""
    erased_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
