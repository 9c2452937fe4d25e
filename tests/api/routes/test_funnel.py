"""After an employer forum: immersions and hires recorded by its organisers, the chain per forum
and summed in the coverage of its territory; refusals say why and store nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from litestar.testing import TestClient

from api.settings import Settings
from planner.clock import PARIS
from tests.conftest import Team
from tests.db import start_now
from tests.factories import book_forum, create_venue

Client = TestClient  # type: ignore[type-arg]


def test_registered_attended_immersions_hires(
    client: Client, team: Team, settings: Settings
) -> None:
    """Three registered, two came, one immersion ending in a hire under emplois francs: the
    forum's chain and the coverage of department 80 say 3 → 2 → 1 → 1 (1 emploi franc)."""
    adviser = team.headers("adviser")
    employer = client.post(
        "/api/organisations",
        json={"kind": "employer", "name": "Entreprise de test"},
        headers=team.headers("admin"),
    ).json()["id"]
    forum = book_forum(client, team, create_venue(client, team), capacity=10)
    for number, name in enumerate(("Amina", "Bruno", "Chloé")):
        client.post(
            f"/api/sessions/{forum}/registrations",
            json={"first_name": name, "phone": f"061122334{number}", "consent": True},
        )
    early = client.post(
        f"/api/sessions/{forum}/hires",
        json={"employer_id": employer, "contract": "cdi", "first_day": "2030-01-01"},
        headers=adviser,
    )
    start_now(settings.database_url, forum)
    people = client.get(f"/api/sessions/{forum}/registrations", headers=adviser).json()
    client.put(
        f"/api/sessions/{forum}/attendance",
        json={
            "marks": [
                {"registration_id": people[0]["id"], "attendance": "present"},
                {"registration_id": people[1]["id"], "attendance": "present"},
                {"registration_id": people[2]["id"], "attendance": "absent"},
            ]
        },
        headers=adviser,
    )
    today = datetime.now(PARIS).date()
    immersion = client.post(
        f"/api/sessions/{forum}/immersions",
        json={
            "employer_id": employer,
            "registration_id": people[0]["id"],
            "first_day": (today + timedelta(days=7)).isoformat(),
            "last_day": (today + timedelta(days=9)).isoformat(),
        },
        headers=adviser,
    )
    ended = client.patch(
        f"/api/immersions/{immersion.json()['id']}", json={"outcome": "hire"}, headers=adviser
    )
    hire = client.post(
        f"/api/sessions/{forum}/hires",
        json={
            "employer_id": employer,
            "registration_id": people[0]["id"],
            "contract": "cdi",
            "first_day": (today + timedelta(days=30)).isoformat(),
            "emplois_francs": True,
        },
        headers=adviser,
    )
    before = client.post(
        f"/api/sessions/{forum}/hires",
        json={"employer_id": employer, "contract": "cdd", "first_day": "2020-01-01"},
        headers=adviser,
    )
    unknown = client.post(
        f"/api/sessions/{forum}/immersions",
        json={
            "employer_id": 999_999,
            "first_day": today.isoformat(),
            "last_day": (today + timedelta(days=40)).isoformat(),
        },
        headers=adviser,
    )
    chain = client.get(f"/api/sessions/{forum}/funnel", headers=adviser).json()
    coverage = client.get(
        "/api/coverage",
        params={"dep": "80", "from": (today - timedelta(days=1)).isoformat()},
        headers=team.headers("admin"),
    ).json()["summary"]["forums"]
    page = client.get(f"/agenda/seances/{forum}", headers=adviser).text
    assert (early.status_code, immersion.status_code, ended.json()["outcome"]) == (409, 201, "hire")
    assert (hire.status_code, before.status_code, unknown.status_code) == (201, 422, 422)
    assert {e["field"] for e in unknown.json()["errors"]} == {"employer_id", "last_day"}
    expected = {
        "forums": 1,
        "registered": 3,
        "attended": 2,
        "immersions": 1,
        "hires": 1,
        "emplois_francs": 1,
    }
    assert (chain, coverage) == (expected, expected)
    assert "3 inscrits → 2 présents → 1 immersion → 1 embauche (dont 1 en emploi franc)" in page
