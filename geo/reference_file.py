"""Reading a reference file whole: its text, a GeoJSON FeatureCollection in WGS84, its areas.

The checks every reference reader shares (:mod:`geo.reference`, :mod:`geo.ban_file`): a file
that cannot be read, is not UTF-8, is a broken gzip archive, is not a GeoJSON FeatureCollection,
is projected (RFC 7946 wants WGS84 longitude/latitude), lacks a field or holds a bad geometry is
rejected with a :class:`~geo.errors.ReferenceDataError` whose French message names the problem.
Invalid polygons are repaired with shapely's ``make_valid`` and the reason is returned.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from geo.errors import ReferenceDataError

_WGS84_CRS_NAMES = {
    "urn:ogc:def:crs:ogc:1.3:crs84",
    "urn:ogc:def:crs:ogc::crs84",
    "urn:ogc:def:crs:epsg::4326",
    "urn:ogc:def:crs:epsg:6.6:4326",
    "epsg:4326",
    "crs84",
}


def read_text(path: Path) -> str:
    """Read a UTF-8 file (optionally gzip-compressed), or explain in French why it cannot be."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ReferenceDataError(f"Fichier introuvable : {path}.") from None
    except IsADirectoryError:
        raise ReferenceDataError(f"{path} est un dossier, pas un fichier.") from None
    except OSError as exc:
        raise ReferenceDataError(f"Impossible de lire {path} : {exc.strerror}.") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            raise ReferenceDataError(f"{path} : archive gzip corrompue.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(
            f"{path} n'est pas encodé en UTF-8 (octet invalide en position {exc.start})."
        ) from None


def feature_collection(path: Path) -> list[Mapping[str, Any]]:
    """Parse a GeoJSON FeatureCollection in WGS84 and return its features."""
    try:
        document = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{path.name} n'est pas un fichier GeoJSON : JSON invalide "
            f"(ligne {exc.lineno}, colonne {exc.colno})."
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ReferenceDataError(
            f"{path.name} n'est pas une FeatureCollection GeoJSON "
            '(attendu : un objet avec "type": "FeatureCollection").'
        )
    _check_crs(path, document.get("crs"))
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise ReferenceDataError(f"{path.name} ne contient aucune entité (« features » vide).")
    for position, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ReferenceDataError(f"{path.name} : l'entité n° {position} n'est pas une Feature.")
    return features


def _check_crs(path: Path, crs: object) -> None:
    """Refuse a projected or unknown CRS: the files must be WGS84 longitude/latitude (RFC 7946)."""
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str) or name.strip().lower() not in _WGS84_CRS_NAMES:
        raise ReferenceDataError(
            f"{path.name} est dans le système de coordonnées « {name} » : seul WGS84 "
            "(longitude/latitude, CRS84 ou EPSG:4326) est accepté. Prenez la version "
            "« _WGS84 » du fichier officiel ou reprojetez-le."
        )


def feature_properties(
    path: Path, feature: Mapping[str, Any], position: int, fields: tuple[str, ...]
) -> dict[str, Any]:
    """Return the ``position``-th feature's properties, refusing it when one of ``fields`` lacks."""
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        raise ReferenceDataError(f"{path.name} : l'entité n° {position} n'a pas de propriétés.")
    missing = [name for name in fields if name not in properties]
    if missing:
        raise ReferenceDataError(
            f"{path.name} : champ(s) manquant(s) {', '.join(missing)} "
            f"dans l'entité n° {position} ; "
            f"le schéma attendu comprend {', '.join(fields)}."
        )
    return properties


def required_text(path: Path, properties: Mapping[str, Any], field: str, label: str) -> str:
    """Return a property's text, stripped; empty or missing is refused, naming ``label``."""
    value = properties.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ReferenceDataError(f"{path.name} : le champ {field} est vide pour {label}.")
    return str(value).strip()


def area_geometry(
    path: Path, feature: Mapping[str, Any], label: str
) -> tuple[MultiPolygon, str | None]:
    """Return the feature's area as a valid MultiPolygon, repairing it if needed, and why."""
    raw = feature.get("geometry")
    if not isinstance(raw, dict) or raw.get("type") not in {"Polygon", "MultiPolygon"}:
        kind = raw.get("type") if isinstance(raw, dict) else "aucune"
        raise ReferenceDataError(
            f"{path.name} : la géométrie de {label} est de type {kind} ; attendu Polygon ou "
            "MultiPolygon."
        )
    try:
        geometry: BaseGeometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError):
        raise ReferenceDataError(f"{path.name} : géométrie illisible pour {label}.") from None
    if geometry.is_empty:
        raise ReferenceDataError(f"{path.name} : géométrie vide pour {label}.")
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not all(math.isfinite(v) for v in geometry.bounds) or (
        min_lon < -180 or max_lon > 180 or min_lat < -90 or max_lat > 90
    ):
        raise ReferenceDataError(
            f"{path.name} : coordonnées hors des bornes WGS84 pour {label} "
            f"(x de {min_lon:.0f} à {max_lon:.0f}, y de {min_lat:.0f} à {max_lat:.0f}) — "
            "le fichier semble projeté (Lambert-93 ?) ; attendu longitude/latitude WGS84."
        )
    reason = None
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        geometry = shapely.make_valid(geometry)
    polygons = _polygons(geometry)
    if not polygons:
        raise ReferenceDataError(f"{path.name} : la géométrie de {label} n'a aucune surface.")
    return MultiPolygon(polygons), reason


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.is_empty else []
    parts = getattr(geometry, "geoms", ())
    return [polygon for part in parts for polygon in _polygons(part)]


def split_list(value: str) -> list[str]:
    """Split a comma-separated property (``"59350,59178"``) into its stripped items."""
    return [item.strip() for item in value.split(",") if item.strip()]
