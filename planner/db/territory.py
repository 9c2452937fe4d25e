"""Territory service: import QPV and commune reference data, query it, locate points in it.

Imports upsert by code inside the caller's transaction, so a failure leaves the database as it
was; the CLI (``allervers import-qpv``/``import-communes``) and the first start both go through
here. Point look-ups use :class:`geo.index.AreaIndex` over geometries loaded from the database
once and reloaded only when an import changed them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.index import AreaIndex, merged_outlines
from geo.measure import area_m2
from geo.reference import CommuneOutline, CommuneRecord, QpvRecord
from geo.text import fold
from planner.db.models import Commune, CommunePostcode, Qpv, QpvCommune, QpvEpci
from planner.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: rows created, updated, left unchanged, and geometries repaired."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    """(code, shapely's reason) for every polygon that ``make_valid`` had to repair."""

    @property
    def total(self) -> int:
        """Rows read from the file."""
        return self.created + self.updated + self.unchanged


def _apply(row: Any, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``row``; return whether anything differed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _qpv_values(record: QpvRecord, source: str) -> dict[str, Any]:
    geometry = record.geometry
    centroid = geometry.centroid
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return {
        "name": record.name,
        "name_folded": fold(record.name),
        "department_code": record.department_code,
        "department_name": record.department_name,
        "region_code": record.region_code,
        "region_name": record.region_name,
        "centroid_lon": round(centroid.x, 7),
        "centroid_lat": round(centroid.y, 7),
        "area_m2": round(area_m2(geometry), 1),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "geometry_wkb": shapely.to_wkb(geometry),
        "repaired": record.repaired,
        "source": source,
    }


async def import_qpvs(
    session: AsyncSession, records: Sequence[QpvRecord], *, source: str, now: datetime
) -> ImportReport:
    """Upsert QPVs by code (with their host communes and EPCIs) in the caller's transaction."""
    existing = {
        qpv.code: qpv
        for qpv in await session.scalars(select(Qpv).where(Qpv.code.in_([r.code for r in records])))
    }
    created = updated = unchanged = 0
    for record in records:
        values = _qpv_values(record, source)
        communes = [(c.insee_code, c.name) for c in record.communes]
        row = existing.get(record.code)
        if row is None:
            row = Qpv(code=record.code, updated_at=now, **values)
            session.add(row)
            created += 1
            changed = True
        else:
            changed = _apply(row, {k: v for k, v in values.items() if k != "source"})
            if [(c.insee_code, c.name) for c in row.communes] != communes or [
                e.siren for e in row.epcis
            ] != list(record.epci_sirens):
                row.communes.clear()
                row.epcis.clear()
                await session.flush()
                changed = True
            if changed:
                row.source = source
                row.updated_at = now
                updated += 1
            else:
                unchanged += 1
        if changed and not row.communes:
            row.communes.extend(
                QpvCommune(insee_code=insee, name=name, position=i)
                for i, (insee, name) in enumerate(communes)
            )
            row.epcis.extend(
                QpvEpci(siren=siren, position=i) for i, siren in enumerate(record.epci_sirens)
            )
    await session.flush()
    return ImportReport(
        created=created,
        updated=updated,
        unchanged=unchanged,
        repaired=tuple((r.code, r.repaired) for r in records if r.repaired),
    )


def _commune_values(record: CommuneRecord) -> dict[str, Any]:
    def lon(point: Any) -> float | None:
        return point.lon if point else None

    def lat(point: Any) -> float | None:
        return point.lat if point else None

    return {
        "name": record.name,
        "name_folded": fold(record.name),
        "department_code": record.department_code,
        "epci_siren": record.epci_siren,
        "population": record.population,
        "centroid_lon": lon(record.centroid),
        "centroid_lat": lat(record.centroid),
        "inside_lon": lon(record.inside_point),
        "inside_lat": lat(record.inside_point),
        "mairie_lon": lon(record.mairie_point),
        "mairie_lat": lat(record.mairie_point),
        "mairie_address": record.mairie_address,
    }


async def _communes_by_code(session: AsyncSession, codes: list[str]) -> dict[str, Commune]:
    rows = await session.scalars(select(Commune).where(Commune.insee_code.in_(codes)))
    return {row.insee_code: row for row in rows}


async def import_communes(
    session: AsyncSession, records: Sequence[CommuneRecord], *, now: datetime
) -> ImportReport:
    """Upsert communes' attributes and postcodes by INSEE code; outlines are kept."""
    existing = await _communes_by_code(session, [r.insee_code for r in records])
    created = updated = unchanged = 0
    for record in records:
        values = _commune_values(record)
        row = existing.get(record.insee_code)
        if row is None:
            row = Commune(insee_code=record.insee_code, updated_at=now, **values)
            row.postcodes = [CommunePostcode(postcode=p) for p in sorted(set(record.postcodes))]
            session.add(row)
            created += 1
            continue
        changed = _apply(row, values)
        if [p.postcode for p in row.postcodes] != sorted(set(record.postcodes)):
            row.postcodes.clear()
            await session.flush()
            row.postcodes.extend(CommunePostcode(postcode=p) for p in sorted(set(record.postcodes)))
            changed = True
        if changed:
            row.updated_at = now
            updated += 1
        else:
            unchanged += 1
    await session.flush()
    return ImportReport(created=created, updated=updated, unchanged=unchanged)


async def import_commune_outlines(
    session: AsyncSession, outlines: Sequence[CommuneOutline], *, now: datetime
) -> ImportReport:
    """Upsert communes' outlines by INSEE code; a commune not yet known is created from it."""
    existing = await _communes_by_code(session, [o.insee_code for o in outlines])
    created = updated = unchanged = 0
    for outline in outlines:
        wkb = shapely.to_wkb(outline.geometry)
        row = existing.get(outline.insee_code)
        if row is None:
            session.add(
                Commune(
                    insee_code=outline.insee_code,
                    name=outline.name,
                    name_folded=fold(outline.name),
                    department_code=outline.department_code,
                    geometry_wkb=wkb,
                    repaired=outline.repaired,
                    updated_at=now,
                )
            )
            created += 1
        elif _apply(row, {"geometry_wkb": wkb, "repaired": outline.repaired}):
            row.updated_at = now
            updated += 1
        else:
            unchanged += 1
    await session.flush()
    return ImportReport(
        created=created,
        updated=updated,
        unchanged=unchanged,
        repaired=tuple((o.insee_code, o.repaired) for o in outlines if o.repaired),
    )


async def count_qpvs(session: AsyncSession) -> int:
    """Number of QPVs loaded."""
    return int(await session.scalar(select(func.count()).select_from(Qpv)) or 0)


async def count_communes(session: AsyncSession, *, with_outline: bool = False) -> int:
    """Number of communes loaded (only those with an outline when asked)."""
    query = select(func.count()).select_from(Commune)
    if with_outline:
        query = query.where(Commune.geometry_wkb.is_not(None))
    return int(await session.scalar(query) or 0)


async def list_qpvs(
    session: AsyncSession,
    *,
    department: str | None = None,
    commune: str | None = None,
    text: str | None = None,
) -> Sequence[Qpv]:
    """Return the QPVs matching every given filter, ordered by code.

    ``text`` matches the name regardless of case, accents and apostrophes.
    """
    query = select(Qpv).order_by(Qpv.code)
    if department:
        query = query.where(Qpv.department_code == department)
    if commune:
        query = query.where(
            Qpv.code.in_(select(QpvCommune.qpv_code).where(QpvCommune.insee_code == commune))
        )
    if text and fold(text):
        query = query.where(Qpv.name_folded.contains(fold(text), autoescape=True))
    return (await session.scalars(query)).all()


async def communes_named(session: AsyncSession, name: str) -> list[str]:
    """INSEE codes of the communes called ``name`` (case, accents and hyphens ignored)."""
    folded = fold(name)
    return list(
        await session.scalars(select(Commune.insee_code).where(Commune.name_folded == folded))
    )


async def commune_outlines(session: AsyncSession) -> list[tuple[str, bytes]]:
    """(department code, outline WKB) of every commune that has an outline."""
    rows = await session.execute(
        select(Commune.department_code, Commune.geometry_wkb).where(
            Commune.geometry_wkb.is_not(None)
        )
    )
    return [(department, wkb) for department, wkb in rows if wkb is not None]


async def get_qpv(session: AsyncSession, code: str) -> Qpv:
    """Return the QPV with ``code``, or raise :class:`NotFoundError`."""
    qpv = await session.get(Qpv, code.upper())
    if qpv is None:
        raise NotFoundError(f"Aucun QPV ne porte le code {code}.")
    return qpv


@dataclass(frozen=True, slots=True)
class Territory:
    """Point-in-area indexes over the loaded QPVs and commune outlines."""

    qpvs: AreaIndex
    communes: AreaIndex


@dataclass(frozen=True, slots=True)
class Location:
    """Where a point lies: its QPV (if any), the nearest QPV and distance, and its commune."""

    qpv: Qpv | None
    nearest: Qpv | None
    distance_m: float | None
    commune: Commune | None


class TerritoryCache:
    """Holds the :class:`Territory` indexes and rebuilds them when the reference data changes.

    The revision checked on each use is two aggregate queries (row counts and latest update
    times); the geometries themselves are read only after an import changed them.
    """

    def __init__(self) -> None:
        self._revision: tuple[Any, ...] | None = None
        self._territory: Territory | None = None
        self._lock = asyncio.Lock()
        self._outlines: tuple[tuple[Any, ...], dict[str, BaseGeometry]] | None = None

    @staticmethod
    async def _current_revision(session: AsyncSession) -> tuple[Any, ...]:
        qpv = (await session.execute(select(func.count(), func.max(Qpv.updated_at)))).one()
        commune = (await session.execute(select(func.count(), func.max(Commune.updated_at)))).one()
        return (*qpv, *commune)

    async def department_outlines(self, session: AsyncSession) -> dict[str, BaseGeometry]:
        """Department outlines merged from the commune outlines (map context), computed once
        per version of the reference data: merging 3,782 communes takes about a second."""
        revision = await self._current_revision(session)
        if self._outlines is None or self._outlines[0] != revision:
            parts = [(dep, shapely.from_wkb(wkb)) for dep, wkb in await commune_outlines(session)]
            merged = await asyncio.to_thread(merged_outlines, parts, tolerance=0.004)
            self._outlines = (revision, merged)
        return self._outlines[1]

    async def get(self, session: AsyncSession) -> Territory:
        """Return the indexes for the data now in the database."""
        revision = await self._current_revision(session)
        async with self._lock:
            if self._territory is None or revision != self._revision:
                qpvs = (
                    await session.execute(select(Qpv.code, Qpv.geometry_wkb).order_by(Qpv.code))
                ).all()
                communes = (
                    await session.execute(
                        select(Commune.insee_code, Commune.geometry_wkb)
                        .where(Commune.geometry_wkb.is_not(None))
                        .order_by(Commune.insee_code)
                    )
                ).all()
                self._territory = Territory(
                    qpvs=AreaIndex([(code, shapely.from_wkb(wkb)) for code, wkb in qpvs]),
                    communes=AreaIndex([(code, shapely.from_wkb(wkb)) for code, wkb in communes]),
                )
                self._revision = revision
            return self._territory


async def locate(
    session: AsyncSession, cache: TerritoryCache, *, lon: float, lat: float
) -> Location:
    """Say which QPV holds the point, which QPV is nearest and how far, and which commune."""
    territory = await cache.get(session)
    inside = territory.qpvs.locate(lon, lat)
    nearest = territory.qpvs.nearest(lon, lat)
    commune_code = territory.communes.locate(lon, lat)
    qpvs = {
        qpv.code: qpv
        for qpv in await session.scalars(
            select(Qpv).where(Qpv.code.in_([c for c in (inside, nearest and nearest.code) if c]))
        )
    }
    return Location(
        qpv=qpvs.get(inside) if inside else None,
        nearest=qpvs.get(nearest.code) if nearest else None,
        distance_m=nearest.distance_m if nearest else None,
        commune=await session.get(Commune, commune_code) if commune_code else None,
    )
