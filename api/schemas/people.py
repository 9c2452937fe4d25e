"""Organisation, staff and token schemas (msgspec)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from api.schemas import Id
from planner.db.models import ApiToken, Organisation, Staff
from planner.session import OrganisationKind, Role

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Siret = Annotated[str, msgspec.Meta(pattern=r"^\d{14}$")]
Clock = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Email = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Department = Annotated[str, msgspec.Meta(pattern=r"^(\d{2}|2[AB]|97\d)$")]
Siren = Annotated[str, msgspec.Meta(pattern=r"^\d{9}$")]


class OrganisationCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new organisation; ``evening_start``/``evening_end`` override the evening window."""

    kind: OrganisationKind
    name: Name
    siret: Siret | None = None
    home_venue_id: Id | None = None
    evening_start: Clock | None = None
    evening_end: Clock | None = None


class OrganisationPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Changes to an organisation."""

    kind: OrganisationKind | msgspec.UnsetType = msgspec.UNSET
    name: Name | msgspec.UnsetType = msgspec.UNSET
    siret: Siret | msgspec.UnsetType | None = msgspec.UNSET
    home_venue_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    evening_start: Clock | msgspec.UnsetType | None = msgspec.UNSET
    evening_end: Clock | msgspec.UnsetType | None = msgspec.UNSET


class OrganisationOut(msgspec.Struct, frozen=True):
    """An organisation."""

    id: int
    kind: str
    name: str
    siret: str | None
    home_venue_id: int | None
    evening_start: str | None
    evening_end: str | None


def organisation_out(org: Organisation) -> OrganisationOut:
    """Present an organisation."""
    return OrganisationOut(
        org.id, org.kind, org.name, org.siret, org.home_venue_id, org.evening_start, org.evening_end
    )


class StaffCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new staff member; managers may be given departments and EPCIs to oversee."""

    organisation_id: Id
    name: Name
    email: Email
    role: Role
    departments: list[Department] = []
    epcis: list[Siren] = []


class StaffPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Changes to a staff member."""

    organisation_id: Id | msgspec.UnsetType = msgspec.UNSET
    name: Name | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    departments: list[Department] | msgspec.UnsetType = msgspec.UNSET
    epcis: list[Siren] | msgspec.UnsetType = msgspec.UNSET


class StaffOut(msgspec.Struct, frozen=True):
    """A staff member (never shown to the public)."""

    id: int
    organisation_id: int
    name: str
    email: str
    role: str
    active: bool
    departments: list[str]
    epcis: list[str]


def staff_out(staff: Staff) -> StaffOut:
    """Present a staff member."""
    return StaffOut(
        id=staff.id,
        organisation_id=staff.organisation_id,
        name=staff.name,
        email=staff.email,
        role=staff.role,
        active=staff.active,
        departments=[t.code for t in staff.territory if t.kind == "departement"],
        epcis=[t.code for t in staff.territory if t.kind == "epci"],
    )


class TokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A token to create for a staff member (admins), or for oneself without ``staff_id``."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    staff_id: Id | None = None


class TokenOut(msgspec.Struct, frozen=True):
    """A token, without its secret (``token`` is only filled once, when it is created)."""

    id: int
    staff_id: int
    name: str
    prefix: str
    created_at: str
    revoked_at: str | None
    token: str | None = None


def token_out(token: ApiToken, secret: str | None = None) -> TokenOut:
    """Present a token."""
    return TokenOut(
        id=token.id,
        staff_id=token.staff_id,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at.isoformat(),
        revoked_at=token.revoked_at.isoformat() if token.revoked_at else None,
        token=secret,
    )
