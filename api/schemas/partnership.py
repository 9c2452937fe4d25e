"""Partnership schemas (msgspec): a partnership seen from one of its two organisations."""

from __future__ import annotations

from datetime import datetime

import msgspec

from api.schemas import Id
from api.schemas.session import OrganisationRef
from planner.db.models import Partnership
from planner.db.partnerships import status


class PartnerCreate(msgspec.Struct, forbid_unknown_fields=True):
    """The organisation to become partners with."""

    partner_id: Id


class Agreement(msgspec.Struct, frozen=True):
    """One side's agreement: who agreed (staff number) and when; ``null`` when not yet."""

    by: int | None
    at: str | None


class PartnershipOut(msgspec.Struct, frozen=True):
    """A partnership as seen from ``organisation``: active when both agreed or an admin set it."""

    id: int
    organisation: OrganisationRef
    partner: OrganisationRef
    status: str
    """``pending`` (one side agreed), ``active`` or ``revoked``."""
    organisation_agreement: Agreement
    partner_agreement: Agreement
    set_by_admin: Agreement
    revoked: Agreement


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def partnership_out(row: Partnership, organisation_id: int) -> PartnershipOut:
    """Present ``row`` from the side of ``organisation_id``."""
    first = (
        Agreement(row.first_agreed_by_id, _when(row.first_agreed_at)),
        Agreement(row.second_agreed_by_id, _when(row.second_agreed_at)),
    )
    ours = organisation_id == row.first_id
    mine, theirs = first if ours else first[::-1]
    me, other = (row.first, row.second) if ours else (row.second, row.first)
    return PartnershipOut(
        id=row.id,
        organisation=OrganisationRef(me.id, me.name),
        partner=OrganisationRef(other.id, other.name),
        status=status(row),
        organisation_agreement=mine,
        partner_agreement=theirs,
        set_by_admin=Agreement(row.set_by_id, _when(row.set_at)),
        revoked=Agreement(row.revoked_by_id, _when(row.revoked_at)),
    )
