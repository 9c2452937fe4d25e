"""Stored rows as values: sessions, venues and organisations as the pure rules see them, and
sessions as the audit log records them."""

from __future__ import annotations

from datetime import time
from typing import Any

from planner.db.models import Organisation, OutreachSession, SessionOutcome, Venue
from planner.session import (
    Assignment,
    Booking,
    EveningWindow,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
)


def snapshot(row: OutreachSession) -> dict[str, Any]:
    """A session's fields for the audit log."""
    return {
        "kind": row.kind,
        "title": row.title,
        "start": row.start_at.isoformat(),
        "end": row.end_at.isoformat(),
        "venue_id": row.venue_id,
        "organisation_id": row.organisation_id,
        "status": row.status,
        "revision": row.revision,
        "staff": sorted(s.staff_id for s in row.staff),
        "partners": sorted(p.organisation_id for p in row.partners),
        "qpvs": sorted(q.qpv_code for q in row.qpvs),
        "audiences": sorted(a.tag for a in row.audiences),
        "capacity": row.capacity,
        "takes_registrations": row.takes_registrations,
        "cancel_reason": row.cancel_reason,
    }


def outcome_snapshot(row: OutreachSession) -> dict[str, Any]:
    """A session's fields and its outcome's, for the audit log of an outcome."""
    return snapshot(row) | {"outcome": _outcome_values(row.outcome)}


def _outcome_values(outcome: SessionOutcome | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "people_met": outcome.people_met,
        "new_contacts": outcome.new_contacts,
        "job_offers": outcome.job_offers,
        "immersions": outcome.immersions,
        "follow_ups": outcome.follow_ups,
        "remarks": outcome.remarks,
    }


def venue_place(venue: Venue) -> Place:
    """A stored venue as the rules and the planner see it."""
    return Place(
        venue_id=venue.id,
        lon=venue.lon,
        lat=venue.lat,
        qpv_code=venue.qpv_code,
        nearest_qpv_distance_m=venue.nearest_qpv_distance_m,
        name=venue.name,
        to_find=venue.to_find,
    )


def as_booking(row: OutreachSession) -> Booking:
    """A stored session as the rules see it."""
    return Booking(
        id=row.id,
        kind=SessionKind(row.kind),
        status=SessionStatus(row.status),
        start=row.start_at,
        end=row.end_at,
        timezone=row.timezone,
        place=venue_place(row.venue),
        staff=tuple(Assignment(s.staff_id, s.organisation_id, s.member.name) for s in row.staff),
        qpv_codes=tuple(q.qpv_code for q in row.qpvs),
        organisation_id=row.organisation_id,
        capacity=row.capacity,
    )


def organisation_window(org: Organisation, settings: RuleSettings) -> EveningWindow:
    """An organisation's evening window: its own bounds where set, else the default's."""
    default = settings.evening_window
    return EveningWindow(
        start=time.fromisoformat(org.evening_start) if org.evening_start else default.start,
        end=time.fromisoformat(org.evening_end) if org.evening_end else default.end,
    )
