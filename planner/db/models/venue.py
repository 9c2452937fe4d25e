"""Venue tables: places where sessions happen, and the QPVs each one serves."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db.models.base import Base

if TYPE_CHECKING:
    from planner.db.models.people import Organisation


class Venue(Base):
    """A place where sessions happen, placed on the map, in its commune and relative to QPVs."""

    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    street: Mapped[str] = mapped_column(String(300))
    """Street line: number and street, e.g. ``"2 rue Jean Moulin"``."""
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune_name: Mapped[str] = mapped_column(String(200))
    address_key: Mapped[str] = mapped_column(String(700), unique=True)
    """Folded name and address: the same venue typed twice (or imported again) is one row."""
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    geocode_provider: Mapped[str] = mapped_column(String(32))
    """``offline``, ``ban``, ``nominatim`` or ``manual`` (coordinates given by hand)."""
    geocode_score: Mapped[float | None] = mapped_column(Float)
    geocode_label: Mapped[str | None] = mapped_column(String(400))
    geocoded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    insee_code: Mapped[str | None] = mapped_column(String(5), index=True)
    """The commune holding the point (from the commune outlines), not the one typed."""
    qpv_code: Mapped[str | None] = mapped_column(
        ForeignKey("qpv.code", ondelete="SET NULL"), index=True
    )
    nearest_qpv_code: Mapped[str | None] = mapped_column(
        ForeignKey("qpv.code", ondelete="SET NULL")
    )
    nearest_qpv_distance_m: Mapped[float | None] = mapped_column(Float)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", use_alter=True), index=True
    )
    """The owning organisation, whose coordinators change it; ``None``: a shared venue,
    stewarded by the admins. (Organisations are never deleted; ``use_alter`` breaks the cycle
    with :attr:`Organisation.home_venue_id` when tables are sorted.)"""
    capacity: Mapped[int | None] = mapped_column(Integer)
    step_free: Mapped[bool | None] = mapped_column(Boolean)
    """Step-free access; ``None`` when nobody checked."""
    notes: Mapped[str] = mapped_column(Text, default="")
    to_find: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A stand-in a campaign plan booked for a QPV with no venue ("lieu à trouver dans le
    quartier", placed at the QPV): its sessions stay drafts until a real venue is set."""
    booking_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Bumped by every booking here: the row lock that serialises bookings of this venue."""
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)

    organisation: Mapped[Organisation | None] = relationship(
        lazy="joined", foreign_keys=[organisation_id]
    )
    """The owning organisation (its name is shown with the venue)."""
    served: Mapped[list[VenueQpv]] = relationship(
        cascade="all, delete-orphan", order_by="VenueQpv.distance_m", lazy="selectin"
    )


class VenueQpv(Base):
    """A QPV a venue serves: one it lies in or within the configured radius of."""

    __tablename__ = "venue_qpv"

    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venue.id", ondelete="CASCADE"), primary_key=True
    )
    qpv_code: Mapped[str] = mapped_column(
        ForeignKey("qpv.code", ondelete="CASCADE"), primary_key=True, index=True
    )
    distance_m: Mapped[float] = mapped_column(Float)
