"""The append-only audit log: every create, change, cancellation and outcome, before and after.

Reading it goes through the policy (:mod:`planner.access.audit`): admins read every entry;
managers the entries about sessions, venues and campaigns of their territory, decided from the
thing as it is when they read (SQL below mirrors
:func:`~planner.access.audit.may_read_audit_entry`), with e-mail addresses masked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, require_audit_reader
from planner.access.audit import mask_snapshot, masks_emails
from planner.db.access_sql import in_territory
from planner.db.models import (
    AuditEntry,
    CampaignTarget,
    Commune,
    OutreachSession,
    Qpv,
    QpvEpci,
    Venue,
)
from planner.errors import ConflictError
from planner.session import Role


async def _record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Append one entry in the caller's transaction (so it exists only if the change does)."""
    session.add(
        AuditEntry(
            at=now,
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )


class Identified(Protocol):
    """A stored row with an integer primary key ``id``."""

    @property
    def id(self) -> int: ...


Row = TypeVar("Row", bound=Identified)
Snapshot = dict[str, Any] | None


async def audited(
    session: AsyncSession,
    row: Row,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    before: Snapshot,
    after: Callable[[Row], Snapshot] | Snapshot,
    now: datetime,
    conflict: str | None = None,
) -> None:
    """Flush a created, changed or deleted row, then append its audit entry.

    The flush comes first so that a new row has its ``id`` (the entry's ``entity_id``) and
    ``after`` — a snapshot function called with the row, or a ready value — sees the row as
    stored. Every service that changes a row audits it through here.

    ``conflict`` is the French reason to give when the flush breaks a unique constraint (a
    name or e-mail taken by a concurrent request between the service's check and its write):
    a :class:`ConflictError` (409) instead of a database error.
    """
    try:
        await session.flush()
    except IntegrityError:
        if conflict is None:
            raise
        raise ConflictError(conflict) from None
    await _record(
        session,
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=row.id,
        before=before,
        after=after(row) if callable(after) else after,
        now=now,
    )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """An audit entry as its reader may read it."""

    id: int
    at: datetime
    actor_id: int | None
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def readable(caller: Caller) -> ColumnElement[bool]:
    """Entries ``caller`` may read (see the module doc)."""
    if caller.role is Role.ADMIN:
        return AuditEntry.id.is_not(None)
    if caller.role is not Role.MANAGER or not (caller.departments or caller.epcis):
        return false()
    deps, sirens = sorted(caller.departments), sorted(caller.epcis)
    venues = select(Venue.id).where(
        exists().where(
            Commune.insee_code == Venue.insee_code,
            or_(Commune.department_code.in_(deps), Commune.epci_siren.in_(sirens)),
        )
    )
    campaigns = select(CampaignTarget.campaign_id).where(
        or_(
            exists().where(Qpv.code == CampaignTarget.qpv_code, Qpv.department_code.in_(deps)),
            exists().where(QpvEpci.qpv_code == CampaignTarget.qpv_code, QpvEpci.siren.in_(sirens)),
        )
    )
    sessions = select(OutreachSession.id).where(in_territory(deps, sirens))
    return or_(
        and_(AuditEntry.entity == "session", AuditEntry.entity_id.in_(sessions)),
        and_(AuditEntry.entity == "venue", AuditEntry.entity_id.in_(venues)),
        and_(AuditEntry.entity == "campaign", AuditEntry.entity_id.in_(campaigns)),
    )


async def list_entries(
    session: AsyncSession,
    *,
    caller: Caller | None,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRecord]:
    """The entries ``caller`` may read, newest first (managers: e-mails masked)."""
    reader = require_audit_reader(caller)
    query = (
        select(AuditEntry)
        .where(readable(reader))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    masked = masks_emails(reader)
    return [
        AuditRecord(
            r.id,
            r.at,
            r.actor_id,
            r.action,
            r.entity,
            r.entity_id,
            mask_snapshot(r.before) if masked else r.before,
            mask_snapshot(r.after) if masked else r.after,
        )
        for r in (await session.scalars(query.limit(limit).offset(offset))).all()
    ]
