"""The organisers' side of registrations: the list of registrants, attendance after the
session. Names and contacts go to the organisers only
(:func:`planner.access.registrations.may_see_registrations`); anything leaving the organisation
holds counts only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.registrations import may_see_registrations
from planner.db.access_sql import load_facts
from planner.db.models import OutreachSession, Registration
from planner.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from planner.registration import ATTENDANCE, RegistrationStatus


async def _organiser(session: AsyncSession, session_id: int, caller: Caller | None) -> None:
    """Refuse who is not one of the session's organisers (404 when they do not even see it)."""
    facts = (await load_facts(session, [session_id])).get(session_id)
    if facts is None or (not facts.published and not may_see_registrations(caller, facts)):
        raise NotFoundError(f"Aucune séance n° {session_id}.")
    if not may_see_registrations(caller, facts):
        raise PermissionDeniedError(
            "Seuls les organisateurs de la séance voient ses inscrits (leurs données sont "
            "personnelles)."
        )


async def list_registrations(
    session: AsyncSession, session_id: int, *, caller: Caller | None
) -> Sequence[Registration]:
    """The session's registrations in order (cancelled last), for its organisers only (others:
    403; a session they may not even see: 404)."""
    await _organiser(session, session_id, caller)
    cancelled = Registration.status == RegistrationStatus.CANCELLED
    query = (
        select(Registration)
        .where(Registration.session_id == session_id)
        .order_by(cancelled, Registration.created_at, Registration.id)
    )
    return (await session.scalars(query)).all()


async def mark_attendance(
    session: AsyncSession,
    session_id: int,
    marks: Mapping[int, str],
    *,
    caller: Caller | None,
    now: datetime,
) -> Sequence[Registration]:
    """Mark who came (``present``, ``absent``, ``excused``; ``""`` clears a mark), once the
    session has started; every registration named must be one of the session's, not cancelled.
    The list afterwards."""
    await _organiser(session, session_id, caller)
    outreach = await session.get_one(OutreachSession, session_id)
    if outreach.start_at > now:
        raise ConflictError("La présence se note une fois la séance commencée.")
    errors = {
        str(number): "présent, absent ou excusé"
        for number, mark in marks.items()
        if mark and mark not in ATTENDANCE
    }
    rows = {
        row.id: row
        for row in await session.scalars(
            select(Registration).where(
                Registration.session_id == session_id, Registration.id.in_(list(marks))
            )
        )
    }
    for number in marks:
        row = rows.get(number)
        if row is None or row.status == RegistrationStatus.CANCELLED:
            errors[str(number)] = "aucune inscription en cours de ce numéro pour cette séance"
    if errors:
        raise InvalidInputError(errors)
    for number, mark in marks.items():
        rows[number].attendance = mark or None
    return await list_registrations(session, session_id, caller=caller)
