"""``/api/communes.geojson``: commune outlines and names as map context, through real HTTP."""

from __future__ import annotations

import csv
import gzip
import json
from functools import cache
from typing import Any

import shapely
from litestar.testing import TestClient
from shapely.geometry import Point, shape

from tests.raw import DATA

Client = TestClient  # type: ignore[type-arg]
AMIENS_METROPOLE = "248000531"


@cache
def _communes() -> list[dict[str, str]]:
    """The bundled communes CSV, read independently."""
    with (DATA / "communes_hdf.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


@cache
def _outlines() -> dict[str, Any]:
    """The bundled outlines by INSEE code, read independently."""
    features = json.loads((DATA / "communes_hdf_contours.geojson").read_text("utf-8"))["features"]
    return {f["properties"]["insee_com"]: shape(f["geometry"]) for f in features}


def test_communes_of_a_department_with_names_and_label_points(client: Client) -> None:
    """``dep=80`` answers every commune of the Somme, by INSEE code, with its name, its
    population and a label point inside its real outline, as GeoJSON cached for a day."""
    response = client.get("/api/communes.geojson", params={"dep": "80"})
    body = response.json()
    somme = sorted(c["insee_com"] for c in _communes() if c["insee_dep"] == "80")
    amiens = next(f for f in body["features"] if f["id"] == "80021")
    outside = [
        f["id"]
        for f in body["features"]
        if not _outlines()[f["id"]].buffer(0.001).contains(Point(f["properties"]["etiquette"]))
    ]
    assert (response.status_code, response.headers["content-type"]) == (
        200,
        "application/geo+json",
    )
    assert (response.headers["cache-control"], body["type"], body["attribution"]) == (
        "public, max-age=86400",
        "FeatureCollection",
        "Communes : IGN, INSEE (Licence Ouverte 2.0)",
    )
    assert [f["id"] for f in body["features"]] == somme
    assert amiens["properties"] == {
        "nom": "Amiens",
        "population": 134057,
        "etiquette": [2.272, 49.899],
    }
    assert outside == []


def test_communes_outlines_stay_close_to_the_real_ones(client: Client) -> None:
    """99 % of the simplified outlines stray less than 0.0075° from the bundled ones, and
    neighbours still meet: less than 0.1 % of the area is overlap or gap."""
    features = client.get("/api/communes.geojson", params={"dep": "80"}).json()["features"]
    shapes = {f["id"]: shape(f["geometry"]) for f in features}
    far = [code for code, s in shapes.items() if s.hausdorff_distance(_outlines()[code]) >= 0.0075]
    total = sum(s.area for s in shapes.values())
    union = shapely.union_all(list(shapes.values()), grid_size=0.001).area
    assert (len(far) <= len(shapes) // 100, abs(total - union) / union < 0.001) == (True, True)


def test_communes_of_an_epci(client: Client) -> None:
    """``epci=`` answers the communes of that EPCI, as the communes file lists them."""
    body = client.get("/api/communes.geojson", params={"epci": AMIENS_METROPOLE}).json()
    expected = sorted(c["insee_com"] for c in _communes() if c["siren_epci"] == AMIENS_METROPOLE)
    assert [f["id"] for f in body["features"]] == expected


def test_communes_whole_region_is_small_and_revalidated(client: Client) -> None:
    """Without a territory, the 3,782 communes of the region; compressed when asked (well
    under 400 kB), and a client holding the current copy gets a 304 without a body."""
    plain = client.get("/api/communes.geojson")
    packed = client.get("/api/communes.geojson", headers={"Accept-Encoding": "gzip"})
    again = client.get(
        "/api/communes.geojson",
        headers={"If-None-Match": plain.headers["etag"], "Accept-Encoding": "identity"},
    )
    encoded = gzip.compress(plain.content, mtime=0)
    assert (len(plain.json()["features"]), packed.headers["content-encoding"]) == (3782, "gzip")
    assert (len(plain.content) < 1_600_000, len(encoded) < 400_000) == (True, True)
    assert (again.status_code, again.content) == (304, b"")


def test_communes_unknown_or_malformed_territory(client: Client) -> None:
    """A well-formed department with no commune loaded is a 404 problem in French; a
    malformed one a 400."""
    missing = client.get("/api/communes.geojson", params={"dep": "75"})
    malformed = client.get("/api/communes.geojson", params={"dep": "7"})
    assert (missing.status_code, missing.json()["detail"]) == (
        404,
        "Aucune commune chargée dans le département 75.",
    )
    assert (malformed.status_code, malformed.headers["content-type"]) == (
        400,
        "application/problem+json",
    )
