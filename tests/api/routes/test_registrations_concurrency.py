"""Capacity holds under a crowd: two hundred registrations fired together through real HTTP for
thirty places give exactly thirty confirmed and the rest waiting, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from planner.db.engine import create_engine
from planner.db.models import OutreachSession, Registration
from tests.conftest import Team, serve
from tests.factories import book_forum, create_venue

CROWD, PLACES = 200, 30


@pytest.fixture
def server(database_url: str, team: Team) -> Iterator[str]:
    """``allervers serve`` on the test's database (two worker processes on PostgreSQL, so that
    registrations really run side by side); its base URL."""
    yield from serve(database_url, workers=2 if database_url.startswith("postgres") else 1)


async def _crowd(base: str, session_id: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=CROWD)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        return await asyncio.gather(
            *(
                client.post(
                    f"/api/sessions/{session_id}/registrations",
                    json={
                        "first_name": f"Personne {i}",
                        "phone": f"06 00 00 {i:04d}"[:14],
                        "consent": True,
                    },
                )
                for i in range(CROWD)
            )
        )


async def _stored(url: str, session_id: int) -> tuple[int, Counter[str]]:
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine)() as s:
            taken = await s.scalar(
                select(OutreachSession.places_taken).where(OutreachSession.id == session_id)
            )
            rows = await s.execute(
                select(Registration.status, func.count())
                .where(Registration.session_id == session_id)
                .group_by(Registration.status)
            )
            return int(taken or 0), Counter({str(status): int(n) for status, n in rows.all()})
    finally:
        await engine.dispose()


def test_two_hundred_registrations_for_thirty_places(
    server: str, team: Team, database_url: str
) -> None:
    """Every registration is taken (201): thirty confirmed, a hundred and seventy waiting, in
    the answers as in the database, and the session shows no place left."""
    with httpx.Client(base_url=server) as client:
        venue = create_venue(client, team)
        session_id = book_forum(client, team, venue, capacity=PLACES)
    answers = asyncio.run(_crowd(server, session_id))
    codes = Counter(a.status_code for a in answers)
    statuses = Counter(a.json()["status"] for a in answers if a.status_code == 201)
    left = httpx.get(f"{server}/api/sessions/{session_id}").json()["places_left"]
    assert (codes, statuses, left) == (
        Counter({201: CROWD}),
        Counter({"confirmed": PLACES, "waiting": CROWD - PLACES}),
        0,
    )
    assert asyncio.run(_stored(database_url, session_id)) == (
        PLACES,
        Counter({"confirmed": PLACES, "waiting": CROWD - PLACES}),
    )
