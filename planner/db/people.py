"""Organisations, staff members and their API tokens; every change is audited.

Tokens are random secrets shown once; only their SHA-256 is stored, so a database leak does not
leak working tokens (they are long random strings: a fast hash is enough, no password stretching).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.db.audit import record
from planner.db.models import ApiToken, Organisation, Staff, StaffTerritory, Venue
from planner.errors import AuthenticationError, ConflictError, InvalidInputError, NotFoundError
from planner.session import OrganisationKind, Role

TOKEN_PREFIX = "av_"  # noqa: S105 - a public marker of our tokens, not a secret


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def organisation_snapshot(org: Organisation) -> dict[str, Any]:
    """An organisation's fields for the audit log."""
    return {
        "kind": org.kind,
        "name": org.name,
        "siret": org.siret,
        "home_venue_id": org.home_venue_id,
        "evening_start": org.evening_start,
        "evening_end": org.evening_end,
    }


def staff_snapshot(staff: Staff) -> dict[str, Any]:
    """A staff member's fields for the audit log."""
    return {
        "organisation_id": staff.organisation_id,
        "name": staff.name,
        "email": staff.email,
        "role": staff.role,
        "active": staff.active,
        "territory": [f"{t.kind}:{t.code}" for t in staff.territory],
    }


async def _check_organisation_fields(session: AsyncSession, values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    siret = values.get("siret")
    if siret is not None and not (len(siret) == 14 and siret.isdigit()):
        errors["siret"] = "un SIRET compte 14 chiffres"
    venue_id = values.get("home_venue_id")
    if venue_id is not None and await session.get(Venue, venue_id) is None:
        errors["home_venue_id"] = f"aucun lieu n° {venue_id}"
    for name in ("evening_start", "evening_end"):
        value = values.get(name)
        if value is not None and not _is_hhmm(value):
            errors[name] = f"heure « {value} » invalide : HH:MM attendu"
    if errors:
        raise InvalidInputError(errors)


def _is_hhmm(value: str) -> bool:
    hours, _, minutes = value.partition(":")
    return (
        len(value) == 5
        and hours.isdigit()
        and minutes.isdigit()
        and 0 <= int(hours) < 24
        and 0 <= int(minutes) < 60
    )


async def create_organisation(
    session: AsyncSession,
    *,
    kind: OrganisationKind,
    name: str,
    siret: str | None = None,
    home_venue_id: int | None = None,
    evening_start: str | None = None,
    evening_end: str | None = None,
    actor_id: int | None,
    now: datetime,
) -> Organisation:
    """Create an organisation (unique name)."""
    values = {
        "kind": kind.value,
        "name": name.strip(),
        "siret": siret,
        "home_venue_id": home_venue_id,
        "evening_start": evening_start,
        "evening_end": evening_end,
    }
    await _check_organisation_fields(session, values)
    if await session.scalar(select(Organisation).where(Organisation.name == values["name"])):
        raise ConflictError(f"Une organisation s'appelle déjà « {values['name']} ».")
    org = Organisation(**values, created_at=now, updated_at=now)
    session.add(org)
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action="create",
        entity="organisation",
        entity_id=org.id,
        before=None,
        after=organisation_snapshot(org),
        now=now,
    )
    return org


async def update_organisation(
    session: AsyncSession,
    org_id: int,
    changes: dict[str, Any],
    *,
    actor_id: int | None,
    now: datetime,
) -> Organisation:
    """Change an organisation's fields."""
    org = await get_organisation(session, org_id)
    before = organisation_snapshot(org)
    if "kind" in changes and isinstance(changes["kind"], OrganisationKind):
        changes = {**changes, "kind": changes["kind"].value}
    await _check_organisation_fields(session, changes)
    for name, value in changes.items():
        setattr(org, name, value.strip() if name == "name" else value)
    org.updated_at = now
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action="update",
        entity="organisation",
        entity_id=org.id,
        before=before,
        after=organisation_snapshot(org),
        now=now,
    )
    return org


async def get_organisation(session: AsyncSession, org_id: int) -> Organisation:
    """The organisation ``org_id`` or :class:`NotFoundError`."""
    org = await session.get(Organisation, org_id)
    if org is None:
        raise NotFoundError(f"Aucune organisation n° {org_id}.")
    return org


async def list_organisations(session: AsyncSession) -> Sequence[Organisation]:
    """Every organisation, by name."""
    return (await session.scalars(select(Organisation).order_by(Organisation.name))).all()


def _territory(departments: Sequence[str], epcis: Sequence[str]) -> list[StaffTerritory]:
    return [StaffTerritory(kind="departement", code=d) for d in sorted(set(departments))] + [
        StaffTerritory(kind="epci", code=e) for e in sorted(set(epcis))
    ]


async def create_staff(
    session: AsyncSession,
    *,
    organisation_id: int,
    name: str,
    email: str,
    role: Role,
    departments: Sequence[str] = (),
    epcis: Sequence[str] = (),
    actor_id: int | None,
    now: datetime,
) -> Staff:
    """Create a staff member (unique e-mail) in an existing organisation."""
    await get_organisation(session, organisation_id)
    email = email.strip().lower()
    if await session.scalar(select(Staff).where(Staff.email == email)):
        raise ConflictError(f"Un membre du personnel utilise déjà l'adresse {email}.")
    staff = Staff(
        organisation_id=organisation_id,
        name=name.strip(),
        email=email,
        role=role.value,
        active=True,
        booking_seq=0,
        created_at=now,
        updated_at=now,
        territory=_territory(departments, epcis),
    )
    session.add(staff)
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action="create",
        entity="staff",
        entity_id=staff.id,
        before=None,
        after=staff_snapshot(staff),
        now=now,
    )
    return staff


async def update_staff(
    session: AsyncSession,
    staff_id: int,
    changes: dict[str, Any],
    *,
    actor_id: int | None,
    now: datetime,
) -> Staff:
    """Change a staff member (name, role, organisation, active flag, territory)."""
    staff = await get_staff(session, staff_id)
    before = staff_snapshot(staff)
    if "organisation_id" in changes:
        await get_organisation(session, changes["organisation_id"])
    for name in ("organisation_id", "name", "active"):
        if name in changes:
            setattr(staff, name, changes[name])
    if "role" in changes:
        staff.role = Role(changes["role"]).value
    if "departments" in changes or "epcis" in changes:
        current_deps = [t.code for t in staff.territory if t.kind == "departement"]
        current_epcis = [t.code for t in staff.territory if t.kind == "epci"]
        staff.territory = _territory(
            changes.get("departments", current_deps), changes.get("epcis", current_epcis)
        )
    staff.updated_at = now
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action="update",
        entity="staff",
        entity_id=staff.id,
        before=before,
        after=staff_snapshot(staff),
        now=now,
    )
    return staff


async def get_staff(session: AsyncSession, staff_id: int) -> Staff:
    """The staff member ``staff_id`` or :class:`NotFoundError`."""
    staff = await session.get(Staff, staff_id)
    if staff is None:
        raise NotFoundError(f"Aucun membre du personnel n° {staff_id}.")
    return staff


async def find_staff_by_email(session: AsyncSession, email: str) -> Staff | None:
    """The staff member with this e-mail, if any."""
    return await session.scalar(select(Staff).where(Staff.email == email.strip().lower()))


async def list_staff(
    session: AsyncSession, *, organisation_id: int | None = None
) -> Sequence[Staff]:
    """Staff members, by name."""
    query = select(Staff).order_by(Staff.name, Staff.id)
    if organisation_id is not None:
        query = query.where(Staff.organisation_id == organisation_id)
    return (await session.scalars(query)).all()


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
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action="create",
        entity="token",
        entity_id=token.id,
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
    if token is None or (
        caller is not None and caller.role is not Role.ADMIN and token.staff_id != caller.staff_id
    ):
        raise NotFoundError(f"Aucun jeton n° {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = now
        await record(
            session,
            actor_id=actor_id,
            action="revoke",
            entity="token",
            entity_id=token.id,
            before={"revoked_at": None},
            after={"revoked_at": now.isoformat()},
            now=now,
        )
        await session.flush()
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
    staff = row.staff
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
    await session.flush()
    await record(
        session,
        actor_id=staff_id,
        action="rotate" if had else "create",
        entity="feed-token",
        entity_id=staff_id,
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
        await session.flush()
        await record(
            session,
            actor_id=staff_id,
            action="revoke",
            entity="feed-token",
            entity_id=staff_id,
            before={"feed": True},
            after={"feed": False},
            now=now,
        )


async def staff_by_feed_token(session: AsyncSession, secret: str) -> Staff | None:
    """The active staff member whose private calendar URL carries ``secret``."""
    staff = await session.scalar(select(Staff).where(Staff.feed_token_hash == hash_token(secret)))
    return staff if staff is not None and staff.active else None
