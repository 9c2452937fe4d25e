"""Partnership service: propose, agree, set, revoke and list partnerships between organisations.

A coordinator proposes a partnership by agreeing for their own organisation; it becomes active
when a coordinator of the other organisation agrees too. An admin sets one active at once. A
coordinator of either side, or an admin, revokes it; proposing again afterwards starts afresh.
Who may do what is the policy's (:mod:`planner.access.partnerships`); every change is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.caller import require_caller
from planner.access.partnerships import (
    PartnershipFacts,
    active_partners,
    may_set_partnership,
    partnership_active,
    require_agreeing,
    require_partnership_setter,
    require_revoker,
)
from planner.db.audit import audited
from planner.db.models import Organisation, Partnership
from planner.errors import ConflictError, InvalidInputError, NotFoundError

PENDING, ACTIVE, REVOKED = "pending", "active", "revoked"


def facts(row: Partnership) -> PartnershipFacts:
    """A stored partnership as the policy sees it."""
    return PartnershipFacts(
        first_id=row.first_id,
        second_id=row.second_id,
        first_agreed=row.first_agreed_at is not None,
        second_agreed=row.second_agreed_at is not None,
        set_by_admin=row.set_at is not None,
        revoked=row.revoked_at is not None,
    )


def status(row: Partnership) -> str:
    """``active``, ``pending`` (one side agreed) or ``revoked``."""
    if row.revoked_at is not None:
        return REVOKED
    return ACTIVE if partnership_active(facts(row)) else PENDING


def snapshot(row: Partnership) -> dict[str, Any]:
    """A partnership's state for the audit log."""
    return {
        "organisations": [row.first_id, row.second_id],
        "status": status(row),
        "first_agreed_by": row.first_agreed_by_id,
        "second_agreed_by": row.second_agreed_by_id,
        "set_by": row.set_by_id,
        "revoked_by": row.revoked_by_id,
    }


async def _organisations(
    session: AsyncSession, organisation_id: int, partner_id: int
) -> tuple[Organisation, Organisation]:
    """Both organisations (404 when one is unknown; 422 for the same one twice)."""
    if organisation_id == partner_id:
        raise InvalidInputError(
            {"partner_id": "une organisation ne peut pas être sa propre partenaire"}
        )
    found = []
    for org_id in (organisation_id, partner_id):
        org = await session.get(Organisation, org_id)
        if org is None:
            raise NotFoundError(f"Aucune organisation n° {org_id}.")
        found.append(org)
    return found[0], found[1]


async def find_partnership(
    session: AsyncSession, organisation_id: int, partner_id: int
) -> Partnership | None:
    """The row of this pair of organisations, whatever its state."""
    first, second = sorted((organisation_id, partner_id))
    return await session.scalar(
        select(Partnership).where(Partnership.first_id == first, Partnership.second_id == second)
    )


async def _fresh(
    session: AsyncSession, organisation_id: int, partner_id: int, now: datetime
) -> tuple[Partnership, dict[str, Any] | None]:
    """The pair's row, started afresh when revoked, or a new one (not yet added); its state
    before, for the audit log. Both organisations must exist (404)."""
    orgs = await _organisations(session, organisation_id, partner_id)
    row = await find_partnership(session, organisation_id, partner_id)
    if row is None:
        first, second = sorted(orgs, key=lambda o: o.id)
        row = Partnership(first=first, second=second, created_at=now, updated_at=now)
        return row, None
    before = snapshot(row)
    if row.revoked_at is not None:
        row.first_agreed_by_id = row.second_agreed_by_id = row.set_by_id = None
        row.first_agreed_at = row.second_agreed_at = row.set_at = None
        row.revoked_by_id = row.revoked_at = None
    return row, before


async def _store(session: AsyncSession, row: Partnership, *, new: bool) -> None:
    """Add the pair's row; a new one is written at once in a savepoint, so that the same pair
    proposed by two people at the same moment is a 409 for the second, not a server error."""
    session.add(row)
    if not new:
        return
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise ConflictError(
            "Ce partenariat vient d'être enregistré par quelqu'un d'autre : rechargez la liste "
            "des partenaires avant de recommencer."
        ) from None


async def agree(
    session: AsyncSession,
    organisation_id: int,
    partner_id: int,
    *,
    caller: Caller | None,
    now: datetime,
) -> Partnership:
    """Agree, for ``organisation_id``, to a partnership with ``partner_id``: a proposal when the
    other side has not agreed yet, an active partnership once it has."""
    known = require_agreeing(caller, organisation_id)
    row, before = await _fresh(session, organisation_id, partner_id, now)
    if before is not None and status(row) == ACTIVE:
        raise ConflictError("Ce partenariat est déjà actif.")
    if organisation_id == row.first.id:
        if row.first_agreed_at is not None:
            raise ConflictError("Votre organisation a déjà donné son accord à ce partenariat.")
        row.first_agreed_by_id, row.first_agreed_at = known.staff_id, now
    else:
        if row.second_agreed_at is not None:
            raise ConflictError("Votre organisation a déjà donné son accord à ce partenariat.")
        row.second_agreed_by_id, row.second_agreed_at = known.staff_id, now
    row.updated_at = now
    await _store(session, row, new=before is None)
    await audited(
        session,
        row,
        actor_id=known.staff_id,
        action="agree",
        entity="partnership",
        before=before,
        after=snapshot,
        now=now,
    )
    return row


async def propose(
    session: AsyncSession,
    organisation_id: int,
    partner_id: int,
    *,
    caller: Caller | None,
    now: datetime,
) -> Partnership:
    """An admin sets the partnership at once (:func:`set_partnership`); anyone else agrees for
    ``organisation_id`` (:func:`agree`), if the policy lets them."""
    if caller is not None and may_set_partnership(caller):
        return await set_partnership(session, organisation_id, partner_id, caller=caller, now=now)
    return await agree(session, organisation_id, partner_id, caller=caller, now=now)


async def set_partnership(
    session: AsyncSession,
    organisation_id: int,
    partner_id: int,
    *,
    caller: Caller | None,
    now: datetime,
    operator: bool = False,
) -> Partnership:
    """An admin (or the operator: the command line, the demonstration) makes the partnership
    active at once, for both sides."""
    actor = None if operator else require_partnership_setter(caller).staff_id
    row, before = await _fresh(session, organisation_id, partner_id, now)
    if before is not None and status(row) == ACTIVE:
        raise ConflictError("Ce partenariat est déjà actif.")
    row.set_by_id, row.set_at, row.updated_at = actor, now, now
    await _store(session, row, new=before is None)
    await audited(
        session,
        row,
        actor_id=actor,
        action="set",
        entity="partnership",
        before=before,
        after=snapshot,
        now=now,
    )
    return row


async def revoke(
    session: AsyncSession,
    organisation_id: int,
    partner_id: int,
    *,
    caller: Caller | None,
    now: datetime,
) -> Partnership:
    """End a partnership (active or still proposed): campaigns can no longer plan with it."""
    require_caller(caller)
    await _organisations(session, organisation_id, partner_id)
    row = await find_partnership(session, organisation_id, partner_id)
    if row is None or row.revoked_at is not None:
        raise NotFoundError(
            f"Aucun partenariat en cours entre les organisations n° {organisation_id} et "
            f"n° {partner_id}."
        )
    known = require_revoker(caller, facts(row))
    before = snapshot(row)
    row.revoked_by_id, row.revoked_at, row.updated_at = known.staff_id, now, now
    await audited(
        session,
        row,
        actor_id=known.staff_id,
        action="revoke",
        entity="partnership",
        before=before,
        after=snapshot,
        now=now,
    )
    return row


async def list_partnerships(
    session: AsyncSession, organisation_id: int, *, caller: Caller | None
) -> list[Partnership]:
    """The partnerships of an organisation, revoked ones included, by partner (staff only)."""
    require_caller(caller)
    if await session.get(Organisation, organisation_id) is None:
        raise NotFoundError(f"Aucune organisation n° {organisation_id}.")
    rows = await session.scalars(
        select(Partnership)
        .where(
            or_(Partnership.first_id == organisation_id, Partnership.second_id == organisation_id)
        )
        .order_by(Partnership.first_id, Partnership.second_id)
    )
    return list(rows)


async def active_partner_ids(session: AsyncSession, organisation_id: int) -> frozenset[int]:
    """The organisations in an active partnership with ``organisation_id``."""
    rows = await session.scalars(
        select(Partnership).where(
            or_(Partnership.first_id == organisation_id, Partnership.second_id == organisation_id),
            Partnership.revoked_at.is_(None),
        )
    )
    return active_partners(organisation_id, [facts(row) for row in rows])
