"""Open data of a territory (issue 17): counts per QPV as GeoJSON (RFC 7946) and CSV, and the
list of published territories.

Counts only — sessions held, their hours, organisations involved — never a person. Columns and
properties have French names, the QPV's named as in ANCT's file (``code_qp``, ``lib_qp``,
``insee_dep``) so that the file joins with it. The CSV follows Etalab's advice for open data:
comma-separated, UTF-8, a decimal point, one header line; it carries each QPV's centroid
(``latitude``, ``longitude``) so that uMap can place it too.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any, Literal

import msgspec
import shapely

from api.schemas.coverage import display_geometries
from planner.db.coverage_values import Coverage, QpvCoverage
from planner.db.open_data import Publication
from planner.open_data import Territory
from planner.spreadsheet import safe_cell

LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"
ATTRIBUTION = (
    "Séances « aller vers » tenues, saisies dans allervers ; périmètres des quartiers "
    "prioritaires : ANCT"
)
NOTE = (
    "Une séance compte pour chaque QPV qu'elle dessert. Séances publiées ou terminées qui ont "
    "eu lieu pendant la période ; organisations : celles qui ont mené la séance ou y ont "
    "participé. Aucune donnée personnelle."
)


class OpenDataProperties(msgspec.Struct, frozen=True):
    """A QPV's counts over the period."""

    code_qp: str
    lib_qp: str
    insee_dep: str
    lib_dep: str
    communes: str
    seances_tenues: int
    heures_de_seance: float
    organisations: int
    periode_debut: date
    periode_fin: date


class OpenDataFeature(msgspec.Struct, frozen=True):
    """A QPV as a GeoJSON Feature: its perimeter simplified for display, its counts."""

    id: str
    geometry: dict[str, Any]
    properties: OpenDataProperties
    type: Literal["Feature"] = "Feature"


class OpenDataCollection(msgspec.Struct, frozen=True):
    """Every QPV of the territory, reached or not; licence, attribution and period as members
    of the collection (RFC 7946 §6.1, foreign members)."""

    territoire: str
    periode_debut: date
    periode_fin: date
    licence: str
    attribution: str
    note: str
    features: list[OpenDataFeature]
    type: Literal["FeatureCollection"] = "FeatureCollection"


class PublicationOut(msgspec.Struct, frozen=True):
    """A published territory and the addresses of its files."""

    territory: str
    kind: str
    label: str
    published_at: datetime
    geojson: str
    csv: str


def publication_out(publication: Publication, *, base_url: str) -> PublicationOut:
    """``publication`` with its files' absolute addresses under ``base_url``."""
    territory = publication.territory
    folder = f"{base_url}/donnees-ouvertes/{territory.code}"
    return PublicationOut(
        territory=territory.code,
        kind=territory.kind.value,
        label=territory.label,
        published_at=publication.published_at,
        geojson=f"{folder}/qpv.geojson",
        csv=f"{folder}/qpv.csv",
    )


def _properties(q: QpvCoverage, coverage: Coverage) -> OpenDataProperties:
    return OpenDataProperties(
        code_qp=q.code,
        lib_qp=q.name,
        insee_dep=q.department_code,
        lib_dep=q.department_name,
        communes=", ".join(q.communes),
        seances_tenues=q.figures.sessions,
        heures_de_seance=q.figures.session_hours,
        organisations=q.organisations,
        periode_debut=coverage.filters.first_day,
        periode_fin=coverage.filters.last_day,
    )


def open_data_geojson(coverage: Coverage, territory: Territory) -> bytes:
    """The territory's counts per QPV as an encoded GeoJSON FeatureCollection."""
    geometries = display_geometries([q.geometry_wkb for q in coverage.qpvs])
    collection = OpenDataCollection(
        territoire=territory.label,
        periode_debut=coverage.filters.first_day,
        periode_fin=coverage.filters.last_day,
        licence=LICENCE,
        attribution=ATTRIBUTION,
        note=NOTE,
        features=[
            OpenDataFeature(id=q.code, geometry=g, properties=_properties(q, coverage))
            for q, g in zip(coverage.qpvs, geometries, strict=True)
        ],
    )
    return msgspec.json.encode(collection)


CSV_COLUMNS = (*OpenDataProperties.__struct_fields__, "latitude", "longitude")


def open_data_csv(coverage: Coverage) -> bytes:
    """The same counts as CSV (see the module doc), one row per QPV with its centroid."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for q in coverage.qpvs:
        centre = shapely.from_wkb(q.geometry_wkb).centroid
        row = msgspec.structs.astuple(_properties(q, coverage))
        cells = [*row, round(centre.y, 5), round(centre.x, 5)]
        writer.writerow(safe_cell(c.isoformat() if isinstance(c, date) else c) for c in cells)
    return out.getvalue().encode("utf-8")
