"""Booking service: new sessions, one or a series, booked under the rules or refused.

The input is resolved (every unknown reference reported at once), the rows that serialise
bookings are locked and the booking judged (:mod:`planner.db.booking_conflicts`), then the
session is stored and audited. Changes to booked sessions are in
:mod:`planner.db.session_changes`, which shares these steps.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, require_session_editor
from planner.booking_input import SessionInput, check_capacity, check_session_input
from planner.db.audit import audited
from planner.db.booking_conflicts import judge, lock_bookings
from planner.db.models import (
    Organisation,
    OutreachSession,
    Qpv,
    SessionAudience,
    SessionPartner,
    SessionQpv,
    SessionStaff,
    Staff,
    Venue,
)
from planner.db.session_queries import get_session
from planner.db.session_values import snapshot, venue_place
from planner.errors import BookingRefusedError, InvalidInputError
from planner.session import (
    Assignment,
    Booking,
    Notice,
    RuleSettings,
    SessionStatus,
    timezone_for,
)


@dataclass(frozen=True, slots=True)
class Booked:
    """A stored session and the soft-rule notices it was accepted with."""

    row: OutreachSession
    notices: tuple[Notice, ...]


@dataclass(frozen=True, slots=True)
class Parts:
    """What a session input refers to, loaded."""

    venue: Venue
    organisation: Organisation
    staff: list[Staff]
    partners: list[Organisation]
    qpv_codes: tuple[str, ...]


async def resolve_parts(session: AsyncSession, data: SessionInput) -> Parts:
    """Load what the input refers to; every unknown reference is reported at once."""
    errors: dict[str, str] = {}
    venue = await session.get(Venue, data.venue_id)
    if venue is None:
        errors["venue_id"] = f"aucun lieu n° {data.venue_id}"
    organisation = await session.get(Organisation, data.organisation_id)
    if organisation is None:
        errors["organisation_id"] = f"aucune organisation n° {data.organisation_id}"
    staff = list(await session.scalars(select(Staff).where(Staff.id.in_(set(data.staff_ids)))))
    missing = sorted(set(data.staff_ids) - {s.id for s in staff})
    inactive = sorted(s.name for s in staff if not s.active)
    if missing:
        errors["staff_ids"] = "intervenant(s) inconnu(s) : " + ", ".join(map(str, missing))
    elif inactive:
        errors["staff_ids"] = "intervenant(s) désactivé(s) : " + ", ".join(inactive)
    partners = list(
        await session.scalars(
            select(Organisation).where(Organisation.id.in_(set(data.partner_ids)))
        )
    )
    unknown_partners = sorted(set(data.partner_ids) - {p.id for p in partners})
    if unknown_partners:
        errors["partner_ids"] = "organisation(s) inconnue(s) : " + ", ".join(
            map(str, unknown_partners)
        )
    qpv_codes: tuple[str, ...] = ()
    if data.qpv_codes is not None:
        qpv_codes = tuple(sorted({c.upper() for c in data.qpv_codes}))
        known = set(await session.scalars(select(Qpv.code).where(Qpv.code.in_(qpv_codes))))
        if set(qpv_codes) - known:
            errors["qpv_codes"] = "QPV inconnu(s) : " + ", ".join(sorted(set(qpv_codes) - known))
    elif venue is not None:
        qpv_codes = tuple(sorted(s.qpv_code for s in venue.served))
    if venue is not None and (too_many := check_capacity(data.capacity, venue.capacity)):
        errors["capacity"] = too_many
    if errors or venue is None or organisation is None:
        raise InvalidInputError(errors)
    return Parts(venue, organisation, staff, partners, qpv_codes)


def new_booking(data: SessionInput, parts: Parts, status: SessionStatus) -> Booking:
    """The booking the rules judge, from the input and what it refers to."""
    return Booking(
        id=None,
        kind=data.kind,
        status=status,
        start=data.start,
        end=data.end,
        timezone=timezone_for(parts.venue.insee_code),
        place=venue_place(parts.venue),
        staff=tuple(Assignment(s.id, s.organisation_id, s.name) for s in parts.staff),
        qpv_codes=parts.qpv_codes,
        organisation_id=parts.organisation.id,
        capacity=data.capacity,
    )


def session_row(
    data: SessionInput,
    parts: Parts,
    booking: Booking,
    *,
    series_id: str | None,
    actor: int | None,
    now: datetime,
) -> OutreachSession:
    """The row storing a judged booking, with its staff, partners, QPVs and audiences."""
    return OutreachSession(
        kind=data.kind.value,
        title=data.title.strip(),
        description=data.description,
        internal_notes=data.internal_notes,
        start_at=data.start,
        end_at=data.end,
        timezone=booking.timezone,
        venue_id=parts.venue.id,
        organisation_id=parts.organisation.id,
        capacity=data.capacity,
        takes_registrations=data.takes_registrations,
        status=booking.status.value,
        published_at=now if booking.status is SessionStatus.PUBLISHED else None,
        revision=0,
        series_id=series_id,
        created_by_id=actor,
        updated_by_id=actor,
        created_at=now,
        updated_at=now,
        staff=[SessionStaff(staff_id=s.id, organisation_id=s.organisation_id) for s in parts.staff],
        partners=[SessionPartner(organisation_id=p.id) for p in parts.partners],
        qpvs=[SessionQpv(qpv_code=c) for c in parts.qpv_codes],
        audiences=[SessionAudience(tag=t) for t in sorted(set(data.audiences))],
    )


async def saved(
    session: AsyncSession,
    row: OutreachSession,
    *,
    actor: int | None,
    action: str,
    before: dict[str, Any] | None,
    notices: tuple[Notice, ...],
    now: datetime,
) -> Booked:
    """Flush a created or changed session, audit it, and return it fresh with its notices."""
    await audited(
        session,
        row,
        actor_id=actor,
        action=action,
        entity="session",
        before=before,
        after=snapshot,
        now=now,
    )
    return Booked(await get_session(session, row.id), notices)


async def book_session(
    session: AsyncSession,
    data: SessionInput,
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
    publish: bool = False,
) -> Booked:
    """Book one session (as a draft, or published at once), or refuse it with every reason."""
    check_session_input(data)
    parts = await resolve_parts(session, data)
    actor = require_session_editor(
        caller, organisation_id=data.organisation_id, assigned=data.staff_ids
    ).staff_id
    await lock_bookings(session, data.staff_ids, [data.venue_id])
    status = SessionStatus.PUBLISHED if publish else SessionStatus.DRAFT
    booking = new_booking(data, parts, status)
    notices = await judge(
        session, booking, parts.organisation, settings=settings, now=now, caller=caller
    )
    row = session_row(data, parts, booking, series_id=None, actor=actor, now=now)
    session.add(row)
    return await saved(
        session, row, actor=actor, action="create", before=None, notices=notices, now=now
    )


async def book_series(
    session: AsyncSession,
    data: SessionInput,
    starts: Sequence[datetime],
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
    publish: bool = False,
) -> list[Booked]:
    """Book the occurrences of a series (same duration) as sessions sharing a series id.

    All or nothing: if any occurrence breaks a hard rule, none is booked and every violation
    of every occurrence is reported.
    """
    check_session_input(data)
    if not starts:
        raise InvalidInputError({"count": "une série compte au moins une séance"})
    parts = await resolve_parts(session, data)
    actor = require_session_editor(
        caller, organisation_id=data.organisation_id, assigned=data.staff_ids
    ).staff_id
    await lock_bookings(session, data.staff_ids, [data.venue_id])
    duration = data.end - data.start
    status = SessionStatus.PUBLISHED if publish else SessionStatus.DRAFT
    series_id = str(uuid.uuid4())
    accepted: list[Booking] = []
    violations = []
    notices: list[tuple[Notice, ...]] = []
    for start in starts:
        occurrence = replace(data, start=start, end=start + duration)
        booking = new_booking(occurrence, parts, status)
        try:
            notices.append(
                await judge(
                    session,
                    booking,
                    parts.organisation,
                    settings=settings,
                    now=now,
                    extra=accepted,
                    caller=caller,
                )
            )
        except BookingRefusedError as refused:
            local = start.astimezone(booking.start.tzinfo).strftime("%d/%m/%Y %H:%M")
            violations += [replace(v, message=f"{local} : {v.message}") for v in refused.violations]
            notices.append(())
        accepted.append(replace(booking, id=-len(accepted) - 1))
    if violations:
        raise BookingRefusedError(
            "Série refusée : " + " ; ".join(v.message for v in violations), violations=violations
        )
    booked = []
    for start, found in zip(starts, notices, strict=True):
        occurrence = replace(data, start=start, end=start + duration)
        row = session_row(
            occurrence,
            parts,
            new_booking(occurrence, parts, status),
            series_id=series_id,
            actor=actor,
            now=now,
        )
        session.add(row)
        await audited(
            session,
            row,
            actor_id=actor,
            action="create",
            entity="session",
            before=None,
            after=snapshot,
            now=now,
        )
        booked.append(Booked(row, found))
    return [Booked(await get_session(session, b.row.id), b.notices) for b in booked]
