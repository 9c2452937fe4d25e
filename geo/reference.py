"""Read the official reference files into values, validating them before anything is stored.

- QPV perimeters in ANCT's schema (``QP2024_*_WGS84.geojson``), see ``shared/data/SOURCES.md``.
- Communes: the attributes CSV (``communes_hdf.csv``) and the outlines GeoJSON
  (``communes_hdf_contours.geojson``).

A wrong file is rejected whole with a :class:`~geo.errors.ReferenceDataError` whose French message
names the problem (not GeoJSON, projected CRS, missing field, bad geometry…); invalid polygons are
repaired with shapely's ``make_valid`` and reported, as ANCT's national file needs.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from geo.errors import ReferenceDataError

QPV_FIELDS = (
    "code_qp",
    "lib_qp",
    "insee_com",
    "lib_com",
    "insee_dep",
    "lib_dep",
    "insee_reg",
    "lib_reg",
    "siren_epci",
)
COMMUNE_CSV_FIELDS = ("insee_com", "nom", "insee_dep", "siren_epci", "codes_postaux")
COMMUNE_OUTLINE_FIELDS = ("insee_com", "nom", "insee_dep")

_WGS84_CRS_NAMES = {
    "urn:ogc:def:crs:ogc:1.3:crs84",
    "urn:ogc:def:crs:ogc::crs84",
    "urn:ogc:def:crs:epsg::4326",
    "urn:ogc:def:crs:epsg:6.6:4326",
    "epsg:4326",
    "crs84",
}
_QPV_CODE = re.compile(r"^Q[A-Z0-9]{5,9}$")
_INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_DEPARTMENT_CODE = re.compile(r"^(?:\d{2}|2[AB]|97\d)$")
_SIREN = re.compile(r"^\d{9}$")
_POSTCODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True, slots=True)
class HostCommune:
    """A commune hosting (part of) a QPV: INSEE code and name as the QPV file gives them."""

    insee_code: str
    name: str


@dataclass(frozen=True, slots=True)
class QpvRecord:
    """One QPV perimeter as read from the official file, geometry valid and a MultiPolygon."""

    code: str
    name: str
    communes: tuple[HostCommune, ...]
    department_code: str
    department_name: str
    region_code: str
    region_name: str
    epci_sirens: tuple[str, ...]
    """SIREN of the EPCI(s) leading the contrat de ville; a QPV across two EPCIs lists both."""
    geometry: MultiPolygon
    repaired: str | None
    """Why the published polygon was invalid (shapely's reason) when it had to be repaired."""


@dataclass(frozen=True, slots=True)
class LonLat:
    """A WGS84 point, longitude first as in GeoJSON."""

    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class CommuneRecord:
    """A commune's attributes as read from the communes CSV."""

    insee_code: str
    name: str
    department_code: str
    epci_siren: str | None
    postcodes: tuple[str, ...]
    population: int | None
    centroid: LonLat | None
    inside_point: LonLat | None
    mairie_point: LonLat | None
    mairie_address: str | None


@dataclass(frozen=True, slots=True)
class CommuneOutline:
    """A commune's outline as read from the contours GeoJSON."""

    insee_code: str
    name: str
    department_code: str
    geometry: MultiPolygon
    repaired: str | None


def bundled_path(name: str) -> Path:
    """Return the path of a reference file shipped in ``geo/data`` (see its SOURCES.md)."""
    return Path(str(resources.files("geo") / "data" / name))


BUNDLED_QPV = "qp2024_hdf.geojson"
BUNDLED_COMMUNES = "communes_hdf.csv"
BUNDLED_COMMUNE_OUTLINES = "communes_hdf_contours.geojson"


def _read_text(path: Path) -> str:
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


def _load_feature_collection(path: Path) -> list[Mapping[str, Any]]:
    """Parse a GeoJSON FeatureCollection in WGS84 and return its features."""
    try:
        document = json.loads(_read_text(path))
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


def _properties(
    path: Path, feature: Mapping[str, Any], position: int, fields: tuple[str, ...]
) -> dict[str, Any]:
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


def _required_text(path: Path, properties: Mapping[str, Any], field: str, label: str) -> str:
    value = properties.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ReferenceDataError(f"{path.name} : le champ {field} est vide pour {label}.")
    return str(value).strip()


def _geometry(
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


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def read_qpv_file(path: Path) -> list[QpvRecord]:
    """Read a QPV perimeters file in ANCT's official schema, validated whole.

    Raises :class:`ReferenceDataError` naming the first problem found; nothing is returned for a
    partly wrong file, so an import built on this is all-or-nothing.
    """
    records: list[QpvRecord] = []
    seen: set[str] = set()
    for position, feature in enumerate(_load_feature_collection(path), start=1):
        properties = _properties(path, feature, position, QPV_FIELDS)
        label = f"l'entité n° {position}"
        code = _required_text(path, properties, "code_qp", label).upper()
        if not _QPV_CODE.match(code):
            raise ReferenceDataError(f"{path.name} : code QPV « {code} » mal formé ({label}).")
        if code in seen:
            raise ReferenceDataError(f"{path.name} : le QPV {code} figure deux fois.")
        seen.add(code)
        label = f"le QPV {code}"
        insee_codes = _split_list(_required_text(path, properties, "insee_com", label))
        names = _split_list(str(properties.get("lib_com") or ""))
        bad = [insee for insee in insee_codes if not _INSEE_CODE.match(insee)]
        if bad:
            raise ReferenceDataError(
                f"{path.name} : code INSEE de commune mal formé pour {label} : {', '.join(bad)}."
            )
        if len(names) != len(insee_codes):
            raise ReferenceDataError(
                f"{path.name} : pour {label}, insee_com liste {len(insee_codes)} commune(s) et "
                f"lib_com {len(names)}."
            )
        department = _required_text(path, properties, "insee_dep", label)
        if not _DEPARTMENT_CODE.match(department):
            raise ReferenceDataError(
                f"{path.name} : code de département « {department} » mal formé pour {label}."
            )
        sirens = _split_list(str(properties["siren_epci"] or ""))
        bad = [siren for siren in sirens if not _SIREN.match(siren)]
        if bad:
            raise ReferenceDataError(
                f"{path.name} : SIREN d'EPCI mal formé pour {label} : {', '.join(bad)}."
            )
        geometry, repaired = _geometry(path, feature, label)
        records.append(
            QpvRecord(
                code=code,
                name=_required_text(path, properties, "lib_qp", label),
                communes=tuple(
                    HostCommune(insee, name) for insee, name in zip(insee_codes, names, strict=True)
                ),
                department_code=department,
                department_name=str(properties.get("lib_dep") or "").strip(),
                region_code=str(properties.get("insee_reg") or "").strip(),
                region_name=str(properties.get("lib_reg") or "").strip(),
                epci_sirens=tuple(sirens),
                geometry=geometry,
                repaired=repaired,
            )
        )
    return records


def read_commune_outlines(path: Path) -> list[CommuneOutline]:
    """Read commune outlines (``insee_com``, ``nom``, ``insee_dep``, a polygon), validated whole."""
    outlines: list[CommuneOutline] = []
    seen: set[str] = set()
    for position, feature in enumerate(_load_feature_collection(path), start=1):
        properties = _properties(path, feature, position, COMMUNE_OUTLINE_FIELDS)
        label = f"l'entité n° {position}"
        insee = _required_text(path, properties, "insee_com", label).upper()
        if not _INSEE_CODE.match(insee):
            raise ReferenceDataError(f"{path.name} : code INSEE « {insee} » mal formé ({label}).")
        if insee in seen:
            raise ReferenceDataError(f"{path.name} : la commune {insee} figure deux fois.")
        seen.add(insee)
        label = f"la commune {insee}"
        geometry, repaired = _geometry(path, feature, label)
        outlines.append(
            CommuneOutline(
                insee_code=insee,
                name=_required_text(path, properties, "nom", label),
                department_code=_required_text(path, properties, "insee_dep", label),
                geometry=geometry,
                repaired=repaired,
            )
        )
    return outlines


def _point(path: Path, row: Mapping[str, str], prefix: str, line: int) -> LonLat | None:
    lon_text, lat_text = (
        (row.get(f"{prefix}_lon") or "").strip(),
        (row.get(f"{prefix}_lat") or "").strip(),
    )
    if not lon_text and not lat_text:
        return None
    try:
        lon, lat = float(lon_text), float(lat_text)
    except ValueError:
        raise ReferenceDataError(
            f"{path.name}, ligne {line} : coordonnées {prefix}_lon/{prefix}_lat non numériques."
        ) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ReferenceDataError(
            f"{path.name}, ligne {line} : coordonnées {prefix} hors des bornes WGS84 "
            f"({lon}, {lat})."
        )
    return LonLat(lon, lat)


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    text = _read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        raise ReferenceDataError(f"{path.name} n'est pas un fichier CSV lisible.") from None
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in COMMUNE_CSV_FIELDS if name not in header]
    if missing:
        raise ReferenceDataError(
            f"{path.name} : colonne(s) manquante(s) {', '.join(missing)} ; "
            f"attendu au moins {', '.join(COMMUNE_CSV_FIELDS)}."
        )
    reader.fieldnames = header
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise ReferenceDataError(f"{path.name}, ligne {line} : trop de colonnes.")
        # ``\N`` is how database exports (PostgreSQL COPY) write a missing value.
        yield line, {key: "" if value == "\\N" else value or "" for key, value in row.items()}


def read_communes_csv(path: Path) -> list[CommuneRecord]:
    """Read the communes attributes CSV (``,`` or ``;`` separated), validated whole."""
    records: list[CommuneRecord] = []
    seen: set[str] = set()
    for line, row in _csv_rows(path):
        insee = (row.get("insee_com") or "").strip().upper()
        if not _INSEE_CODE.match(insee):
            raise ReferenceDataError(
                f"{path.name}, ligne {line} : code INSEE « {insee} » mal formé."
            )
        if insee in seen:
            raise ReferenceDataError(
                f"{path.name}, ligne {line} : la commune {insee} figure deux fois."
            )
        seen.add(insee)
        name = (row.get("nom") or "").strip()
        if not name:
            raise ReferenceDataError(f"{path.name}, ligne {line} : nom de commune vide.")
        department = (row.get("insee_dep") or "").strip()
        if not _DEPARTMENT_CODE.match(department):
            raise ReferenceDataError(
                f"{path.name}, ligne {line} : code de département « {department} » mal formé."
            )
        siren = (row.get("siren_epci") or "").strip() or None
        if siren is not None and not _SIREN.match(siren):
            raise ReferenceDataError(
                f"{path.name}, ligne {line} : SIREN d'EPCI « {siren} » mal formé."
            )
        postcodes = tuple(
            p.strip() for p in (row.get("codes_postaux") or "").split(";") if p.strip()
        )
        bad = [p for p in postcodes if not _POSTCODE.match(p)]
        if bad:
            raise ReferenceDataError(
                f"{path.name}, ligne {line} : code(s) postal(aux) mal formé(s) : {', '.join(bad)}."
            )
        population_text = (row.get("population_municipale") or "").strip()
        if population_text and not population_text.isdigit():
            raise ReferenceDataError(
                f"{path.name}, ligne {line} : population « {population_text} » non entière."
            )
        records.append(
            CommuneRecord(
                insee_code=insee,
                name=name,
                department_code=department,
                epci_siren=siren,
                postcodes=postcodes,
                population=int(population_text) if population_text else None,
                centroid=_point(path, row, "centroid", line),
                inside_point=_point(path, row, "inside_point", line),
                mairie_point=_point(path, row, "mairie", line),
                mairie_address=(row.get("mairie_adresse") or "").strip() or None,
            )
        )
    if not records:
        raise ReferenceDataError(f"{path.name} ne contient aucune commune.")
    return records
