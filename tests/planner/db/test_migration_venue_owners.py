"""Migration 0006: existing venues are owned by their creator's organisation, else shared."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from planner.db import migration
from planner.db.engine import create_engine
from tests.conftest import Databases

NOW = datetime(2026, 1, 5, 10, tzinfo=UTC)
VENUE = (
    "INSERT INTO venue (id, name, name_folded, kind, street, commune_name, address_key, lon, lat, "
    "geocode_provider, geocoded_at, notes, booking_seq, created_at, updated_at) VALUES (:n, "
    "'Lieu', 'lieu', 'other', 'rue', 'Amiens', :key, 2.3, 49.9, 'manual', :now, '', 0, :now, :now)"
)
AUDIT = (
    "INSERT INTO audit_entry (at, actor_id, action, entity, entity_id) "
    "VALUES (:now, :actor, :action, 'venue', :n)"
)
ROWS: list[tuple[str, dict[str, Any]]] = [
    (
        "INSERT INTO organisation (id, kind, name, created_at, updated_at) "
        "VALUES (7, 'other', 'Organisation (test)', :now, :now)",
        {},
    ),
    (
        "INSERT INTO staff (id, organisation_id, name, email, role, active, booking_seq, "
        "created_at, updated_at) VALUES (3, 7, 'P', 'p@test.invalid', 'adviser', true, 0, :now, "
        ":now)",
        {},
    ),
    *((VENUE, {"n": n, "key": f"lieu {n}"}) for n in (1, 2, 3)),
    # venue 1 created by staff 3; venue 2 from the command line (no actor); venue 3: no entry
    (AUDIT, {"actor": 3, "action": "create", "n": 1}),
    (AUDIT, {"actor": None, "action": "create", "n": 2}),
    (AUDIT, {"actor": 3, "action": "update", "n": 3}),
]


async def _execute(
    url: str, statements: list[tuple[str, dict[str, Any]]]
) -> list[tuple[int, int | None]]:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for statement, values in statements:
                await connection.execute(text(statement), {"now": NOW, **values})
            rows = await connection.execute(
                text("SELECT id, organisation_id FROM venue ORDER BY id")
                if "organisation_id" in await connection.run_sync(_venue_columns)
                else text("SELECT id, NULL FROM venue ORDER BY id")
            )
            return [(int(r[0]), r[1]) for r in rows]
    finally:
        await engine.dispose()


def _venue_columns(connection):  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    return {c["name"] for c in inspect(connection).get_columns("venue")}


def test_existing_venues_get_their_creators_organisation(databases: Databases) -> None:
    """The audit log's create entry by a staff member gives the owner; otherwise shared."""
    url = databases.empty()
    migration.upgrade(url, "0005")
    asyncio.run(_execute(url, ROWS))
    migration.upgrade(url, "0006")
    assert asyncio.run(_execute(url, [])) == [(1, 7), (2, None), (3, None)]
