"""Session tables: booked sessions, their staff, partners, QPVs, audiences and outcome; the
append-only audit log of changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db.models.base import Base
from planner.db.models.people import Organisation, Staff
from planner.db.models.venue import Venue


class OutreachSession(Base):
    """A booked session: evening neighbourhood session, employer forum, hackathon, info session."""

    __tablename__ = "outreach_session"
    __table_args__ = (
        # a kind's sessions of a period (coverage's forums, a campaign's booked visits)
        Index("ix_outreach_session_kind_start_at", "kind", "start_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
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
    takes_registrations: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    """Residents register on its public page (forums, hackathons…; neighbourhood sessions stay
    walk-in)."""
    places_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Registrations holding a place (confirmed or offered), kept with the session: updating it
    serialises registrations, and the feed shows the places left without another query."""
    status: Mapped[str] = mapped_column(String(16), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """When the session was first published: a draft never published never reaches the public,
    not even cancelled."""
    revision: Mapped[int] = mapped_column(Integer, default=0)
    """Increases whenever time, venue or status changes (the iCalendar SEQUENCE)."""
    shown_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Increases whenever anything its calendar event or public page shows changes: the session
    itself, or its venue's, organisations' or staff's names (:mod:`planner.db.shown`)."""
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
    __table_args__ = (
        # the organisations of a session's staff, read from the index alone (coverage)
        Index("ix_session_staff_session_id_organisation_id", "session_id", "organisation_id"),
    )

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
