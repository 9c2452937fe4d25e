"""Migration 0013: a campaign's single department or EPCI becomes its territory's lists, and
back on downgrade."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from planner.db import migration
from planner.db.engine import create_engine
from tests.conftest import Databases

NOW = datetime(2026, 1, 5, 10, tzinfo=UTC)
CAMPAIGN = (
    "INSERT INTO campaign (id, name, organisation_id, department, epci, first_day, last_day, "
    "kind, duration_minutes, window_start, window_end, max_sessions_per_week, min_gap_days, "
    "time_limit_s, revision, created_at, updated_at) VALUES (:n, 'C', 7, :dep, :epci, "
    "'2027-01-04', '2027-01-10', 'neighbourhood_session', 120, '17:00', '22:00', 2, 3, 10, 0, "
    ":now, :now)"
)
ROWS: list[tuple[str, dict[str, Any]]] = [
    (
        "INSERT INTO organisation (id, kind, name, created_at, updated_at) "
        "VALUES (7, 'other', 'Organisation (test)', :now, :now)",
        {},
    ),
    (CAMPAIGN, {"n": 1, "dep": "80", "epci": None}),
    (CAMPAIGN, {"n": 2, "dep": None, "epci": "200070993"}),
]


async def _execute(url: str, statements: list[tuple[str, dict[str, Any]]], query: str) -> list:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for statement, values in statements:
                await connection.execute(text(statement), {"now": NOW, **values})
            return [tuple(r) for r in await connection.execute(text(query))]
    finally:
        await engine.dispose()


def _lists(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def test_single_department_or_epci_becomes_the_lists_and_back(databases: Databases) -> None:
    url = databases.empty()
    migration.upgrade(url, "0012")
    asyncio.run(_execute(url, ROWS, "SELECT 1"))
    migration.upgrade(url, "0013")
    rows = asyncio.run(_execute(url, [], "SELECT id, departments, epcis FROM campaign ORDER BY id"))
    assert [(i, _lists(d), _lists(e)) for i, d, e in rows] == [
        (1, ["80"], []),
        (2, [], ["200070993"]),
    ]
    migration.downgrade(url, "0012")
    back = asyncio.run(_execute(url, [], "SELECT id, department, epci FROM campaign ORDER BY id"))
    assert back == [(1, "80", None), (2, None, "200070993")]
