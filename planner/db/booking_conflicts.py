"""Booking conflicts, prevented in the database transaction and judged by the pure rules.

Conflicts are prevented in the database transaction, not only in Python: before reading what
might conflict, a booking bumps the ``booking_seq`` of the staff and venue rows it involves
(``UPDATE … SET booking_seq = booking_seq + 1``). On PostgreSQL those are row locks held until
commit, so two bookings sharing a person or a venue run one after the other and the second sees
the first; on SQLite the first write takes the database's write lock, with the same effect. The
rules themselves are pure (:mod:`planner.rules`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, SessionView, session_view
from planner.access.sessions import hide_unseen
from planner.db.access_sql import load_facts
from planner.db.models import Organisation, OutreachSession, SessionQpv, SessionStaff, Staff, Venue
from planner.db.session_queries import LONGEST
from planner.db.session_values import organisation_window
from planner.errors import BookingRefusedError
from planner.rules import check_booking
from planner.session import (
    Assignment,
    Booking,
    Notice,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
    Violation,
)

HORIZON = timedelta(days=8)
"""How far around a booking other sessions are loaded (weekly counts, QPV revisits, travel)."""


async def lock_bookings(
    session: AsyncSession, staff_ids: Sequence[int], venue_ids: Sequence[int]
) -> None:
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


async def sessions_around(session: AsyncSession, booking: Booking) -> list[Booking]:
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
            Venue.name,
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
        for sid, staff_id, org_id, name in await session.execute(
            select(
                SessionStaff.session_id,
                SessionStaff.staff_id,
                SessionStaff.organisation_id,
                Staff.name,
            )
            .join(Staff, Staff.id == SessionStaff.staff_id)
            .where(SessionStaff.session_id.in_(chunk))
            .order_by(SessionStaff.session_id, SessionStaff.staff_id)
        ):
            staff[sid].append(Assignment(staff_id, org_id, name))
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
                name=row[13],
            ),
            staff=tuple(staff[row[0]]),
            qpv_codes=tuple(qpvs[row[0]]),
            organisation_id=row[6],
            capacity=row[7],
        )
        for row in rows
    ]


async def judge(
    session: AsyncSession,
    booking: Booking,
    organisation: Organisation,
    *,
    settings: RuleSettings,
    now: datetime,
    extra: Sequence[Booking] = (),
    caller: Caller | None = None,
) -> tuple[Notice, ...]:
    """Judge a booking against the sessions near it (and ``extra`` ones not yet stored): its
    notices, or :class:`BookingRefusedError` with every violation.

    With ``caller``, violations and notices name only sessions the caller may see (the others
    are "another organisation's session", :func:`~planner.access.sessions.hide_unseen`);
    without, they name every session (the command line, the planner's own checks)."""
    others = [*await sessions_around(session, booking), *extra]
    verdict = check_booking(
        booking,
        others=others,
        now=now,
        settings=settings,
        window=organisation_window(organisation, settings),
    )
    violations, notices = verdict.violations, verdict.notices
    if caller is not None:
        seen = await _seen(session, caller, [*violations, *notices], now=now)
        violations, notices = hide_unseen(violations, seen), hide_unseen(notices, seen)
    if violations:
        raise BookingRefusedError(
            "Réservation refusée : " + " ; ".join(v.message for v in violations),
            violations=violations,
        )
    return notices


async def _seen(
    session: AsyncSession, caller: Caller, items: Sequence[Violation | Notice], *, now: datetime
) -> set[int]:
    """The sessions named in ``items`` that ``caller`` may see. Cancelled sessions never
    conflict, so the public's retention of cancellations does not matter here."""
    named = {i.session_id for i in items if i.session_id is not None}
    facts = await load_facts(session, named)
    unstored = {sid for sid in named if sid <= 0}  # the caller's own series, being booked
    return unstored | {
        sid
        for sid, fact in facts.items()
        if session_view(caller, fact, now=now, retention=timedelta(0)) is not SessionView.NONE
    }
