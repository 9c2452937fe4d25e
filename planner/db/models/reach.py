"""What coverage reads of each session, one row each: ``session_reach``.

Derived from a session and its QPVs, staff, partners and outcome, and kept current by
:mod:`planner.db.reach` in the same flush as any change to them; never written otherwise.
"""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from planner.db.models.base import Base

QPV_LIST = JSON().with_variant(ARRAY(String(16)), "postgresql")
"""A list of QPV codes: an array on PostgreSQL (``unnest``), JSON on SQLite (``json_each``)."""
ID_LIST = JSON().with_variant(ARRAY(Integer), "postgresql")


class SessionReach(Base):
    """A session as coverage counts it: when, how long, by whom, with what outcome, where."""

    __tablename__ = "session_reach"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int] = mapped_column(Integer)
    """The lead organisation."""
    start_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    hours: Mapped[float] = mapped_column(Float)
    staff_hours: Mapped[float] = mapped_column(Float)
    """Hours times the staff assigned."""
    people_met: Mapped[int] = mapped_column(Integer)
    """The outcome's figures, 0 until one is recorded."""
    new_contacts: Mapped[int] = mapped_column(Integer)
    job_offers: Mapped[int] = mapped_column(Integer)
    immersions: Mapped[int] = mapped_column(Integer)
    qpv_codes: Mapped[list[str]] = mapped_column(QPV_LIST)
    """The QPVs the session serves (``session_qpv``)."""
    organisations: Mapped[list[int]] = mapped_column(ID_LIST)
    """Its other organisations, each once: its staff's and its partners', the lead's aside."""
