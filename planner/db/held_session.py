"""A session held without being booked, entered afterwards with its outcome by a coordinator.

It goes through the booking rules like any session — one place at a time, travel, the evening
window and the pair — except the one that refuses the past, waived here on purpose: the rules
judge it as if booked just before it started. It is stored published then completed by its
outcome, and its audit entry says it was entered afterwards (``held``), by whom.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, require_held_session_recorder
from planner.booking_input import (
    OutcomeInput,
    SessionInput,
    check_outcome_input,
    check_session_input,
)
from planner.db.booking import Booked, new_booking, resolve_parts, saved, session_row
from planner.db.booking_conflicts import judge, lock_bookings
from planner.db.session_changes import record_outcome
from planner.errors import InvalidInputError
from planner.session import RuleSettings, SessionStatus

JUST_BEFORE = timedelta(minutes=1)
"""When the rules pretend the held session was booked: just before it started."""


async def record_held_session(
    session: AsyncSession,
    data: SessionInput,
    outcome: OutcomeInput,
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
) -> Booked:
    """Store a session that took place, with its outcome; every other rule applies."""
    check_session_input(data)
    check_outcome_input(outcome)
    if data.end > now:
        raise InvalidInputError({"end": "une séance tenue est terminée : sa fin doit être passée"})
    actor = require_held_session_recorder(caller, organisation_id=data.organisation_id).staff_id
    parts = await resolve_parts(session, data)
    await lock_bookings(session, data.staff_ids, [data.venue_id])
    booking = new_booking(data, parts, SessionStatus.PUBLISHED)
    notices = await judge(
        session,
        booking,
        parts.organisation,
        settings=settings,
        now=data.start - JUST_BEFORE,
        caller=caller,
    )
    row = session_row(data, parts, booking, series_id=None, actor=actor, now=now)
    session.add(row)
    held = await saved(
        session, row, actor=actor, action="held", before=None, notices=notices, now=now
    )
    completed = await record_outcome(session, held.row.id, outcome, caller=caller, now=now)
    return Booked(completed, notices)
