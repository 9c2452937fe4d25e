"""The append-only audit log: every create, change, cancellation and outcome, before and after."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db.models import AuditEntry


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
) -> None:
    """Flush a created, changed or deleted row, then append its audit entry.

    The flush comes first so that a new row has its ``id`` (the entry's ``entity_id``) and
    ``after`` — a snapshot function called with the row, or a ready value — sees the row as
    stored. Every service that changes a row audits it through here.
    """
    await session.flush()
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


async def list_entries(
    session: AsyncSession,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[AuditEntry]:
    """Entries, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    return (await session.scalars(query.limit(limit).offset(offset))).all()
