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
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.sql.schema import Table

# bench/ is the script's folder, hence on sys.path: shared timing helpers
from timing import pin_to_one_core

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere, as a script
from api.cli import prepare
from api.settings import Settings
from planner.access import Caller
from planner.booking_input import SessionFilter, SessionInput
from planner.db.booking import book_session
from planner.db.engine import create_engine
from planner.db.models import Base, Commune, CommunePostcode
from planner.db.session_queries import list_sessions
from planner.db.territory import TerritoryCache
from planner.session import OrganisationKind, Role, RuleSettings, SessionKind, SessionStatus

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
"""The instant the bookings are made: the first eleven months are history, the rest plans."""
FIRST_DAY = date(2026, 1, 5)
"""A Monday; sessions run for 104 weeks from it."""
WORKING_DAYS = [FIRST_DAY + timedelta(days=n) for n in range(104 * 7) if n % 7 < 6]
"""Monday to Saturday of the two years."""
HORIZON = timedelta(days=8)
"""How far around a booking the service loads neighbours (``planner.db.booking.HORIZON``)."""
BOOKING_TARGET_MS = 30.0
LISTING_TARGET_MS = 20.0
WARM_UP = 5
ORGANISATIONS, STAFF, VENUES = 30, 120, 300
POSTGRES_ENVS = ("ALLERVERS_BENCH_POSTGRES_URL", "ALLERVERS_TEST_POSTGRES_URL")


@dataclass(frozen=True, slots=True)
class Slot:
    """One daily slot: what kind of session, when (Paris time), with how many staff."""

    kind: SessionKind
    start: clock
    end: clock
    staff: int
    weight: float
    title: str


SLOTS = (
    Slot(SessionKind.EMPLOYER_FORUM, clock(9, 30), clock(12), 2, 1.0, "Forum employeurs"),
    Slot(SessionKind.INFO_SESSION, clock(14), clock(15, 30), 1, 1.5, "Réunion d'information"),
    Slot(SessionKind.NEIGHBOURHOOD_SESSION, clock(17), clock(18, 30), 2, 2.5, "Permanence"),
    Slot(SessionKind.NEIGHBOURHOOD_SESSION, clock(18, 45), clock(20, 15), 2, 2.5, "Permanence"),
    Slot(SessionKind.NEIGHBOURHOOD_SESSION, clock(20, 30), clock(22), 2, 2.5, "Permanence"),
)
EVENING = [i for i, s in enumerate(SLOTS) if s.kind is SessionKind.NEIGHBOURHOOD_SESSION]


def at(day: date, moment: clock) -> datetime:
    """``moment`` on ``day``, Paris time, as an aware datetime."""
    return datetime.combine(day, moment, tzinfo=PARIS)


@dataclass(frozen=True, slots=True)
class Target:
    """A booking the benchmark times: a slot the generator left free for these people here."""

    day: date
    slot: int
    staff: tuple[int, int]
    venue: int


@dataclass
class World:
    """Organisations, staff, venues and the timed bookings, shared by both database sizes."""

    organisations: list[dict[str, Any]] = field(default_factory=list)
    staff: list[dict[str, Any]] = field(default_factory=list)
    venues: list[dict[str, Any]] = field(default_factory=list)
    venue_qpvs: list[dict[str, Any]] = field(default_factory=list)
    served: dict[int, list[str]] = field(default_factory=dict)
    organisation_of: dict[int, int] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)


async def make_world(engine: AsyncEngine, rng: random.Random, bookings: int) -> World:
    """Synthetic organisations, staff and venues (placed in real QPVs), and the timed bookings."""
    world = World()
    kinds = list(OrganisationKind)
    for n in range(1, ORGANISATIONS + 1):
        kind = kinds[n % len(kinds)]
        world.organisations.append(
            {"id": n, "kind": kind.value, "name": f"Organisation synthétique n° {n} ({kind})"}
            | {"siret": None, "home_venue_id": None, "evening_start": None, "evening_end": None}
            | {"created_at": NOW, "updated_at": NOW}
        )
    for n in range(1, STAFF + 1):
        organisation = (n - 1) % ORGANISATIONS + 1
        world.organisation_of[n] = organisation
        world.staff.append(
            {"id": n, "organisation_id": organisation, "name": f"Intervenant synthétique n° {n}"}
            | {"email": f"intervenant{n}@synthetique.invalid", "active": True, "booking_seq": 0}
            | {"role": (Role.COORDINATOR if n <= ORGANISATIONS else Role.ADVISER).value}
            | {"created_at": NOW, "updated_at": NOW}
        )
    maker = async_sessionmaker(engine)
    async with maker() as session:
        territory = await TerritoryCache().get(session)
        names = dict((await session.execute(select(Commune.insee_code, Commune.name))).all())
        postcodes = dict(
            (
                await session.execute(select(CommunePostcode.insee_code, CommunePostcode.postcode))
            ).all()
        )
    codes = territory.qpvs.codes
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(codes))]  # some QPVs are busier
    rng.shuffle(codes)
    for n in range(1, VENUES + 1):
        code = rng.choices(codes, weights)[0]
        x0, y0, x1, y1 = territory.qpvs.geometry(code).bounds
        lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
        while territory.qpvs.locate(lon, lat) != code:
            lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
        insee = territory.communes.locate(lon, lat)
        served = territory.qpvs.within(lon, lat, 500.0)
        world.served[n] = [s.code for s in served]
        world.venue_qpvs += [
            {"venue_id": n, "qpv_code": s.code, "distance_m": round(s.distance_m, 1)}
            for s in served
        ]
        name = f"Lieu synthétique n° {n}"
        world.venues.append(
            {"id": n, "name": name, "name_folded": f"lieu synthetique n {n}", "kind": "other"}
            | {"street": f"{n} rue synthétique", "postcode": postcodes.get(insee or "")}
            | {"commune_name": names.get(insee or "", ""), "address_key": f"synthetique|{n}"}
            | {"lon": lon, "lat": lat, "geocode_provider": "manual", "geocode_score": None}
            | {"geocode_label": None, "geocoded_at": NOW, "insee_code": insee, "qpv_code": code}
            | {"nearest_qpv_code": code, "nearest_qpv_distance_m": 0.0, "capacity": 40}
            | {"step_free": True, "notes": "", "booking_seq": 0}
            | {"created_at": NOW, "updated_at": NOW}
        )
    future = [d for d in WORKING_DAYS if at(d, clock(0)) > NOW + timedelta(days=31)]
    for day in sorted(rng.sample(future, bookings + WARM_UP)):
        first = rng.randrange(1, STAFF + 1)
        second = rng.choice(
            [
                s
                for s in range(1, STAFF + 1)
                if world.organisation_of[s] != world.organisation_of[first]
            ]
        )
        world.targets.append(
            Target(day, rng.choice(EVENING), (first, second), rng.randrange(1, VENUES + 1))
        )
    return world


@dataclass
class Sessions:
    """The rows of one database size, and the sessions each person, venue and QPV holds by day."""

    sessions: list[dict[str, Any]] = field(default_factory=list)
    session_staff: list[dict[str, Any]] = field(default_factory=list)
    session_qpvs: list[dict[str, Any]] = field(default_factory=list)
    by_day: dict[date, list[tuple[int, frozenset[int], int]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def make_sessions(count: int, world: World, rng: random.Random) -> Sessions:
    """``count`` sessions spread smoothly over the slots, leaving the timed bookings' slots free.

    A timed booking's two people have nothing that day nor the next morning (so any travel
    fits); its venue has nothing in that slot but may be busy the rest of the evening.
    """
    busy_staff: dict[tuple[date, int], set[int]] = defaultdict(set)
    busy_venue: dict[tuple[date, int], set[int]] = defaultdict(set)
    for target in world.targets:
        for index, slot in enumerate(SLOTS):
            busy_staff[target.day, index] |= set(target.staff)
            if slot.start < clock(14):
                busy_staff[target.day + timedelta(days=1), index] |= set(target.staff)
        busy_venue[target.day, target.slot].add(target.venue)
    cells = [(d, s) for d in WORKING_DAYS for s in range(len(SLOTS))]
    weights = [SLOTS[s].weight * (0.5 if d.weekday() == 5 else 1.0) for d, s in cells]
    scale, done, cumulated = count / sum(weights), 0, 0.0
    rows = Sessions()
    for (day, slot_index), weight in zip(cells, weights, strict=True):
        cumulated += weight * scale
        wanted, done = round(cumulated) - done, round(cumulated)
        slot = SLOTS[slot_index]
        people = [s for s in range(1, STAFF + 1) if s not in busy_staff[day, slot_index]]
        places = [v for v in range(1, VENUES + 1) if v not in busy_venue[day, slot_index]]
        rng.shuffle(people)
        for venue in rng.sample(places, min(wanted, len(places))):
            team = take_team(people, slot.staff, world.organisation_of)
            if team is None:
                break
            add_session(rows, world, rng, day, slot, venue, team)
    return rows


def take_team(people: list[int], size: int, organisation_of: dict[int, int]) -> list[int] | None:
    """Take ``size`` people of different organisations from ``people`` (``None`` if too few)."""
    team: list[int] = []
    for person in list(people):
        if len(team) == size:
            break
        if all(organisation_of[person] != organisation_of[t] for t in team):
            team.append(person)
            people.remove(person)
    return team if len(team) == size else None


def add_session(
    rows: Sessions,
    world: World,
    rng: random.Random,
    day: date,
    slot: Slot,
    venue: int,
    team: list[int],
) -> None:
    """Append one session with its staff and QPVs (those its venue serves)."""
    n = len(rows.sessions) + 1
    start, end = at(day, slot.start), at(day, slot.end)
    if end < NOW:
        status = SessionStatus.CANCELLED if rng.random() < 0.05 else SessionStatus.COMPLETED
    else:
        planned = [SessionStatus.DRAFT, SessionStatus.PUBLISHED, SessionStatus.CANCELLED]
        status = rng.choices(planned, [15, 80, 5])[0]
    organisation = world.organisation_of[team[0]]
    rows.sessions.append(
        {"id": n, "kind": slot.kind.value, "title": f"{slot.title} synthétique n° {n}"}
        | {"description": "Séance synthétique du banc d'essai.", "internal_notes": ""}
        | {"start_at": start, "end_at": end, "timezone": "Europe/Paris", "venue_id": venue}
        | {"organisation_id": organisation, "capacity": 30, "status": status.value}
        | {"cancel_reason": "Annulation synthétique" if status is SessionStatus.CANCELLED else None}
        | {"revision": 0, "series_id": None, "created_by_id": team[0], "updated_by_id": team[0]}
        | {"created_at": min(start, NOW) - timedelta(days=30), "updated_at": min(start, NOW)}
    )
    rows.session_staff += [
        {"session_id": n, "staff_id": s, "organisation_id": world.organisation_of[s]} for s in team
    ]
    rows.session_qpvs += [{"session_id": n, "qpv_code": c} for c in world.served[venue]]
    if status is not SessionStatus.CANCELLED:
        rows.by_day[day].append((venue, frozenset(team), n))


def neighbours(rows: Sessions, world: World, target: Target) -> int:
    """How many held sessions the service loads around ``target``: same staff, venue or QPV."""
    qpvs = set(world.served[target.venue])
    found = 0
    for offset in range(-HORIZON.days, HORIZON.days + 1):
        for venue, team, _ in rows.by_day.get(target.day + timedelta(days=offset), []):
            found += bool(
                venue == target.venue or team & set(target.staff) or qpvs & set(world.served[venue])
            )
    return found


def chunks(rows: Sequence[dict[str, Any]], size: int = 5_000) -> Iterator[Sequence[dict[str, Any]]]:
    """``rows`` in slices of ``size`` (one executemany each)."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def load(engine: AsyncEngine, world: World, rows: Sessions) -> None:
    """Bulk-insert the synthetic rows; on PostgreSQL, move id sequences past them and analyse."""
    tables: list[tuple[Table, list[dict[str, Any]]]] = [
        (Base.metadata.tables["organisation"], world.organisations),
        (Base.metadata.tables["staff"], world.staff),
        (Base.metadata.tables["venue"], world.venues),
        (Base.metadata.tables["venue_qpv"], world.venue_qpvs),
        (Base.metadata.tables["outreach_session"], rows.sessions),
        (Base.metadata.tables["session_staff"], rows.session_staff),
        (Base.metadata.tables["session_qpv"], rows.session_qpvs),
    ]
    postgres = engine.dialect.name == "postgresql"
    async with engine.begin() as connection:
        for table, values in tables:
            for chunk in chunks(values):
                await connection.execute(insert(table), chunk)
        if postgres:
            for name in ("organisation", "staff", "venue", "outreach_session"):
                sequence = f"pg_get_serial_sequence('{name}', 'id')"
                await connection.execute(
                    text(f"SELECT setval({sequence}, max(id)) FROM {name}")  # noqa: S608 - our table names
                )
    if postgres:
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.commit()


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
            _, rows = await list_sessions(session, filters, public_only=False, limit=500, offset=0)
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
