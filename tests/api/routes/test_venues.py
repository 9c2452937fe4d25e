"""Venues through HTTP: placed from a typed address offline, by hand, or refused with reasons."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import Team

Client = TestClient  # type: ignore[type-arg]


@pytest.fixture
def client(client: Client, team: Team) -> Client:
    """The app's client, authenticated as an adviser (venues are for staff)."""
    client.headers.update(team.headers("adviser"))
    return client


AUBY_TOWN_HALL = {
    "name": "Mairie d'Auby",
    "kind": "mairie",
    "street": "25 rue Leon Blum",
    "postcode": "59950",
    "commune": "auby",
    "capacity": 80,
    "step_free": True,
}
ETOUVIE_POINT = {"lat": 49.9151, "lon": 2.2502}


def _create(client: Client, **changes: Any) -> Any:
    return client.post("/api/venues", json={**AUBY_TOWN_HALL, **changes})


def test_create_venue_from_typed_address_offline(client: Client) -> None:
    """A town-hall address typed loosely is placed offline, in its commune and QPV."""
    response = _create(client)
    body = response.json()
    assert response.status_code == 201
    assert (body["geocoding"]["provider"], body["insee_code"], body["qpv"]) == (
        "offline",
        "59028",
        "QN05901M",
    )
    assert body["serves"][0] == {"code": "QN05901M", "distance_m": 0.0}
    assert (body["nearest_qpv"], body["nearest_qpv_distance_m"]) == ("QN05901M", 0.0)
    assert body["geocoding"]["score"] >= 0.8
    assert client.get(f"/api/venues/{body['id']}").json() == body


def test_create_venue_with_coordinates_is_manual(client: Client) -> None:
    """Coordinates given by hand win: provenance manual, located in Etouvie."""
    response = _create(
        client,
        name="Centre social d'Etouvie",
        kind="centre_social",
        street="Place Vauban",
        postcode="80080",
        commune="Amiens",
        **ETOUVIE_POINT,
    )
    body = response.json()
    assert (response.status_code, body["geocoding"]["provider"], body["geocoding"]["score"]) == (
        201,
        "manual",
        None,
    )
    assert (body["insee_code"], body["qpv"], body["point"]) == ("80021", "QN08001M", ETOUVIE_POINT)


def test_create_venue_unknown_address_saves_nothing(client: Client) -> None:
    """Nothing matching: 422 saying so, and no venue saved."""
    response = _create(client, street="zzzz qqqq", postcode=None, commune="Xyzzyville")
    assert (response.status_code, response.json()["code"]) == (422, "adresse-introuvable")
    assert client.get("/api/venues").json() == []


def test_create_venue_unsure_address_lists_candidates(client: Client) -> None:
    """An unknown street in a known commune is not guessed: 422 with the candidates."""
    response = _create(client, street="12 rue Imaginaire des Tests")
    body = response.json()
    assert (response.status_code, body["code"]) == (422, "adresse-ambigue")
    assert [c["insee_code"] for c in body["candidates"]][:1] == ["59028"]
    assert all(c["score"] < 0.8 for c in body["candidates"])
    assert client.get("/api/venues").json() == []


def test_create_venue_at_a_chosen_candidate(client: Client) -> None:
    """After an ambiguous answer, the proposal chosen by its label places the venue there with
    the geocoder's provenance; a label not proposed for the address is ambiguous again."""
    proposals = _create(client, street="12 rue Imaginaire des Tests").json()["candidates"]
    chosen = proposals[0]
    created = _create(client, street="12 rue Imaginaire des Tests", candidate=chosen["label"])
    stranger = _create(
        client,
        name="Autre lieu",
        street="12 rue Imaginaire des Tests",
        candidate="1 rue de Nulle Part 00000 Ailleurs",
    )
    body = created.json()
    assert (created.status_code, body["geocoding"]["provider"], body["geocoding"]["label"]) == (
        201,
        chosen["provider"],
        chosen["label"],
    )
    assert body["point"] == {"lat": chosen["lat"], "lon": chosen["lon"]}
    assert (stranger.status_code, stranger.json()["code"]) == (422, "adresse-ambigue")


def test_create_same_venue_twice_is_a_conflict(client: Client) -> None:
    """The same name at the same address, typed differently, is refused with 409."""
    first = _create(client).json()
    again = _create(client, name="MAIRIE D AUBY", street="25  Rue Leon Blum", commune="Auby")
    assert (again.status_code, again.json()["code"]) == (409, "conflit")
    assert [v["id"] for v in client.get("/api/venues").json()] == [first["id"]]


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"kind": "piscine"}, ["kind"]),
        ({"name": ""}, ["name"]),
        ({"capacity": -3}, ["capacity"]),
        ({"postcode": "5995"}, ["postcode"]),
        ({"lat": 95.0, "lon": 2.0}, ["lat"]),
    ],
)
def test_create_venue_bad_fields_are_400(
    client: Client, payload: dict[str, Any], fields: list[str]
) -> None:
    """Invalid fields get a 400 problem naming them, in French; nothing is saved."""
    response = _create(client, **payload)
    body = response.json()
    assert (response.status_code, body["code"], [e["field"] for e in body["errors"]]) == (
        400,
        "parametre-invalide",
        fields,
    )
    assert client.get("/api/venues").json() == []


def test_create_venue_half_coordinates_is_422(client: Client) -> None:
    """A latitude without longitude is refused by the venue rules."""
    response = _create(client, lat=49.9)
    assert (response.status_code, response.json()["errors"]) == (
        422,
        [{"field": "lon", "detail": "donnez la latitude et la longitude ensemble"}],
    )


def test_list_venues_filters(client: Client) -> None:
    """Filters by served QPV, commune, kind and text, each alone."""
    auby = _create(client).json()
    etouvie = _create(
        client,
        name="Centre social d'Etouvie",
        kind="centre_social",
        street="Place Vauban",
        postcode="80080",
        commune="Amiens",
        **ETOUVIE_POINT,
    ).json()

    def ids(**params: str) -> list[int]:
        return [v["id"] for v in client.get("/api/venues", params=params).json()]

    assert (
        ids(),
        ids(qpv="QN08001M"),
        ids(commune="59028"),
        ids(kind="mairie"),
        ids(q="etouvie"),
    ) == (
        [etouvie["id"], auby["id"]],
        [etouvie["id"]],
        [auby["id"]],
        [auby["id"]],
        [etouvie["id"]],
    )


def test_patch_venue_name_keeps_placement(client: Client, team: Team) -> None:
    """Renaming (by an admin: advisers do not change venues) does not geocode again."""
    venue = _create(client).json()
    changed = client.patch(
        f"/api/venues/{venue['id']}",
        json={"name": "Hôtel de ville d'Auby"},
        headers=team.headers("admin"),
    ).json()
    assert (changed["name"], changed["geocoding"], changed["point"]) == (
        "Hôtel de ville d'Auby",
        venue["geocoding"],
        venue["point"],
    )


def test_patch_venue_coordinates_then_address(client: Client, team: Team) -> None:
    """New coordinates make it manual; a new address afterwards geocodes it again."""
    venue = _create(client).json()
    admin = team.headers("admin")
    moved = client.patch(f"/api/venues/{venue['id']}", json=ETOUVIE_POINT, headers=admin).json()
    assert (moved["geocoding"]["provider"], moved["qpv"]) == ("manual", "QN08001M")
    readdressed = client.patch(
        f"/api/venues/{venue['id']}",
        json={"street": "26 place Roger Salengro", "postcode": "59410", "commune": "Anzin"},
        headers=admin,
    ).json()
    assert (readdressed["geocoding"]["provider"], readdressed["insee_code"]) == ("offline", "59014")
    assert [s["code"] for s in readdressed["serves"]] == ["QN05920M", "QN05930M"]


def test_delete_venue(client: Client, team: Team) -> None:
    """A venue deleted by an admin is gone: 204, then 404."""
    venue = _create(client).json()
    deleted = client.delete(f"/api/venues/{venue['id']}", headers=team.headers("admin"))
    assert deleted.status_code == 204
    missing = client.get(f"/api/venues/{venue['id']}")
    assert (missing.status_code, missing.json()["detail"]) == (404, f"Aucun lieu n° {venue['id']}.")


def test_geocode_endpoint_ranks_candidates_with_qpv(client: Client) -> None:
    """The geocode endpoint gives ranked candidates, located in their QPV."""
    body = client.get(
        "/api/geocode", params={"q": "25 rue Léon-Blum 59950 Auby", "limit": 3}
    ).json()
    assert (body[0]["insee_code"], body[0]["qpv"], body[0]["provider"]) == (
        "59028",
        "QN05901M",
        "offline",
    )
    assert [c["score"] for c in body] == sorted((c["score"] for c in body), reverse=True)
    assert len(body) <= 3


def test_geocoders_down_is_503_with_retry_after(settings: Settings, team: Team) -> None:
    """With only an unreachable BAN configured: 503 with Retry-After, nothing saved."""
    down = Settings(
        database_url=settings.database_url,
        geocoders="ban",
        ban_domain="127.0.0.1:9",
        ban_scheme="http",
        geocoder_timeout=1.0,
    )
    with TestClient(app=create_app(down)) as client:
        client.headers.update(team.headers("adviser"))
        response = _create(client)
        listed = client.get("/api/venues").json()
    assert (response.status_code, response.headers.get("retry-after"), response.json()["code"]) == (
        503,
        "30",
        "geocodeur-indisponible",
    )
    assert listed == []
