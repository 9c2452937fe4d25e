"""Coverage through HTTP, issue 17: what is planned apart from what was held, every
organisation of a session, the caller's departments once, the coming weeks by default."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.settings import Settings
from planner.db.engine import create_engine
from planner.db.models import OutreachSession
from planner.session import Role
from tests.api.routes.test_coverage import (
    AMIENS,
    DEPARTMENTS,
    _book_future,
    _book_past,
    _props,
    _staffed_by,
    _today,
)
from tests.conftest import Team
from tests.factories import add_staff, create_venue

Client = TestClient  # type: ignore[type-arg]


def _organisation(client: Client, team: Team, name: str) -> int:
    """A new organisation created by the admin; its id."""
    answer = client.post(
        "/api/organisations",
        json={"kind": "association", "name": name},
        headers=team.headers("admin"),
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_coverage_counts_every_organisation_of_a_session(
    client: Client, team: Team, settings: Settings
) -> None:
    """A session led by the mission locale, staffed by it and the centre social, with a third
    organisation (and the centre social again) as partners counts three organisations, each
    once; the QPV lists them with their sessions, and the organisation filter finds a session
    by the organisation of its staff."""
    venue = create_venue(client, team)
    third = _organisation(client, team, "Association partenaire (test)")
    url = settings.database_url
    partners = (third, team.centre_social)
    asyncio.run(
        _book_past(url, team, venue, _today() - timedelta(days=3), AMIENS[:1], partners=partners)
    )
    asyncio.run(_book_past(url, team, venue, _today() - timedelta(days=4), AMIENS[:1]))
    body = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    staffed = client.get(
        "/api/coverage",
        params={"dep": "80", "organisation": str(team.centre_social)},
        headers=team.headers("admin"),
    ).json()
    etouvie = _props(body["features"], "QN08001M")
    assert (
        etouvie["organisations"],
        etouvie["by_organisation"],
        body["summary"]["organisations"],
        _props(staffed["features"], "QN08001M")["sessions"],
    ) == (
        3,
        [
            *_staffed_by(team, 2),
            {"id": third, "name": "Association partenaire (test)", "sessions": 1},
        ],
        3,
        2,
    )


def test_coverage_planned_apart_from_held(
    client: Client, wide_team: Team, settings: Settings
) -> None:
    """Over a period reaching into the coming weeks, a published session to come and a draft
    are planned, not held: a QPV with nothing held but something planned is « prévu », a QPV
    held keeps its status; a session after the period plans nothing in it. The draft counts
    for those who may see it (admin, manager of the department, its organisation's
    coordinator), not for another organisation's coordinator."""
    team = wide_team
    venue = create_venue(client, team)
    today = _today()
    asyncio.run(
        _book_past(settings.database_url, team, venue, today - timedelta(days=10), AMIENS[:1])
    )
    _book_future(client, team, venue, today + timedelta(days=5), ["QN08001M"])
    _book_future(client, team, venue, today + timedelta(days=6), ["QN08003M"])
    _book_future(
        client, team, venue, today + timedelta(days=7), ["QN08003M", "QN08006M"], publish=False
    )
    _book_future(client, team, venue, today + timedelta(days=60), ["QN08007M"])
    _, other = asyncio.run(
        add_staff(
            settings.database_url, 0, Role.COORDINATOR, "coordination", name="Autre structure"
        )
    )
    period = {
        "dep": "80",
        "from": (today - timedelta(days=30)).isoformat(),
        "to": (today + timedelta(days=30)).isoformat(),
    }

    def seen(headers: dict[str, str]) -> tuple[dict[str, tuple[Any, ...]], dict[str, int]]:
        body = client.get("/api/coverage", params=period, headers=headers).json()
        return (
            {
                code: (p["status_label"], p["sessions"], p["planned_sessions"], p["planned_drafts"])
                for code in ("QN08001M", "QN08003M", "QN08006M", "QN08007M")
                for p in [_props(body["features"], code)]
            },
            body["summary"]["planned"],
        )

    everything = (
        {
            "QN08001M": ("atteint", 1, 1, 0),
            "QN08003M": ("prévu", 0, 2, 1),
            "QN08006M": ("prévu", 0, 1, 1),
            "QN08007M": ("non atteint", 0, 0, 0),
        },
        {"sessions": 3, "drafts": 1},
    )
    assert [seen(team.headers(who)) for who in ("admin", "manager_inside", "coordinator")] == [
        everything
    ] * 3
    assert seen(other) == (
        {
            "QN08001M": ("atteint", 1, 1, 0),
            "QN08003M": ("prévu", 0, 1, 0),
            "QN08006M": ("non atteint", 0, 0, 0),
            "QN08007M": ("non atteint", 0, 0, 0),
        },
        {"sessions": 2, "drafts": 0},
    )


def test_coverage_departments_are_the_callers_territory_once(client: Client, team: Team) -> None:
    """The department filter's choices: a manager of the Nord gets the Nord alone, once; an
    admin gets every department of the loaded QPVs, once, whichever department is shown."""
    loaded = sorted(
        {(q["department"]["code"], q["department"]["name"]) for q in client.get("/api/qpv").json()}
    )
    manager = client.get("/api/coverage", headers=team.headers("manager")).json()
    admin = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    assert (
        manager["summary"]["departments"],
        admin["summary"]["departments"],
        [(d["code"], d["name"]) for d in DEPARTMENTS],
    ) == ([{"code": "59", "name": "Nord"}], DEPARTMENTS, loaded)


def test_coverage_by_default_shows_the_coming_four_weeks_as_planned(
    client: Client, team: Team
) -> None:
    """Without dates, the period reaches four weeks ahead: a session next week is planned
    (« prévu »), not held; one in six weeks is only the next session."""
    venue = create_venue(client, team)
    today = _today()
    _book_future(client, team, venue, today + timedelta(days=7), ["QN08003M"])
    _book_future(client, team, venue, today + timedelta(days=42), ["QN08007M"])
    body = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    soon, later = _props(body["features"], "QN08003M"), _props(body["features"], "QN08007M")
    assert (soon["status"], soon["sessions"], soon["planned_sessions"]) == ("planned", 0, 1)
    assert (later["status"], later["planned_sessions"]) == ("not_reached", 0)
    assert later["next_session"] is not None
    assert body["summary"]["period"]["end"] == (today + timedelta(days=28)).isoformat()
    assert body["summary"]["period"]["reference_day"] == today.isoformat()


def test_the_week_planned_lists_who_will_go(client: Client, team: Team) -> None:
    """A session next week (the mission locale leading, its adviser with the centre social's)
    and a draft the week after: the QPV is « prévu » and lists both organisations under the
    planned sessions, none under those held; a caller who may not see drafts counts one."""
    venue = create_venue(client, team)
    today = _today()
    _book_future(client, team, venue, today + timedelta(days=6), ["QN08001M"])
    _book_future(client, team, venue, today + timedelta(days=13), ["QN08001M"], publish=False)
    body = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    etouvie = _props(body["features"], "QN08001M")
    assert (etouvie["status"], etouvie["planned_sessions"], etouvie["by_organisation"]) == (
        "planned",
        2,
        [],
    )
    assert etouvie["planned_by_organisation"] == _staffed_by(team, 2)


async def _without_staff(url: str, session_id: int) -> None:
    """Take every person off the session, through the models as a service would."""
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine)() as session:
            row = await session.get_one(OutreachSession, session_id)
            row.staff.clear()
            await session.commit()
    finally:
        await engine.dispose()


def test_a_held_session_left_without_staff_still_counts(
    client: Client, team: Team, settings: Settings
) -> None:
    """A held session whose staff were all taken off it counts once, with its hours and no
    staff-hours, on both engines (PostgreSQL counted staff through an inner join and left the
    session out)."""
    venue = create_venue(client, team)
    url = settings.database_url
    bare = asyncio.run(_book_past(url, team, venue, _today() - timedelta(days=3), AMIENS[:1]))
    asyncio.run(_without_staff(url, bare))
    body = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    etouvie = _props(body["features"], "QN08001M")
    assert (
        etouvie["sessions"],
        etouvie["session_hours"],
        etouvie["staff_hours"],
        body["summary"]["totals"]["sessions"],
        etouvie["by_organisation"],
    ) == (1, 3.0, 0.0, 1, _staffed_by(team, 1)[1:])  # the lead alone
