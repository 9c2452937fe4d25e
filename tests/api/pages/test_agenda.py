"""``/agenda`` over HTTP: the person's sessions by day over two weeks, the sessions to close,
the organisation's view for coordinators only, filters, and a bad week said in French."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from html import unescape

from litestar.testing import TestClient

from api.settings import Settings
from planner.clock import PARIS
from tests.api.pages.test_signin import sign_up
from tests.conftest import Team
from tests.factories import book_evening_session, create_venue, evening

Client = TestClient  # type: ignore[type-arg]


def _titles(html: str) -> list[str]:
    """The sessions shown in the week grid, in order."""
    return [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", t))).strip()
        for t in re.findall(r'<li class="seance[^"]*">\s*<a [^>]*>(.*?)</a>', html, re.S)
    ]


def _book(client: Client, team: Team, venue: int, days: int, title: str, who: str) -> None:
    start, end = evening(days, "18:00", "21:00")
    staff = {"adviser": [team.adviser, team.partner], "partner": [team.partner, team.adviser]}
    answer = client.post(
        "/api/sessions",
        json={
            "kind": "neighbourhood_session",
            "title": title,
            "start": start,
            "end": end,
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": staff[who] if who != "coordinator" else [team.others["coordinator"]],
            **({"kind": "info_session"} if who == "coordinator" else {}),
        },
        headers=team.headers("adviser" if who != "coordinator" else "coordinator"),
    )
    assert answer.status_code == 201, answer.text


def test_agenda_lists_the_persons_sessions_and_those_to_close(
    client: Client, settings: Settings, wide_team: Team
) -> None:
    """This week's session shows in the grid; one that ended without outcome is to close; a
    coordinator's session of the same organisation shows only in the organisation's view."""
    team = wide_team
    venue = create_venue(client, team)
    today = datetime.now(PARIS).date()
    days = 7 - today.weekday() + 1  # next week's Tuesday: inside the two weeks shown
    _book(client, team, venue, days, "Permanence de mardi", "adviser")
    _book(client, team, venue, days + 1, "Réunion de la coordinatrice", "coordinator")
    then = datetime.now(UTC) - timedelta(days=40)
    asyncio.run(
        book_evening_session(
            settings.database_url, team, venue, day=(then + timedelta(days=5)).date(), now=then
        )
    )
    sign_up(client, settings, team.adviser)
    mine = client.get("/agenda").text
    sign_up(client, settings, team.others["coordinator"])
    theirs = client.get("/agenda?vue=organisation").text
    assert [t.split(" ", 1)[1] for t in _titles(mine)] == ["Permanence de mardi"]
    assert "Permanence passée" in unescape(mine.split("Séances à compléter")[1])
    assert [t.split(" ", 1)[1] for t in _titles(theirs)] == [
        "Permanence de mardi",
        "Réunion de la coordinatrice",
    ]


def test_adviser_cannot_take_the_organisation_view(
    client: Client, settings: Settings, team: Team
) -> None:
    """An adviser asking for the organisation's view gets their own sessions, no such choice."""
    sign_up(client, settings, team.adviser)
    html = client.get("/agenda?vue=organisation").text
    assert ("Toute ma structure" in html, 'id="filtre-vue"' in html) == (False, False)


def test_bad_week_is_said_and_this_week_shown(
    client: Client, settings: Settings, team: Team
) -> None:
    """An unreadable ``du`` shows this week with a French message, never an error page."""
    sign_up(client, settings, team.adviser)
    answer = client.get("/agenda?du=demain")
    monday = datetime.now(PARIS).date() - timedelta(days=datetime.now(PARIS).weekday())
    assert (answer.status_code, "Date « demain » illisible" in unescape(answer.text)) == (200, True)
    assert f"Semaine du lundi {monday:%d/%m}" in answer.text
