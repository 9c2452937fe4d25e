"""QPV and locate endpoints, through real HTTP on the Litestar test client."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient
from shapely.geometry import shape

from tests.raw import qpv_codes, qpv_codes_in_commune, qpv_features

Client = TestClient  # type: ignore[type-arg]


def _raw(code: str) -> dict[str, Any]:
    return next(f for f in qpv_features() if f["properties"]["code_qp"] == code)


def test_qpv_list_somme(client: Client) -> None:
    """``dep=80`` lists every Somme QPV of the file, Etouvie in Amiens among them."""
    body = client.get("/api/qpv", params={"dep": "80"}).json()
    assert [q["code"] for q in body] == qpv_codes(insee_dep="80")
    etouvie = body[0]
    assert {k: etouvie[k] for k in ("code", "name", "communes", "department", "epci_sirens")} == {
        "code": "QN08001M",
        "name": "Etouvie",
        "communes": [{"insee_code": "80021", "name": "Amiens"}],
        "department": {"code": "80", "name": "Somme"},
        "epci_sirens": ["248000531"],
    }


def test_qpv_list_without_filter_lists_all(client: Client) -> None:
    """No filter: all 204 QPVs, in code order."""
    body = client.get("/api/qpv").json()
    assert [q["code"] for q in body] == qpv_codes()


def test_qpv_list_filters_combine(client: Client) -> None:
    """Commune and text filters combine (Roubaix QPVs whose name holds "pile")."""
    roubaix = client.get("/api/qpv", params={"commune": "59512"}).json()
    assert [q["code"] for q in roubaix] == qpv_codes_in_commune("59512")
    expected = [q["code"] for q in roubaix if "pile" in q["name"].lower()]
    body = client.get("/api/qpv", params={"commune": "59512", "q": "PILE"}).json()
    assert [q["code"] for q in body] == expected


def test_qpv_list_unknown_but_valid_department_is_empty(client: Client) -> None:
    """A well-formed department with no QPV here gives an empty list, not an error."""
    assert client.get("/api/qpv", params={"dep": "75"}).json() == []


@pytest.mark.parametrize(
    ("params", "field", "detail"),
    [
        (
            {"dep": "999x"},
            "dep",
            "format incorrect ; attendu un code de département (ex. 80, 2A, 971) (reçu « 999x »)",
        ),
        (
            {"commune": "Amiens"},
            "commune",
            "format incorrect ; attendu un code INSEE de commune à 5 caractères (ex. 80021 pour "
            "Amiens) (reçu « Amiens »)",
        ),
    ],
)
def test_qpv_list_bad_parameter_is_400(
    client: Client, params: dict[str, str], field: str, detail: str
) -> None:
    """Malformed filters get a 400 problem naming the field."""
    response = client.get("/api/qpv", params=params)
    assert (response.status_code, response.json()["errors"]) == (
        400,
        [{"field": field, "source": "query", "detail": detail}],
    )


def test_qpv_detail_is_geojson_feature(client: Client) -> None:
    """A QPV comes back as a GeoJSON Feature with the published polygon."""
    body = client.get("/api/qpv/QN08001M").json()
    raw = _raw("QN08001M")
    assert (body["type"], body["id"], body["properties"]["name"]) == (
        "Feature",
        "QN08001M",
        "Etouvie",
    )
    assert shape(body["geometry"]).equals(shape(raw["geometry"]))
    assert body["bbox"] == list(shape(raw["geometry"]).bounds)


def test_qpv_detail_unknown_code_is_404(client: Client) -> None:
    """An unknown code gets a 404 problem in French."""
    response = client.get("/api/qpv/QN99999Z")
    assert (response.status_code, response.headers["content-type"], response.json()) == (
        404,
        "application/problem+json",
        {
            "type": "urn:allervers:probleme:introuvable",
            "title": "Introuvable",
            "status": 404,
            "detail": "Aucun QPV ne porte le code QN99999Z.",
            "instance": "/api/qpv/QN99999Z",
            "code": "introuvable",
        },
    )


def test_locate_inside_etouvie(client: Client) -> None:
    """A point inside Etouvie is in QN08001M, at 0 m from it, in Amiens."""
    point = shape(_raw("QN08001M")["geometry"]).representative_point()
    body = client.get("/api/locate", params={"lat": point.y, "lon": point.x}).json()
    assert (body["qpv"]["code"], body["nearest"]["qpv"]["code"], body["nearest"]["distance_m"]) == (
        "QN08001M",
        "QN08001M",
        0.0,
    )
    assert body["commune"] == {
        "insee_code": "80021",
        "name": "Amiens",
        "department_code": "80",
        "epci_siren": "248000531",
        "postcodes": ["80000", "80080", "80090"],
    }


def test_locate_outside_gives_nearest_and_distance(client: Client) -> None:
    """Amiens cathedral is in no QPV; the nearest one is named with a distance in metres."""
    body = client.get("/api/locate", params={"lat": 49.8945, "lon": 2.3022}).json()
    assert (body["qpv"], body["commune"]["insee_code"]) == (None, "80021")
    assert body["nearest"]["qpv"]["department"]["code"] == "80"
    assert 0 < body["nearest"]["distance_m"] < 5000


def test_locate_at_sea_has_no_commune(client: Client) -> None:
    """A point in the Channel is in no commune and no QPV."""
    body = client.get("/api/locate", params={"lat": 50.5, "lon": 1.2}).json()
    assert (body["qpv"], body["commune"], body["nearest"]["distance_m"] > 10_000) == (
        None,
        None,
        True,
    )


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"lon": "2.3"}, [("lat", "paramètre obligatoire manquant")]),
        ({"lat": "91", "lon": "2.3"}, [("lat", "doit être inférieur ou égal à 90")]),
        ({"lat": "49.9", "lon": "abc"}, [("lon", "un nombre est attendu")]),
        (
            {"lat": "nan", "lon": "-181"},
            [
                ("lat", "doit être supérieur ou égal à -90"),
                ("lon", "doit être supérieur ou égal à -180"),
            ],
        ),
    ],
)
def test_locate_bad_coordinates_is_400(
    client: Client, params: dict[str, str], errors: list[tuple[str, str]]
) -> None:
    """Missing, non-numeric or out-of-range coordinates get a 400 problem naming each field."""
    response = client.get("/api/locate", params=params)
    body = response.json()
    assert (response.status_code, body["code"]) == (400, "parametre-invalide")
    assert [(e["field"], e["detail"].split(" ; ")[0]) for e in body["errors"]] == errors


def test_unknown_route_and_method_are_french_problems(client: Client) -> None:
    """Unknown paths give 404 and wrong methods 405, both as French problems."""
    missing = client.get("/api/nulle-part")
    wrong = client.post("/api/qpv")
    assert (missing.status_code, missing.json()["detail"]) == (
        404,
        "Aucune ressource à l'adresse /api/nulle-part.",
    )
    assert (wrong.status_code, wrong.json()["detail"]) == (
        405,
        "La méthode POST n'est pas acceptée à l'adresse /api/qpv.",
    )


def test_department_outlines_for_map_context(client: Client) -> None:
    """The five departments of the bundled communes come back as small outlines."""
    response = client.get("/api/departements.geojson")
    body = response.json()
    assert [f["id"] for f in body["features"]] == ["02", "59", "60", "62", "80"]
    assert (len(response.content) < 150_000, response.headers["cache-control"]) == (
        True,
        "max-age=3600",
    )
    assert all(shape(f["geometry"]).is_valid for f in body["features"])
