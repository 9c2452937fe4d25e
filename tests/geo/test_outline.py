"""Commune outlines simplified for display: shared borders stay shared, labels stay inside."""

from __future__ import annotations

import shapely
from shapely.geometry import Polygon

from geo.outline import display_outlines

ZIGZAG = [(1.0 + (0.001 if i % 2 else 0.0), 50.0 + i * 0.005) for i in range(21)]
"""A border wiggling by 0.001° (under the tolerance) from (1, 50) to (1, 50.1)."""
WEST = Polygon([(0.9, 50.0), *ZIGZAG, (0.9, 50.1)])
EAST = Polygon([*ZIGZAG, (1.1, 50.1), (1.1, 50.0)])


def test_display_outlines_keep_shared_borders() -> None:
    """Two neighbours simplified together still meet along one border: no gap, no overlap,
    and the wiggles under the tolerance are gone."""
    west, east = display_outlines([("W", WEST, None), ("E", EAST, None)])
    union = shapely.union_all([west.geometry, east.geometry])
    assert (west.code, east.code) == ("W", "E")
    assert round(west.geometry.area + east.geometry.area - union.area, 12) == 0
    assert round(union.area, 9) == round(WEST.area + EAST.area, 9)
    shared = west.geometry.intersection(east.geometry)
    assert (round(shared.length, 2), west.geometry.is_valid, east.geometry.is_valid) == (
        0.1,
        True,
        True,
    )
    assert shapely.get_num_coordinates(west.geometry) <= 6 < shapely.get_num_coordinates(WEST)


def test_display_outlines_label_point_given_or_inside() -> None:
    """A label point given is kept (rounded to the grid); otherwise one inside is chosen."""
    given, chosen = display_outlines([("W", WEST, (0.95012, 50.04987)), ("E", EAST, None)])
    assert given.label == (0.95, 50.05)
    assert EAST.contains(shapely.Point(chosen.label))


def test_display_outlines_of_nothing() -> None:
    """No area, no outline."""
    assert display_outlines([]) == []
