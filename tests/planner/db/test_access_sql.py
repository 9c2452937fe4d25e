"""The SQL translation of the session policy selects exactly what the pure policy allows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from planner.access import Caller, SessionView, session_view
from planner.db.access_sql import full_view, load_facts, visible
from planner.db.engine import create_engine
from planner.db.models import OutreachSession
from planner.session import Role
from tests.conftest import Team
from tests.factories import book_evening_session, create_venue

Client = TestClient  # type: ignore[type-arg]
RETENTION = timedelta(days=30)


def _callers(team: Team) -> list[Caller | None]:
    """Every kind of caller: each role, of each organisation or none, with each territory."""
    return [
        None,
        *(
            Caller(staff, org, role, deps, epcis)
            for role in Role
            for org, staff in (
                (team.mission_locale, team.adviser),
                (team.centre_social, team.partner),
                (999, 999),
            )
            for deps, epcis in (
                (frozenset(), frozenset()),
                (frozenset({"80"}), frozenset()),
                (frozenset(), frozenset({"248000531"})),
                (frozenset({"59"}), frozenset()),
            )
        ),
    ]


async def _compare(url: str, callers: list[Caller | None], now: datetime) -> list[object]:
    """Callers for whom SQL and the pure policy disagree on some session."""
    engine = create_engine(url)
    wrong: list[object] = []
    try:
        async with async_sessionmaker(engine)() as session:
            ids = list(await session.scalars(select(OutreachSession.id)))
            facts = await load_facts(session, ids)
            for caller in callers:
                seen = dict(
                    (
                        await session.execute(
                            select(OutreachSession.id, full_view(caller)).where(
                                visible(caller, now=now, retention=RETENTION)
                            )
                        )
                    ).all()
                )
                by_sql = {
                    sid: SessionView.FULL if bool(full) else SessionView.PUBLIC
                    for sid, full in seen.items()
                }
                by_policy = {
                    sid: view
                    for sid, fact in facts.items()
                    if (view := session_view(caller, fact, now=now, retention=RETENTION))
                    is not SessionView.NONE
                }
                if by_sql != by_policy:
                    wrong.append((caller, by_sql, by_policy))
    finally:
        await engine.dispose()
    return wrong


def test_sql_filter_selects_what_session_view_allows(
    client: Client, team: Team, database_url: str
) -> None:
    """Over drafts, published, cancelled (recent, old, never published) and completed
    sessions, for every kind of caller, SQL gives each session the pure policy's view."""
    venue = create_venue(client, team)
    now = datetime.now(UTC)
    today = now.date()

    async def book(days: int, publish: bool) -> int:
        return await book_evening_session(
            database_url,
            team,
            venue,
            day=today + timedelta(days=days),
            now=now - timedelta(days=90),
            publish=publish,
        )

    draft = asyncio.run(book(-60, False))
    old = asyncio.run(book(-50, True))
    recent = asyncio.run(book(-10, True))
    future = asyncio.run(book(20, True))
    cancelled_draft = asyncio.run(book(30, False))
    admin = team.headers("admin")
    for sid in (old, recent, cancelled_draft):
        answer = client.post(f"/api/sessions/{sid}/cancel", json={"reason": "test"}, headers=admin)
        assert answer.status_code == 200, answer.text
    assert len({draft, old, recent, future, cancelled_draft}) == 5
    assert asyncio.run(_compare(database_url, _callers(team), now)) == []
