"""Offline geocoding speed and accuracy: the gazetteer against a linear scan, in the same run.

    .venv/bin/python bench/geocode.py [--scan-sample 300] [--seed 2024]

Writes every bundled town-hall address in the eight ways of the accuracy test
(``tests/geo/test_gazetteer.py``: as written, lower case, abbreviated, without hyphens, with a
typo, without postcode, without commune, typed on a phone), geocodes them all with
:class:`geo.gazetteer.OfflineGeocoder`, and on a seeded sample with a naive linear scan that
compares each query with every known address label (rapidfuzz ``WRatio``). Prints addresses per
second, the ratio, whether the target is met, and the accuracy figures of both. The process is
pinned to one core. Target: ≥ 2,000 addresses/s.

Then imports 5,000 venues (demo rows: town-hall addresses written the same ways, fictitious
names) from a CSV into a fresh embedded database with ``import_venues``, and, as the baseline,
a sample of the same rows one by one through the single-venue service with a commit each, as a
form would. Target: 5,000 venues in < 30 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from pyproj import Geod
from rapidfuzz import fuzz, process, utils

# bench/ is the script's folder, hence on sys.path: shared timing helpers
from timing import best_of, pin_to_one_core

from geo.address_entry import AddressEntry, mairie_entries
from geo.gazetteer import OfflineGeocoder

# The ways of writing an address are the accuracy test's own, so both measure the same thing;
# ``tests`` is found from the repository root, as pytest finds it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.geo.test_gazetteer import (
    CONFIDENT,
    VARIANTS,
    Query,
    _plain,
    communes,
    measure,
    queries,
    town_halls,
)

TARGET = 2_000
WGS84 = Geod(ellps="WGS84")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scan-sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--import-sample", type=int, default=300)
    args = parser.parse_args()
    pin_to_one_core()
    ok = geocode_town_halls(args)
    ok &= import_venues_bench(args)
    if not ok:
        raise SystemExit(1)


IMPORT_ROWS = 5_000
IMPORT_TARGET_S = 30.0


def import_venues_bench(args: argparse.Namespace) -> bool:
    """Time the bulk import of 5,000 venues against a row-by-row baseline; target met?"""
    import asyncio
    import csv
    import io
    import tempfile
    from datetime import UTC, datetime

    from sqlalchemy.ext.asyncio import async_sessionmaker

    from api.app import build_placer
    from api.cli import prepare
    from api.settings import Settings
    from planner.db.engine import create_engine
    from planner.db.venue_import import import_venues
    from planner.db.venues import VenueInput, create_venue
    from planner.errors import DomainError
    from planner.venue import Address, VenueKind

    rng = random.Random(args.seed)
    halls = town_halls()
    rows = []
    for number in range(1, IMPORT_ROWS + 1):
        hall = rng.choice(halls)
        street, commune = hall.street_line, hall.commune
        if number % 2:  # every other row typed in lower case without accents
            street, commune = _plain(street), _plain(commune)
        rows.append(
            (f"Lieu de démonstration n° {number}", "association", street, hall.postcode, commune)
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["nom", "type", "adresse", "code_postal", "commune"])
    writer.writerows(rows)
    text = out.getvalue()

    async def bulk(url: str) -> tuple[float, int, int]:
        engine = create_engine(url)
        placer = build_placer(Settings(database_url=url), engine)
        await placer.geocoding.chain()  # the gazetteer is built at start, not per import
        try:
            start = time.perf_counter()
            async with async_sessionmaker(engine)() as session, session.begin():
                report = await import_venues(session, placer, text, now=datetime.now(UTC))
            return time.perf_counter() - start, report.created, len(report.rejected)
        finally:
            await engine.dispose()

    async def one_by_one(url: str, sample: int) -> tuple[float, int]:
        engine = create_engine(url)
        placer = build_placer(Settings(database_url=url), engine)
        await placer.geocoding.chain()
        sessions = async_sessionmaker(engine)
        created = 0
        try:
            start = time.perf_counter()
            for name, _, street, postcode, commune in rows[:sample]:
                data = VenueInput(
                    name=name,
                    kind=VenueKind.ASSOCIATION,
                    address=Address(street=street, postcode=postcode or None, commune=commune),
                )
                try:
                    async with sessions() as session, session.begin():
                        await create_venue(
                            session, placer, data, now=datetime.now(UTC), operator=True
                        )
                    created += 1
                except DomainError:
                    pass
            return time.perf_counter() - start, created
        finally:
            await engine.dispose()

    with tempfile.TemporaryDirectory() as folder:
        bulk_url = f"sqlite+aiosqlite:///{folder}/bulk.sqlite3"
        single_url = f"sqlite+aiosqlite:///{folder}/single.sqlite3"
        for url in (bulk_url, single_url):
            prepare(Settings(database_url=url))
        bulk_time, created, rejected = asyncio.run(bulk(bulk_url))
        sample = min(args.import_sample, len(rows))
        single_time, single_created = asyncio.run(one_by_one(single_url, sample))
    bulk_rate = len(rows) / bulk_time
    single_rate = sample / single_time
    print(f"\nImport de {len(rows)} lieux (CSV de démonstration, base SQLite neuve)")
    print(
        f"  import groupé      : {bulk_time:6.1f} s ({bulk_rate:,.0f} lieux/s), "
        f"{created} créés, {rejected} rejetés"
    )
    print(
        f"  un par un (service): {single_rate:,.0f} lieux/s sur {sample} lignes "
        f"({single_created} créés), soit {len(rows) / single_rate:,.1f} s estimées pour tout"
    )
    print(f"  ratio import groupé / un par un : {bulk_rate / single_rate:,.1f}×")
    met = bulk_time < IMPORT_TARGET_S
    print(f"  objectif < {IMPORT_TARGET_S:.0f} s : {'atteint' if met else 'MANQUÉ'}")
    return met


def geocode_town_halls(args: argparse.Namespace) -> bool:
    """Time and score the gazetteer and the linear scan on town-hall addresses; target met?"""
    records = communes()
    build_time, geocoder = best_of(1, lambda: OfflineGeocoder(records))
    chosen = list(queries(tuple(VARIANTS)))
    print(
        f"Communes : {len(records)}, adresses de mairie écrites de {len(VARIANTS)} façons : "
        f"{len(chosen)} requêtes (index construit en {build_time * 1000:.0f} ms)"
    )
    offline_time, _ = best_of(3, lambda: [geocoder.geocode(q.text, limit=5) for q in chosen])

    entries = [entry for record in records for entry in mairie_entries(record)]
    labels = [_label(entry) for entry in entries]
    sample = random.Random(args.seed).sample(chosen, min(args.scan_sample, len(chosen)))

    def linear_scan() -> list[AddressEntry]:
        found = []
        for query in sample:
            _, _, index = process.extractOne(
                query.text, labels, scorer=fuzz.WRatio, processor=utils.default_process
            )
            found.append(entries[index])
        return found

    scan_time, scanned = best_of(1, linear_scan)
    rate_offline = len(chosen) / offline_time
    rate_scan = len(sample) / scan_time
    print(f"\nDébit sur un cœur ({len(labels)} adresses connues)")
    print(f"  gazetteer (OfflineGeocoder) : {rate_offline:>10,.0f} adresses/s")
    print(f"  balayage linéaire (WRatio)  : {rate_scan:>10,.0f} adresses/s (sur {len(sample)})")
    print(f"  ratio gazetteer / balayage  : {rate_offline / rate_scan:,.0f}×")
    met = rate_offline >= TARGET
    print(f"  objectif ≥ {TARGET:,} adresses/s sur un cœur : {'atteint' if met else 'MANQUÉ'}")

    accuracy = measure(geocoder, chosen)
    print(f"\nPrécision du gazetteer (meilleur candidat, {len(chosen)} requêtes)")
    for kind in accuracy.queries:
        print(
            f"  {kind:<17} : {accuracy.share(accuracy.within_100_m, kind):>7.2%} à moins de "
            f"100 m, {accuracy.share(accuracy.confident_right, kind):>7.2%} sûres (≥ "
            f"{CONFIDENT}) et justes"
        )
    print(f"  ensemble          : {accuracy.share(accuracy.within_100_m):>7.2%} à moins de 100 m")
    print(f"  sûres dans une autre commune : {len(accuracy.confident_wrong)}")
    print(f"\nSur l'échantillon du balayage ({len(sample)} requêtes), à moins de 100 m :")
    print(f"  gazetteer : {_within_100_m(sample, _best_points(geocoder, sample)):.2%}")
    print(f"  balayage  : {_within_100_m(sample, [(e.lon, e.lat) for e in scanned]):.2%}")
    return met


def _label(entry: AddressEntry) -> str:
    line = f"{entry.housenumber} {entry.street}" if entry.housenumber else entry.street
    return " ".join(part for part in (line, entry.postcode, entry.commune) if part)


def _best_points(geocoder: OfflineGeocoder, sample: list[Query]) -> list[tuple[float, float]]:
    best = [geocoder.geocode(q.text, limit=1) for q in sample]
    return [(found[0].lon, found[0].lat) if found else (0.0, 0.0) for found in best]


def _within_100_m(sample: list[Query], points: list[tuple[float, float]]) -> float:
    _, _, distances = WGS84.inv(
        [lon for lon, _ in points],
        [lat for _, lat in points],
        [q.town_hall.lon for q in sample],
        [q.town_hall.lat for q in sample],
    )
    return sum(d <= 100 for d in distances) / len(sample)


if __name__ == "__main__":
    main()
