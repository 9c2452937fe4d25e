"""Migration 0009: free-typed audience tags become the vocabulary's audiences."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from planner.db import migration
from planner.db.engine import create_engine
from tests.conftest import Databases

NOW = datetime(2026, 1, 5, 10, tzinfo=UTC)
SESSION = (
    "INSERT INTO outreach_session (id, kind, title, description, internal_notes, start_at, "
    "end_at, timezone, venue_id, organisation_id, status, revision, created_at, updated_at) "
    "VALUES (:n, 'info_session', 'S', '', '', :now, :now, 'Europe/Paris', 1, 7, 'published', 0, "
    ":now, :now)"
)
ROWS: list[tuple[str, dict[str, Any]]] = [
    (
        "INSERT INTO organisation (id, kind, name, created_at, updated_at) "
        "VALUES (7, 'other', 'Organisation (test)', :now, :now)",
        {},
    ),
    (
        "INSERT INTO venue (id, name, name_folded, kind, street, commune_name, address_key, lon, "
        "lat, geocode_provider, geocoded_at, notes, booking_seq, created_at, updated_at) VALUES "
        "(1, 'Lieu', 'lieu', 'other', 'rue', 'Amiens', 'k', 2.3, 49.9, 'manual', :now, '', 0, "
        ":now, :now)",
        {},
    ),
    *((SESSION, {"n": n}) for n in (1, 2, 3)),
    *(
        ("INSERT INTO session_audience (session_id, tag) VALUES (:n, :tag)", {"n": n, "tag": t})
        for n, t in (
            (1, "16-25"),
            (1, "jeunes"),
            (1, "rsa"),
            (2, "tous"),
            (2, "atelier-cv"),
            (3, "femmes"),
        )
    ),
]


async def _execute(url: str, statements: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for statement, values in statements:
                await connection.execute(text(statement), {"now": NOW, **values})
            tags = await connection.execute(
                text("SELECT session_id, tag FROM session_audience ORDER BY session_id, tag")
            )
            versions = await connection.execute(
                text("SELECT id, shown_version FROM outreach_session ORDER BY id")
            )
            return {"tags": [tuple(r) for r in tags], "versions": [tuple(r) for r in versions]}
    finally:
        await engine.dispose()


def test_free_tags_become_the_audiences_they_meant(databases: Databases) -> None:
    """Synonyms merge into one audience, a tag meaning none is dropped, and the sessions whose
    audiences changed get a new shown version (their feeds change)."""
    url = databases.empty()
    migration.upgrade(url, "0008")
    asyncio.run(_execute(url, ROWS))
    migration.upgrade(url, "0009")
    assert asyncio.run(_execute(url, [])) == {
        "tags": [
            (1, "allocataires-rsa"),
            (1, "jeunes-16-25"),
            (2, "tous-publics"),
            (3, "femmes"),
        ],
        "versions": [(1, 1), (2, 1), (3, 0)],
    }
