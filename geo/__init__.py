"""Territory geography: QPV and commune reference data, point-in-area look-ups and distances.

This room knows shapely, pyproj and geopy; it never imports Litestar nor the ORM. Everything it
returns is a plain value (see :mod:`geo.reference` and :mod:`geo.index`).
"""
