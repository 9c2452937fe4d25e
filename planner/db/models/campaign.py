"""Campaign tables: what a coordinator asks for, and the plans computed for it (issue 7).

A campaign's targets and people are stored as given (or as defaulted when it was created); its
candidate venues are stored only where the coordinator chose them, other QPVs use the venues
serving them at planning time. A plan keeps its proposed sessions and per-target outcomes as
JSON: they are read and written whole, and booked through the ordinary booking service when the
plan is accepted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db.models.base import Base


class Campaign(Base):
    """A campaign: period, territory, session kind and duration, evening window, limits."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    """The coordinating organisation: owner of the sessions booked from its plans."""
    departments: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    """The territory's departments (codes), with :attr:`epcis`: any set of both."""
    epcis: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    """The territory's EPCIs (SIRENs)."""
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[str] = mapped_column(String(5))
    window_end: Mapped[str] = mapped_column(String(5))
    max_sessions_per_week: Mapped[int] = mapped_column(Integer)
    """Default weekly maximum of a person (each person may have their own)."""
    min_gap_days: Mapped[int] = mapped_column(Integer)
    max_travel_km: Mapped[float | None] = mapped_column(Float)
    time_limit_s: Mapped[float] = mapped_column(Float)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by every change: a plan computed for an older revision cannot be accepted."""
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))

    organisations: Mapped[list[CampaignOrganisation]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CampaignOrganisation.organisation_id",
    )
    targets: Mapped[list[CampaignTarget]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CampaignTarget.qpv_code"
    )
    staff: Mapped[list[CampaignStaff]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CampaignStaff.staff_id"
    )
    venues: Mapped[list[CampaignVenue]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CampaignVenue.qpv_code",
    )


class CampaignOrganisation(Base):
    """An organisation taking part in a campaign."""

    __tablename__ = "campaign_organisation"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True
    )


class CampaignTarget(Base):
    """A QPV to visit at least ``min_visits`` times per ``period_weeks`` weeks, with a weight."""

    __tablename__ = "campaign_target"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    qpv_code: Mapped[str] = mapped_column(
        ForeignKey("qpv.code", ondelete="RESTRICT"), primary_key=True
    )
    min_visits: Mapped[int] = mapped_column(Integer)
    period_weeks: Mapped[int] = mapped_column(Integer)
    weight: Mapped[int] = mapped_column(Integer)
    weight_basis: Mapped[str] = mapped_column(String(16))
    """``given``, or the coverage status the default weight came from (``not_reached``,
    ``lapsed``, ``reached``)."""


class CampaignStaff(Base):
    """A person taking part: weekly evening pattern, exceptions, own weekly maximum."""

    __tablename__ = "campaign_staff"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    weekdays: Mapped[list[int]] = mapped_column(JSON)
    """ISO weekdays (1 is Monday) of the evenings they are available."""
    exceptions: Mapped[list[str]] = mapped_column(JSON)
    """ISO dates they are not available despite the pattern."""
    max_sessions_per_week: Mapped[int | None] = mapped_column(Integer)
    """``None``: the campaign's."""


class CampaignVenue(Base):
    """A venue the coordinator chose for a QPV (QPVs without any use the venues serving them)."""

    __tablename__ = "campaign_venue"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    qpv_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venue.id", ondelete="CASCADE"), primary_key=True
    )


class CampaignPlan(Base):
    """A plan computed for a campaign: status, figures, proposed sessions and outcomes."""

    __tablename__ = "campaign_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    campaign_revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    """``running``, ``done``, ``failed``, ``accepted``, or ``withdrawn`` (accepted, then its
    remaining drafts cancelled)."""
    solver_status: Mapped[str | None] = mapped_column(String(16))
    coverage: Mapped[int | None] = mapped_column(Integer)
    coverage_bound: Mapped[int | None] = mapped_column(Integer)
    max_coverage: Mapped[int | None] = mapped_column(Integer)
    max_load: Mapped[int | None] = mapped_column(Integer)
    travel_km: Mapped[int | None] = mapped_column(Integer)
    first_solution_s: Mapped[float | None] = mapped_column(Float)
    solve_s: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str | None] = mapped_column(Text)
    """Why the plan failed, in French."""
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """While running: the search's latest progress (phase, elapsed_s, coverage, bound,
    fraction), written by the job that computes it (any process may show it)."""
    sessions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    outcomes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    accepted_session_ids: Mapped[list[int] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
