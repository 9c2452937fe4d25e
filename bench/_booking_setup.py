"""The synthetic world of ``bench/booking.py``: organisations, staff, venues, two years of sessions.

Organisations, staff and venues (placed inside the bundled QPVs, more in some neighbourhoods than
others) are made once and shared by both database sizes; :func:`make_sessions` spreads a number
of sessions over five daily slots, Monday to Saturday, never two at once for a person or a venue,
leaving free the slots of the bookings the benchmark times; :func:`load` writes it all by bulk
INSERTs. A module of the benchmark, not a benchmark: ``make bench`` does not run it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.sql.schema import Table

from planner.clock import PARIS
from planner.db.models import Base, Commune, CommunePostcode
from planner.db.territory import TerritoryCache
from planner.session import OrganisationKind, Role, SessionKind, SessionStatus

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
"""The instant the bookings are made: the first eleven months are history, the rest plans."""
FIRST_DAY = date(2026, 1, 5)
"""A Monday; sessions run for 104 weeks from it."""
WORKING_DAYS = [FIRST_DAY + timedelta(days=n) for n in range(104 * 7) if n % 7 < 6]
"""Monday to Saturday of the two years."""
HORIZON = timedelta(days=8)
"""How far around a booking the service loads neighbours (``planner.db.booking.HORIZON``)."""
WARM_UP = 5
ORGANISATIONS, STAFF, VENUES = 30, 120, 300


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
