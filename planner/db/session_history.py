"""A session's history, read from the audit log for its page: who did what, when, and what
changed, in French and by name (people, venues), not by number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db.models import AuditEntry, Staff, Venue
from planner.rules_status import STATUS_LABELS
from planner.session import SessionStatus

ACTIONS = {
    "create": "réservée",
    "update": "modifiée",
    "published": "publiée",
    "cancelled": "annulée",
    "completed": "terminée",
    "outcome": "bilan enregistré",
    "held": "saisie après coup (tenue sans réservation)",
}
LABELS = {
    "title": "titre",
    "start": "début",
    "end": "fin",
    "venue_id": "lieu",
    "status": "état",
    "staff": "intervenants",
    "capacity": "places",
    "cancel_reason": "raison de l'annulation",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One field changed: its French name, before and after, as people read them."""

    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the history."""

    at: datetime
    who: str
    what: str
    changes: tuple[Change, ...]


async def session_history(session: AsyncSession, session_id: int, *, zone: ZoneInfo) -> list[Event]:
    """The session's audit entries, oldest first, each with the fields it changed. The caller's
    right to read it is the page's to check (:func:`planner.access.may_read_history`)."""
    entries = list(
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "session", AuditEntry.entity_id == session_id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )
    staff_ids: set[int] = set()
    venue_ids: set[int] = set()
    for entry in entries:
        for snap in (entry.before or {}, entry.after or {}):
            staff_ids.update(snap.get("staff", []))
            if isinstance(snap.get("venue_id"), int):
                venue_ids.add(snap["venue_id"])
        if entry.actor_id is not None:
            staff_ids.add(entry.actor_id)
    people_rows = await session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(staff_ids)))
    venue_rows = await session.execute(select(Venue.id, Venue.name).where(Venue.id.in_(venue_ids)))
    people: dict[int, str] = {row[0]: row[1] for row in people_rows}
    venues: dict[int, str] = {row[0]: row[1] for row in venue_rows}

    def shown(name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if name in ("start", "end"):
            return f"{datetime.fromisoformat(value).astimezone(zone):%d/%m/%Y %H:%M}"
        if name == "venue_id":
            return str(venues.get(value, f"lieu n° {value}"))
        if name == "staff":
            return ", ".join(str(people.get(i, f"n° {i}")) for i in value)
        if name == "status":
            return STATUS_LABELS[SessionStatus(value)]
        return str(value)

    events = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changes = tuple(
            Change(label, shown(name, before.get(name)), shown(name, after.get(name)))
            for name, label in LABELS.items()
            if before and before.get(name) != after.get(name)
        )
        who = people.get(entry.actor_id, "le système") if entry.actor_id else "le système"
        events.append(Event(entry.at, str(who), ACTIONS.get(entry.action, entry.action), changes))
    return events
