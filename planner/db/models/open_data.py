"""Territories whose open data an admin published (issue 17): one row per department or EPCI
ever published, switched on and off (the audit log keeps who did what, and when)."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.db.models.base import Base


class OpenDataTerritory(Base):
    """A department or an EPCI whose counts per QPV are published at a public URL."""

    __tablename__ = "open_data_territory"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    territory: Mapped[str] = mapped_column(String(9), unique=True)
    """A department code (``59``) or an EPCI's SIREN (9 digits)."""
    kind: Mapped[str] = mapped_column(String(16))
    """``department`` or ``epci`` (:class:`planner.open_data.TerritoryKind`)."""
    published: Mapped[bool] = mapped_column(Boolean)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    """When it was last published or withdrawn."""
