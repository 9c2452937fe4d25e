"""API tokens and private calendar URLs of staff members, and authentication by token.

Tokens are random secrets shown once; only their SHA-256 is stored, so a database leak does not
leak working tokens (they are long random strings: a fast hash is enough, no password stretching).
Every issue, revocation and rotation is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.people import may_manage_token
from planner.db.audit import audited
from planner.db.models import ApiToken, Staff
from planner.db.people import get_staff
from planner.errors import AuthenticationError, InvalidInputError, NotFoundError
from planner.session import Role

TOKEN_PREFIX = "av_"  # noqa: S105 - a public marker of our tokens, not a secret


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(
    session: AsyncSession, staff_id: int, *, name: str, actor_id: int | None, now: datetime
) -> tuple[ApiToken, str]:
    """Create a token for a staff member; return its row and the secret, shown only now."""
    staff = await get_staff(session, staff_id)
    if not staff.active:
        raise InvalidInputError({"staff_id": "ce membre du personnel est désactivé"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        staff_id=staff_id,
        name=name.strip() or "jeton",
        token_hash=hash_token(secret),
        prefix=secret[:10],
        created_at=now,
    )
    session.add(token)
    await audited(
        session,
        token,
        actor_id=actor_id,
        action="create",
        entity="token",
        before=None,
        after={"staff_id": staff_id, "name": token.name, "prefix": token.prefix},
        now=now,
    )
    return token, secret


async def revoke_token(
    session: AsyncSession,
    token_id: int,
    *,
    caller: Caller | None,
    actor_id: int | None,
    now: datetime,
) -> ApiToken:
    """Revoke a token: by an admin, its owner, or the command line (``caller`` None, actor None)."""
    token = await session.get(ApiToken, token_id)
    if token is None or (caller is not None and not may_manage_token(caller, token.staff_id)):
        raise NotFoundError(f"Aucun jeton n° {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = now
        await audited(
            session,
            token,
            actor_id=actor_id,
            action="revoke",
            entity="token",
            before={"revoked_at": None},
            after={"revoked_at": now.isoformat()},
            now=now,
        )
    return token


async def list_tokens(session: AsyncSession, *, staff_id: int | None = None) -> Sequence[ApiToken]:
    """Tokens (never their secret), newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if staff_id is not None:
        query = query.where(ApiToken.staff_id == staff_id)
    return (await session.scalars(query)).all()


async def authenticate(session: AsyncSession, token: str) -> Caller:
    """The caller a bearer token belongs to, or :class:`AuthenticationError`."""
    row = await session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip()))
    )
    if row is None or row.revoked_at is not None or not row.staff.active:
        raise AuthenticationError("Jeton inconnu, révoqué ou d'un compte désactivé.")
    return caller_of(row.staff)


def caller_of(staff: Staff) -> Caller:
    """The caller a staff member is: their organisation, role and territory."""
    return Caller(
        staff_id=staff.id,
        organisation_id=staff.organisation_id,
        role=Role(staff.role),
        departments=frozenset(t.code for t in staff.territory if t.kind == "departement"),
        epcis=frozenset(t.code for t in staff.territory if t.kind == "epci"),
    )


FEED_TOKEN_PREFIX = "cal_"  # noqa: S105 - a public marker of calendar URLs, not a secret


async def rotate_feed_token(session: AsyncSession, staff_id: int, *, now: datetime) -> str:
    """Give a staff member a new private calendar secret (the old URL stops working)."""
    staff = await get_staff(session, staff_id)
    secret = FEED_TOKEN_PREFIX + secrets.token_urlsafe(24)
    had = staff.feed_token_hash is not None
    staff.feed_token_hash = hash_token(secret)
    staff.updated_at = now
    await audited(
        session,
        staff,
        actor_id=staff_id,
        action="rotate" if had else "create",
        entity="feed-token",
        before={"feed": had},
        after={"feed": True},
        now=now,
    )
    return secret


async def revoke_feed_token(session: AsyncSession, staff_id: int, *, now: datetime) -> None:
    """Remove a staff member's private calendar URL."""
    staff = await get_staff(session, staff_id)
    if staff.feed_token_hash is not None:
        staff.feed_token_hash = None
        staff.updated_at = now
        await audited(
            session,
            staff,
            actor_id=staff_id,
            action="revoke",
            entity="feed-token",
            before={"feed": True},
            after={"feed": False},
            now=now,
        )


async def staff_by_feed_token(session: AsyncSession, secret: str) -> Staff | None:
    """The active staff member whose private calendar URL carries ``secret``."""
    staff = await session.scalar(select(Staff).where(Staff.feed_token_hash == hash_token(secret)))
    return staff if staff is not None and staff.active else None
