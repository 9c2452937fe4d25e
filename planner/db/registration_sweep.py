"""The timed steps of registrations, taken by the job runner when told and every
``ALLERVERS_MAIL_POLL_SECONDS``: an offer whose time is up passes on; registrants are reminded
before the session; a session moved or cancelled is told to every registrant at once; and the
names and contacts of a session long past are erased (the counts stay).

Each step commits on its own, so one failing (a database hiccup) leaves the others done; each
is idempotent (a step taken twice does nothing more).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from planner.db.models import OutreachSession, Registration
from planner.db.outbox import queue_mail
from planner.db.registrations import (
    Ics,
    Links,
    erase,
    lock_places,
    offer_freed_places,
    session_facts,
)
from planner.registration import HOLDING, RegistrationStatus
from planner.registration_mail import cancelled_mail, changed_mail, reminder_mail
from planner.session import SessionStatus

BATCH = 500
"""Registrations handled per step and round (the next round takes the rest)."""


@dataclass(frozen=True, slots=True)
class Swept:
    """What one round did."""

    expired: int = 0
    reminded: int = 0
    told: int = 0
    erased: int = 0


async def sweep(
    maker: async_sessionmaker[AsyncSession], *, links: Links, ics: Ics, now: datetime
) -> Swept:
    """Take every step due at ``now``."""
    async with maker.begin() as session:
        expired = await pass_on_expired_offers(session, links=links, now=now)
    async with maker.begin() as session:
        await offer_free_places(session, links=links, now=now)
    async with maker.begin() as session:
        reminded = await remind(session, links=links, now=now)
    async with maker.begin() as session:
        told = await tell_changes(session, links=links, ics=ics, now=now)
    async with maker.begin() as session:
        erased = await erase_past(session, links=links, now=now)
    return Swept(expired, reminded, told, erased)


async def pass_on_expired_offers(session: AsyncSession, *, links: Links, now: datetime) -> int:
    """Offers whose time is up are withdrawn, and their places offered to the next people."""
    sessions = (
        await session.scalars(
            select(Registration.session_id)
            .where(
                Registration.status == RegistrationStatus.OFFERED,
                Registration.offered_until <= now,
            )
            .distinct()
            .limit(BATCH)
        )
    ).all()
    count = 0
    for session_id in sessions:
        await lock_places(session, session_id)
        outreach = await session.get_one(OutreachSession, session_id)
        await session.refresh(outreach, ["places_taken"])
        expired = (
            await session.scalars(
                select(Registration).where(
                    Registration.session_id == session_id,
                    Registration.status == RegistrationStatus.OFFERED,
                    Registration.offered_until <= now,
                )
            )
        ).all()
        for row in expired:
            row.status = RegistrationStatus.CANCELLED
            row.cancelled_at = now
            row.offered_until = None
        outreach.places_taken -= len(expired)
        count += len(expired)
        await offer_freed_places(session, outreach, links=links, now=now)
    return count


async def offer_free_places(session: AsyncSession, *, links: Links, now: datetime) -> None:
    """Places left while people wait (a capacity raised) are offered to them."""
    waiting = (
        select(Registration.id)
        .where(
            Registration.session_id == OutreachSession.id,
            Registration.status == RegistrationStatus.WAITING,
        )
        .exists()
    )
    sessions = (
        await session.scalars(
            select(OutreachSession.id)
            .where(
                OutreachSession.takes_registrations,
                OutreachSession.status == SessionStatus.PUBLISHED,
                OutreachSession.start_at > now,
                or_(
                    OutreachSession.capacity.is_(None),
                    OutreachSession.places_taken < OutreachSession.capacity,
                ),
                waiting,
            )
            .limit(BATCH)
        )
    ).all()
    for session_id in sessions:
        await lock_places(session, session_id)
        outreach = await session.get_one(OutreachSession, session_id)
        await session.refresh(outreach, ["places_taken", "capacity", "status"])
        await offer_freed_places(session, outreach, links=links, now=now)


async def remind(session: AsyncSession, *, links: Links, now: datetime) -> int:
    """Registrants holding a place, with an e-mail, are reminded once before the session."""
    soon = now + timedelta(hours=links.rules.reminder_hours)
    rows = (
        await session.execute(
            select(Registration, OutreachSession)
            .join(OutreachSession, OutreachSession.id == Registration.session_id)
            .where(
                Registration.status.in_(HOLDING),
                Registration.reminded_at.is_(None),
                Registration.email.is_not(None),
                OutreachSession.status == SessionStatus.PUBLISHED,
                OutreachSession.start_at > now,
                OutreachSession.start_at <= soon,
            )
            .limit(BATCH)
        )
    ).all()
    count = 0
    for row, outreach in rows:
        if not await _claim(session, row.id, Registration.reminded_at.is_(None), reminded_at=now):
            continue  # another runner reminded them first
        count += 1
        if row.email is None or row.secret is None:
            continue
        mail = reminder_mail(
            recipient=row.email,
            name=row.first_name or "",
            session=session_facts(outreach, links),
            link=links.personal(row.secret),
        )
        await queue_mail(session, mail, now=now)
    return count


async def tell_changes(session: AsyncSession, *, links: Links, ics: Ics, now: datetime) -> int:
    """Every registrant not yet told of the session's last move or cancellation is told."""
    rows = (
        await session.execute(
            select(Registration, OutreachSession)
            .join(OutreachSession, OutreachSession.id == Registration.session_id)
            .where(
                Registration.told_revision < OutreachSession.revision,
                Registration.status != RegistrationStatus.CANCELLED,
                Registration.erased_at.is_(None),
            )
            .limit(BATCH)
        )
    ).all()
    count = 0
    for row, outreach in rows:
        revision = outreach.revision
        newer = Registration.told_revision < revision
        if not await _claim(session, row.id, newer, told_revision=revision):
            continue  # another runner told them first
        count += 1
        if row.email is None or row.secret is None or outreach.end_at <= now:
            continue
        facts = session_facts(outreach, links)
        name = row.first_name or ""
        if outreach.status == SessionStatus.CANCELLED:
            mail = cancelled_mail(
                recipient=row.email,
                name=name,
                session=facts,
                reason=outreach.cancel_reason,
                page=facts.page,
            )
        elif outreach.status == SessionStatus.PUBLISHED:
            link = links.personal(row.secret)
            mail = changed_mail(
                recipient=row.email, name=name, session=facts, link=link, ics=ics(outreach)
            )
        else:
            continue
        await queue_mail(session, mail, now=now)
    return count


async def _claim(
    session: AsyncSession, registration_id: int, still: ColumnElement[bool], **values: Any
) -> bool:
    """Take a step for one registration if it is still to take (one conditional UPDATE: two
    runners tending at once never both send the same message)."""
    result = await session.execute(
        update(Registration)
        .where(Registration.id == registration_id, still)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def erase_past(session: AsyncSession, *, links: Links, now: datetime) -> int:
    """Names, contacts and needs of sessions ended ``erase_after_days`` ago are erased."""
    before = now - timedelta(days=links.rules.erase_after_days)
    rows = (
        await session.scalars(
            select(Registration)
            .join(OutreachSession, OutreachSession.id == Registration.session_id)
            .where(Registration.erased_at.is_(None), OutreachSession.end_at <= before)
            .limit(BATCH)
        )
    ).all()
    for row in rows:
        erase(row, now=now)
    return len(rows)
