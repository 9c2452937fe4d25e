"""The registrations' timed steps on both backends, driven by an injected clock: an offer runs
out and passes on, a capacity raised offers places, registrants are reminded once, told of a
move or a cancellation once, and erased after the retention (the counts stay)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import Settings
from planner.db import registrations
from planner.db.engine import create_engine
from planner.db.models import OutboxMail, OutreachSession, Registration
from planner.db.registration_sweep import Swept, sweep
from planner.db.registrations import Links
from planner.registration import RegistrationInput, RegistrationRules
from tests.conftest import Team
from tests.db import committed
from tests.factories import book_forum, create_venue

T = TypeVar("T")
Client = TestClient  # type: ignore[type-arg]
LINKS = Links("https://allervers.example", RegistrationRules())


@pytest.fixture
def quiet(settings: Settings) -> Iterator[Client]:
    """A client on an app whose job runner takes no work: the test tends, at its own times."""
    with TestClient(app=create_app(replace(settings, jobs_in_service=False))) as client:
        yield client


_run = committed


def _sweep(url: str, now: datetime) -> Swept:
    async def go() -> Swept:
        engine = create_engine(url)
        try:
            maker = async_sessionmaker(engine, expire_on_commit=False)
            return await sweep(maker, links=LINKS, ics=lambda row: b"ICS", now=now)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _register(url: str, forum: int, name: str, now: datetime) -> str:
    data = RegistrationInput(name, f"{name.lower()}@example.org", None, None, True)

    async def work(s: AsyncSession) -> str:
        done = await registrations.register(
            s, forum, data, links=LINKS, ics=lambda row: b"ICS", now=now
        )
        return str(done.row.secret)

    return _run(url, work)


def _state(url: str) -> list[tuple[Any, ...]]:
    async def work(s: AsyncSession) -> list[tuple[Any, ...]]:
        rows = (await s.scalars(select(Registration).order_by(Registration.id))).all()
        return [(r.first_name, r.status) for r in rows]

    return _run(url, work)


def _mail(url: str) -> list[tuple[str, str]]:
    async def work(s: AsyncSession) -> list[tuple[str, str]]:
        rows = (await s.scalars(select(OutboxMail).order_by(OutboxMail.id))).all()
        return [(r.recipient.split("@")[0], r.subject.split(" :")[0]) for r in rows]

    return _run(url, work)


def _start(url: str, forum: int) -> datetime:
    async def work(s: AsyncSession) -> datetime:
        return (await s.get_one(OutreachSession, forum)).start_at

    return _run(url, work)


def test_an_offer_runs_out_and_passes_on(quiet: Client, team: Team, database_url: str) -> None:
    """One place: Amina holds it, Bruno and Chloé wait. Amina cancels: Bruno is offered it for
    48 h; at 47 h nothing happens, at 49 h it passes to Chloé (told by mail)."""
    forum = book_forum(quiet, team, create_venue(quiet, team), capacity=1)
    now = datetime.now(UTC).replace(microsecond=0)
    amina = _register(database_url, forum, "Amina", now)
    _register(database_url, forum, "Bruno", now)
    _register(database_url, forum, "Chloe", now)
    _run(
        database_url,
        lambda s: registrations.cancel_registration(s, amina, links=LINKS, now=now),
    )
    early = _sweep(database_url, now + timedelta(hours=47))
    late = _sweep(database_url, now + timedelta(hours=49))
    again = _sweep(database_url, now + timedelta(hours=50))
    assert (early.expired, late.expired, again.expired) == (0, 1, 0)
    assert _state(database_url) == [
        ("Amina", "cancelled"),
        ("Bruno", "cancelled"),
        ("Chloe", "offered"),
    ]
    assert _mail(database_url)[3:] == [
        ("bruno", "Une place pour vous"),
        ("chloe", "Une place pour vous"),
    ]


def test_a_raised_capacity_offers_places(quiet: Client, team: Team, database_url: str) -> None:
    """Full at one place, then raised to two: the first person waiting is offered one."""
    forum = book_forum(quiet, team, create_venue(quiet, team), capacity=1)
    now = datetime.now(UTC).replace(microsecond=0)
    _register(database_url, forum, "Amina", now)
    _register(database_url, forum, "Bruno", now)
    raised = quiet.patch(
        f"/api/sessions/{forum}", json={"capacity": 2}, headers=team.headers("adviser")
    )
    lowered = quiet.patch(
        f"/api/sessions/{forum}", json={"capacity": 0}, headers=team.headers("adviser")
    )
    _sweep(database_url, now)
    assert (raised.status_code, lowered.status_code) == (200, 422)
    assert _state(database_url) == [("Amina", "confirmed"), ("Bruno", "offered")]


def test_reminded_and_told_once_then_erased(quiet: Client, team: Team, database_url: str) -> None:
    """Reminded 48 h before, once; a move told once (with the new details), a cancellation
    told once; 90 days after the session, names and contacts are gone and statuses stay."""
    forum = book_forum(quiet, team, create_venue(quiet, team), capacity=5)
    now = datetime.now(UTC).replace(microsecond=0)
    _register(database_url, forum, "Amina", now)
    start = _start(database_url, forum)
    before = _sweep(database_url, start - timedelta(hours=49))
    reminded = _sweep(database_url, start - timedelta(hours=47))
    twice = _sweep(database_url, start - timedelta(hours=46))
    moved = quiet.patch(
        f"/api/sessions/{forum}",
        json={
            "start": (start + timedelta(hours=1)).isoformat(),
            "end": (start + timedelta(hours=3)).isoformat(),
        },
        headers=team.headers("adviser"),
    )
    told = _sweep(database_url, now)
    cancelled = quiet.post(
        f"/api/sessions/{forum}/cancel",
        json={"reason": "Salle indisponible"},
        headers=team.headers("adviser"),
    )
    told_again = _sweep(database_url, now)
    quiet = _sweep(database_url, now)
    early = _sweep(database_url, start + timedelta(days=89))
    erased = _sweep(database_url, start + timedelta(days=91))

    async def rows(s: AsyncSession) -> list[tuple[Any, ...]]:
        found = (await s.scalars(select(Registration))).all()
        return [(r.first_name, r.email, r.secret, r.status, r.erased_at is not None) for r in found]

    assert (moved.status_code, cancelled.status_code) == (200, 200)
    assert [
        (s.reminded, s.told, s.erased)
        for s in (before, reminded, twice, told, told_again, quiet, early, erased)
    ] == [(0, 0, 0), (1, 0, 0), (0, 0, 0), (0, 1, 0), (0, 1, 0), (0, 0, 0), (0, 0, 0), (0, 0, 1)]
    assert [subject for _, subject in _mail(database_url)] == [
        "Inscription confirmée",
        "Rappel",
        "Changement",
        "Annulation",
    ]
    assert _run(database_url, rows) == [(None, None, None, "confirmed", True)]
