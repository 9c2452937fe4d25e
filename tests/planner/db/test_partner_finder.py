"""The partner finder's service on both databases: who from another organisation is free for an
evening at a venue and can get there in time — partners first, then nearest, measured from their
previous session that day or else from their organisation's home venue."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from planner.access import Caller
from planner.booking_input import SessionInput
from planner.clock import PARIS
from planner.db import people
from planner.db.booking import book_session
from planner.db.engine import create_engine
from planner.db.partner_finder import free_partners
from planner.db.partnerships import set_partnership
from planner.db.territory import TerritoryCache
from planner.db.venues import VenueInput, new_venue
from planner.session import OrganisationKind, Role, RuleSettings, SessionKind
from planner.venue import Address, VenueKind
from tests.conftest import Team
from tests.planner.db.test_booking import _placement

NOW = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
DAY = date(2031, 3, 4)
RULES = RuleSettings()
PLACES = {
    "etouvie": ("Centre social d'Étouvie (test)", "Amiens", 2.2502, 49.9151),
    "nord": ("Maison de quartier Nord (test)", "Amiens", 2.3105, 49.9155),
    "abbeville": ("Salle d'Abbeville (test)", "Abbeville", 1.833, 50.1055),
    "lille": ("Salle de Lille (test)", "Lille", 3.0573, 50.6292),
}


@dataclass(frozen=True)
class World:
    """The team, a third organisation based in Abbeville, its adviser, and the venues."""

    team: Team
    abbeville_org: int
    abbeville_person: int
    colleague: int
    """A coordinator of the caller's own organisation (never proposed)."""
    venues: dict[str, int]


def _at(clock: str, day: date = DAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=PARIS)


def _run(url: str, work: Any) -> Any:
    async def go() -> Any:
        engine = create_engine(url)
        try:
            sessions = async_sessionmaker(engine, expire_on_commit=False)
            async with sessions() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _world(url: str, team: Team) -> World:
    """The venues; the centre social based at « Nord » (about 4.3 km from Étouvie), a third
    organisation based in Abbeville (about 37 km) with its adviser; a colleague of the caller."""

    async def make(session: AsyncSession) -> World:
        territory = await TerritoryCache().get(session)
        venues = {}
        for key, (name, commune, lon, lat) in PLACES.items():
            data = VenueInput(name, VenueKind.OTHER, Address("1 place du Test", None, commune))
            row = new_venue(data, _placement(territory, lon, lat), now=NOW)
            session.add(row)
            await session.flush()
            venues[key] = row.id
        await people.update_organisation(
            session, team.centre_social, {"home_venue_id": venues["nord"]}, actor_id=None, now=NOW
        )
        far = await people.create_organisation(
            session,
            kind=OrganisationKind.OTHER,
            name="Structure d'Abbeville (test)",
            home_venue_id=venues["abbeville"],
            actor_id=None,
            now=NOW,
        )
        person = await people.create_staff(
            session,
            organisation_id=far.id,
            name="Personne de test (Abbeville)",
            email="abbeville@test.invalid",
            role=Role.ADVISER,
            actor_id=None,
            now=NOW,
        )
        colleague = await people.create_staff(
            session,
            organisation_id=team.mission_locale,
            name="Personne de test (collègue)",
            email="collegue@test.invalid",
            role=Role.COORDINATOR,
            actor_id=None,
            now=NOW,
        )
        return World(team, far.id, person.id, colleague.id, venues)

    result: World = _run(url, make)
    return result


def _book(url: str, world: World, venue: str, start: str, end: str, day: date = DAY) -> None:
    """An information session of the centre social's adviser alone, at ``venue``."""
    team = world.team

    async def book(session: AsyncSession) -> None:
        await book_session(
            session,
            SessionInput(
                kind=SessionKind.INFO_SESSION,
                title="Déjà prévu",
                start=_at(start, day),
                end=_at(end, day),
                venue_id=world.venues[venue],
                organisation_id=team.centre_social,
                staff_ids=(team.partner,),
            ),
            caller=Caller(team.partner, team.centre_social, Role.ADVISER),
            settings=RULES,
            now=NOW,
        )

    _run(url, book)


def _found(url: str, world: World, start: str = "18:00", end: str = "21:00") -> list[Any]:
    """Who is proposed for the evening at Étouvie to the mission locale: name, whether a
    partner, distance in whole hundreds of metres, measured from a previous session or not."""

    async def ask(session: AsyncSession) -> list[Any]:
        found = await free_partners(
            session,
            venue_id=world.venues["etouvie"],
            start=_at(start),
            end=_at(end),
            organisation_id=world.team.mission_locale,
            settings=RULES,
            now=NOW,
        )
        return [
            (
                c.name,
                c.partner,
                None if c.distance_m is None else round(c.distance_m / 100),
                c.from_session,
                *((c.warning,) if c.warning else ()),
            )
            for c in found
        ]

    result: list[Any] = _run(url, ask)
    return result


def test_nearest_first_never_the_own_organisation(database_url: str, team: Team) -> None:
    """Without partnership, the nearest base first; nobody of the mission locale (the adviser,
    the coordinator) is proposed."""
    world = _world(database_url, team)
    assert _found(database_url, world) == [
        ("Personne de test (partner)", False, 43, False),
        ("Personne de test (Abbeville)", False, 366, False),
    ]


def test_partners_come_first(database_url: str, team: Team) -> None:
    """An active partner organisation's people come before nearer ones."""
    world = _world(database_url, team)

    async def partner(session: AsyncSession) -> None:
        await set_partnership(
            session, team.mission_locale, world.abbeville_org, caller=None, now=NOW, operator=True
        )

    _run(database_url, partner)
    assert [(name, p) for name, p, _, _ in _found(database_url, world)] == [
        ("Personne de test (Abbeville)", True),
        ("Personne de test (partner)", False),
    ]


def test_someone_busy_that_evening_is_left_out(database_url: str, team: Team) -> None:
    """A session overlapping the evening takes the person out; the others stay."""
    world = _world(database_url, team)
    _book(database_url, world, "nord", "20:00", "21:30")
    assert [name for name, *_ in _found(database_url, world)] == ["Personne de test (Abbeville)"]


def test_who_cannot_travel_in_time_is_left_out(database_url: str, team: Team) -> None:
    """A session in Lille ending at 11:00 leaves time to reach Amiens by 18:00: proposed, the
    distance measured from Lille, their previous session that day. Another ending at 17:45
    does not: left out."""
    world = _world(database_url, team)
    _book(database_url, world, "lille", "09:00", "11:00")
    in_time = _found(database_url, world)
    _book(database_url, world, "lille", "16:00", "17:45")
    assert (in_time, _found(database_url, world)) == (
        [
            ("Personne de test (Abbeville)", False, 366, False),
            ("Personne de test (partner)", False, 981, True),
        ],
        [("Personne de test (Abbeville)", False, 366, False)],
    )


def test_beyond_the_weekly_evenings_comes_last_with_the_rule(database_url: str, team: Team) -> None:
    """Three evenings already that week: still proposed (a soft rule), after the others, with
    the rule's own words."""
    world = _world(database_url, team)
    for day in (3, 5, 6):
        _book(database_url, world, "nord", "18:00", "19:00", date(2031, 3, day))
    assert _found(database_url, world) == [
        ("Personne de test (Abbeville)", False, 366, False),
        (
            "Personne de test (partner)",
            False,
            43,
            False,
            "Personne de test (partner) aurait 4 séances en soirée la semaine 10 de 2031, "
            "au-delà des 3 conseillées.",
        ),
    ]
