"""Measures on the WGS84 ellipsoid: polygon areas (pyproj) and point-to-area distances (geopy)."""

from __future__ import annotations

import math

import shapely
from geopy.distance import geodesic
from pyproj import Geod
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

_WGS84 = Geod(ellps="WGS84")


def area_m2(geometry: BaseGeometry) -> float:
    """Return the geodesic area of a lon/lat polygon in square metres (pyproj ``Geod``)."""
    area, _perimeter = _WGS84.geometry_area_perimeter(geometry)
    return abs(float(area))


def distance_m(lon: float, lat: float, geometry: BaseGeometry) -> float:
    """Return the geodesic distance in metres from a lon/lat point to the nearest point of an area.

    The nearest point is found in a local plane where longitudes are scaled by cos(latitude),
    which keeps angles right around the point (equirectangular, accurate at neighbourhood scale);
    the distance itself is geopy's geodesic on WGS84. A point inside or on the area is at 0 m.
    """
    point = Point(lon, lat)
    if geometry.intersects(point):
        return 0.0
    scale = math.cos(math.radians(lat))
    scaled = shapely.transform(geometry, lambda xy: xy * (scale, 1.0))
    _, nearest = nearest_points(Point(lon * scale, lat), scaled)
    return float(geodesic((lat, lon), (nearest.y, nearest.x / scale)).meters)


def geodesic_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the geodesic distance in metres between two lon/lat points on WGS84.

    pyproj's ``Geod.inv`` (Karney's algorithm in C, as geopy's ``geodesic`` in Python, the same
    figure to the nanometre) is about a hundred times faster: the campaign planner measures
    hundreds of thousands of pairs.
    """
    _, _, metres = _WGS84.inv(lon1, lat1, lon2, lat2)
    return float(metres)
