"""The import commands: imports print counts, refuse wrong files, and change nothing then."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from geo.reference import BUNDLED_COMMUNE_OUTLINES, BUNDLED_COMMUNES, BUNDLED_QPV, bundled_path
from tests.api.test_cli import _run
from tests.conftest import Databases
from tests.raw import qpv_features, write_feature_collection

BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[2.0, 50.0], [2.01, 50.01], [2.01, 50.0], [2.0, 50.01], [2.0, 50.0]]],
}


def test_import_into_empty_database_then_again(
    databases: Databases, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """First import creates everything; the second finds everything unchanged."""
    url = databases.empty()
    qpv = str(bundled_path(BUNDLED_QPV))
    assert _run(monkeypatch, capsys, url, "import-qpv", qpv) == (
        0,
        "QPV : 204 lus — 204 créés, 0 mis à jour, 0 inchangés.\n",
        "",
    )
    assert _run(monkeypatch, capsys, url, "import-qpv", qpv)[1] == (
        "QPV : 204 lus — 0 créés, 0 mis à jour, 204 inchangés.\n"
    )
    csv_file, outlines = (
        str(bundled_path(BUNDLED_COMMUNES)),
        str(bundled_path(BUNDLED_COMMUNE_OUTLINES)),
    )
    assert _run(monkeypatch, capsys, url, "import-communes", csv_file)[1] == (
        "Communes : 3782 lus — 3782 créés, 0 mis à jour, 0 inchangés.\n"
    )
    assert _run(monkeypatch, capsys, url, "import-communes", outlines)[1] == (
        "Contours de communes : 3782 lus — 0 créés, 3782 mis à jour, 0 inchangés.\n"
    )


def test_import_qpv_reports_repaired_geometry(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An invalid polygon is repaired and the command says so."""
    feature = copy.deepcopy(qpv_features()[0])
    feature["geometry"] = BOWTIE
    path = write_feature_collection(tmp_path / "qpv.geojson", [feature])
    assert _run(monkeypatch, capsys, database_url, "import-qpv", str(path)) == (
        0,
        "QPV : 1 lus — 0 créés, 1 mis à jour, 0 inchangés.\n"
        "  géométrie invalide réparée (make_valid) pour QN00201M : "
        "Self-intersection[2.005 50.005]\n",
        "",
    )


def test_import_qpv_bad_file_changes_nothing(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A file whose last feature lacks a field is refused whole: the first ones are not written."""
    renamed = copy.deepcopy(qpv_features()[0])
    renamed["properties"]["lib_qp"] = "Ne doit pas être écrit"
    broken = copy.deepcopy(qpv_features()[1])
    del broken["properties"]["lib_dep"]
    path = write_feature_collection(tmp_path / "qpv.geojson", [renamed, broken])
    status, out, err = _run(monkeypatch, capsys, database_url, "import-qpv", str(path))
    assert (status, out) == (1, "")
    assert err.splitlines()[-1] == "Rien n'a été modifié dans la base."
    assert err.startswith(
        "allervers : qpv.geojson : champ(s) manquant(s) lib_dep dans l'entité n° 2"
    )
    status, out, _ = _run(
        monkeypatch, capsys, database_url, "import-qpv", str(bundled_path(BUNDLED_QPV))
    )
    assert out == "QPV : 204 lus — 0 créés, 0 mis à jour, 204 inchangés.\n"


def test_import_communes_wrong_kind_of_file(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Giving the QPV file to import-communes names the missing commune fields."""
    path = tmp_path / "communes.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": qpv_features()[:1]}), "utf-8"
    )
    status, _, err = _run(monkeypatch, capsys, database_url, "import-communes", str(path))
    assert (status, err.splitlines()[0]) == (
        1,
        "allervers : communes.geojson : champ(s) manquant(s) nom dans l'entité n° 1 ; le schéma "
        "attendu comprend insee_com, nom, insee_dep.",
    )
