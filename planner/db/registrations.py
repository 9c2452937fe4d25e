"""Residents' registrations: taken, confirmed or put on the waiting list, changed, cancelled and
erased — capacity enforced in the database.

Every change that takes or frees a place first writes the session's row (``places_taken``):
on PostgreSQL a row lock held until commit, on SQLite the database's write lock, taken before
anything is read (as bookings do, :mod:`planner.db.booking_conflicts`). So two hundred
concurrent registrations for thirty places give exactly thirty confirmed and the rest waiting.
A freed place goes to the first person waiting as an offer held ``offer_hours`` (as pretix
does); the messages are queued in the same transaction (:mod:`planner.db.outbox`).

The registrant acts through the secret of their personal link; the organisers' side is
:mod:`planner.db.registrants`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access.registrations import open_for_registration
from planner.booking_input import SessionInput
from planner.db.access_sql import load_facts
from planner.db.models import OutreachSession, Registration
from planner.db.outbox import queue_mail
from planner.db.session_queries import get_session
from planner.errors import ConflictError, InvalidInputError, NotFoundError
from planner.registration import (
    HOLDING,
    RegistrationInput,
    RegistrationRules,
    RegistrationStatus,
    check_registration,
)
from planner.registration_mail import SessionFacts, offer_mail, registered_mail
from planner.session import SessionStatus

Ics = Callable[[OutreachSession], bytes]
"""Renders a session's single ``.ics`` (the API's feed service), attached to confirmations."""
SECRET = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What a personal link's secret is made of (``secrets.token_urlsafe``)."""
UNKNOWN_LINK = "Ce lien d'inscription n'existe pas ou plus (inscription effacée ?)."


@dataclass(frozen=True, slots=True)
class Links:
    """Where the messages and pages send registrants."""

    public_url: str
    rules: RegistrationRules

    def personal(self, secret: str) -> str:
        """The registrant's personal page."""
        return f"{self.public_url}/inscriptions/{secret}"


@dataclass(frozen=True, slots=True)
class Registered:
    """The outcome of a registration: the row, and whether it was already there (the same
    contact registered before: its link was sent again, nothing was added)."""

    row: Registration
    again: bool = False


async def lock_places(session: AsyncSession, session_id: int) -> None:
    """Take the row that serialises the session's places (first, before any read)."""
    result = await session.execute(
        update(OutreachSession)
        .where(OutreachSession.id == session_id)
        .values(places_taken=OutreachSession.places_taken)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise NotFoundError(f"Aucune séance n° {session_id}.")


def session_facts(row: OutreachSession, links: Links) -> SessionFacts:
    venue = row.venue
    place = ", ".join(p for p in (venue.name, venue.street, venue.commune_name) if p)
    return SessionFacts(row.title, row.start_at, place, f"{links.public_url}/seances/{row.id}")


async def register(
    session: AsyncSession,
    session_id: int,
    data: RegistrationInput,
    *,
    links: Links,
    ics: Ics,
    now: datetime,
) -> Registered:
    """Register a resident: confirmed while places are left, else waiting. The same e-mail
    registered again gets its link sent again (nothing added); the same phone, a 409."""
    clean = check_registration(data)
    await lock_places(session, session_id)
    facts = (await load_facts(session, [session_id])).get(session_id)
    row = await get_session(session, session_id)
    await session.refresh(row, ["places_taken"])  # as the lock left it
    if facts is None or not facts.published:
        raise NotFoundError(f"Aucune séance n° {session_id}.")
    closed = open_for_registration(facts, takes_registrations=row.takes_registrations, now=now)
    if closed:
        raise ConflictError(closed)
    twin = await _same_contact(session, session_id, clean)
    if twin is not None:
        if twin.email is None:
            raise ConflictError(
                "Ce numéro est déjà inscrit à cette séance : utilisez le lien personnel donné à "
                "l'inscription, ou appelez les organisateurs."
            )
        await _mail_registered(session, twin, row, links=links, ics=ics, now=now)
        return Registered(twin, again=True)
    full = row.capacity is not None and row.places_taken >= row.capacity
    status = RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED
    registration = Registration(
        session_id=session_id,
        secret=secrets.token_urlsafe(32),
        status=status,
        first_name=clean.first_name,
        email=clean.email,
        phone=clean.phone,
        needs=clean.needs,
        created_at=now,
        confirmed_at=None if full else now,
        told_revision=row.revision,
    )
    session.add(registration)
    if not full:
        row.places_taken += 1
    await session.flush()
    await _mail_registered(session, registration, row, links=links, ics=ics, now=now)
    return Registered(registration)


async def _same_contact(
    session: AsyncSession, session_id: int, data: RegistrationInput
) -> Registration | None:
    contact = (
        Registration.email == data.email
        if data.email is not None
        else Registration.phone == data.phone
    )
    query = select(Registration).where(
        Registration.session_id == session_id,
        Registration.status != RegistrationStatus.CANCELLED,
        contact,
    )
    return (await session.scalars(query.limit(1))).first()


async def _mail_registered(
    session: AsyncSession,
    registration: Registration,
    row: OutreachSession,
    *,
    links: Links,
    ics: Ics,
    now: datetime,
) -> None:
    if registration.email is None or registration.secret is None:
        return
    mail = registered_mail(
        recipient=registration.email,
        name=registration.first_name or "",
        status=RegistrationStatus(registration.status),
        session=session_facts(row, links),
        link=links.personal(registration.secret),
        ics=ics(row),
        retention_months=links.rules.erase_after_months,
    )
    await queue_mail(session, mail, now=now)


async def find_registration(session: AsyncSession, secret: str) -> Registration:
    """The registration behind a personal link (:class:`NotFoundError` once erased)."""
    if not SECRET.fullmatch(secret):  # never a query for what no link holds (a NUL…)
        raise NotFoundError(UNKNOWN_LINK)
    row = await session.scalar(select(Registration).where(Registration.secret == secret))
    if row is None:
        raise NotFoundError(UNKNOWN_LINK)
    return row


async def _locked_registration(
    session: AsyncSession, secret: str
) -> tuple[Registration, OutreachSession]:
    """The registration and its session, the session's places locked (lock first: the read
    that finds the session is outside the transaction on SQLite until the first write)."""
    found = await find_registration(session, secret)
    await lock_places(session, found.session_id)
    row = await session.get_one(Registration, found.id, populate_existing=True)
    if row.secret != secret:
        raise NotFoundError(UNKNOWN_LINK)
    outreach = await get_session(session, row.session_id)
    await session.refresh(outreach, ["places_taken"])
    return row, outreach


async def change_registration(
    session: AsyncSession, secret: str, *, first_name: str | None, needs: str | None
) -> Registration:
    """Change the name or the needs given (the contact stays: register again to change it)."""
    row = await find_registration(session, secret)
    if row.status == RegistrationStatus.CANCELLED:
        raise ConflictError("Cette inscription est annulée.")
    given = RegistrationInput(
        first_name=row.first_name or "" if first_name is None else first_name,
        email=row.email,
        phone=row.phone,
        needs=row.needs if needs is None else needs,
        consent=True,
    )
    clean = check_registration(given)
    row.first_name, row.needs = clean.first_name, clean.needs
    return row


async def cancel_registration(
    session: AsyncSession, secret: str, *, links: Links, now: datetime
) -> Registration:
    """Cancel: the place it held goes to the first person waiting, as an offer."""
    row, outreach = await _locked_registration(session, secret)
    if row.status == RegistrationStatus.CANCELLED:
        return row
    held = RegistrationStatus(row.status) in HOLDING
    row.status = RegistrationStatus.CANCELLED
    row.offered_until = None
    row.cancelled_at = now
    if held:
        outreach.places_taken -= 1
        await offer_freed_places(session, outreach, links=links, now=now)
    return row


async def take_offer(session: AsyncSession, secret: str, *, now: datetime) -> Registration:
    """Take the place offered (before the offer ends)."""
    row, _ = await _locked_registration(session, secret)
    if row.status == RegistrationStatus.CONFIRMED:
        return row
    if row.status != RegistrationStatus.OFFERED:
        raise ConflictError("Aucune place ne vous est proposée pour l'instant.")
    if row.offered_until is not None and row.offered_until <= now:
        raise ConflictError("La place proposée a expiré : elle est passée à la personne suivante.")
    row.status = RegistrationStatus.CONFIRMED
    row.confirmed_at = now
    row.offered_until = None
    return row


async def erase_registration(
    session: AsyncSession, secret: str, *, links: Links, now: datetime
) -> None:
    """Cancel if needed, then empty every personal field: the link dies, counts stay."""
    row = await cancel_registration(session, secret, links=links, now=now)
    erase(row, now=now)


def erase(row: Registration, *, now: datetime) -> None:
    """Empty a registration's personal fields (name, contact, needs, link)."""
    row.first_name = row.email = row.phone = row.needs = row.secret = None
    row.erased_at = now


async def offer_freed_places(
    session: AsyncSession, outreach: OutreachSession, *, links: Links, now: datetime
) -> None:
    """Offer the places left, one each, to the first people waiting (session locked)."""
    if outreach.start_at <= now or outreach.status != SessionStatus.PUBLISHED:
        return
    while outreach.capacity is None or outreach.places_taken < outreach.capacity:
        first = await session.scalar(
            select(Registration)
            .where(
                Registration.session_id == outreach.id,
                Registration.status == RegistrationStatus.WAITING,
            )
            .order_by(Registration.created_at, Registration.id)
            .limit(1)
        )
        if first is None:
            return
        until = min(now + timedelta(hours=links.rules.offer_hours), outreach.start_at)
        first.status = RegistrationStatus.OFFERED
        first.offered_until = until
        outreach.places_taken += 1
        await session.flush()
        if first.email is not None and first.secret is not None:
            mail = offer_mail(
                recipient=first.email,
                name=first.first_name or "",
                session=session_facts(outreach, links),
                link=links.personal(first.secret),
                until=until,
            )
            await queue_mail(session, mail, now=now)


async def check_registered(session: AsyncSession, row: OutreachSession, data: SessionInput) -> None:
    """Before a session's capacity or registrations change (its places locked): refuse a
    capacity below the places already taken, or closing registrations people hold."""
    await lock_places(session, row.id)
    await session.refresh(row, ["places_taken"])
    if row.takes_registrations and not data.takes_registrations:
        active = await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(
                Registration.session_id == row.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
        )
        if active:
            raise InvalidInputError(
                {
                    "takes_registrations": f"{active} personne(s) inscrite(s) : les inscriptions "
                    "restent ouvertes (annulez la séance pour les prévenir)"
                }
            )
    if data.capacity is not None and data.capacity < row.places_taken:
        raise InvalidInputError(
            {"capacity": f"{row.places_taken} places sont déjà prises par des inscrits : pas moins"}
        )


async def registration_view(
    session: AsyncSession, secret: str
) -> tuple[Registration, OutreachSession]:
    """A registration and its session, for its registrant."""
    row = await find_registration(session, secret)
    return row, await get_session(session, row.session_id)
