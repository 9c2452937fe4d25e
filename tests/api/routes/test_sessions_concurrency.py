"""No double booking, ever: conflicting bookings fired together through real HTTP, one wins."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from datetime import time as clock

import httpx
import pytest

from planner.clock import PARIS
from tests.conftest import Team, serve

ATTEMPTS = 24


@pytest.fixture
def server(database_url: str, team: Team) -> Iterator[str]:
    """``allervers serve`` on the test's database, in its own process; its base URL."""
    yield from serve(database_url)


async def _fire(base: str, team: Team, payloads: list[dict[str, object]]) -> list[int]:
    async with httpx.AsyncClient(
        base_url=base, headers=team.headers("adviser"), timeout=60
    ) as client:
        responses = await asyncio.gather(*(client.post("/api/sessions", json=p) for p in payloads))
    return [r.status_code for r in responses]


def _payload(team: Team, venue: int, title: str, staff: list[int]) -> dict[str, object]:
    day = datetime.now(PARIS).date() + timedelta(days=30)
    return {
        "kind": "neighbourhood_session",
        "title": title,
        "start": datetime.combine(day, clock(18), tzinfo=PARIS).isoformat(),
        "end": datetime.combine(day, clock(21), tzinfo=PARIS).isoformat(),
        "venue_id": venue,
        "organisation_id": team.mission_locale,
        "staff_ids": staff,
    }


def _venue(base: str, team: Team, name: str) -> int:
    body = httpx.post(
        f"{base}/api/venues",
        json={
            "name": name,
            "kind": "centre_social",
            "street": "Place Vauban",
            "commune": "Amiens",
            "lat": 49.9151,
            "lon": 2.2502,
        },
        headers=team.headers("adviser"),
    ).json()
    return int(body["id"])


def test_concurrent_conflicting_bookings_exactly_one_wins(server: str, team: Team) -> None:
    """24 bookings of the same pair at the same venue and time, sent together: one 201, the
    rest 409, and one session stored."""
    venue = _venue(server, team, "Salle commune (test)")
    payloads = [
        _payload(team, venue, f"Tentative {i}", [team.adviser, team.partner])
        for i in range(ATTEMPTS)
    ]
    statuses = asyncio.run(_fire(server, team, payloads))
    stored = httpx.get(f"{server}/api/sessions", headers=team.headers("adviser")).json()["total"]
    assert (Counter(statuses), stored) == (Counter({201: 1, 409: ATTEMPTS - 1}), 1)


def test_concurrent_bookings_sharing_only_the_venue(server: str, team: Team) -> None:
    """Different staff, same venue and time: still exactly one booking."""
    venue = _venue(server, team, "Salle du quartier (test)")
    first = _payload(team, venue, "Équipe A", [team.adviser, team.partner])
    second = _payload(team, venue, "Équipe B", [team.admin, team.partner])
    statuses = asyncio.run(_fire(server, team, [first, second] * 6))
    assert Counter(statuses) == Counter({201: 1, 409: 11})
