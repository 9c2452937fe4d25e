"""Point-in-QPV speed: the STRtree index against a brute-force loop, measured in the same run.

    .venv/bin/python bench/locate.py [--points 100000] [--seed 2024]

Draws reproducible random points uniformly over the Hauts-de-France bounding box, answers
point→QPV with :class:`geo.index.AreaIndex` (batch and one by one) and with a loop that tests
every QPV polygon for every point, checks that both give the same answers, and prints points per
second and the ratios. The process is pinned to one core. Target: ≥ 50,000 points/s.
"""

from __future__ import annotations

import argparse
import random

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

# bench/ is the script's folder, hence on sys.path: shared timing helpers
from timing import best_of, pin_to_one_core

from geo.index import AreaIndex
from geo.reference import BUNDLED_QPV, bundled_path, read_qpv_file

TARGET = 50_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--brute-sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    pin_to_one_core()

    records = read_qpv_file(bundled_path(BUNDLED_QPV))
    areas = [(r.code, r.geometry) for r in records]
    build_time, index = best_of(1, lambda: AreaIndex(areas))  # first build: prepares polygons
    min_lon = min(r.geometry.bounds[0] for r in records)
    min_lat = min(r.geometry.bounds[1] for r in records)
    max_lon = max(r.geometry.bounds[2] for r in records)
    max_lat = max(r.geometry.bounds[3] for r in records)
    rng = random.Random(args.seed)
    uniform = (
        [rng.uniform(min_lon, max_lon) for _ in range(args.points)],
        [rng.uniform(min_lat, max_lat) for _ in range(args.points)],
    )
    # Venues cluster in and around QPVs: points drawn in the bounding box of a random QPV.
    near_lons, near_lats = [], []
    for _ in range(args.points):
        x0, y0, x1, y1 = rng.choice(records).geometry.bounds
        near_lons.append(rng.uniform(x0, x1))
        near_lats.append(rng.uniform(y0, y1))
    print(f"QPV indexés : {len(index)} (index construit en {build_time * 1000:.2f} ms)")
    ok = True
    for label, (lons, lats) in (
        ("uniformes sur la région", uniform),
        ("dans l'emprise d'un QPV", (near_lons, near_lats)),
    ):
        ok &= measure(label, index, areas, lons, lats, args)
    if not ok:
        raise SystemExit(1)


def measure(
    label: str,
    index: AreaIndex,
    areas: list[tuple[str, BaseGeometry]],
    lons: list[float],
    lats: list[float],
    args: argparse.Namespace,
) -> bool:
    """Time the three ways on one set of points, print the rates, say if the target is met."""
    batch_time, batch = best_of(3, lambda: index.locate_many(lons, lats))
    single_n = min(len(lons), 20_000)
    single_time, single = best_of(
        3,
        lambda: [index.locate(x, y) for x, y in zip(lons[:single_n], lats[:single_n], strict=True)],
    )
    sample = args.brute_sample

    def brute_force() -> list[str | None]:
        found: list[str | None] = []
        for x, y in zip(lons[:sample], lats[:sample], strict=True):
            point = Point(x, y)
            found.append(next((code for code, area in areas if area.intersects(point)), None))
        return found

    brute_time, brute = best_of(1, brute_force)
    if brute != batch[:sample] or single != batch[:single_n]:
        raise SystemExit("ÉCHEC : l'index et la boucle ne donnent pas les mêmes QPV")
    rate_batch = len(lons) / batch_time
    rate_single = single_n / single_time
    rate_brute = sample / brute_time
    inside = sum(code is not None for code in batch)
    print(f"\n{len(lons)} points {label} (graine {args.seed}), {inside} dans un QPV")
    print(f"  lot (locate_many)    : {rate_batch:>12,.0f} points/s")
    print(f"  un par un (locate)   : {rate_single:>12,.0f} points/s (sur {single_n} points)")
    print(f"  force brute (boucle) : {rate_brute:>12,.0f} points/s (sur {sample} points)")
    print(f"  ratio lot / force brute       : {rate_batch / rate_brute:,.0f}×")
    print(f"  ratio un par un / force brute : {rate_single / rate_brute:,.1f}×")
    met = rate_batch >= TARGET
    print(f"  objectif ≥ {TARGET:,} points/s sur un cœur : {'atteint' if met else 'MANQUÉ'}")
    return met


if __name__ == "__main__":
    main()
