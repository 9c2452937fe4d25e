"""Reading a reference file whole, and refusing a wrong one with a message that says why.

Through :func:`geo.reference.read_qpv_file`: what any reference file must be (readable, UTF-8 or
gzip, a GeoJSON FeatureCollection in WGS84, its fields present, its areas valid or repaired).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from geo.errors import ReferenceDataError
from geo.reference import BUNDLED_QPV, bundled_path, read_qpv_file
from tests.raw import changed_qpv_feature, qpv_features, write_feature_collection

BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[2.0, 50.0], [2.01, 50.01], [2.01, 50.0], [2.0, 50.01], [2.0, 50.0]]],
}


def test_read_qpv_file_repairs_invalid_polygon(tmp_path: Path) -> None:
    """A self-intersecting polygon is repaired with make_valid and the reason is kept."""
    path = write_feature_collection(
        tmp_path / "qpv.geojson", [changed_qpv_feature(geometry=BOWTIE)]
    )
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
        [changed_qpv_feature()],
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
    path = write_feature_collection(
        tmp_path / "qpv.geojson", [changed_qpv_feature(geometry=square)]
    )
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
        tmp_path / "qpv.geojson", [qpv_features()[1], changed_qpv_feature(siren_epci=None)]
    )
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(path)
    assert caught.value.message.startswith(
        "qpv.geojson : champ(s) manquant(s) siren_epci dans l'entité n° 2 ;"
    )


def test_read_qpv_file_rejects_point_geometry(tmp_path: Path) -> None:
    """A QPV must be an area."""
    point = {"type": "Point", "coordinates": [2.3, 49.9]}
    path = write_feature_collection(tmp_path / "qpv.geojson", [changed_qpv_feature(geometry=point)])
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(path)
    assert caught.value.message == (
        "qpv.geojson : la géométrie de le QPV QN00201M est de type Point ; attendu Polygon ou "
        "MultiPolygon."
    )


def test_read_qpv_file_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is named."""
    with pytest.raises(ReferenceDataError) as caught:
        read_qpv_file(tmp_path / "absent.geojson")
    assert caught.value.message == f"Fichier introuvable : {tmp_path / 'absent.geojson'}."
