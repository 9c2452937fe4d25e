"""Response schemas (msgspec) and the conversions from persisted rows to them."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
import shapely
from shapely.geometry import mapping

from planner.db.models import Commune, Qpv
from planner.db.territory import Location


class Point(msgspec.Struct, frozen=True):
    """A WGS84 point."""

    lat: float
    lon: float


class HostCommune(msgspec.Struct, frozen=True):
    """A commune hosting part of a QPV."""

    insee_code: str
    name: str


class Department(msgspec.Struct, frozen=True):
    """A department: INSEE code and name."""

    code: str
    name: str


class QpvSummary(msgspec.Struct, frozen=True):
    """A QPV without its polygon."""

    code: str
    name: str
    communes: list[HostCommune]
    department: Department
    epci_sirens: list[str]
    centroid: Point
    area_m2: float


class QpvFeature(msgspec.Struct, frozen=True):
    """A QPV as a GeoJSON Feature (RFC 7946), its summary in ``properties``."""

    id: str
    geometry: dict[str, Any]
    properties: QpvSummary
    bbox: tuple[float, float, float, float]
    type: Literal["Feature"] = "Feature"


class CommuneSummary(msgspec.Struct, frozen=True):
    """A commune's identity."""

    insee_code: str
    name: str
    department_code: str
    epci_siren: str | None
    postcodes: list[str]


class NearestQpv(msgspec.Struct, frozen=True):
    """The nearest QPV to a point and the geodesic distance to its edge (0 inside)."""

    qpv: QpvSummary
    distance_m: float


class LocateResult(msgspec.Struct, frozen=True):
    """Where a point lies."""

    point: Point
    qpv: QpvSummary | None
    nearest: NearestQpv | None
    commune: CommuneSummary | None


class Health(msgspec.Struct, frozen=True):
    """Service and database status."""

    status: str
    database: str
    backend: str
    revision: str
    qpv_count: int
    commune_count: int
    process: int
    """The serving process's id: which of ``serve --workers N`` answered."""


def qpv_summary(qpv: Qpv) -> QpvSummary:
    """Summarise a QPV row."""
    return QpvSummary(
        code=qpv.code,
        name=qpv.name,
        communes=[HostCommune(c.insee_code, c.name) for c in qpv.communes],
        department=Department(qpv.department_code, qpv.department_name),
        epci_sirens=[e.siren for e in qpv.epcis],
        centroid=Point(lat=qpv.centroid_lat, lon=qpv.centroid_lon),
        area_m2=qpv.area_m2,
    )


def qpv_feature(qpv: Qpv) -> QpvFeature:
    """A QPV row as a GeoJSON Feature with its polygon."""
    return QpvFeature(
        id=qpv.code,
        geometry=dict(mapping(shapely.from_wkb(qpv.geometry_wkb))),
        properties=qpv_summary(qpv),
        bbox=(qpv.min_lon, qpv.min_lat, qpv.max_lon, qpv.max_lat),
    )


def commune_summary(commune: Commune) -> CommuneSummary:
    """Summarise a commune row."""
    return CommuneSummary(
        insee_code=commune.insee_code,
        name=commune.name,
        department_code=commune.department_code,
        epci_siren=commune.epci_siren,
        postcodes=[p.postcode for p in commune.postcodes],
    )


def locate_result(lat: float, lon: float, location: Location) -> LocateResult:
    """Present a :class:`Location`."""
    nearest = None
    if location.nearest is not None and location.distance_m is not None:
        nearest = NearestQpv(qpv_summary(location.nearest), round(location.distance_m, 1))
    return LocateResult(
        point=Point(lat=lat, lon=lon),
        qpv=qpv_summary(location.qpv) if location.qpv else None,
        nearest=nearest,
        commune=commune_summary(location.commune) if location.commune else None,
    )
