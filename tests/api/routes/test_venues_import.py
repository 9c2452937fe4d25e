"""Bulk venue import, by HTTP and by the command: rows written, rejects explained, no duplicates."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from litestar.testing import TestClient

from api.cli import main
from tests.conftest import Team
from tests.jobs import follow_job

Client = TestClient  # type: ignore[type-arg]


@pytest.fixture
def client(client: Client, team: Team) -> Client:
    """The app's client, authenticated as an adviser (venues are for staff)."""
    client.headers.update(team.headers("adviser"))
    return client


VENUES_CSV = (
    "nom;type;adresse;code_postal;commune;latitude;longitude;capacité\n"
    "Mairie d'Auby;mairie;25 rue Léon-Blum;59950;Auby;;;80\n"
    "Mairie d'Anzin;mairie;26 pl Roger Salengro;59410;Anzin;;;\n"
    "Centre social d'Etouvie;centre social;Place Vauban;80080;Amiens;49,9151;2,2502;40\n"
    "Piscine;piscine;1 rue de l'Eau;80000;Amiens;;;\n"
    "Inconnu;association;zzzz qqqq;;Xyzzyville;;;\n"
    "Mairie d'Auby;mairie;25 rue Léon-Blum;59950;Auby;;;80\n"
)


def test_import_venues_writes_good_rows_and_explains_rejects(client: Client) -> None:
    """Three venues created; the unknown kind, the unknown place and the duplicate rejected."""
    answer = client.post(
        "/api/venues/import", content=VENUES_CSV.encode(), headers={"content-type": "text/csv"}
    )
    job = follow_job(client, answer)
    assert (job["status"], job["total"], job["done"], job["error"]) == ("done", 6, 6, None)
    body = job["result"]
    assert (body["created"], body["updated"], body["unchanged"]) == (3, 0, 0)
    assert [(r["line"], r["reason"].split(" ;")[0].split(" :")[0]) for r in body["rejected"]] == [
        (5, "type de lieu « piscine » inconnu"),
        (6, "Adresse introuvable"),
        (7, "doublon de la ligne 2"),
    ]
    rows = list(csv.reader(io.StringIO(body["rejected_csv"]), delimiter=";"))
    assert [row[0] for row in rows] == ["nom", "Piscine", "Inconnu", "Mairie d'Auby"]
    assert rows[0][-2:] == ["ligne", "erreur"]
    venues = client.get("/api/venues").json()
    assert sorted((v["name"], v["qpv"], [s["code"] for s in v["serves"]]) for v in venues) == [
        ("Centre social d'Etouvie", "QN08001M", ["QN08001M"]),
        ("Mairie d'Anzin", None, ["QN05920M", "QN05930M"]),
        ("Mairie d'Auby", "QN05901M", ["QN05901M"]),
    ]


def test_import_venues_again_creates_no_duplicates(client: Client) -> None:
    """The same file twice: the second time everything known is unchanged."""
    follow_job(client, client.post("/api/venues/import", content=VENUES_CSV.encode()))
    again = follow_job(client, client.post("/api/venues/import", content=VENUES_CSV.encode()))[
        "result"
    ]
    assert (again["created"], again["updated"], again["unchanged"], len(again["rejected"])) == (
        0,
        0,
        3,
        3,
    )
    assert len(client.get("/api/venues").json()) == 3


def test_import_venues_as_form_upload(client: Client) -> None:
    """The file can be sent from a form's file field."""
    answer = client.post(
        "/api/venues/import", files={"file": ("lieux.csv", VENUES_CSV.encode(), "text/csv")}
    )
    assert follow_job(client, answer)["result"]["created"] == 3


def test_import_venues_without_required_columns_is_422(client: Client) -> None:
    """A file without the essential columns is refused whole."""
    response = client.post("/api/venues/import", content=b"nom;ville\nX;Amiens\n")
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (
        422,
        ["fichier"],
    )
    assert client.get("/api/venues").json() == []


def test_import_venues_command_writes_rejects_file(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command reports counts and each rejected line, and saves the rejects as a CSV."""
    path = tmp_path / "lieux.csv"
    path.write_text(VENUES_CSV, "utf-8")
    monkeypatch.setenv("ALLERVERS_DATABASE_URL", database_url)
    assert main(["import-venues", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Lieux : 3 créés, 0 mis à jour, 0 inchangés, 3 rejetés."
    assert (
        out[-1] == f"Lignes rejetées à corriger puis réimporter : {tmp_path / 'lieux.rejets.csv'}"
    )
    rejects = list(
        csv.reader(io.StringIO((tmp_path / "lieux.rejets.csv").read_text("utf-8")), delimiter=";")
    )
    assert [row[-2] for row in rejects[1:]] == ["5", "6", "7"]
