"""Open data of a territory through HTTP: published by an admin, read by anyone, counts only."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any

from litestar.testing import TestClient
from shapely.geometry import shape

from api.settings import Settings
from planner.clock import PARIS
from tests.conftest import Team
from tests.factories import book_evening_session, create_venue
from tests.raw import qpv_codes, qpv_features

Client = TestClient  # type: ignore[type-arg]
AMIENS_METROPOLE = "248000531"
PROPERTIES = [
    "code_qp",
    "lib_qp",
    "insee_dep",
    "lib_dep",
    "communes",
    "seances_tenues",
    "heures_de_seance",
    "organisations",
    "periode_debut",
    "periode_fin",
]


def _period() -> tuple[date, date]:
    """The twelve complete months before the current one (computed here independently)."""
    today = datetime.now(PARIS).date()
    last = today.replace(day=1) - timedelta(days=1)
    first = date(last.year - 1, last.month, 1) + timedelta(days=32)
    return first.replace(day=1), last


def _held(client: Client, team: Team, settings: Settings) -> None:
    """Two sessions of 3 hours held last month or the one before: one for Etouvie, one for
    Etouvie and Marcel Paul - Salamandre; and a draft, which never counts."""
    venue = create_venue(client, team)
    last = _period()[1]
    for day, codes, publish in (
        (last - timedelta(days=3), ("QN08001M",), True),
        (last - timedelta(days=40), ("QN08001M", "QN08002M"), True),
        (last - timedelta(days=5), ("QN08003M",), False),
    ):
        asyncio.run(
            book_evening_session(
                settings.database_url,
                team,
                venue,
                day=day,
                now=datetime.combine(day, time(9), tzinfo=PARIS) - timedelta(days=5),
                qpv_codes=codes,
                publish=publish,
            )
        )


def _publish(client: Client, team: Team, territory: str) -> Any:
    return client.put(f"/api/open-data/{territory}", headers=team.headers("admin"))


def test_open_data_unpublished_is_404(client: Client, team: Team) -> None:
    """Before an admin publishes it, a territory's files do not exist, for anyone."""
    geojson = client.get("/donnees-ouvertes/80/qpv.geojson")
    table = client.get("/donnees-ouvertes/80/qpv.csv", headers=team.headers("admin"))
    assert (geojson.status_code, table.status_code, geojson.json()["detail"]) == (
        404,
        404,
        "Aucune donnée ouverte n'est publiée pour le département 80.",
    )


def test_open_data_geojson_counts_per_qpv(client: Client, team: Team, settings: Settings) -> None:
    """Published, the Somme's GeoJSON lists every QPV with its counts over the twelve last
    complete months, anonymously, from any site, with its licence; counts only."""
    _held(client, team, settings)
    published = _publish(client, team, "80")
    response = client.get("/donnees-ouvertes/80/qpv.geojson")
    body = response.json()
    first, last = _period()
    coverage = client.get(
        "/api/coverage",
        params={"dep": "80", "from": first.isoformat(), "to": last.isoformat()},
        headers=team.headers("admin"),
    ).json()
    organisations = {f["id"]: f["properties"]["organisations"] for f in coverage["features"]}
    etouvie = next(f["properties"] for f in body["features"] if f["id"] == "QN08001M")
    assert (published.status_code, published.json()["geojson"]) == (
        200,
        f"{settings.public_url}/donnees-ouvertes/80/qpv.geojson",
    )
    assert (
        response.status_code,
        response.headers["content-type"],
        response.headers["access-control-allow-origin"],
        response.headers["cache-control"],
    ) == (200, "application/geo+json", "*", "public, max-age=3600")
    assert (body["type"], body["licence"], body["territoire"]) == (
        "FeatureCollection",
        "Licence Ouverte / Open Licence 2.0 (Etalab)",
        "département 80",
    )
    assert [f["id"] for f in body["features"]] == qpv_codes(insee_dep="80")
    assert {f["geometry"]["type"] for f in body["features"]} <= {"Polygon", "MultiPolygon"}
    assert etouvie == {
        "code_qp": "QN08001M",
        "lib_qp": "Etouvie",
        "insee_dep": "80",
        "lib_dep": "Somme",
        "communes": "Amiens",
        "seances_tenues": 2,
        "heures_de_seance": 6.0,
        "organisations": organisations["QN08001M"],
        "periode_debut": first.isoformat(),
        "periode_fin": last.isoformat(),
    }
    assert [
        (f["id"], f["properties"]["seances_tenues"], f["properties"]["organisations"])
        for f in body["features"]
        if f["properties"]["seances_tenues"]
    ] == [
        ("QN08001M", 2, organisations["QN08001M"]),
        ("QN08002M", 1, organisations["QN08002M"]),
    ]
    assert all(list(f["properties"]) == PROPERTIES for f in body["features"])
    assert [word for word in ("Personne de test", "@test.invalid") if word in response.text] == []


def test_open_data_csv_same_counts(client: Client, team: Team, settings: Settings) -> None:
    """The CSV carries the same counts, comma-separated with a decimal point, and each QPV's
    centroid for a map."""
    _held(client, team, settings)
    _publish(client, team, "80")
    response = client.get("/donnees-ouvertes/80/qpv.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    etouvie = next(r for r in rows if r["code_qp"] == "QN08001M")
    assert (
        response.status_code,
        response.headers["content-type"],
        response.headers["access-control-allow-origin"],
    ) == (200, "text/csv; header=present; charset=utf-8", "*")
    assert list(rows[0]) == [*PROPERTIES, "latitude", "longitude"]
    assert [r["code_qp"] for r in rows] == qpv_codes(insee_dep="80")
    assert (etouvie["seances_tenues"], etouvie["heures_de_seance"], etouvie["communes"]) == (
        "2",
        "6.0",
        "Amiens",
    )
    centre = shape(
        next(f for f in qpv_features() if f["properties"]["code_qp"] == "QN08001M")["geometry"]
    ).centroid
    assert (float(etouvie["latitude"]), float(etouvie["longitude"])) == (
        round(centre.y, 5),
        round(centre.x, 5),
    )


def test_open_data_of_an_epci(client: Client, team: Team) -> None:
    """An EPCI published by its SIREN gives its QPVs; its department stays unpublished."""
    published = _publish(client, team, AMIENS_METROPOLE)
    body = client.get(f"/donnees-ouvertes/{AMIENS_METROPOLE}/qpv.geojson").json()
    listed = client.get("/api/open-data").json()
    assert (published.json()["label"], body["territoire"]) == (
        f"EPCI {AMIENS_METROPOLE}",
        f"EPCI {AMIENS_METROPOLE}",
    )
    assert [f["id"] for f in body["features"]] == qpv_codes(siren_epci=AMIENS_METROPOLE)
    assert client.get("/donnees-ouvertes/80/qpv.geojson").status_code == 404
    assert [(p["territory"], p["kind"]) for p in listed] == [(AMIENS_METROPOLE, "epci")]


def test_open_data_year_and_revalidation(client: Client, team: Team) -> None:
    """``annee`` publishes a calendar year (the current one up to today); a year to come is
    a 400 problem; a client holding the current copy gets a 304."""
    _publish(client, team, "80")
    today = datetime.now(PARIS).date()
    year = client.get("/donnees-ouvertes/80/qpv.geojson", params={"annee": today.year - 1})
    current = client.get("/donnees-ouvertes/80/qpv.geojson", params={"annee": today.year})
    future = client.get("/donnees-ouvertes/80/qpv.csv", params={"annee": today.year + 1})
    again = client.get(
        "/donnees-ouvertes/80/qpv.geojson",
        params={"annee": today.year - 1},
        headers={"If-None-Match": year.headers["etag"]},
    )
    assert (year.json()["periode_debut"], year.json()["periode_fin"]) == (
        f"{today.year - 1}-01-01",
        f"{today.year - 1}-12-31",
    )
    assert current.json()["periode_fin"] == today.isoformat()
    assert (future.status_code, future.headers["content-type"]) == (
        400,
        "application/problem+json",
    )
    assert (again.status_code, again.content) == (304, b"")


def test_open_data_switch_is_for_admins(client: Client, team: Team) -> None:
    """Only admins publish and withdraw; withdrawn, the files are 404 again; a territory
    without QPV cannot be published, a malformed one is a 400."""
    refused = [
        (who, client.put("/api/open-data/80", headers=team.headers(who)).status_code)
        for who in ("adviser", "manager")
    ]
    anonymous = client.put("/api/open-data/80").status_code
    _publish(client, team, "80")
    opened = client.get("/donnees-ouvertes/80/qpv.geojson").status_code
    withdrawn = client.delete("/api/open-data/80", headers=team.headers("admin")).status_code
    closed = client.get("/donnees-ouvertes/80/qpv.geojson").status_code
    twice = client.delete("/api/open-data/80", headers=team.headers("admin")).status_code
    nowhere = _publish(client, team, "75")
    malformed = client.get("/donnees-ouvertes/8/qpv.geojson")
    assert (refused, anonymous) == ([("adviser", 403), ("manager", 403)], 401)
    assert (opened, withdrawn, closed, twice) == (200, 204, 404, 404)
    assert (nowhere.status_code, nowhere.json()["detail"]) == (
        404,
        "Aucun QPV chargé dans le département 75 : rien à publier.",
    )
    assert (malformed.status_code, client.get("/api/open-data").json()) == (400, [])
