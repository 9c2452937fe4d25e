"""What a session shows is kept current: ``OutreachSession.shown_version`` increases in the same
flush — so the same transaction — as any change to the session or to what its calendar event
and public page show of other rows: its venue's name, address, place, capacity and access, its
organisations' names, its staff's names and e-mails (private feeds). Feeds and stored fragments
compare this version, so a rename reaches every feed at once, in every worker, after a restart.

A venue's new name or address also bumps the sessions' ``revision`` (the iCalendar SEQUENCE: the
LOCATION changed) and brings their ``updated_at`` (LAST-MODIFIED) forward to the change.

One SQLAlchemy ``Session`` hook does it for every service, so none can forget. Rows already
loaded in the flushing session keep their old ``shown_version`` in memory (reading them again
gives the new one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, event, inspect, or_, select, update
from sqlalchemy.orm import Session

from planner.db.models import (
    Organisation,
    OutreachSession,
    SessionAudience,
    SessionPartner,
    SessionQpv,
    SessionStaff,
    Staff,
    Venue,
)

VENUE_LOCATION = ("name", "street", "postcode", "commune_name", "lat", "lon")
"""A venue's attributes the events' LOCATION and GEO show."""
VENUE_SHOWN = (*VENUE_LOCATION, "capacity", "step_free")
ORGANISATION_SHOWN = ("name",)
STAFF_SHOWN = ("name", "email")
CHILDREN = (SessionStaff, SessionPartner, SessionQpv, SessionAudience)

PENDING = "allervers.shown"
"""Where a flush notes, between its two hooks, whose sessions to bump."""


def _changed(row: Any, names: tuple[str, ...]) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in names)


def _when(row: Any) -> datetime:
    moment = getattr(row, "updated_at", None)
    return moment if isinstance(moment, datetime) else datetime.now(UTC)


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Sessions changed in this flush get a new version now; others' changes are noted."""
    bumped: set[int] = set()
    for row in session.dirty:
        if isinstance(row, OutreachSession) and session.is_modified(row) and row.id not in bumped:
            row.shown_version = (row.shown_version or 0) + 1
            bumped.add(row.id)
    pending: dict[str, Any] = session.info.setdefault(
        PENDING, {"sessions": set(), "venues": {}, "moved": set(), "organisations": {}, "staff": {}}
    )
    for row in [*session.new, *session.deleted, *session.dirty]:
        if isinstance(row, CHILDREN) and row.session_id is not None:
            pending["sessions"].add(row.session_id)
    pending["sessions"] -= bumped
    for row in session.dirty:
        if isinstance(row, Venue) and _changed(row, VENUE_SHOWN):
            pending["venues"][row.id] = _when(row)
            if _changed(row, VENUE_LOCATION):
                pending["moved"].add(row.id)
        elif isinstance(row, Organisation) and _changed(row, ORGANISATION_SHOWN):
            pending["organisations"][row.id] = _when(row)
        elif isinstance(row, Staff) and _changed(row, STAFF_SHOWN):
            pending["staff"][row.id] = _when(row)


@event.listens_for(Session, "after_flush")
def _bump_dependents(session: Session, _context: Any) -> None:
    """The sessions showing a changed venue, organisation or person get a new version."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    s = OutreachSession
    if pending["sessions"]:
        session.connection().execute(
            update(s)
            .where(s.id.in_(pending["sessions"]))
            .values(shown_version=s.shown_version + 1)
            .execution_options(synchronize_session=False)
        )
    if not (pending["venues"] or pending["organisations"] or pending["staff"]):
        return
    moments = [*pending["venues"].values(), *pending["organisations"].values()]
    moments += pending["staff"].values()
    now = max(moments)
    shows = or_(
        s.venue_id.in_(pending["venues"]),
        s.organisation_id.in_(pending["organisations"]),
        s.id.in_(
            select(SessionPartner.session_id).where(
                SessionPartner.organisation_id.in_(pending["organisations"])
            )
        ),
        s.id.in_(
            select(SessionStaff.session_id).where(SessionStaff.staff_id.in_(pending["staff"]))
        ),
    )
    session.connection().execute(
        update(s)
        .where(shows)
        .values(
            shown_version=s.shown_version + 1,
            revision=case((s.venue_id.in_(pending["moved"]), s.revision + 1), else_=s.revision),
            updated_at=case((s.updated_at < now, now), else_=s.updated_at),
        )
        .execution_options(synchronize_session=False)
    )
