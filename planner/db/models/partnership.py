"""Partnerships between two organisations: whom a coordinator may plan campaigns with.

One row per pair of organisations (the lower id first), whatever its history: proposing again
after a revocation starts the row afresh (the audit log keeps what came before). Each side's
agreement is recorded with who and when; an admin may set the partnership at once. It is active
when both sides agreed or an admin set it, and it has not been revoked
(:func:`planner.access.partnerships.partnership_active`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db.models.base import Base

if TYPE_CHECKING:
    from planner.db.models.people import Organisation


class Partnership(Base):
    """An explicit, revocable partnership between two organisations."""

    __tablename__ = "partnership"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id"),
        CheckConstraint("first_id < second_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    """The organisation of the pair with the lower id."""
    second_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    first_agreed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    """The coordinator (or admin) who agreed for the first organisation."""
    first_agreed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    second_agreed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    second_agreed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    """The admin who set the partnership for both sides (or ``None``)."""
    set_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))

    first: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[first_id])
    second: Mapped[Organisation] = relationship(lazy="joined", foreign_keys=[second_id])
