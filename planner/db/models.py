"""SQLAlchemy 2 models. Alembic migrations (``planner/db/migrations``) own the schema.

Times are ``DateTimeUTC`` (advanced-alchemy): stored in UTC, always read back timezone-aware,
SQLite included. Geometries are stored as WKB with their bounding box and centroid in plain
columns, so that both SQLite and PostgreSQL hold them without a spatial extension; point-in-area
questions are answered by :mod:`geo.index` over geometries loaded once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with constraint names that are the same on every backend."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Qpv(Base):
    """A priority neighbourhood (QPV) of the official geography, keyed by its ANCT code."""

    __tablename__ = "qpv"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    """The name folded by :func:`geo.text.fold`, for accent- and case-blind search."""
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    department_name: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(String(3))
    region_name: Mapped[str] = mapped_column(String(100))
    centroid_lon: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    geometry_wkb: Mapped[bytes] = mapped_column(LargeBinary)
    repaired: Mapped[str | None] = mapped_column(Text)
    """Why the published polygon was invalid when the import repaired it (shapely's reason)."""
    source: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)

    communes: Mapped[list[QpvCommune]] = relationship(
        back_populates="qpv",
        cascade="all, delete-orphan",
        order_by="QpvCommune.position",
        lazy="selectin",
    )
    epcis: Mapped[list[QpvEpci]] = relationship(
        cascade="all, delete-orphan", order_by="QpvEpci.position", lazy="selectin"
    )


class QpvCommune(Base):
    """A commune hosting part of a QPV, as the QPV file lists it (not a foreign key: a
    France-wide QPV file may name communes whose attributes were never imported)."""

    __tablename__ = "qpv_commune"

    qpv_code: Mapped[str] = mapped_column(
        ForeignKey("qpv.code", ondelete="CASCADE"), primary_key=True
    )
    insee_code: Mapped[str] = mapped_column(String(5), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)

    qpv: Mapped[Qpv] = relationship(back_populates="communes")


class QpvEpci(Base):
    """An EPCI (by SIREN) whose contrat de ville covers a QPV."""

    __tablename__ = "qpv_epci"

    qpv_code: Mapped[str] = mapped_column(
        ForeignKey("qpv.code", ondelete="CASCADE"), primary_key=True
    )
    siren: Mapped[str] = mapped_column(String(9), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class Commune(Base):
    """A French commune: attributes from the communes file, outline from the contours file."""

    __tablename__ = "commune"

    insee_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    epci_siren: Mapped[str | None] = mapped_column(String(9), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    centroid_lon: Mapped[float | None] = mapped_column(Float)
    centroid_lat: Mapped[float | None] = mapped_column(Float)
    inside_lon: Mapped[float | None] = mapped_column(Float)
    inside_lat: Mapped[float | None] = mapped_column(Float)
    mairie_lon: Mapped[float | None] = mapped_column(Float)
    mairie_lat: Mapped[float | None] = mapped_column(Float)
    mairie_address: Mapped[str | None] = mapped_column(String(300))
    geometry_wkb: Mapped[bytes | None] = mapped_column(LargeBinary)
    repaired: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)

    postcodes: Mapped[list[CommunePostcode]] = relationship(
        cascade="all, delete-orphan", order_by="CommunePostcode.postcode", lazy="selectin"
    )


class CommunePostcode(Base):
    """A postcode served by a commune (postcodes and communes are many-to-many)."""

    __tablename__ = "commune_postcode"

    insee_code: Mapped[str] = mapped_column(
        ForeignKey("commune.insee_code", ondelete="CASCADE"), primary_key=True
    )
    postcode: Mapped[str] = mapped_column(String(5), primary_key=True, index=True)


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
    capacity: Mapped[int | None] = mapped_column(Integer)
    step_free: Mapped[bool | None] = mapped_column(Boolean)
    """Step-free access; ``None`` when nobody checked."""
    notes: Mapped[str] = mapped_column(Text, default="")
    booking_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Bumped by every booking here: the row lock that serialises bookings of this venue."""
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)

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


class GeocodeCacheEntry(Base):
    """A chain's answer to one address, so that a network provider is asked once per address."""

    __tablename__ = "geocode_cache"

    query_key: Mapped[str] = mapped_column(String(700), primary_key=True)
    """Folded query, limit and provider chain."""
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class BanAddress(Base):
    """An address of an official BAN export imported by ``allervers import-ban``."""

    __tablename__ = "ban_address"
    __table_args__ = (UniqueConstraint("insee_code", "street_folded", "housenumber"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    housenumber: Mapped[str] = mapped_column(String(16))
    """Number with its suffix (``"3 bis"``); empty for a named place without number."""
    street: Mapped[str] = mapped_column(String(300))
    street_folded: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(5))
    insee_code: Mapped[str] = mapped_column(String(5), index=True)
    commune: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


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


class OutreachSession(Base):
    """A booked session: evening neighbourhood session, employer forum, hackathon, info session."""

    __tablename__ = "outreach_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    """Public description."""
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    """For staff only: never in a public page or feed."""
    start_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    end_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    timezone: Mapped[str] = mapped_column(String(40))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """When the session was first published: a draft never published never reaches the public,
    not even cancelled."""
    revision: Mapped[int] = mapped_column(Integer, default=0)
    """Increases whenever time, venue or status changes (the iCalendar SEQUENCE)."""
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))

    venue: Mapped[Venue] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    staff: Mapped[list[SessionStaff]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SessionStaff.staff_id"
    )
    partners: Mapped[list[SessionPartner]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SessionPartner.organisation_id"
    )
    qpvs: Mapped[list[SessionQpv]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SessionQpv.qpv_code"
    )
    audiences: Mapped[list[SessionAudience]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SessionAudience.tag"
    )
    outcome: Mapped[SessionOutcome | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class SessionStaff(Base):
    """A staff member assigned to a session."""

    __tablename__ = "session_staff"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    """The staff member's organisation when assigned (a pair needs two organisations)."""

    member: Mapped[Staff] = relationship(lazy="joined")


class SessionPartner(Base):
    """A partner organisation of a session."""

    __tablename__ = "session_partner"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True, index=True
    )

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class SessionQpv(Base):
    """A QPV a session serves."""

    __tablename__ = "session_qpv"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="CASCADE"), primary_key=True
    )
    qpv_code: Mapped[str] = mapped_column(
        ForeignKey("qpv.code", ondelete="RESTRICT"), primary_key=True, index=True
    )


class SessionAudience(Base):
    """An audience tag of a session (``16-25``, ``rsa``, ``femmes``, ``tous``…)."""

    __tablename__ = "session_audience"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class SessionOutcome(Base):
    """What a completed session achieved."""

    __tablename__ = "session_outcome"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="CASCADE"), primary_key=True
    )
    people_met: Mapped[int] = mapped_column(Integer)
    new_contacts: Mapped[int] = mapped_column(Integer)
    """People known to no service: the "invisibles" outreach is for."""
    job_offers: Mapped[int] = mapped_column(Integer)
    immersions: Mapped[int] = mapped_column(Integer)
    follow_ups: Mapped[int] = mapped_column(Integer)
    remarks: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class AuditEntry(Base):
    """An append-only record of a change: who, when, what, before and after."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    """``None`` for the command line."""
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32), index=True)
    entity_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


# Campaigns (issue 7) are in their own module; importing it here puts their tables in the
# metadata Alembic compares and creates.
from planner.db.campaign_models import (  # noqa: E402
    Campaign,
    CampaignOrganisation,
    CampaignPlan,
    CampaignStaff,
    CampaignTarget,
    CampaignVenue,
)

__all__ = [
    "Campaign",
    "CampaignOrganisation",
    "CampaignPlan",
    "CampaignStaff",
    "CampaignTarget",
    "CampaignVenue",
]
