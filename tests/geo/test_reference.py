"""Reading the official reference files, and refusing wrong ones with a message that says why."""

from __future__ import annotations

import copy
import gzip
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
from tests.raw import qpv_features, write_feature_collection

BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[2.0, 50.0], [2.01, 50.01], [2.01, 50.0], [2.0, 50.01], [2.0, 50.0]]],
}


def _feature(**changes: object) -> dict[str, object]:
    feature = copy.deepcopy(qpv_features()[0])
    for key, value in changes.items():
        if key == "geometry":
            feature["geometry"] = value
        elif value is None:
            del feature["properties"][key]
        else:
            feature["properties"][key] = value
    return feature


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


def test_read_qpv_file_repairs_invalid_polygon(tmp_path: Path) -> None:
    """A self-intersecting polygon is repaired with make_valid and the reason is kept."""
    path = write_feature_collection(tmp_path / "qpv.geojson", [_feature(geometry=BOWTIE)])
    (record,) = read_qpv_file(path)
    assert record.geometry.is_valid
    assert record.repaired == "Self-intersection[2.005 50.005]"
    assert round(record.geometry.area, 10) == round(0.01 * 0.01 / 2, 10)


def test_read_qpv_file_reads_gzip(tmp_path: Path) -> None:
    """A gzip-compressed file is read like the plain one."""
    path = tmp_path / "qpv.geojson.gz"
    path.write_bytes(gzip.compress(bundled_path(BUNDLED_QPV).read_bytes()))
    assert len(read_qpv_file(path)) == 204


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "code_qp;lib_qp\n",
            "qpv.geojson n'est pas un fichier GeoJSON : JSON invalide (ligne 1, colonne 1).",
        ),
        (
            '{"type": "Feature"}',
            "qpv.geojson n'est pas une FeatureCollection GeoJSON "
            '(attendu : un objet avec "type": "FeatureCollection").',
        ),
        (
            '{"type": "FeatureCollection", "features": []}',
            "qpv.geojson ne contient aucune entité (« features » vide).",
        ),
    ],
)
def test_read_qpv_file_rejects_non_geojson(tmp_path: Path, content: str, message: str) -> None:
    """Something that is not a GeoJSON FeatureCollection is refused, saying so."""
    path = tmp_path / "qpv.geojson"
    path.write_text(content, "utf-8")
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(path)
    assert caught.value.message == message


def test_read_qpv_file_rejects_projected_crs(tmp_path: Path) -> None:
    """A file declared in Lambert-93 is refused, naming the CRS."""
    path = write_feature_collection(
        tmp_path / "qpv.geojson",
        [_feature()],
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
    )
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(path)
    assert caught.value.message == (
        "qpv.geojson est dans le système de coordonnées « urn:ogc:def:crs:EPSG::2154 » : seul "
        "WGS84 (longitude/latitude, CRS84 ou EPSG:4326) est accepté. Prenez la version "
        "« _WGS84 » du fichier officiel ou reprojetez-le."
    )


def test_read_qpv_file_rejects_projected_coordinates(tmp_path: Path) -> None:
    """Coordinates in metres without a CRS member are recognised as projected."""
    square = {
        "type": "Polygon",
        "coordinates": [
            [[650000, 6860000], [651000, 6860000], [651000, 6861000], [650000, 6860000]]
        ],
    }
    path = write_feature_collection(tmp_path / "qpv.geojson", [_feature(geometry=square)])
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(path)
    assert caught.value.message == (
        "qpv.geojson : coordonnées hors des bornes WGS84 pour le QPV QN00201M (x de 650000 à "
        "651000, y de 6860000 à 6861000) — le fichier semble projeté (Lambert-93 ?) ; attendu "
        "longitude/latitude WGS84."
    )


def test_read_qpv_file_rejects_missing_field(tmp_path: Path) -> None:
    """A feature without one of the official fields is refused, naming field and feature."""
    path = write_feature_collection(
        tmp_path / "qpv.geojson", [qpv_features()[1], _feature(siren_epci=None)]
    )
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(path)
    assert caught.value.message.startswith(
        "qpv.geojson : champ(s) manquant(s) siren_epci dans l'entité n° 2 ;"
    )


def test_read_qpv_file_rejects_point_geometry(tmp_path: Path) -> None:
    """A QPV must be an area."""
    point = {"type": "Point", "coordinates": [2.3, 49.9]}
    path = write_feature_collection(tmp_path / "qpv.geojson", [_feature(geometry=point)])
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(path)
    assert caught.value.message == (
        "qpv.geojson : la géométrie de le QPV QN00201M est de type Point ; attendu Polygon ou "
        "MultiPolygon."
    )


def test_read_qpv_file_rejects_duplicate_code(tmp_path: Path) -> None:
    """The same code twice is a broken file, not an update."""
    path = write_feature_collection(tmp_path / "qpv.geojson", [_feature(), _feature()])
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(path)
    assert caught.value.message == "qpv.geojson : le QPV QN00201M figure deux fois."


def test_read_qpv_file_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is named."""
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(tmp_path / "absent.geojson")
    assert caught.value.message == f"Fichier introuvable : {tmp_path / 'absent.geojson'}."


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
