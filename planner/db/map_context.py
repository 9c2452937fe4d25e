"""Map context: the communes' outlines and names drawn under the QPVs, for bearings without
background tiles (the coverage map, the report's picture).

The outlines of every loaded commune are simplified together once per version of the
reference data (:func:`geo.outline.display_outlines`, about a tenth of a second) and kept in
memory; a territory's communes are then picked from them.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.outline import display_outlines
from planner.db.models import Commune
from planner.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class CommuneShape:
    """A commune as map context: name, size and an outline simplified for display."""

    code: str
    name: str
    department_code: str
    epci_siren: str | None
    population: int | None
    geometry: BaseGeometry
    label: tuple[float, float]
    """(lon, lat) where its name is written: a point inside the commune."""


@dataclass(frozen=True, slots=True)
class CommuneLayer:
    """Communes of a territory as map context, and the version of the data they come from."""

    version: str
    """Changes whenever an import changes the communes (an HTTP validator is built on it)."""
    communes: tuple[CommuneShape, ...]


async def _version(session: AsyncSession) -> str:
    count, latest = (
        await session.execute(select(func.count(), func.max(Commune.updated_at)))
    ).one()
    return hashlib.sha256(f"{count}|{latest}".encode()).hexdigest()[:16]


def _shapes(rows: Sequence[Any]) -> tuple[CommuneShape, ...]:
    areas = []
    for row in rows:
        label = (row.inside_lon, row.inside_lat) if row.inside_lon is not None else None
        areas.append((row.insee_code, shapely.from_wkb(row.geometry_wkb), label))
    outlines = display_outlines(areas)
    return tuple(
        CommuneShape(
            code=row.insee_code,
            name=row.name,
            department_code=row.department_code,
            epci_siren=row.epci_siren,
            population=row.population,
            geometry=outline.geometry,
            label=outline.label,
        )
        for row, outline in zip(rows, outlines, strict=True)
    )


class CommuneOutlines:
    """The loaded communes' display outlines, rebuilt when the reference data changes (one
    aggregate query checks it on each use)."""

    def __init__(self) -> None:
        self._layer: CommuneLayer | None = None
        self._lock = asyncio.Lock()

    async def region(self, session: AsyncSession) -> CommuneLayer:
        """Every loaded commune that has an outline, ordered by INSEE code."""
        version = await _version(session)
        async with self._lock:
            if self._layer is None or self._layer.version != version:
                rows = (
                    await session.execute(
                        select(
                            Commune.insee_code,
                            Commune.name,
                            Commune.department_code,
                            Commune.epci_siren,
                            Commune.population,
                            Commune.inside_lon,
                            Commune.inside_lat,
                            Commune.geometry_wkb,
                        )
                        .where(Commune.geometry_wkb.is_not(None))
                        .order_by(Commune.insee_code)
                    )
                ).all()
                self._layer = CommuneLayer(version, await asyncio.to_thread(_shapes, rows))
            return self._layer

    async def territory(
        self, session: AsyncSession, *, department: str | None = None, epci: str | None = None
    ) -> CommuneLayer:
        """The communes of a department and/or an EPCI (every one without either).

        Raises :class:`NotFoundError` when no loaded commune belongs to the territory asked.
        """
        layer = await self.region(session)
        if department is None and epci is None:
            return layer
        chosen = tuple(
            c
            for c in layer.communes
            if (department is None or c.department_code == department)
            and (epci is None or c.epci_siren == epci)
        )
        if not chosen:
            place = f"le département {department}" if department else f"l'EPCI {epci}"
            raise NotFoundError(f"Aucune commune chargée dans {place}.")
        return CommuneLayer(layer.version, chosen)


def communes_in_frame(
    layer: CommuneLayer, bounds: tuple[float, float, float, float]
) -> list[CommuneShape]:
    """The communes whose outline meets the (min lon, min lat, max lon, max lat) frame."""
    frame = shapely.box(*bounds)
    return [c for c in layer.communes if c.geometry.intersects(frame)]
