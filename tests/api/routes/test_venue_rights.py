"""Venue ownership through HTTP: who changes and deletes a venue, and deleting one in use."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from litestar.testing import TestClient

from api.settings import Settings
from planner.clock import PARIS
from planner.session import Role
from tests.conftest import Team
from tests.factories import add_staff, book_evening_session, create_venue

Client = TestClient  # type: ignore[type-arg]
SHARED = {
    "name": "Salle partagée (test)",
    "kind": "association",
    "street": "Place Vauban",
    "postcode": "80080",
    "commune": "Amiens",
    "lat": 49.9151,
    "lon": 2.2502,
    "organisation_id": None,
}


def test_created_venue_belongs_to_the_creators_organisation(client: Client, team: Team) -> None:
    """An adviser's venue is their organisation's; they may not create one for another (403)."""
    venue = create_venue(client, team)
    shown = client.get(f"/api/venues/{venue}", headers=team.headers("adviser")).json()
    other = client.post(
        "/api/venues",
        json={**SHARED, "organisation_id": team.centre_social},
        headers=team.headers("adviser"),
    )
    assert (shown["organisation"], other.status_code) == (
        {"id": team.mission_locale, "name": "Mission Locale de test"},
        403,
    )


def test_owner_coordinator_and_admin_change_others_refused(
    client: Client, team: Team, settings: Settings
) -> None:
    """The owner's coordinator and an admin may rename; the owner's adviser, another
    organisation's adviser and a manager get 403 and change nothing."""
    venue = create_venue(client, team)
    _, coordinator = asyncio.run(
        add_staff(settings.database_url, team.mission_locale, Role.COORDINATOR, "coord")
    )
    statuses = {
        who: client.patch(
            f"/api/venues/{venue}", json={"name": f"Renommé par {who}"}, headers=headers
        ).status_code
        for who, headers in (
            ("adviser", team.headers("adviser")),
            ("partner", team.headers("partner")),
            ("manager", team.headers("manager")),
            ("coordinator", coordinator),
            ("admin", team.headers("admin")),
        )
    }
    name = client.get(f"/api/venues/{venue}", headers=team.headers("adviser")).json()["name"]
    assert (statuses, name) == (
        {"adviser": 403, "partner": 403, "manager": 403, "coordinator": 200, "admin": 200},
        "Renommé par admin",
    )


def test_shared_venue_is_for_admins_only(client: Client, team: Team, settings: Settings) -> None:
    """Only an admin creates a shared venue; a coordinator may neither change nor delete it."""
    refused = client.post("/api/venues", json=SHARED, headers=team.headers("adviser"))
    created = client.post("/api/venues", json=SHARED, headers=team.headers("admin"))
    venue = created.json()
    _, coordinator = asyncio.run(
        add_staff(settings.database_url, team.mission_locale, Role.COORDINATOR, "coord")
    )
    patched = client.patch(f"/api/venues/{venue['id']}", json={"name": "X"}, headers=coordinator)
    deleted = client.delete(f"/api/venues/{venue['id']}", headers=coordinator)
    assert (
        refused.status_code,
        created.status_code,
        venue["organisation"],
        patched.status_code,
        patched.json()["detail"],
        deleted.status_code,
    ) == (
        403,
        201,
        None,
        403,
        "Ce lieu est partagé : seuls les administrateurs peuvent le modifier.",
        403,
    )
    gone = client.delete(f"/api/venues/{venue['id']}", headers=team.headers("admin"))
    assert gone.status_code == 204


def test_admin_hands_venue_over(client: Client, team: Team) -> None:
    """An admin gives a venue to another organisation; its adviser cannot do so (403)."""
    venue = create_venue(client, team)
    refused = client.patch(
        f"/api/venues/{venue}", json={"organisation_id": None}, headers=team.headers("adviser")
    )
    given = client.patch(
        f"/api/venues/{venue}",
        json={"organisation_id": team.centre_social},
        headers=team.headers("admin"),
    )
    assert (refused.status_code, given.status_code, given.json()["organisation"]) == (
        403,
        200,
        {"id": team.centre_social, "name": "Centre social de test"},
    )


def test_delete_venue_hosting_future_published_session_names_it(
    client: Client, team: Team, settings: Settings
) -> None:
    """409 naming the future published session (title, local date and time); nothing deleted."""
    venue = create_venue(client, team)
    day = datetime.now(PARIS).date() + timedelta(days=10)
    session = asyncio.run(
        book_evening_session(
            settings.database_url, team, venue, day=day, now=datetime.now(UTC), publish=True
        )
    )
    response = client.delete(f"/api/venues/{venue}", headers=team.headers("admin"))
    local = datetime(day.year, day.month, day.day, 18, tzinfo=ZoneInfo("Europe/Paris"))
    assert (response.status_code, response.json()["detail"]) == (
        409,
        "Le lieu « Centre social d'Etouvie (test) » accueille des séances publiées à venir : "
        f"« Permanence passée » le {local:%d/%m/%Y} à 18:00 (n° {session}). Annulez-les ou "
        "déplacez-les avant de supprimer le lieu.",
    )
    assert client.get(f"/api/venues/{venue}", headers=team.headers("admin")).status_code == 200
