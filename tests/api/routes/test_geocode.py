"""The configured chain through the API: BAN asked when offline is unsure, answers cached,
and an imported BAN file making the offline geocoder precise to the house number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import Team
from tests.geo.httpfixture import HttpFixture, fixture_reply, serve


@pytest.fixture
def ban_server() -> Iterator[HttpFixture]:
    """The recorded "rue napoléon" answer of the address API, served on 127.0.0.1."""
    for server in serve():
        server.route("/search", fixture_reply("ban/search_rue_napoleon_limit5.json"))
        yield server


def _with_ban(settings: Settings, server: HttpFixture) -> Settings:
    return Settings(
        database_url=settings.database_url,
        geocoders="offline,ban",
        ban_domain=server.domain,
        ban_scheme="http",
        geocoder_timeout=2.0,
    )


def test_geocode_asks_ban_once_then_uses_the_cache(
    settings: Settings, ban_server: HttpFixture
) -> None:
    """Offline is unsure of "rue Napoléon": BAN is asked, and the second time the cache answers."""
    with TestClient(app=create_app(_with_ban(settings, ban_server))) as client:
        first = client.get("/api/geocode", params={"q": "rue Napoléon"}).json()
        second = client.get("/api/geocode", params={"q": "RUE NAPOLEON"}).json()
    assert ban_server.request_count == 1
    assert first == second
    assert [(c["provider"], c["insee_code"]) for c in first if c["provider"] == "ban"] == [
        ("ban", "85194"),
        ("ban", "2B033"),
        ("ban", "30007"),
        ("ban", "59172"),
        ("ban", "60159"),
    ]


def test_venue_on_ambiguous_ban_answer_lists_candidates(
    settings: Settings, ban_server: HttpFixture, team: Team
) -> None:
    """Five equally scored streets in five communes: 422 with the candidates, nothing saved."""
    payload = {
        "name": "Salle Napoléon",
        "kind": "other",
        "street": "rue Napoléon",
        "commune": "France",
    }
    with TestClient(app=create_app(_with_ban(settings, ban_server))) as client:
        client.headers.update(team.headers("adviser"))
        response = client.post("/api/venues", json=payload)
        listed = client.get("/api/venues").json()
    body = response.json()
    assert (response.status_code, body["code"], listed) == (422, "adresse-ambigue", [])
    assert [c["insee_code"] for c in body["candidates"]] == [
        "85194",
        "2B033",
        "30007",
        "59172",
        "60159",
    ]


# Hand-made lines in the official BAN export format (adresses-XX.csv), for Etouvie in Amiens;
# coordinates chosen inside the QPV's published perimeter.
BAN_CSV = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;"
    "libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;"
    "cad_parcelles\n"
    "80021_test_00002;;2;;Place Vauban;80080;80021;Amiens;;;;;2.2502;49.9151;entrée;;;"
    "AMIENS;PLACE VAUBAN;commune;commune;1;\n"
    "80021_test_00004;;4;bis;Place Vauban;80080;80021;Amiens;;;;;2.2506;49.9153;entrée;;;"
    "AMIENS;PLACE VAUBAN;commune;commune;1;\n"
)


def test_import_ban_then_venue_placed_at_house_number(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    team: Team,
) -> None:
    """After import-ban, a typed address of that file is placed offline at its house number."""
    path = tmp_path / "adresses-80.csv"
    path.write_text(BAN_CSV, "utf-8")
    monkeypatch.setenv("ALLERVERS_DATABASE_URL", database_url)
    assert main(["import-ban", str(path)]) == 0
    assert main(["import-ban", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Adresses BAN : 2 lus — 2 créés, 0 mis à jour, 0 inchangés.",
        "Adresses BAN : 2 lus — 0 créés, 0 mis à jour, 2 inchangés.",
    ]
    payload = {
        "name": "Centre social",
        "kind": "centre_social",
        "street": "4b pl. vauban",
        "postcode": "80080",
        "commune": "amiens",
    }
    with TestClient(app=create_app(Settings(database_url=database_url))) as client:
        client.headers.update(team.headers("adviser"))
        body = client.post("/api/venues", json=payload).json()
    assert (body["geocoding"]["label"], body["point"], body["qpv"]) == (
        "4 bis Place Vauban 80080 Amiens",
        {"lat": 49.9153, "lon": 2.2506},
        "QN08001M",
    )
