"""People tables: organisations, their staff, the territory a manager oversees, API tokens."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db.models.base import Base


class Organisation(Base):
    """An organisation that does or hosts outreach (Mission Locale, social centre, employer…)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    siret: Mapped[str | None] = mapped_column(String(14))
    home_venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="SET NULL"))
    evening_start: Mapped[str | None] = mapped_column(String(5))
    """Start of this organisation's evening window (``HH:MM``); ``None``: the default."""
    evening_end: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class Staff(Base):
    """A staff member of one organisation, with a role."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    booking_seq: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by every booking of this person: the row lock that serialises their bookings."""
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    """SHA-256 of the secret in this person's private calendar URL; ``None``: no feed."""
    password_hash: Mapped[str | None] = mapped_column(String(200))
    """argon2id hash of the password; ``None``: not chosen yet (sign-in only by invitation)."""
    auth_epoch: Mapped[str] = mapped_column(String(32), default="0", server_default="0")
    """Changed on every password change: browser sessions holding another value end."""
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    territory: Mapped[list[StaffTerritory]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class StaffTerritory(Base):
    """A department or an EPCI a manager oversees."""

    __tablename__ = "staff_territory"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    """``departement`` or ``epci``."""
    code: Mapped[str] = mapped_column(String(9), primary_key=True)


class ApiToken(Base):
    """A bearer token of a staff member, stored as its SHA-256 only."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    """The token's first characters, to recognise it in a list without revealing it."""
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    staff: Mapped[Staff] = relationship(lazy="joined")
