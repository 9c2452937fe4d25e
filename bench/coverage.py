"""Coverage map speed: 204 QPVs and 100,000 sessions with outcomes, against a naive loop.

    .venv/bin/python bench/coverage.py [--sessions 100000] [--runs 20] [--seed 2024]
        [--backend sqlite|postgresql]

Fills a fresh database with the synthetic organisations, staff, venues and sessions of
``bench/booking.py`` (bulk INSERTs, two years of sessions on five daily slots; past ones
completed, future ones published or drafts, a few cancelled; each staffed by people of
different organisations), gives every completed session an outcome and one session in four a
partner organisation, and builds what coverage reads of each (``session_reach``, which the
bulk INSERTs bypass). Then it times, over the year before ``NOW`` for the whole region (204 QPVs):

- the coverage GeoJSON as ``GET /api/coverage`` builds it: :func:`compute_coverage` (grouped
  queries) plus the simplified FeatureCollection encoded to JSON bytes;
- a naive baseline in the same run: one query per QPV loading its held sessions, summed in
  Python (what the grouped queries replace), plus the same serialisation.

Prints medians and the response size. Target: the GeoJSON in ≤ 300 ms (median) and < 1 MB.
SQLite runs in a temporary file; PostgreSQL runs when ``ALLERVERS_BENCH_POSTGRES_URL`` (or
``ALLERVERS_TEST_POSTGRES_URL``) names a server where a throw-away database may be created.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

# bench/ is the script's folder, hence on sys.path: shared timing helpers
from timing import pin_to_one_core

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere, as a script
# the synthetic world and the backends, beside this script (they import the planner, hence
# after the line above)
from _booking_setup import NOW, chunks, load, make_sessions, make_world
from booking import POSTGRES_ENVS, Backend

from api.cli import prepare
from api.schemas.coverage import coverage_collection
from api.settings import Settings
from planner.access import Caller
from planner.clock import PARIS
from planner.db.coverage import compute_coverage
from planner.db.coverage_values import CoverageFilter
from planner.db.engine import create_engine
from planner.db.models import Base, OutreachSession, Qpv, SessionOutcome, SessionQpv
from planner.db.reach import rebuild
from planner.session import PUBLIC, Role, SessionStatus

TARGET_MS = 300.0
SIZE_LIMIT = 1_000_000
ADMIN = Caller(staff_id=1, organisation_id=1, role=Role.ADMIN)
LAST_DAY = (NOW - timedelta(days=1)).astimezone(PARIS).date()
FILTERS = CoverageFilter(first_day=LAST_DAY - timedelta(days=364), last_day=LAST_DAY)


def partners(
    sessions: list[dict[str, Any]], organisations: list[int], rng: random.Random
) -> list[dict[str, Any]]:
    """A partner organisation for one session in four, another than the one leading it (the
    social centre hosting a France Travail session): coverage counts it among the session's
    organisations."""
    rows = []
    for s in sessions:
        if rng.random() < 0.25:
            org = rng.choice([o for o in organisations if o != s["organisation_id"]])
            rows.append({"session_id": s["id"], "organisation_id": org})
    return rows


def outcomes(sessions: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """An outcome for every completed session: people met, new contacts, offers, immersions."""
    rows = []
    for s in sessions:
        if s["status"] != SessionStatus.COMPLETED.value:
            continue
        met = rng.randint(0, 30)
        rows.append(
            {"session_id": s["id"], "people_met": met, "new_contacts": rng.randint(0, met)}
            | {"job_offers": rng.randint(0, 10), "immersions": rng.randint(0, 3)}
            | {"follow_ups": rng.randint(0, 5), "remarks": "", "recorded_by_id": None}
            | {"recorded_at": s["end_at"]}
        )
    return rows


async def fill(url: str, count: int, seed: int) -> tuple[int, int]:
    """Load the synthetic world and ``count`` sessions with outcomes and partners; (sessions,
    outcomes)."""
    engine = create_engine(url)
    try:
        rng = random.Random(seed)
        world = await make_world(engine, rng, 0)
        rows = make_sessions(count, world, random.Random(seed + count))
        done = outcomes(rows.sessions, rng)
        joined = partners(rows.sessions, [o["id"] for o in world.organisations], rng)
        await load(engine, world, rows)
        async with engine.begin() as connection:
            for chunk in chunks(done):
                await connection.execute(insert(Base.metadata.tables["session_outcome"]), chunk)
            for chunk in chunks(joined):
                await connection.execute(insert(Base.metadata.tables["session_partner"]), chunk)
            # bulk INSERTs bypass the hook that keeps what coverage reads of each session
            await connection.run_sync(rebuild)
        if engine.dialect.name == "postgresql":
            async with engine.connect() as connection:
                await connection.execute(text("ANALYZE"))
                await connection.commit()
        return len(rows.sessions), len(done)
    finally:
        await engine.dispose()


async def grouped(engine: AsyncEngine) -> bytes:
    """The coverage GeoJSON as the API builds it: grouped queries, then serialisation."""
    async with async_sessionmaker(engine)() as session:
        coverage = await compute_coverage(session, FILTERS, caller=ADMIN, now=NOW)
    return msgspec.json.encode(coverage_collection(coverage))


async def naive(engine: AsyncEngine) -> dict[str, tuple[int, float, int]]:
    """The baseline: one query per QPV loading its held sessions, summed in Python."""
    start = FILTERS.first_day
    after = FILTERS.last_day + timedelta(days=1)
    figures: dict[str, tuple[int, float, int]] = {}
    async with async_sessionmaker(engine)() as session:
        codes = list(await session.scalars(select(Qpv.code).order_by(Qpv.code)))
        for code in codes:
            rows = await session.execute(
                select(OutreachSession.start_at, OutreachSession.end_at, SessionOutcome.people_met)
                .join(SessionQpv, SessionQpv.session_id == OutreachSession.id)
                .outerjoin(SessionOutcome, SessionOutcome.session_id == OutreachSession.id)
                .where(SessionQpv.qpv_code == code)
                .where(OutreachSession.status.in_([s.value for s in PUBLIC]))
                .where(OutreachSession.start_at >= _midnight(start))
                .where(OutreachSession.start_at < min(_midnight(after), NOW))
            )
            held = rows.all()
            figures[code] = (
                len(held),
                sum((end - begin).total_seconds() / 3600 for begin, end, _ in held),
                sum(met or 0 for _, _, met in held),
            )
    return figures


def _midnight(day: date) -> datetime:
    return datetime.combine(day, clock.min, tzinfo=PARIS)


async def timings(url: str, runs: int) -> tuple[list[float], list[float], bytes]:
    """Median-ready timings of both ways (one warm-up each) and the GeoJSON bytes."""
    engine = create_engine(url)
    try:
        body = await grouped(engine)
        await naive(engine)
        fast, slow = [], []
        for _ in range(runs):
            began = time.perf_counter()
            body = await grouped(engine)
            fast.append(time.perf_counter() - began)
        for _ in range(max(3, runs // 4)):
            began = time.perf_counter()
            await naive(engine)
            slow.append(time.perf_counter() - began)
        return fast, slow, body
    finally:
        await engine.dispose()


def run(backend: Backend, args: argparse.Namespace) -> bool:
    """Fill one backend, time both ways, print the figures; whether the targets are met."""
    url = backend.create()
    prepare(Settings(database_url=url))
    began = time.perf_counter()
    sessions, done = asyncio.run(fill(url, args.sessions, args.seed))
    loading = time.perf_counter() - began
    gc.collect()
    fast, slow, body = asyncio.run(timings(url, args.runs))
    summary = msgspec.json.decode(body)["summary"]
    fast_ms, slow_ms = statistics.median(fast) * 1000, statistics.median(slow) * 1000
    print(f"\n{backend.label}")
    print(f"  {sessions:,} séances, {done:,} bilans, chargés en {loading:.1f} s")
    print(
        f"  période {FILTERS.first_day} → {FILTERS.last_day} : {summary['qpvs']} QPV, "
        f"{summary['sessions_distinct']:,} séances tenues "
        f"({summary['sessions_per_qpv_sum']:,} comptées par QPV), "
        f"statuts {summary['by_status']}"
    )
    print(
        f"  GeoJSON (requêtes groupées + sérialisation) : médiane {fast_ms:7.1f} ms "
        f"(min {min(fast) * 1000:.1f}, max {max(fast) * 1000:.1f}, {len(fast)} mesures)"
    )
    print(
        f"  boucle naïve (une requête par QPV)         : médiane {slow_ms:7.1f} ms "
        f"({len(slow)} mesures) — {slow_ms / fast_ms:.1f}× plus lente"
    )
    print(f"  taille de la réponse : {len(body):,} octets ({len(body) / 1024:.0f} Kio)")
    met = fast_ms <= TARGET_MS and len(body) < SIZE_LIMIT
    print(f"  objectif ≤ {TARGET_MS:.0f} ms et < 1 Mo : {'atteint' if met else 'MANQUÉ'}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    pin_to_one_core()
    server = next((os.environ[n] for n in POSTGRES_ENVS if os.environ.get(n)), None)
    ok = True
    for name in args.backend or ["sqlite", "postgresql"]:
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
