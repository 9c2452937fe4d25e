"""Changing booked sessions: edits, publication and cancellation, and the outcome that
completes them.

Edits and publication lock and judge like a new booking (:mod:`planner.db.booking`); every
change is audited with the session before and after.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, require_session_editor
from planner.booking_input import (
    OutcomeInput,
    SessionInput,
    check_outcome_input,
    check_session_input,
)
from planner.db.audit import audited
from planner.db.booking import Booked, new_booking, resolve_parts, saved, session_row
from planner.db.booking_conflicts import judge, lock_bookings
from planner.db.models import Organisation, OutreachSession, SessionOutcome
from planner.db.registrations import check_registered
from planner.db.session_queries import get_session
from planner.db.session_values import as_booking, outcome_snapshot, snapshot
from planner.db.wake import wake_after_commit
from planner.errors import BookingRefusedError, InvalidInputError, NotFoundError
from planner.rules import check_editable, check_transition
from planner.session import Notice, RuleSettings, SessionKind, SessionStatus


def _refuse(violation: Any) -> None:
    """Raise the one violation a status rule found, if any."""
    if violation is not None:
        raise BookingRefusedError(violation.message, violations=[violation])


async def update_session(
    session: AsyncSession,
    session_id: int,
    changes: dict[str, Any],
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
) -> Booked:
    """Change a session; time, venue, staff or QPV changes go through every rule again."""
    row = await get_session(session, session_id)
    _refuse(check_editable(SessionStatus(row.status)))
    require_session_editor(
        caller, organisation_id=row.organisation_id, assigned=[s.staff_id for s in row.staff]
    )
    before = snapshot(row)
    data = SessionInput(
        kind=SessionKind(changes.get("kind", row.kind)),
        title=changes.get("title", row.title),
        start=changes.get("start", row.start_at),
        end=changes.get("end", row.end_at),
        venue_id=changes.get("venue_id", row.venue_id),
        organisation_id=changes.get("organisation_id", row.organisation_id),
        staff_ids=tuple(changes.get("staff_ids", [s.staff_id for s in row.staff])),
        partner_ids=tuple(changes.get("partner_ids", [p.organisation_id for p in row.partners])),
        qpv_codes=tuple(changes["qpv_codes"])
        if "qpv_codes" in changes
        else (None if "venue_id" in changes else tuple(q.qpv_code for q in row.qpvs)),
        audiences=tuple(changes.get("audiences", [a.tag for a in row.audiences])),
        capacity=changes.get("capacity", row.capacity),
        description=changes.get("description", row.description),
        internal_notes=changes.get("internal_notes", row.internal_notes),
        takes_registrations=changes.get("takes_registrations", row.takes_registrations),
    )
    check_session_input(data)
    if "capacity" in changes or "takes_registrations" in changes:
        await check_registered(session, row, data)
    parts = await resolve_parts(session, data)
    actor = require_session_editor(
        caller, organisation_id=data.organisation_id, assigned=data.staff_ids
    ).staff_id
    await lock_bookings(
        session,
        sorted({*data.staff_ids, *(s.staff_id for s in row.staff)}),
        [row.venue_id, data.venue_id],
    )
    booking = replace(new_booking(data, parts, SessionStatus(row.status)), id=row.id)
    notices = await judge(
        session, booking, parts.organisation, settings=settings, now=now, caller=caller
    )
    moved = (data.start, data.end, data.venue_id) != (row.start_at, row.end_at, row.venue_id)
    fresh = session_row(data, parts, booking, series_id=row.series_id, actor=actor, now=now)
    for name in (
        "kind",
        "title",
        "description",
        "internal_notes",
        "start_at",
        "end_at",
        "timezone",
        "venue_id",
        "organisation_id",
        "capacity",
        "takes_registrations",
    ):
        setattr(row, name, getattr(fresh, name))
    row.staff = fresh.staff
    row.partners = fresh.partners
    row.qpvs = fresh.qpvs
    row.audiences = fresh.audiences
    if moved:
        row.revision += 1
    if row.takes_registrations and (moved or "capacity" in changes):
        wake_after_commit(session)  # registrants are told, places offered (the job runner)
    row.updated_by_id, row.updated_at = actor, now
    return await saved(
        session, row, actor=actor, action="update", before=before, notices=notices, now=now
    )


async def change_status(
    session: AsyncSession,
    session_id: int,
    target: SessionStatus,
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
    reason: str | None = None,
) -> Booked:
    """Publish or cancel a session (cancelling needs a reason and releases staff and venue)."""
    row = await get_session(session, session_id)
    actor = require_session_editor(
        caller, organisation_id=row.organisation_id, assigned=[s.staff_id for s in row.staff]
    ).staff_id
    _refuse(check_transition(SessionStatus(row.status), target))
    before = snapshot(row)
    notices: tuple[Notice, ...] = ()
    if target is SessionStatus.CANCELLED:
        if not (reason and reason.strip()):
            raise InvalidInputError({"reason": "indiquez la raison de l'annulation"})
        row.cancel_reason = reason.strip()
    elif target is SessionStatus.PUBLISHED:
        organisation = await session.get(Organisation, row.organisation_id)
        if organisation is None:  # the foreign key forbids it
            raise NotFoundError(f"Aucune organisation n° {row.organisation_id}.")
        await lock_bookings(session, [s.staff_id for s in row.staff], [row.venue_id])
        booking = replace(as_booking(row), status=SessionStatus.PUBLISHED)
        notices = await judge(
            session, booking, organisation, settings=settings, now=now, caller=caller
        )
    if target is SessionStatus.PUBLISHED and row.published_at is None:
        row.published_at = now
    row.status = target.value
    row.revision += 1
    if row.takes_registrations:
        wake_after_commit(session)  # registrants are told (the job runner)
    row.updated_by_id, row.updated_at = actor, now
    return await saved(
        session, row, actor=actor, action=target.value, before=before, notices=notices, now=now
    )


async def record_outcome(
    session: AsyncSession,
    session_id: int,
    data: OutcomeInput,
    *,
    caller: Caller | None,
    now: datetime,
) -> OutreachSession:
    """Record (or correct) the outcome of a session that has ended; it becomes completed."""
    row = await get_session(session, session_id)
    actor = require_session_editor(
        caller, organisation_id=row.organisation_id, assigned=[s.staff_id for s in row.staff]
    ).staff_id
    check_outcome_input(data)
    status = SessionStatus(row.status)
    if status not in (SessionStatus.PUBLISHED, SessionStatus.COMPLETED):
        raise InvalidInputError(
            {"status": "seule une séance publiée ou terminée peut recevoir un bilan"}
        )
    if row.end_at > now:
        raise InvalidInputError({"status": "le bilan se saisit une fois la séance terminée"})
    before = outcome_snapshot(row)
    values = {
        "people_met": data.people_met,
        "new_contacts": data.new_contacts,
        "job_offers": data.job_offers,
        "immersions": data.immersions,
        "follow_ups": data.follow_ups,
        "remarks": data.remarks,
    }
    if row.outcome is None:
        row.outcome = SessionOutcome(**values, recorded_by_id=actor, recorded_at=now)
    else:
        for name, value in values.items():
            setattr(row.outcome, name, value)
        row.outcome.recorded_by_id, row.outcome.recorded_at = actor, now
    if status is SessionStatus.PUBLISHED:
        row.status = SessionStatus.COMPLETED.value
        row.revision += 1
    row.updated_by_id, row.updated_at = actor, now
    await audited(
        session,
        row,
        actor_id=actor,
        action="outcome",
        entity="session",
        before=before,
        after=outcome_snapshot,
        now=now,
    )
    return await get_session(session, row.id)
