"""What coverage reads of each session (``session_reach``) stays what its rows say.

The services change sessions, their staff, partners, QPVs and outcomes; after each change,
committed or rolled back, the stored reach must equal the one built afresh from those rows
(:func:`planner.db.reach.reach_rows`). Run on both engines, as every test of the database.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from planner.access import Caller
from planner.booking_input import OutcomeInput
from planner.clock import PARIS
from planner.db import migration
from planner.db.engine import create_engine
from planner.db.models import OutreachSession, SessionOutcome, SessionPartner, SessionReach
from planner.db.people import create_organisation
from planner.db.reach import COLUMNS, reach_rows
from planner.db.session_changes import change_status, record_outcome, update_session
from planner.session import OrganisationKind, Role, RuleSettings, SessionStatus
from tests.conftest import Team
from tests.factories import book_evening_session, create_venue

T = TypeVar("T")
DAY = date(2026, 3, 10)
BEFORE = datetime.combine(DAY, time(9), tzinfo=PARIS) - timedelta(days=5)
AFTER = datetime.combine(DAY, time(23), tzinfo=PARIS)


def _value(value: Any) -> Any:
    """A column's value, comparable across how each engine returns it (a SQLite list comes
    back as JSON text when built by the query, as a list from the table)."""
    if isinstance(value, str) and value.startswith("["):
        value = json.loads(value)
    if isinstance(value, list):
        return tuple(sorted(value))
    if isinstance(value, float):
        return round(value, 6)
    return value


async def stale_reach(session: AsyncSession) -> list[tuple[Any, ...]]:
    """The reach rows that differ from the ones built afresh (stored ones and fresh ones)."""
    dialect = session.get_bind().dialect.name
    table = SessionReach.__table__
    stored = await session.execute(select(*[table.c[name] for name in COLUMNS]))
    fresh = await session.execute(reach_rows(dialect, None))
    kept = {tuple(_value(v) for v in row) for row in stored}
    built = {tuple(_value(v) for v in row) for row in fresh}
    return sorted(kept ^ built, key=repr)


def _run(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``work`` in one transaction of its own, committed."""

    async def go() -> T:
        engine = create_engine(url)
        try:
            async with async_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _stale(url: str) -> list[tuple[Any, ...]]:
    return _run(url, stale_reach)


def _reach(url: str, session_id: int) -> dict[str, Any]:
    async def read(session: AsyncSession) -> dict[str, Any]:
        row = await session.get_one(SessionReach, session_id)
        return {name: _value(getattr(row, name)) for name in COLUMNS}

    return _run(url, read)


@pytest.fixture
def third(database_url: str) -> int:
    """A third organisation, a partner of neither of the team's."""

    async def make(session: AsyncSession) -> int:
        org = await create_organisation(
            session,
            kind=OrganisationKind.OTHER,
            name="Association de quartier (test)",
            actor_id=None,
            now=BEFORE,
        )
        return org.id

    return _run(database_url, make)


def test_reach_follows_every_change_of_a_session(
    client: Any, team: Team, database_url: str, third: int
) -> None:
    """Booked, re-staffed, re-partnered, moved to other QPVs, given an outcome, corrected,
    cancelled, deleted: after each, the stored reach is the one its rows make."""
    url = database_url
    venue = create_venue(client, team)
    admin = Caller(team.admin, team.mission_locale, Role.ADMIN)
    rules = RuleSettings()
    held = asyncio.run(
        book_evening_session(
            url, team, venue, day=DAY, now=BEFORE, qpv_codes=("QN08001M",), partner_ids=(third,)
        )
    )
    other = asyncio.run(
        book_evening_session(url, team, venue, day=DAY + timedelta(days=1), now=BEFORE)
    )
    assert _stale(url) == []
    first = _reach(url, held)
    assert (first["qpv_codes"], first["organisations"], first["staff_hours"]) == (
        ("QN08001M",),
        tuple(sorted((team.centre_social, third))),
        6.0,
    )

    def change(session_id: int, **changes: Any) -> Callable[[AsyncSession], Awaitable[Any]]:
        async def work(session: AsyncSession) -> Any:
            return await update_session(
                session, session_id, changes, caller=admin, settings=rules, now=BEFORE
            )

        return work

    _run(url, change(held, partner_ids=[team.centre_social]))
    assert _reach(url, held)["organisations"] == (team.centre_social,)
    three = [team.adviser, team.partner, team.admin]
    _run(url, change(held, qpv_codes=["QN08001M", "QN08002M"], staff_ids=three))
    moved = _reach(url, held)
    assert (moved["qpv_codes"], moved["staff_hours"]) == (("QN08001M", "QN08002M"), 9.0)
    assert _stale(url) == []

    def outcome(people: int) -> Callable[[AsyncSession], Awaitable[Any]]:
        async def work(session: AsyncSession) -> Any:
            figures = OutcomeInput(people, 2, 1, 0, 0)
            return await record_outcome(session, held, figures, caller=admin, now=AFTER)

        return work

    _run(url, outcome(12))
    _run(url, outcome(9))  # a correction
    corrected = _reach(url, held)
    assert (corrected["status"], corrected["people_met"], corrected["new_contacts"]) == (
        SessionStatus.COMPLETED.value,
        9,
        2,
    )

    async def cancel(session: AsyncSession) -> Any:
        return await change_status(
            session,
            other,
            SessionStatus.CANCELLED,
            caller=admin,
            settings=rules,
            now=BEFORE,
            reason="Annulation de test",
        )

    _run(url, cancel)
    assert _reach(url, other)["status"] == SessionStatus.CANCELLED.value
    assert _stale(url) == []

    async def delete(session: AsyncSession) -> None:
        await session.delete(await session.get_one(OutreachSession, other))

    _run(url, delete)
    assert _stale(url) == []
    assert _run(url, lambda s: s.get(SessionReach, other)) is None


def test_a_change_rolled_back_leaves_the_reach_as_it_was(
    client: Any, team: Team, database_url: str
) -> None:
    """The reach is rebuilt in the change's transaction: rolled back with it."""
    venue = create_venue(client, team)
    held = asyncio.run(book_evening_session(database_url, team, venue, day=DAY, now=BEFORE))
    before = _reach(database_url, held)

    async def change_then_fail() -> None:
        engine = create_engine(database_url)
        try:
            async with async_sessionmaker(engine)() as session:
                await session.begin()
                row = await session.get_one(OutreachSession, held)
                row.qpvs.clear()
                row.staff.clear()
                await session.flush()
                assert await stale_reach(session) == []  # rebuilt within the transaction
                await session.rollback()
        finally:
            await engine.dispose()

    asyncio.run(change_then_fail())
    assert _reach(database_url, held) == before
    assert _stale(database_url) == []


def test_migration_0017_fills_the_reach_of_the_sessions_already_there(
    client: Any, team: Team, database_url: str, third: int
) -> None:
    """A database whose sessions predate the table gets, on upgrade, the reach the hook would
    have kept: taken back to 0016 (no table) and brought to 0017 again."""
    venue = create_venue(client, team)
    url = database_url
    held = asyncio.run(
        book_evening_session(url, team, venue, day=DAY, now=BEFORE, partner_ids=(third,))
    )
    asyncio.run(book_evening_session(url, team, venue, day=DAY + timedelta(days=1), now=BEFORE))

    async def outcome(session: AsyncSession) -> Any:
        admin = Caller(team.admin, team.mission_locale, Role.ADMIN)
        figures = OutcomeInput(14, 3, 2, 1, 0)
        return await record_outcome(session, held, figures, caller=admin, now=AFTER)

    _run(url, outcome)
    kept = [_reach(url, held)]
    migration.downgrade(url, "0016")
    migration.upgrade(url, "0017")
    assert (_stale(url), [_reach(url, held)]) == ([], kept)
    assert kept[0]["people_met"] == 14


def test_two_transactions_changing_one_session_at_once_both_count(
    client: Any, team: Team, database_url: str, third: int
) -> None:
    """One corrects the outcome while the other adds a partner, each touching only its own
    rows: the second waits for the first's reach row and then rebuilds it from both changes
    (a DELETE then INSERT would find the first's new row in its way: a duplicate key)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one transaction write at a time")
    url = database_url
    venue = create_venue(client, team)
    held = asyncio.run(book_evening_session(url, team, venue, day=DAY, now=BEFORE))
    admin = Caller(team.admin, team.mission_locale, Role.ADMIN)

    async def outcome(session: AsyncSession) -> Any:
        figures = OutcomeInput(5, 1, 0, 0, 0)
        return await record_outcome(session, held, figures, caller=admin, now=AFTER)

    _run(url, outcome)

    async def race() -> None:
        engine = create_engine(url)
        try:
            maker = async_sessionmaker(engine)
            async with maker() as first, maker() as second:
                await first.begin()
                result = await first.get_one(SessionOutcome, held)
                result.people_met = 20
                await first.flush()
                await second.begin()
                second.add(SessionPartner(session_id=held, organisation_id=third))
                waiting = asyncio.create_task(second.commit())
                await asyncio.sleep(0.5)
                assert not waiting.done()  # held by the first's reach row
                await first.commit()
                await waiting
        finally:
            await engine.dispose()

    asyncio.run(race())
    both = _reach(url, held)
    joined = tuple(sorted((team.centre_social, third)))
    assert (both["people_met"], both["organisations"], _stale(url)) == (20, joined, [])
