"""Organisations and their staff members (roles, territory overseen); every change is audited.

Their API tokens and private calendar URLs are in :mod:`planner.db.tokens`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db.audit import audited
from planner.db.models import Organisation, Staff, StaffTerritory, Venue
from planner.errors import ConflictError, InvalidInputError, NotFoundError
from planner.session import OrganisationKind, Role


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
    if siret is not None and not (len(siret) == 14 and siret.isascii() and siret.isdigit()):
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
        and value.isascii()
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
    await audited(
        session,
        org,
        actor_id=actor_id,
        action="create",
        entity="organisation",
        before=None,
        after=organisation_snapshot,
        now=now,
        conflict=f"Une organisation s'appelle déjà « {values['name']} ».",
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
    name = changes["name"].strip() if "name" in changes else org.name
    taken = f"Une organisation s'appelle déjà « {name} »."
    if "name" in changes and await session.scalar(
        select(Organisation.id).where(Organisation.name == name, Organisation.id != org.id)
    ):
        raise ConflictError(taken)
    for field, value in changes.items():
        setattr(org, field, value.strip() if field == "name" else value)
    org.updated_at = now
    await audited(
        session,
        org,
        actor_id=actor_id,
        action="update",
        entity="organisation",
        before=before,
        after=organisation_snapshot,
        now=now,
        conflict=taken,
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
    await audited(
        session,
        staff,
        actor_id=actor_id,
        action="create",
        entity="staff",
        before=None,
        after=staff_snapshot,
        now=now,
        conflict=f"Un membre du personnel utilise déjà l'adresse {email}.",
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
    await audited(
        session,
        staff,
        actor_id=actor_id,
        action="update",
        entity="staff",
        before=before,
        after=staff_snapshot,
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
