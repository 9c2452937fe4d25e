"""Read the official reference files into values, validating them before anything is stored.

- QPV perimeters in ANCT's schema (``QP2024_*_WGS84.geojson``), see ``shared/data/SOURCES.md``.
- Communes: the attributes CSV (``communes_hdf.csv``) and the outlines GeoJSON
  (``communes_hdf_contours.geojson``).

A wrong file is rejected whole with a :class:`~geo.errors.ReferenceDataError` whose French message
names the problem: the checks every file shares (not GeoJSON, projected CRS, missing field, bad
geometry…, with invalid polygons repaired and reported, as ANCT's national file needs) are in
:mod:`geo.reference_file`; this module checks each schema's own values (codes, names, points).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from shapely.geometry import MultiPolygon

from geo.errors import ReferenceDataError
from geo.reference_file import (
    area_geometry,
    feature_collection,
    feature_properties,
    read_text,
    required_text,
    split_list,
)

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


def read_qpv_file(path: Path) -> list[QpvRecord]:
    """Read a QPV perimeters file in ANCT's official schema, validated whole.

    Raises :class:`ReferenceDataError` naming the first problem found; nothing is returned for a
    partly wrong file, so an import built on this is all-or-nothing.
    """
    records: list[QpvRecord] = []
    seen: set[str] = set()
    for position, feature in enumerate(feature_collection(path), start=1):
        properties = feature_properties(path, feature, position, QPV_FIELDS)
        label = f"l'entité n° {position}"
        code = required_text(path, properties, "code_qp", label).upper()
        if not _QPV_CODE.match(code):
            raise ReferenceDataError(f"{path.name} : code QPV « {code} » mal formé ({label}).")
        if code in seen:
            raise ReferenceDataError(f"{path.name} : le QPV {code} figure deux fois.")
        seen.add(code)
        label = f"le QPV {code}"
        insee_codes = split_list(required_text(path, properties, "insee_com", label))
        names = split_list(str(properties.get("lib_com") or ""))
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
        department = required_text(path, properties, "insee_dep", label)
        if not _DEPARTMENT_CODE.match(department):
            raise ReferenceDataError(
                f"{path.name} : code de département « {department} » mal formé pour {label}."
            )
        sirens = split_list(str(properties["siren_epci"] or ""))
        bad = [siren for siren in sirens if not _SIREN.match(siren)]
        if bad:
            raise ReferenceDataError(
                f"{path.name} : SIREN d'EPCI mal formé pour {label} : {', '.join(bad)}."
            )
        geometry, repaired = area_geometry(path, feature, label)
        records.append(
            QpvRecord(
                code=code,
                name=required_text(path, properties, "lib_qp", label),
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
    for position, feature in enumerate(feature_collection(path), start=1):
        properties = feature_properties(path, feature, position, COMMUNE_OUTLINE_FIELDS)
        label = f"l'entité n° {position}"
        insee = required_text(path, properties, "insee_com", label).upper()
        if not _INSEE_CODE.match(insee):
            raise ReferenceDataError(f"{path.name} : code INSEE « {insee} » mal formé ({label}).")
        if insee in seen:
            raise ReferenceDataError(f"{path.name} : la commune {insee} figure deux fois.")
        seen.add(insee)
        label = f"la commune {insee}"
        geometry, repaired = area_geometry(path, feature, label)
        outlines.append(
            CommuneOutline(
                insee_code=insee,
                name=required_text(path, properties, "nom", label),
                department_code=required_text(path, properties, "insee_dep", label),
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
    text = read_text(path)
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
