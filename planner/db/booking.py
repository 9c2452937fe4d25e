"""Booking service: sessions created, changed, published, cancelled and completed under the rules.

Conflicts are prevented in the database transaction, not only in Python: before reading what
might conflict, a booking bumps the ``booking_seq`` of the staff and venue rows it involves
(``UPDATE … SET booking_seq = booking_seq + 1``). On PostgreSQL those are row locks held until
commit, so two bookings sharing a person or a venue run one after the other and the second sees
the first; on SQLite the first write takes the database's write lock, with the same effect. The
rules themselves are pure (:mod:`planner.rules`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, require_session_editor
from planner.db.audit import record
from planner.db.models import (
    Organisation,
    OutreachSession,
    Qpv,
    SessionAudience,
    SessionOutcome,
    SessionPartner,
    SessionQpv,
    SessionStaff,
    Staff,
    Venue,
)
from planner.errors import BookingRefusedError, InvalidInputError, NotFoundError
from planner.rules import check_booking, check_editable, check_transition
from planner.session import (
    PUBLIC,
    Assignment,
    Booking,
    EveningWindow,
    Notice,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
    timezone_for,
)

HORIZON = timedelta(days=8)
"""How far around a booking other sessions are loaded (weekly counts, QPV revisits, travel)."""
LONGEST = max(longest for _, longest in RuleSettings().durations.values())
"""No session lasts longer (the duration rule refuses it): bounds ``start_at`` searches."""


@dataclass(frozen=True, slots=True)
class SessionInput:
    """What a person gives to book a session."""

    kind: SessionKind
    title: str
    start: datetime
    end: datetime
    venue_id: int
    organisation_id: int
    staff_ids: tuple[int, ...]
    partner_ids: tuple[int, ...] = ()
    qpv_codes: tuple[str, ...] | None = None
    """``None``: the QPVs the venue serves."""
    audiences: tuple[str, ...] = ()
    capacity: int | None = None
    description: str = ""
    internal_notes: str = ""


@dataclass(frozen=True, slots=True)
class Booked:
    """A stored session and the soft-rule notices it was accepted with."""

    row: OutreachSession
    notices: tuple[Notice, ...]


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
        "cancel_reason": row.cancel_reason,
    }


def venue_place(venue: Venue) -> Place:
    """A stored venue as the rules and the planner see it."""
    return Place(
        venue_id=venue.id,
        lon=venue.lon,
        lat=venue.lat,
        qpv_code=venue.qpv_code,
        nearest_qpv_distance_m=venue.nearest_qpv_distance_m,
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
        staff=tuple(Assignment(s.staff_id, s.organisation_id) for s in row.staff),
        qpv_codes=tuple(q.qpv_code for q in row.qpvs),
        organisation_id=row.organisation_id,
        capacity=row.capacity,
    )


def organisation_window(org: Organisation, settings: RuleSettings) -> EveningWindow:
    default = settings.evening_window
    return EveningWindow(
        start=time.fromisoformat(org.evening_start) if org.evening_start else default.start,
        end=time.fromisoformat(org.evening_end) if org.evening_end else default.end,
    )


@dataclass(frozen=True, slots=True)
class _Parts:
    venue: Venue
    organisation: Organisation
    staff: list[Staff]
    partners: list[Organisation]
    qpv_codes: tuple[str, ...]


async def _resolve(session: AsyncSession, data: SessionInput) -> _Parts:
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
    inactive = sorted(s.id for s in staff if not s.active)
    if missing:
        errors["staff_ids"] = "intervenant(s) inconnu(s) : " + ", ".join(map(str, missing))
    elif inactive:
        errors["staff_ids"] = "intervenant(s) désactivé(s) : " + ", ".join(map(str, inactive))
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
    if errors or venue is None or organisation is None:
        raise InvalidInputError(errors)
    return _Parts(venue, organisation, staff, partners, qpv_codes)


async def _lock(session: AsyncSession, staff_ids: Sequence[int], venue_ids: Sequence[int]) -> None:
    """Take the rows that serialise bookings of these people and venues (see module doc)."""
    if staff_ids:
        await session.execute(
            update(Staff)
            .where(Staff.id.in_(sorted(set(staff_ids))))
            .values(booking_seq=Staff.booking_seq + 1)
            .execution_options(synchronize_session=False)
        )
    await session.execute(
        update(Venue)
        .where(Venue.id.in_(sorted(set(venue_ids))))
        .values(booking_seq=Venue.booking_seq + 1)
        .execution_options(synchronize_session=False)
    )


async def _others(session: AsyncSession, booking: Booking) -> list[Booking]:
    """Sessions that may bear on ``booking``: same staff, venue or QPV, around its dates.

    Read as plain columns (three queries), not ORM objects: the rules need values only, and a
    busy neighbourhood holds a hundred sessions. Both ends of the time window are bounded
    (sessions last at most :data:`LONGEST`) so the ``start_at`` index narrows the search.
    """
    staff_ids = [a.staff_id for a in booking.staff]
    session_table = OutreachSession
    query = (
        select(
            session_table.id,
            session_table.kind,
            session_table.status,
            session_table.start_at,
            session_table.end_at,
            session_table.timezone,
            session_table.organisation_id,
            session_table.capacity,
            Venue.id,
            Venue.lon,
            Venue.lat,
            Venue.qpv_code,
            Venue.nearest_qpv_distance_m,
        )
        .join(Venue, Venue.id == session_table.venue_id)
        .where(session_table.status != SessionStatus.CANCELLED.value)
        .where(session_table.start_at < booking.end + HORIZON)
        .where(session_table.start_at > booking.start - HORIZON - LONGEST)
        .where(session_table.end_at > booking.start - HORIZON)
        .where(
            or_(
                session_table.venue_id == booking.place.venue_id,
                exists().where(
                    SessionStaff.session_id == session_table.id,
                    SessionStaff.staff_id.in_(staff_ids),
                ),
                exists().where(
                    SessionQpv.session_id == session_table.id,
                    SessionQpv.qpv_code.in_(booking.qpv_codes),
                ),
            )
        )
    )
    if booking.id is not None:
        query = query.where(session_table.id != booking.id)
    rows = (await session.execute(query)).all()
    ids = [row[0] for row in rows]
    staff: dict[int, list[Assignment]] = {i: [] for i in ids}
    qpvs: dict[int, list[str]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for sid, staff_id, org_id in await session.execute(
            select(SessionStaff.session_id, SessionStaff.staff_id, SessionStaff.organisation_id)
            .where(SessionStaff.session_id.in_(chunk))
            .order_by(SessionStaff.session_id, SessionStaff.staff_id)
        ):
            staff[sid].append(Assignment(staff_id, org_id))
        for sid, code in await session.execute(
            select(SessionQpv.session_id, SessionQpv.qpv_code)
            .where(SessionQpv.session_id.in_(chunk))
            .order_by(SessionQpv.session_id, SessionQpv.qpv_code)
        ):
            qpvs[sid].append(code)
    return [
        Booking(
            id=row[0],
            kind=SessionKind(row[1]),
            status=SessionStatus(row[2]),
            start=row[3],
            end=row[4],
            timezone=row[5],
            place=Place(
                venue_id=row[8],
                lon=row[9],
                lat=row[10],
                qpv_code=row[11],
                nearest_qpv_distance_m=row[12],
            ),
            staff=tuple(staff[row[0]]),
            qpv_codes=tuple(qpvs[row[0]]),
            organisation_id=row[6],
            capacity=row[7],
        )
        for row in rows
    ]


async def _judge(
    session: AsyncSession,
    booking: Booking,
    organisation: Organisation,
    *,
    settings: RuleSettings,
    now: datetime,
    extra: Sequence[Booking] = (),
) -> tuple[Notice, ...]:
    others = [*await _others(session, booking), *extra]
    verdict = check_booking(
        booking,
        others=others,
        now=now,
        settings=settings,
        window=organisation_window(organisation, settings),
    )
    if verdict.violations:
        raise BookingRefusedError(
            "Réservation refusée : " + " ; ".join(v.message for v in verdict.violations),
            violations=verdict.violations,
        )
    return verdict.notices


def _check_text(data: SessionInput) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "le titre est obligatoire"
    if not data.staff_ids:
        errors["staff_ids"] = "au moins un intervenant est nécessaire"
    if data.start.tzinfo is None or data.end.tzinfo is None:
        errors["start"] = "donnez l'heure avec son fuseau (ex. 2026-12-01T18:00:00+01:00)"
    if errors:
        raise InvalidInputError(errors)


def _new_booking(data: SessionInput, parts: _Parts, status: SessionStatus) -> Booking:
    return Booking(
        id=None,
        kind=data.kind,
        status=status,
        start=data.start,
        end=data.end,
        timezone=timezone_for(parts.venue.insee_code),
        place=venue_place(parts.venue),
        staff=tuple(Assignment(s.id, s.organisation_id) for s in parts.staff),
        qpv_codes=parts.qpv_codes,
        organisation_id=parts.organisation.id,
        capacity=data.capacity,
    )


def _row(
    data: SessionInput,
    parts: _Parts,
    booking: Booking,
    *,
    series_id: str | None,
    actor: int | None,
    now: datetime,
) -> OutreachSession:
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


async def _saved(
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
    await session.flush()
    await record(
        session,
        actor_id=actor,
        action=action,
        entity="session",
        entity_id=row.id,
        before=before,
        after=snapshot(row),
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
    _check_text(data)
    parts = await _resolve(session, data)
    actor = require_session_editor(
        caller, organisation_id=data.organisation_id, assigned=data.staff_ids
    ).staff_id
    await _lock(session, data.staff_ids, [data.venue_id])
    status = SessionStatus.PUBLISHED if publish else SessionStatus.DRAFT
    booking = _new_booking(data, parts, status)
    notices = await _judge(session, booking, parts.organisation, settings=settings, now=now)
    row = _row(data, parts, booking, series_id=None, actor=actor, now=now)
    session.add(row)
    return await _saved(
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
    _check_text(data)
    if not starts:
        raise InvalidInputError({"count": "une série compte au moins une séance"})
    parts = await _resolve(session, data)
    actor = require_session_editor(
        caller, organisation_id=data.organisation_id, assigned=data.staff_ids
    ).staff_id
    await _lock(session, data.staff_ids, [data.venue_id])
    duration = data.end - data.start
    status = SessionStatus.PUBLISHED if publish else SessionStatus.DRAFT
    series_id = str(uuid.uuid4())
    accepted: list[Booking] = []
    violations = []
    notices: list[tuple[Notice, ...]] = []
    for start in starts:
        occurrence = replace(data, start=start, end=start + duration)
        booking = _new_booking(occurrence, parts, status)
        try:
            notices.append(
                await _judge(
                    session, booking, parts.organisation, settings=settings, now=now, extra=accepted
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
        row = _row(
            occurrence,
            parts,
            _new_booking(occurrence, parts, status),
            series_id=series_id,
            actor=actor,
            now=now,
        )
        session.add(row)
        await session.flush()
        await record(
            session,
            actor_id=actor,
            action="create",
            entity="session",
            entity_id=row.id,
            before=None,
            after=snapshot(row),
            now=now,
        )
        booked.append(Booked(row, found))
    return [Booked(await get_session(session, b.row.id), b.notices) for b in booked]


async def get_session(session: AsyncSession, session_id: int) -> OutreachSession:
    """The session ``session_id`` or :class:`NotFoundError`."""
    row = await session.get(OutreachSession, session_id, populate_existing=True)
    if row is None:
        raise NotFoundError(f"Aucune séance n° {session_id}.")
    return row


def _refuse(violation: Any) -> None:
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
    )
    _check_text(data)
    parts = await _resolve(session, data)
    actor = require_session_editor(
        caller, organisation_id=data.organisation_id, assigned=data.staff_ids
    ).staff_id
    await _lock(
        session,
        sorted({*data.staff_ids, *(s.staff_id for s in row.staff)}),
        [row.venue_id, data.venue_id],
    )
    booking = replace(_new_booking(data, parts, SessionStatus(row.status)), id=row.id)
    notices = await _judge(session, booking, parts.organisation, settings=settings, now=now)
    moved = (data.start, data.end, data.venue_id) != (row.start_at, row.end_at, row.venue_id)
    fresh = _row(data, parts, booking, series_id=row.series_id, actor=actor, now=now)
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
    ):
        setattr(row, name, getattr(fresh, name))
    row.staff = fresh.staff
    row.partners = fresh.partners
    row.qpvs = fresh.qpvs
    row.audiences = fresh.audiences
    if moved:
        row.revision += 1
    row.updated_by_id, row.updated_at = actor, now
    return await _saved(
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
        await _lock(session, [s.staff_id for s in row.staff], [row.venue_id])
        booking = replace(as_booking(row), status=SessionStatus.PUBLISHED)
        notices = await _judge(session, booking, organisation, settings=settings, now=now)
    if target is SessionStatus.PUBLISHED and row.published_at is None:
        row.published_at = now
    row.status = target.value
    row.revision += 1
    row.updated_by_id, row.updated_at = actor, now
    return await _saved(
        session, row, actor=actor, action=target.value, before=before, notices=notices, now=now
    )


@dataclass(frozen=True, slots=True)
class OutcomeInput:
    """What a session achieved."""

    people_met: int
    new_contacts: int
    job_offers: int
    immersions: int
    follow_ups: int
    remarks: str = ""


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
    errors = {
        name: "doit être un nombre positif ou nul"
        for name in ("people_met", "new_contacts", "job_offers", "immersions", "follow_ups")
        if getattr(data, name) < 0
    }
    if data.new_contacts > data.people_met:
        errors["new_contacts"] = "ne peut dépasser le nombre de personnes rencontrées"
    if errors:
        raise InvalidInputError(errors)
    status = SessionStatus(row.status)
    if status not in (SessionStatus.PUBLISHED, SessionStatus.COMPLETED):
        raise InvalidInputError(
            {"status": "seule une séance publiée ou terminée peut recevoir un bilan"}
        )
    if row.end_at > now:
        raise InvalidInputError({"status": "le bilan se saisit une fois la séance terminée"})
    before = snapshot(row) | {"outcome": _outcome_values(row.outcome)}
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
    await session.flush()
    await record(
        session,
        actor_id=actor,
        action="outcome",
        entity="session",
        entity_id=row.id,
        before=before,
        after=snapshot(row) | {"outcome": _outcome_values(row.outcome)},
        now=now,
    )
    return await get_session(session, row.id)


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


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Filters of the session list; dates select sessions overlapping [start, end)."""

    start: datetime | None = None
    end: datetime | None = None
    qpv: str | None = None
    commune: str | None = None
    kind: SessionKind | None = None
    organisation: int | None = None
    staff: int | None = None
    statuses: frozenset[SessionStatus] | None = None


async def list_sessions(
    session: AsyncSession, filters: SessionFilter, *, public_only: bool, limit: int, offset: int
) -> tuple[int, Sequence[OutreachSession]]:
    """Total matching and one page of sessions, by start time (anonymous: public ones only)."""
    query = select(OutreachSession)
    statuses = set(filters.statuses or SessionStatus)
    if public_only:
        statuses &= set(PUBLIC)
    query = query.where(OutreachSession.status.in_(sorted(s.value for s in statuses)))
    if filters.start is not None:
        query = query.where(OutreachSession.end_at > filters.start)
        query = query.where(OutreachSession.start_at > filters.start - LONGEST)
    if filters.end is not None:
        query = query.where(OutreachSession.start_at < filters.end)
    if filters.qpv:
        query = query.where(
            OutreachSession.id.in_(
                select(SessionQpv.session_id).where(SessionQpv.qpv_code == filters.qpv.upper())
            )
        )
    if filters.commune:
        query = query.where(
            OutreachSession.venue_id.in_(
                select(Venue.id).where(Venue.insee_code == filters.commune.upper())
            )
        )
    if filters.kind:
        query = query.where(OutreachSession.kind == filters.kind.value)
    if filters.organisation is not None:
        query = query.where(
            or_(
                OutreachSession.organisation_id == filters.organisation,
                OutreachSession.id.in_(
                    select(SessionPartner.session_id).where(
                        SessionPartner.organisation_id == filters.organisation
                    )
                ),
            )
        )
    if filters.staff is not None:
        query = query.where(
            OutreachSession.id.in_(
                select(SessionStaff.session_id).where(SessionStaff.staff_id == filters.staff)
            )
        )
    page = (
        (
            await session.scalars(
                query.order_by(OutreachSession.start_at, OutreachSession.id)
                .limit(limit)
                .offset(offset)
            )
        )
        .unique()
        .all()
    )
    if offset == 0 and len(page) < limit:
        return len(page), page  # the whole result fits in the page: no need to count
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    return total, page


async def venue_timezone(session: AsyncSession, venue_id: int) -> str:
    """The wall-clock zone of a venue (where a series keeps its local time)."""
    venue = await session.get(Venue, venue_id)
    if venue is None:
        raise InvalidInputError({"venue_id": f"aucun lieu n° {venue_id}"})
    return timezone_for(venue.insee_code)
