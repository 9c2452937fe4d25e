"""Signing in: passwords, one-time invitation and reset links, throttling of failed attempts.

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``, RFC 9106 parameters).
A link's secret is random and shown once (in the mail); only its SHA-256 is stored, it expires
and serves once. Failed sign-ins are recorded with the e-mail tried and the client address:
too many for one account, or from one address, and sign-in is refused until a stated time.
Setting a password changes the person's ``auth_epoch``, which ends their other browser sessions.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.people import require_inviter
from planner.db.models import SignInFailure, SignInLink, Staff
from planner.db.outbox import queue_mail
from planner.db.people import find_staff_by_email, get_staff
from planner.db.tokens import hash_token
from planner.errors import (
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
    TooManyAttemptsError,
)
from planner.messages import invitation_mail, reset_mail

HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
INVITATION = "invitation"
RESET = "reset"
_DUMMY_HASH = HASHER.hash("allervers: compte inexistant")
"""Verified against when the e-mail is unknown, so that both answers take the same time."""


@dataclass(frozen=True, slots=True)
class Throttle:
    """``failures`` failed sign-ins within ``window`` lock out for ``lock`` after the last one."""

    failures: int
    window: timedelta
    lock: timedelta


PER_ACCOUNT = Throttle(failures=5, window=timedelta(minutes=15), lock=timedelta(minutes=15))
PER_ADDRESS = Throttle(failures=20, window=timedelta(minutes=15), lock=timedelta(minutes=15))


def new_epoch() -> str:
    """A fresh value for ``Staff.auth_epoch``."""
    return secrets.token_hex(8)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            {"password": f"le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères"}
        )
    if len(password) > 1024:
        raise InvalidInputError({"password": "le mot de passe ne peut dépasser 1024 caractères"})


async def _issue_link(
    session: AsyncSession, staff: Staff, *, purpose: str, ttl: timedelta, now: datetime
) -> tuple[str, datetime]:
    secret = secrets.token_urlsafe(32)
    expires_at = now + ttl
    session.add(
        SignInLink(
            staff_id=staff.id,
            purpose=purpose,
            secret_hash=hash_token(secret),
            created_at=now,
            expires_at=expires_at,
        )
    )
    return secret, expires_at


async def invite(
    session: AsyncSession,
    staff_id: int,
    *,
    caller: Caller | None,
    base_url: str,
    ttl: timedelta,
    now: datetime,
) -> str:
    """Queue an invitation mail with a one-time link to choose a password; return the link.

    An admin invites anyone, a coordinator the people of their organisation; ``caller`` None
    is the command line."""
    staff = await get_staff(session, staff_id)
    if caller is not None:
        require_inviter(caller, staff.organisation_id)
    if not staff.active:
        raise InvalidInputError({"staff_id": "ce membre du personnel est désactivé"})
    secret, expires_at = await _issue_link(session, staff, purpose=INVITATION, ttl=ttl, now=now)
    link = f"{base_url}/invitation/{secret}"
    mail = invitation_mail(recipient=staff.email, name=staff.name, link=link, expires_at=expires_at)
    await queue_mail(session, mail, now=now)
    return link


async def request_reset(
    session: AsyncSession, email: str, *, base_url: str, ttl: timedelta, now: datetime
) -> None:
    """Queue a reset link to ``email`` if an active account has it; silent otherwise (the
    page answers the same either way, so it does not reveal who has an account)."""
    staff = await find_staff_by_email(session, email)
    if staff is None or not staff.active:
        return
    secret, expires_at = await _issue_link(session, staff, purpose=RESET, ttl=ttl, now=now)
    link = f"{base_url}/reinitialisation/{secret}"
    await queue_mail(
        session,
        reset_mail(recipient=staff.email, name=staff.name, link=link, expires_at=expires_at),
        now=now,
    )


async def _valid_link(
    session: AsyncSession, secret: str, *, purpose: str, now: datetime
) -> SignInLink:
    link = await session.scalar(
        select(SignInLink).where(
            SignInLink.secret_hash == hash_token(secret), SignInLink.purpose == purpose
        )
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise NotFoundError(
            "Ce lien n'est plus valable : il a déjà servi ou il a expiré. "
            "Demandez-en un nouveau (« mot de passe oublié »)."
        )
    return link


async def link_holder(session: AsyncSession, secret: str, *, purpose: str, now: datetime) -> Staff:
    """The person a valid, unused link of ``purpose`` was sent to, or :class:`NotFoundError`."""
    link = await _valid_link(session, secret, purpose=purpose, now=now)
    staff = await get_staff(session, link.staff_id)
    if not staff.active:
        raise NotFoundError("Ce compte est désactivé.")
    return staff


async def set_password_with_link(
    session: AsyncSession,
    secret: str,
    password: str,
    *,
    purpose: str,
    now: datetime,
) -> Staff:
    """Use a link once to set the holder's password; their other sessions end (new epoch),
    and every other unused link of theirs stops working too."""
    _check_password(password)
    link = await _valid_link(session, secret, purpose=purpose, now=now)
    staff = await link_holder(session, secret, purpose=purpose, now=now)
    used = await session.execute(
        update(SignInLink)
        .where(SignInLink.staff_id == staff.id, SignInLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(used, "rowcount", 0) < 1 or link.used_at is not None:
        raise NotFoundError("Ce lien a déjà servi.")
    staff.password_hash = HASHER.hash(password)
    staff.auth_epoch = new_epoch()
    staff.updated_at = now
    await session.execute(delete(SignInFailure).where(SignInFailure.email == staff.email))
    return staff


def _paris(instant: datetime) -> str:
    return instant.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M")


async def _locked_until(
    session: AsyncSession, column: Any, value: str, throttle: Throttle, *, now: datetime
) -> datetime | None:
    recent = (
        await session.scalars(
            select(SignInFailure.at)
            .where(column == value, SignInFailure.at > now - throttle.window - throttle.lock)
            .order_by(SignInFailure.at.desc())
            .limit(throttle.failures)
        )
    ).all()
    if len(recent) < throttle.failures or recent[0] - recent[-1] > throttle.window:
        return None
    until: datetime = recent[0] + throttle.lock
    return until if until > now else None


async def sign_in(
    session: AsyncSession, email: str, password: str, *, address: str, now: datetime
) -> Staff:
    """The active staff member with this e-mail and password, or an error: wrong credentials
    (:class:`AuthenticationError`, recorded) or too many recent failures
    (:class:`TooManyAttemptsError`, saying when to retry)."""
    email = email.strip().lower()
    for column, value, throttle in (
        (SignInFailure.email, email, PER_ACCOUNT),
        (SignInFailure.address, address, PER_ADDRESS),
    ):
        until = await _locked_until(session, column, value, throttle, now=now)
        if until is not None:
            raise TooManyAttemptsError(
                "Trop d'essais infructueux : connexion bloquée pour un moment. "
                f"Réessayez après {_paris(until)}.",
                retry_at=until,
            )
    staff = await find_staff_by_email(session, email)
    stored = staff.password_hash if staff is not None and staff.active else None
    try:
        HASHER.verify(stored or _DUMMY_HASH, password)
        ok = stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or staff is None:
        session.add(SignInFailure(email=email[:254], address=address[:64], at=now))
        raise AuthenticationError("Adresse e-mail ou mot de passe incorrect.")
    if HASHER.check_needs_rehash(stored or ""):
        staff.password_hash = HASHER.hash(password)
    return staff


async def signed_in_staff(session: AsyncSession, data: object) -> Staff | None:
    """The active staff member a browser session's ``{"staff_id", "auth_epoch"}`` designates,
    or ``None`` (no session, unknown person, deactivated, or password changed since)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("staff_id"), int):
        return None
    staff = await session.get(Staff, data["staff_id"])
    if staff is None or not staff.active or staff.auth_epoch != data.get("auth_epoch"):
        return None
    return staff


def session_data(staff: Staff) -> dict[str, Any]:
    """What a browser session holds once ``staff`` signed in."""
    return {"staff_id": staff.id, "auth_epoch": staff.auth_epoch}


async def purge_sign_in_records(session: AsyncSession, *, now: datetime) -> None:
    """Forget failed sign-ins older than a day and links expired a week ago."""
    await session.execute(delete(SignInFailure).where(SignInFailure.at < now - timedelta(days=1)))
    await session.execute(delete(SignInLink).where(SignInLink.expires_at < now - timedelta(days=7)))
