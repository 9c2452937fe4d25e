"""Commune outlines made light enough to draw as map context (no background tiles needed).

The bundled outlines (``communes_hdf_contours.geojson``) are already simplified, but the whole
region still weighs 4 MB. For display they are simplified once more as a *coverage*: shapely's
``coverage_simplify`` simplifies each border shared by two communes once, so neighbours keep
meeting (simplifying each polygon alone leaves overlaps and gaps along 1 to 2 % of the
region's area at this tolerance), then coordinates are snapped to a grid, keeping polygons
valid (``set_precision``; plain rounding left a dozen self-intersecting ones). The tolerance is
a Visvalingam–Whyatt one: 99 % of the communes stray less than 0.0065° from the bundled
outlines. The figures of the app are never computed on these shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

DISPLAY_TOLERANCE_DEG = 0.004
"""How far a simplified border may stray, in degrees (about 290 m east-west, 440 m north-south
here): borders for bearings, from the whole region down to a neighbourhood."""
DISPLAY_DECIMALS = 3
"""Coordinates rounded to 0.001° (about 70 m by 110 m): below what the tolerance moves."""


@dataclass(frozen=True, slots=True)
class DisplayOutline:
    """A commune's outline for display, and where its name goes."""

    code: str
    geometry: BaseGeometry
    label: tuple[float, float]
    """(lon, lat) of a point inside the commune, rounded as the outline."""


def display_outlines(
    areas: Sequence[tuple[str, BaseGeometry, tuple[float, float] | None]],
    *,
    tolerance: float = DISPLAY_TOLERANCE_DEG,
    decimals: int = DISPLAY_DECIMALS,
) -> list[DisplayOutline]:
    """Simplify ``(code, outline, label point or None)`` areas together, as a coverage (see
    the module doc), in the order given; without a label point, one inside the outline is
    chosen (shapely's ``point_on_surface``)."""
    if not areas:
        return []
    geometries = np.array([geometry for _, geometry, _ in areas], dtype=object)
    simple = shapely.coverage_simplify(geometries, tolerance)
    snapped = shapely.set_precision(simple, 10.0**-decimals)
    rounded = np.where(shapely.is_empty(snapped), simple, snapped)  # a commune under the grid
    outlines = []
    for (code, geometry, label), shape in zip(areas, rounded, strict=True):
        if label is None:
            inside = shapely.point_on_surface(geometry)
            label = (inside.x, inside.y)
        outlines.append(
            DisplayOutline(
                code=code,
                geometry=shape,
                label=(round(label[0], decimals), round(label[1], decimals)),
            )
        )
    return outlines
