"""Reading the official reference files, and refusing wrong ones with a message that says why."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from shapely.geometry import shape

from geo.errors import ReferenceDataError
from geo.reference import (
    BUNDLED_COMMUNE_OUTLINES,
    BUNDLED_COMMUNES,
    BUNDLED_QPV,
    HostCommune,
    bundled_path,
    read_commune_outlines,
    read_communes_csv,
    read_qpv_file,
)
from tests.raw import changed_qpv_feature, qpv_features, write_feature_collection


def test_read_qpv_file_bundled_counts_per_department() -> None:
    """The bundled file gives the 204 QPVs of Hauts-de-France, per department as published."""
    records = read_qpv_file(bundled_path(BUNDLED_QPV))
    assert Counter(r.department_code for r in records) == {
        "02": 17,
        "59": 94,
        "60": 19,
        "62": 64,
        "80": 10,
    }


def test_read_qpv_file_splits_multi_commune_lists() -> None:
    """A QPV spanning several communes lists each host commune with its name."""
    records = {r.code: r for r in read_qpv_file(bundled_path(BUNDLED_QPV))}
    assert records["QN00201M"].communes == (
        HostCommune("02571", "Omissy"),
        HostCommune("02691", "Saint-Quentin"),
    )
    assert records["QN05920M"].epci_sirens == ("200042190", "245901160")


def test_read_qpv_file_keeps_geometry_unchanged() -> None:
    """Valid published polygons come through unchanged."""
    raw = qpv_features()[5]
    record = next(
        r
        for r in read_qpv_file(bundled_path(BUNDLED_QPV))
        if r.code == raw["properties"]["code_qp"]
    )
    assert record.geometry.equals(shape(raw["geometry"]))
    assert record.repaired is None


def test_read_qpv_file_rejects_duplicate_code(tmp_path: Path) -> None:
    """The same code twice is a broken file, not an update."""
    path = write_feature_collection(
        tmp_path / "qpv.geojson", [changed_qpv_feature(), changed_qpv_feature()]
    )
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(path)
    assert caught.value.message == "qpv.geojson : le QPV QN00201M figure deux fois."


def test_read_communes_csv_bundled() -> None:
    """The bundled communes CSV gives the 3,782 communes with postcodes and town halls."""
    records = {r.insee_code: r for r in read_communes_csv(bundled_path(BUNDLED_COMMUNES))}
    assert len(records) == 3782
    amiens = records["80021"]
    assert (amiens.name, amiens.department_code, amiens.postcodes) == (
        "Amiens",
        "80",
        ("80000", "80080", "80090"),
    )
    assert records["60694"].population is None  # exported as \N in the source


def test_read_communes_csv_rejects_missing_column(tmp_path: Path) -> None:
    """A CSV without the expected columns is refused, naming them."""
    path = tmp_path / "communes.csv"
    path.write_text("insee_com,nom\n80021,Amiens\n", "utf-8")
    with pytest.raises(ReferenceDataError) as caught:
        read_communes_csv(path)
    assert caught.value.message == (
        "communes.csv : colonne(s) manquante(s) insee_dep, siren_epci, codes_postaux ; attendu "
        "au moins insee_com, nom, insee_dep, siren_epci, codes_postaux."
    )


def test_read_communes_csv_rejects_bad_code_with_line(tmp_path: Path) -> None:
    """A malformed INSEE code is reported with its line number."""
    path = tmp_path / "communes.csv"
    path.write_text(
        "insee_com;nom;insee_dep;siren_epci;codes_postaux\n80021;Amiens;80;248000531;80000\n"
        "8002;Nulle-part;80;;80000\n",
        "utf-8",
    )
    with pytest.raises(ReferenceDataError) as caught:
        read_communes_csv(path)
    assert caught.value.message == "communes.csv, ligne 3 : code INSEE « 8002 » mal formé."


def test_read_commune_outlines_bundled() -> None:
    """The bundled outlines cover the 3,782 communes, all valid areas."""
    outlines = read_commune_outlines(bundled_path(BUNDLED_COMMUNE_OUTLINES))
    assert (len(outlines), sum(o.repaired is not None for o in outlines)) == (3782, 0)
