"""Random bookings, moves and cancellations never leave a person or a venue booked twice.

Hypothesis drives the real booking service (:mod:`planner.db.booking`) on the test database, one
transaction per operation as the API does, with a few people of two organisations, three venues
(two a few hundred metres apart in Amiens, one in Abbeville) and evening slots over three days
that often overlap. Refusals are expected and swallowed; after every operation the stored
sessions are read back and no two held ones may overlap in time and share a person or a venue.
Every example starts from a database without sessions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from planner.access import Caller
from planner.booking_input import SessionInput
from planner.clock import PARIS
from planner.db import people
from planner.db.booking import book_session
from planner.db.engine import create_engine
from planner.db.models import (
    OutreachSession,
    SessionAudience,
    SessionOutcome,
    SessionPartner,
    SessionQpv,
    SessionStaff,
)
from planner.db.session_changes import change_status, update_session
from planner.db.territory import Territory, TerritoryCache
from planner.db.venues import Placement, VenueInput, new_venue
from planner.errors import BookingRefusedError, InvalidInputError
from planner.session import Role, RuleSettings, SessionKind, SessionStatus
from planner.venue import Address, VenueKind
from tests.conftest import Team
from tests.planner.db.test_reach import stale_reach

T = TypeVar("T")
NOW = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
"""Before every generated date: nothing is refused for being in the past."""
DAYS = (date(2031, 3, 4), date(2031, 3, 5), date(2031, 3, 6))
RULES = RuleSettings()
VENUES = (
    ("Centre social d'Étouvie (test)", "Place Vauban", "80080", "Amiens", 2.2502, 49.9151),
    ("Maison de quartier d'Étouvie (test)", "Rue du Bocage", "80080", "Amiens", 2.2560, 49.9130),
    (
        "Salle des fêtes d'Abbeville (test)",
        "Place Max Lejeune",
        "80100",
        "Abbeville",
        1.833,
        50.1055,
    ),
)


@dataclass(frozen=True)
class Cast:
    """The people and venues the operations pick from (indexes into these tuples)."""

    staff: tuple[tuple[int, int], ...]
    """(staff id, organisation id) of each person."""
    venues: tuple[int, ...]
    caller: Caller


@dataclass(frozen=True)
class Slot:
    """A day of :data:`DAYS`, a start (minutes after 16:00, Paris time) and a duration."""

    day: int
    start: int
    minutes: int

    def bounds(self) -> tuple[datetime, datetime]:
        """Start and end as aware datetimes."""
        start = datetime.combine(DAYS[self.day], time(16), tzinfo=PARIS) + timedelta(
            minutes=self.start
        )
        return start, start + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Book:
    """Book a session for some people at a venue."""

    kind: SessionKind
    staff: frozenset[int]
    venue: int
    slot: Slot
    publish: bool


@dataclass(frozen=True)
class Move:
    """Give a known session (by its order of creation) a new time and maybe a new venue."""

    target: int
    slot: Slot
    venue: int | None


@dataclass(frozen=True)
class Cancel:
    """Cancel a known session (by its order of creation), with a reason."""

    target: int


Operation = Book | Move | Cancel

slots = st.builds(
    Slot,
    day=st.integers(0, len(DAYS) - 1),
    start=st.integers(0, 16).map(lambda n: 60 + n * 15),
    minutes=st.integers(4, 12).map(lambda n: n * 15),
)
"""Starts from 17:00 to 21:00, one to three hours long: many overlap, a few end after 22:00."""
pairs = st.tuples(st.integers(0, 2), st.integers(3, 5), st.sets(st.integers(0, 5), max_size=1))
staffing = st.one_of(
    pairs.map(lambda p: frozenset({p[0], p[1], *p[2]})),
    st.frozensets(st.integers(0, 5), min_size=1, max_size=2),
)
"""Mostly a Mission Locale person with a centre-social one (rule 4's pair), sometimes anyone."""
book = st.builds(
    Book,
    kind=st.sampled_from([SessionKind.NEIGHBOURHOOD_SESSION, SessionKind.INFO_SESSION]),
    staff=staffing,
    venue=st.integers(0, len(VENUES) - 1),
    slot=slots,
    publish=st.booleans(),
)
move = st.builds(
    Move, target=st.integers(0, 30), slot=slots, venue=st.none() | st.integers(0, len(VENUES) - 1)
)
operations: st.SearchStrategy[Operation] = st.one_of(
    book, book, move, st.builds(Cancel, target=st.integers(0, 30))
)
"""Bookings half the time, so that moves and cancellations find sessions to act on."""


def _run(url: str, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    async def go() -> T:
        engine = create_engine(url)
        try:
            return await work(async_sessionmaker(engine, expire_on_commit=False))
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _placement(territory: Territory, lon: float, lat: float) -> Placement:
    """Coordinates given by hand, located in the loaded territory as the venue service does."""
    nearest = territory.qpvs.nearest(lon, lat)
    return Placement(
        lon=lon,
        lat=lat,
        provider="manual",
        score=None,
        label=None,
        insee_code=territory.communes.locate(lon, lat),
        qpv_code=territory.qpvs.locate(lon, lat),
        nearest_qpv_code=nearest.code if nearest else None,
        nearest_qpv_distance_m=nearest.distance_m if nearest else None,
        served=tuple(
            (n.code, n.distance_m) for n in territory.qpvs.within(lon, lat, RULES.serve_radius_m)
        ),
    )


@pytest.fixture
def cast(database_url: str, team: Team) -> Cast:
    """The team with two more centre-social staff, and three venues."""

    async def make(sessions: async_sessionmaker[AsyncSession]) -> Cast:
        async with sessions() as session, session.begin():
            extra = [
                await people.create_staff(
                    session,
                    organisation_id=team.centre_social,
                    name=f"Personne de test (centre social {n})",
                    email=f"centre-social-{n}@test.invalid",
                    role=Role.ADVISER,
                    actor_id=None,
                    now=NOW,
                )
                for n in (2, 3)
            ]
            territory = await TerritoryCache().get(session)
            venues = [
                new_venue(
                    VenueInput(name, VenueKind.OTHER, Address(street, postcode, commune)),
                    _placement(territory, lon, lat),
                    now=NOW,
                )
                for name, street, postcode, commune, lon, lat in VENUES
            ]
            session.add_all(venues)
            await session.flush()
            ml, cs = team.mission_locale, team.centre_social
            return Cast(
                staff=(
                    (team.admin, ml),
                    (team.adviser, ml),
                    (team.manager, ml),
                    (team.partner, cs),
                    *((s.id, cs) for s in extra),
                ),
                venues=tuple(v.id for v in venues),
                caller=Caller(staff_id=team.admin, organisation_id=ml, role=Role.ADMIN),
            )

    return _run(database_url, make)


async def _clear(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Remove every session (the previous example's) and what hangs on them."""
    async with sessions() as session, session.begin():
        for table in (SessionStaff, SessionQpv, SessionPartner, SessionAudience, SessionOutcome):
            await session.execute(delete(table))
        await session.execute(delete(OutreachSession))


async def _apply(
    sessions: async_sessionmaker[AsyncSession], cast: Cast, operation: Operation, known: list[int]
) -> str:
    """Run one operation in its own transaction; what happened, for Hypothesis's statistics."""
    async with sessions() as session, session.begin():
        if isinstance(operation, Book):
            start, end = operation.slot.bounds()
            chosen = [cast.staff[i] for i in sorted(operation.staff)]
            booked = await book_session(
                session,
                SessionInput(
                    kind=operation.kind,
                    title=f"Séance de test n° {len(known) + 1}",
                    start=start,
                    end=end,
                    venue_id=cast.venues[operation.venue],
                    organisation_id=chosen[0][1],
                    staff_ids=tuple(s for s, _ in chosen),
                ),
                caller=cast.caller,
                settings=RULES,
                now=NOW,
                publish=operation.publish,
            )
            known.append(booked.row.id)
            return "réservée"
        if not known:
            return "aucune séance"
        target = known[operation.target % len(known)]
        if isinstance(operation, Move):
            start, end = operation.slot.bounds()
            changes: dict[str, object] = {"start": start, "end": end}
            if operation.venue is not None:
                changes["venue_id"] = cast.venues[operation.venue]
            await update_session(
                session, target, changes, caller=cast.caller, settings=RULES, now=NOW
            )
            return "déplacée"
        await change_status(
            session,
            target,
            SessionStatus.CANCELLED,
            caller=cast.caller,
            settings=RULES,
            now=NOW,
            reason="Annulation de test",
        )
        return "annulée"


async def _double_bookings(
    sessions: async_sessionmaker[AsyncSession],
) -> list[tuple[int, int, str]]:
    """Pairs of held sessions that overlap in time and share a person or a venue."""
    async with sessions() as session:
        rows = (
            await session.execute(
                select(
                    OutreachSession.id,
                    OutreachSession.start_at,
                    OutreachSession.end_at,
                    OutreachSession.venue_id,
                )
                .where(OutreachSession.status != SessionStatus.CANCELLED.value)
                .order_by(OutreachSession.id)
            )
        ).all()
        staff: dict[int, set[int]] = {}
        for session_id, staff_id in await session.execute(
            select(SessionStaff.session_id, SessionStaff.staff_id)
        ):
            staff.setdefault(session_id, set()).add(staff_id)
    found = []
    for (a, a_start, a_end, a_venue), (b, b_start, b_end, b_venue) in combinations(rows, 2):
        if max(a_start, b_start) < min(a_end, b_end):
            found += [(a, b, f"intervenant {s}") for s in sorted(staff[a] & staff[b])]
            found += [(a, b, f"lieu {a_venue}")] if a_venue == b_venue else []
    return found


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(operations, min_size=6, max_size=20))
def test_booking_sequences_never_double_book(
    database_url: str, cast: Cast, steps: list[Operation]
) -> None:
    """After every booking, move or cancellation, no person nor venue holds two sessions at once
    (and what coverage reads of each session is what its rows say)."""

    async def play(sessions: async_sessionmaker[AsyncSession]) -> None:
        await _clear(sessions)
        known: list[int] = []
        for number, operation in enumerate(steps, 1):
            try:
                outcome = await _apply(sessions, cast, operation, known)
            except BookingRefusedError as refused:
                outcome = "refusée : " + ", ".join(sorted({v.code for v in refused.violations}))
            except InvalidInputError as invalid:
                outcome = "invalide : " + ", ".join(sorted(invalid.errors))
            event(outcome)
            note(f"{number}. {operation} → {outcome}")
            assert await _double_bookings(sessions) == []
            async with sessions() as session:
                assert await stale_reach(session) == []

    _run(database_url, play)
