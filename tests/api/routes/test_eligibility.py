"""``GET /api/eligibility``: yes or no only from a house-number position; a Roubaix street
placed at the town hall is "cannot say" (and its geocoding carries no QPV); staff only."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.conftest import Team

# Official BAN export format, hand-made: one address inside Etouvie's perimeter (QN08001M), one
# by Amiens cathedral, far from any QPV.
BAN_CSV = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;"
    "libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;"
    "cad_parcelles\n"
    "80021_test_00002;;2;;Place Vauban;80080;80021;Amiens;;;;;2.2502;49.9151;entrée;;;"
    "AMIENS;PLACE VAUBAN;commune;commune;1;\n"
    "80021_test_00030;;30;;Place Notre-Dame;80000;80021;Amiens;;;;;2.3020;49.8946;entrée;;;"
    "AMIENS;PLACE NOTRE DAME;commune;commune;1;\n"
)


def test_the_three_answers(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, team: Team
) -> None:
    """In a QPV (with its name), not in one, and cannot say for a street the offline geocoder
    places only at the commune's town hall — whose geocoding shows no QPV either."""
    path = tmp_path / "adresses-80.csv"
    path.write_text(BAN_CSV, "utf-8")
    monkeypatch.setenv("ALLERVERS_DATABASE_URL", database_url)
    assert main(["import-ban", str(path)]) == 0
    with TestClient(app=create_app(Settings(database_url=database_url))) as client:

        def ask(address: str) -> dict[str, object]:
            answer = client.get(
                "/api/eligibility", params={"address": address}, headers=team.headers("adviser")
            )
            assert answer.status_code == 200, answer.text
            return dict(answer.json())

        inside = ask("2 place Vauban 80080 Amiens")
        outside = ask("30 place Notre-Dame 80000 Amiens")
        roubaix = ask("12 rue de l'Épeule 59100 Roubaix")
        geocoded = client.get("/api/geocode", params={"q": "12 rue de l'Épeule 59100 Roubaix"})
        anonymous = client.get("/api/eligibility", params={"address": "2 place Vauban Amiens"})
    assert (inside["answer"], inside["qpv"]) == (
        "in_qpv",
        {"code": "QN08001M", "name": "Etouvie"},
    )
    assert (outside["answer"], outside["qpv"]) == ("not_in_qpv", None)
    assert (roubaix["answer"], "commune" in str(roubaix["reason"])) == ("cannot_say", True)
    assert [(c["precision"], c["qpv"]) for c in geocoded.json()][:1] == [("municipality", None)]
    assert anonymous.status_code == 401
