"""Point-in-area look-ups and nearest areas, checked against brute force over every polygon."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import Point, box

from geo.index import AreaIndex, Nearest
from geo.measure import distance_m
from geo.reference import BUNDLED_QPV, bundled_path, read_qpv_file

WGS84 = Geod(ellps="WGS84")  # an independent geodesic, as oracle for geopy's
# Hauts-de-France, with a margin: points inside, near and far from QPVs.
LONS = st.floats(min_value=1.3, max_value=4.4, allow_nan=False)
LATS = st.floats(min_value=48.8, max_value=51.2, allow_nan=False)


@cache
def qpv_index() -> AreaIndex:
    return AreaIndex([(r.code, r.geometry) for r in read_qpv_file(bundled_path(BUNDLED_QPV))])


def _brute_locate(index: AreaIndex, lon: float, lat: float) -> str | None:
    return next((c for c in index.codes if index.geometry(c).intersects(Point(lon, lat))), None)


def test_locate_point_inside_etouvie() -> None:
    """A point inside Etouvie (Amiens) is in QN08001M."""
    inside = qpv_index().geometry("QN08001M").representative_point()
    assert qpv_index().locate(inside.x, inside.y) == "QN08001M"


def test_locate_point_outside_every_qpv() -> None:
    """Amiens cathedral is in no QPV."""
    assert qpv_index().locate(2.3022, 49.8945) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(LONS, LATS), min_size=1, max_size=30))
def test_locate_many_equals_brute_force(points: list[tuple[float, float]]) -> None:
    """The batch form answers exactly what a loop over every polygon answers."""
    index = qpv_index()
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    assert index.locate_many(lons, lats) == [_brute_locate(index, x, y) for x, y in points]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(qpv_index().codes)), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_locate_many_finds_points_inside_each_qpv(code: str, u: float, v: float) -> None:
    """Points drawn inside a QPV's bounding box agree with the QPV's own polygon."""
    index = qpv_index()
    min_x, min_y, max_x, max_y = index.geometry(code).bounds
    x, y = min_x + u * (max_x - min_x), min_y + v * (max_y - min_y)
    expected = _brute_locate(index, x, y)
    assert (index.locate(x, y), index.locate_many([x], [y])) == (expected, [expected])


def test_locate_overlap_first_area_wins() -> None:
    """Where two areas overlap, the first one given answers, in both forms."""
    index = AreaIndex([("A", box(0, 0, 2, 2)), ("B", box(1, 1, 3, 3))])
    assert (index.locate(1.5, 1.5), index.locate_many([1.5, 2.5], [1.5, 2.5])) == ("A", ["A", "B"])


def test_nearest_distance_matches_geodesic_on_a_square() -> None:
    """A point 0.01° north of a square's edge is as far as pyproj's geodesic straight south."""
    index = AreaIndex([("SQ", box(2.0, 49.99, 2.01, 50.0))])
    nearest = index.nearest(2.005, 50.01)
    expected = WGS84.inv(2.005, 50.01, 2.005, 50.0)[2]
    assert nearest is not None
    assert (nearest.code, round(nearest.distance_m, 2)) == ("SQ", round(expected, 2))


def test_nearest_prefers_metres_over_degrees() -> None:
    """At 60°N an area 0.015° east (837 m) is nearer than one 0.01° north (1,114 m)."""
    index = AreaIndex(
        [("NORTH", box(2.0, 60.01, 2.001, 60.011)), ("EAST", box(2.015, 60.0, 2.016, 60.001))]
    )
    nearest = index.nearest(2.0, 60.0)
    expected = WGS84.inv(2.0, 60.0, 2.015, 60.0)[2]
    assert nearest is not None
    assert (nearest.code, round(nearest.distance_m, 2)) == ("EAST", round(expected, 2))


def test_nearest_inside_is_zero() -> None:
    """A point inside an area is at 0 m from it."""
    inside = qpv_index().geometry("QN08001M").representative_point()
    assert qpv_index().nearest(inside.x, inside.y) == Nearest("QN08001M", 0.0)


@settings(max_examples=40, deadline=None)
@given(LONS, LATS)
def test_nearest_equals_brute_force(lon: float, lat: float) -> None:
    """The tree-pruned nearest QPV is the one a measure of every QPV finds."""
    index = qpv_index()
    nearest = index.nearest(lon, lat)
    assert nearest is not None
    best = min(distance_m(lon, lat, index.geometry(c)) for c in index.codes)
    assert round(nearest.distance_m, 6) == round(best, 6)


def test_empty_index_answers_none() -> None:
    """No areas: nothing holds the point and nothing is nearest."""
    index = AreaIndex([])
    assert (
        index.locate(2.3, 49.9),
        index.locate_many([2.3], [49.9]),
        index.nearest(2.3, 49.9),
    ) == (
        None,
        [None],
        None,
    )


@settings(max_examples=60, deadline=None)
@given(LONS, LATS, st.floats(min_value=0.0, max_value=3000.0))
def test_within_equals_brute_force(lon: float, lat: float, radius: float) -> None:
    """The QPVs within a radius are exactly those a measure of every QPV keeps, nearest first."""
    index = qpv_index()
    measured = sorted((distance_m(lon, lat, index.geometry(c)), c) for c in index.codes)
    expected = [Nearest(code, d) for d, code in measured if d <= radius]
    assert index.within(lon, lat, radius) == expected
