"""A name or an e-mail is taken once: concurrent creations through real HTTP give one 201 and
409s, never a 500 (the unique constraint's error is the service's conflict)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import Team, serve

ATTEMPTS = 20


@pytest.fixture
def server(database_url: str, team: Team) -> Iterator[str]:
    """``allervers serve`` on the test's database, in its own process; its base URL."""
    yield from serve(database_url)


async def _fire(base: str, team: Team, path: str, body: dict[str, object]) -> list[int]:
    async with httpx.AsyncClient(base_url=base, headers=team.headers("admin"), timeout=60) as c:
        answers = await asyncio.gather(*(c.post(path, json=body) for _ in range(ATTEMPTS)))
    return [a.status_code for a in answers]


def test_concurrent_organisations_of_one_name(server: str, team: Team) -> None:
    """20 creations of the same organisation name at once: one 201, nineteen 409."""
    body = {"kind": "centre_social", "name": "Centre social des Quatre-Chemins"}
    statuses = asyncio.run(_fire(server, team, "/api/organisations", body))
    assert Counter(statuses) == Counter({201: 1, 409: ATTEMPTS - 1})


def test_concurrent_staff_of_one_email(server: str, team: Team) -> None:
    """20 creations of staff with the same e-mail at once: one 201, nineteen 409."""
    body = {
        "organisation_id": team.mission_locale,
        "name": "Awa Diallo",
        "email": "awa.diallo@example.org",
        "role": "adviser",
    }
    statuses = asyncio.run(_fire(server, team, "/api/staff", body))
    assert Counter(statuses) == Counter({201: 1, 409: ATTEMPTS - 1})
