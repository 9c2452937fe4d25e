"""Point-in-area look-ups over QPV perimeters or commune outlines, with a shapely STRtree.

The tree and prepared geometries are built once per set of areas; a single point costs a tree
query and one or two prepared ``intersects``; :meth:`AreaIndex.locate_many` answers a whole array
of points in one vectorised query (see ``bench/locate.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.measure import distance_m


@dataclass(frozen=True, slots=True)
class Nearest:
    """The nearest area to a point and the geodesic distance to its edge (0 when inside)."""

    code: str
    distance_m: float


class AreaIndex:
    """Areas keyed by code (QPV code, INSEE code), answering which one holds a lon/lat point.

    A point on a boundary counts as inside (``intersects``): a venue on the edge of a QPV is in
    it. Where areas overlap, the first one given wins, so answers are deterministic.
    """

    def __init__(self, areas: Sequence[tuple[str, BaseGeometry]]) -> None:
        self._codes: list[str] = [code for code, _ in areas]
        self._geometries = np.array([geometry for _, geometry in areas], dtype=object)
        shapely.prepare(self._geometries)
        self._tree = STRtree(self._geometries)

    def __len__(self) -> int:
        return len(self._codes)

    @property
    def codes(self) -> list[str]:
        """The codes of the indexed areas, in the order given."""
        return list(self._codes)

    def geometry(self, code: str) -> BaseGeometry:
        """Return the indexed geometry of ``code`` (``KeyError`` if unknown)."""
        return self._geometries[self._codes.index(code)]

    def locate(self, lon: float, lat: float) -> str | None:
        """Return the code of the area holding the point, or ``None``."""
        hits = self._tree.query(Point(lon, lat), predicate="intersects")
        return self._codes[int(hits.min())] if len(hits) else None

    def locate_many(self, lons: Sequence[float], lats: Sequence[float]) -> list[str | None]:
        """Return, for each point, the code of the area holding it or ``None`` (one tree query)."""
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        found = np.full(len(points), -1, dtype=np.int64)
        point_index, area_index = self._tree.query(points, predicate="intersects")
        # Assign in reverse order of area so that the first area given wins on overlaps.
        order = np.argsort(-area_index, kind="stable")
        found[point_index[order]] = area_index[order]
        return [self._codes[i] if i >= 0 else None for i in found.tolist()]

    def within(self, lon: float, lat: float, radius_m: float) -> list[Nearest]:
        """Return every area within ``radius_m`` metres of the point, nearest first.

        A venue on the edge of a QPV serves it: this is how the QPVs a venue serves are found.
        """
        if not self._codes:
            return []
        # A metre is at most 1/111,000 of a degree of latitude and 1/(111,000·cos φ) of longitude.
        degrees = radius_m / 110_000 / max(math.cos(math.radians(lat)), 1e-6)
        candidates = self._tree.query(Point(lon, lat), predicate="dwithin", distance=degrees)
        measured = sorted(
            (distance_m(lon, lat, self._geometries[i]), self._codes[int(i)]) for i in candidates
        )
        return [Nearest(code, distance) for distance, code in measured if distance <= radius_m]

    def nearest(self, lon: float, lat: float) -> Nearest | None:
        """Return the area nearest to the point in metres (geodesic), or ``None`` if empty.

        The tree's nearest neighbour in degrees is not always the nearest in metres (a degree of
        longitude is shorter than one of latitude away from the equator), so every area within
        that degree distance widened by 1/cos(latitude) is measured and the closest is kept.
        """
        if not self._codes:
            return None
        point = Point(lon, lat)
        inside = self.locate(lon, lat)
        if inside is not None:
            return Nearest(inside, 0.0)
        first = int(self._tree.query_nearest(point)[0])
        degrees = float(shapely.distance(point, self._geometries[first]))
        widen = 1.0 / max(math.cos(math.radians(lat)), 1e-6)
        candidates = self._tree.query(point, predicate="dwithin", distance=degrees * widen * 1.001)
        best = min(
            (distance_m(lon, lat, self._geometries[i]), int(i))
            for i in {first, *candidates.tolist()}
        )
        return Nearest(self._codes[best[1]], best[0])


def merged_outlines(
    parts: Sequence[tuple[str, BaseGeometry]], *, tolerance: float
) -> dict[str, BaseGeometry]:
    """Merge areas sharing a key (communes of a department) into one simplified outline each.

    For map context only: ``tolerance`` (degrees) trades detail for size.
    """
    groups: dict[str, list[BaseGeometry]] = {}
    for key, geometry in parts:
        groups.setdefault(key, []).append(geometry)
    return {
        key: shapely.union_all(np.array(geometries, dtype=object)).simplify(
            tolerance, preserve_topology=True
        )
        for key, geometries in sorted(groups.items())
    }
