"""Booking and listing speed with 100,000 sessions, against 1,000 sessions in the same run.

    .venv/bin/python bench/booking.py [--sessions 100000] [--baseline 1000] [--bookings 150]
        [--listings 200] [--seed 2024] [--backend sqlite|postgresql]

Fills a fresh database (migrated, bundled QPVs and communes loaded by ``api.cli.prepare``) with
synthetic data written by bulk INSERTs: 30 organisations, 120 staff, 300 venues placed inside the
bundled QPVs (more venues in some neighbourhoods than others), and sessions over two years, Monday
to Saturday, on five daily slots (a morning employer forum, an afternoon information session,
three evening neighbourhood sessions), never two at once for a person or a venue; past sessions
are completed, future ones published or drafts, a few cancelled. Then times, as the API does:

- booking a published evening session with every rule checked (:func:`book_session`, one
  transaction each) for two people with sessions the same week, at a venue busy that evening;
  each booking is valid (the generator left that slot free) and is committed;
- listing a month of sessions of one QPV (:func:`list_sessions`, staff view, limit 500).

The same operations run first on 1,000 sessions: the baseline; the ratio shows how cost grows.
SQLite runs in a temporary file; PostgreSQL runs when ``ALLERVERS_BENCH_POSTGRES_URL`` (or
``ALLERVERS_TEST_POSTGRES_URL``) names a server where a throw-away database may be created (it
is analysed after loading, as autovacuum would, and dropped at the end). The process is pinned
to one core. Targets with 100,000 sessions: booking ≤ 30 ms and listing ≤ 20 ms at the median.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

# bench/ is the script's folder, hence on sys.path: shared timing helpers
from timing import pin_to_one_core

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere, as a script
# the synthetic data, beside this script (it imports the planner, hence after the line above)
from _booking_setup import (
    FIRST_DAY,
    NOW,
    SLOTS,
    WARM_UP,
    World,
    at,
    load,
    make_sessions,
    make_world,
    neighbours,
)

from api.cli import prepare
from api.settings import Settings
from planner.access import Caller
from planner.booking_input import SessionFilter, SessionInput
from planner.db.booking import book_session
from planner.db.engine import create_engine
from planner.db.session_queries import list_sessions
from planner.session import Role, RuleSettings

ADMIN = Caller(staff_id=1, organisation_id=1, role=Role.ADMIN)
"""Who lists: an admin, who sees every session whole (the staff view)."""
RETENTION = timedelta(days=Settings().feed_cancelled_retention_days)

BOOKING_TARGET_MS = 30.0
LISTING_TARGET_MS = 20.0
POSTGRES_ENVS = ("ALLERVERS_BENCH_POSTGRES_URL", "ALLERVERS_TEST_POSTGRES_URL")


@dataclass(frozen=True, slots=True)
class Figures:
    """Timings (seconds) of one database size, and what the operations met."""

    loading: float
    bookings: list[float]
    listings: list[float]
    neighbours: float
    """Mean held sessions around a timed booking (same staff, venue or QPV within the horizon)."""
    notices: float
    """Mean soft-rule notices per timed booking (weekly load, QPV revisits)."""
    listed: float
    """Mean sessions listed per month and QPV."""


async def book_all(engine: AsyncEngine, world: World) -> tuple[list[float], int]:
    """Book every target in its own transaction, as the API does; timings and notices."""
    maker = async_sessionmaker(engine, expire_on_commit=False)
    settings = RuleSettings()
    timings, notices = [], 0
    for target in world.targets:
        slot = SLOTS[target.slot]
        first = target.staff[0]
        organisation = world.organisation_of[first]
        data = SessionInput(
            kind=slot.kind,
            title="Permanence synthétique réservée par le banc d'essai",
            start=at(target.day, slot.start),
            end=at(target.day, slot.end),
            venue_id=target.venue,
            organisation_id=organisation,
            staff_ids=target.staff,
        )
        caller = Caller(staff_id=first, organisation_id=organisation, role=Role.COORDINATOR)
        began = time.perf_counter()
        async with maker() as session, session.begin():
            booked = await book_session(
                session, data, caller=caller, settings=settings, now=NOW, publish=True
            )
        timings.append(time.perf_counter() - began)
        notices += len(booked.notices)
    return timings[WARM_UP:], notices


async def list_all(
    engine: AsyncEngine, world: World, rng: random.Random, count: int
) -> tuple[list[float], int]:
    """List a month of one QPV ``count`` times (random QPVs with venues, random months)."""
    maker = async_sessionmaker(engine, expire_on_commit=False)
    codes = sorted({c for served in world.served.values() for c in served})
    months = [date(FIRST_DAY.year + m // 12, m % 12 + 1, 1) for m in range(24)]
    timings, listed = [], 0
    for _ in range(count + WARM_UP):
        code, month = rng.choice(codes), rng.choice(months)
        after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        filters = SessionFilter(start=at(month, clock(0)), end=at(after, clock(0)), qpv=code)
        began = time.perf_counter()
        async with maker() as session:
            _, rows = await list_sessions(
                session,
                filters,
                caller=ADMIN,
                now=NOW,
                retention=RETENTION,
                limit=500,
                offset=0,
            )
        timings.append(time.perf_counter() - began)
        listed += len(rows)
    return timings[WARM_UP:], listed


async def measure(url: str, world: World, count: int, seed: int, listings: int) -> Figures:
    """Load ``count`` sessions into ``url``, then time the bookings and the listings on it.

    The generated rows are dropped and the collector's survivors frozen before timing: the
    benchmark's own hundreds of thousands of dicts would otherwise lengthen every full
    collection, which a server holding none of them never pays.
    """
    rows = make_sessions(count, world, random.Random(seed + count))
    around = statistics.fmean(neighbours(rows, world, t) for t in world.targets[WARM_UP:])
    engine = create_engine(url)
    try:
        began = time.perf_counter()
        await load(engine, world, rows)
        loading = time.perf_counter() - began
        del rows
        gc.collect()
        gc.freeze()
        bookings, notices = await book_all(engine, world)
        listing, listed = await list_all(engine, world, random.Random(seed), listings)
    finally:
        gc.unfreeze()
        await engine.dispose()
    return Figures(
        loading=loading,
        bookings=bookings,
        listings=listing,
        neighbours=around,
        notices=notices / len(world.targets),
        listed=listed / (listings + WARM_UP),
    )


def ms(values: Sequence[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    return statistics.median(values) * 1000, statistics.quantiles(values, n=20)[18] * 1000


def report(
    label: str, base: Sequence[float], big: Sequence[float], sizes: str, target: float
) -> bool:
    """Print median and p95 of both sizes, their ratio and whether the target is met."""
    (base_median, base_p95), (big_median, big_p95) = ms(base), ms(big)
    small, large = sizes.split("/")
    print(f"  {label}")
    print(f"    {small:>16} séances : médiane {base_median:7.2f} ms   p95 {base_p95:7.2f} ms")
    print(f"    {large:>16} séances : médiane {big_median:7.2f} ms   p95 {big_p95:7.2f} ms")
    print(
        f"    ratio {large} / {small}  : médiane {big_median / base_median:6.2f}×      "
        f"p95 {big_p95 / base_p95:6.2f}×"
    )
    met = big_median <= target
    verdict = "atteint" if met else "MANQUÉ"
    print(f"    objectif médiane ≤ {target:.0f} ms à {large} séances : {verdict}")
    return met


class Backend:
    """Throw-away databases of one backend: SQLite files in a folder, or PostgreSQL databases."""

    def __init__(self, server: str | None) -> None:
        self.server = make_url(server) if server else None
        self.folder = Path(tempfile.mkdtemp(prefix="allervers-bench-"))
        self.created: list[str] = []

    @property
    def label(self) -> str:
        """How the backend is named in the output."""
        if self.server is None:
            return f"SQLite (fichiers dans {self.folder})"
        return f"PostgreSQL ({self.server.host}:{self.server.port})"

    def _dsn(self, database: str) -> str:
        assert self.server is not None  # noqa: S101 - only called for PostgreSQL
        return self.server.set(drivername="postgresql", database=database).render_as_string(
            hide_password=False
        )

    def _execute(self, sql: str) -> None:
        async def run() -> None:
            connection = await asyncpg.connect(self._dsn("postgres"), timeout=10)
            try:
                await connection.execute(sql)
            finally:
                await connection.close()

        asyncio.run(run())

    def create(self, template: str | None = None) -> str:
        """A new database, empty or copied from ``template`` (a URL this backend made)."""
        name = f"allervers_bench_{uuid.uuid4().hex[:12]}"
        if self.server is None:
            path = self.folder / f"{name}.sqlite3"
            if template:
                shutil.copyfile(str(make_url(template).database), path)
            return f"sqlite+aiosqlite:///{path}"
        source = f' TEMPLATE "{make_url(template).database}"' if template else ""
        self._execute(f'CREATE DATABASE "{name}"{source}')
        self.created.append(name)
        return self._dsn(name)

    def cleanup(self) -> None:
        """Drop every database made."""
        for name in self.created:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)


def run(backend: Backend, args: argparse.Namespace) -> bool:
    """Both sizes on one backend; print the figures; whether both targets are met."""
    started = time.perf_counter()
    template = backend.create()
    prepare(Settings(database_url=template))
    rng = random.Random(args.seed)

    async def build() -> World:
        engine = create_engine(template)
        try:
            return await make_world(engine, rng, args.bookings)
        finally:
            await engine.dispose()

    world = asyncio.run(build())
    figures: list[Figures] = []
    for count in (args.baseline, args.sessions):
        url = backend.create(template)
        figures.append(asyncio.run(measure(url, world, count, args.seed, args.listings)))
    base, big = figures
    sizes = f"{args.baseline:,}/{args.sessions:,}"
    print(f"\n{backend.label} — données synthétiques, {len(world.staff)} intervenants de")
    print(
        f"{len(world.organisations)} organisations, {len(world.venues)} lieux dans "
        f"{len({c for s in world.served.values() for c in s})} QPV, séances sur deux ans"
    )
    print(
        f"  chargement en masse : {base.loading:.1f} s ({args.baseline:,} séances), "
        f"{big.loading:.1f} s ({args.sessions:,} séances)"
    )
    print(
        f"  {len(base.bookings)} réservations (book_session, toutes les règles, une transaction "
        f"chacune) ; voisinage moyen ≈ {base.neighbours:.0f} / {big.neighbours:.0f} séances, "
        f"{base.notices:.1f} / {big.notices:.1f} avertissements par réservation"
    )
    met = report("réserver une séance", base.bookings, big.bookings, sizes, BOOKING_TARGET_MS)
    print(
        f"  {len(base.listings)} listes d'un mois d'un QPV (list_sessions, limite 500) ; "
        f"{base.listed:.1f} / {big.listed:.1f} séances par liste en moyenne"
    )
    met &= report("lister un mois d'un QPV", base.listings, big.listings, sizes, LISTING_TARGET_MS)
    print(f"  durée totale : {time.perf_counter() - started:.0f} s")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--bookings", type=int, default=150)
    parser.add_argument("--listings", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    pin_to_one_core()
    server = next((os.environ[n] for n in POSTGRES_ENVS if os.environ.get(n)), None)
    wanted = args.backend or ["sqlite", "postgresql"]
    ok = True
    for name in wanted:
        if name == "postgresql" and server is None:
            print(f"\nPostgreSQL non mesuré : définissez {' ou '.join(POSTGRES_ENVS)}.")
            continue
        backend = Backend(server if name == "postgresql" else None)
        try:
            ok &= run(backend, args)
        finally:
            backend.cleanup()
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
