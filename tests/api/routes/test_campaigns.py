"""Campaigns through HTTP: create with defaults, refuse bad input, plan, follow, accept."""

from __future__ import annotations

import asyncio
import time as clock
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.app import create_app
from api.settings import Settings
from planner.clock import PARIS
from planner.db.engine import create_engine
from planner.db.jobs import CAMPAIGN_PLAN, INTERRUPTED, MAX_ATTEMPTS
from planner.db.models import CampaignPlan, Job, OutreachSession, SessionQpv
from tests.conftest import Team
from tests.factories import ETOUVIE
from tests.factories import create_venue as _venue

Client = TestClient  # type: ignore[type-arg]
ETOUVIE_QPV = "QN08001M"


def _monday(weeks_ahead: int) -> date:
    today = datetime.now(PARIS).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)


def _campaign(team: Team, **changes: Any) -> dict[str, Any]:
    first = _monday(3)
    return {
        "name": "Campagne de test",
        "department": "80",
        "first_day": first.isoformat(),
        "last_day": (first + timedelta(days=13)).isoformat(),
        "organisations": [team.mission_locale, team.centre_social],
        "time_limit_s": 2,
        **changes,
    }


def _create(client: Client, team: Team, **changes: Any) -> dict[str, Any]:
    response = client.post(
        "/api/campaigns", json=_campaign(team, **changes), headers=team.headers("admin")
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _plan(client: Client, team: Team, campaign: int) -> dict[str, Any]:
    response = client.post(f"/api/campaigns/{campaign}/plan", headers=team.headers("admin"))
    assert response.status_code == 201, response.text
    assert (
        response.headers["location"] == f"/api/campaigns/{campaign}/plans/{response.json()['id']}"
    )
    return dict(response.json())


def test_create_campaign_defaults_targets_weights_and_people(client: Client, team: Team) -> None:
    """Every QPV of the Somme is a target, weighed 3 (never reached); both advisers take part."""
    body = _create(client, team)
    assert len(body["targets"]) == 10
    assert {
        (t["min_visits"], t["per"], t["weight"], t["weight_basis"]) for t in body["targets"]
    } == {(1, "week", 3, "not_reached")}
    assert [s["staff_id"] for s in body["staff"]] == sorted([team.adviser, team.partner])
    assert body["staff"][0]["weekdays"] == [1, 2, 3, 4, 5]
    assert (body["organisation_id"], body["window_start"], body["window_end"]) == (
        team.mission_locale,
        "17:00",
        "22:00",
    )
    assert (
        client.get(f"/api/campaigns/{body['id']}", headers=team.headers("manager")).json() == body
    )


def test_create_campaign_refuses_bad_input_with_every_reason(client: Client, team: Team) -> None:
    """One organisation, dates backwards, an unknown QPV and a stranger: 422 naming each field."""
    response = client.post(
        "/api/campaigns",
        json=_campaign(
            team,
            organisations=[team.mission_locale],
            first_day="2027-03-10",
            last_day="2027-03-01",
            targets=[{"qpv_code": "QN99999X"}],
            staff=[{"staff_id": 9999}],
            window_start="16:00",
        ),
        headers=team.headers("admin"),
    )
    body = response.json()
    assert (response.status_code, body["code"]) == (422, "donnee-invalide")
    fields = {e["field"]: e["detail"] for e in body["errors"]}
    assert set(fields) == {"organisations", "last_day", "targets", "staff", "window_start"}
    assert fields["targets"] == "QPV inconnu(s) : QN99999X"
    assert fields["window_start"] == (
        "le créneau doit tenir dans celui de l'organisation, 17:00–22:00"
    )
    assert client.get("/api/campaigns", headers=team.headers("admin")).json() == []


def test_campaigns_are_for_coordinators_and_admins(client: Client, team: Team) -> None:
    """Anonymous: 401; an adviser or a manager may not create one (403)."""
    assert client.post("/api/campaigns", json=_campaign(team)).status_code == 401
    for who in ("adviser", "manager"):
        response = client.post("/api/campaigns", json=_campaign(team), headers=team.headers(who))
        assert response.status_code == 403


def test_patch_changes_fields_and_recomputes_targets(client: Client, team: Team) -> None:
    """A new name bumps the revision; a new default frequency recomputes the targets."""
    body = _create(client, team)
    response = client.patch(
        f"/api/campaigns/{body['id']}",
        json={"name": "Campagne renommée", "per": "fortnight"},
        headers=team.headers("admin"),
    )
    changed = response.json()
    assert (response.status_code, changed["name"], changed["revision"]) == (
        200,
        "Campagne renommée",
        1,
    )
    assert {t["per"] for t in changed["targets"]} == {"fortnight"}
    refused = client.patch(
        f"/api/campaigns/{body['id']}", json={"min_gap_days": 0}, headers=team.headers("admin")
    )
    assert refused.status_code == 400


def test_plan_visits_the_served_qpv_and_explains_the_others(client: Client, team: Team) -> None:
    """One venue serves Etouvie; the nine other QPVs of the Somme have none, and are planned
    all the same with a venue to find (at the QPV). One pair, two sessions a week each: four
    visits, every other target short for want of people, said so."""
    _venue(client, team)
    campaign = _create(client, team)
    plan = _plan(client, team, campaign["id"])
    assert (plan["status"], plan["solver_status"], plan["gap"]) == ("done", "OPTIMAL", 0.0)
    assert plan["summary"] == {
        "sessions": 4,
        "target_periods": 20,
        "target_periods_met": 4,
        "qpvs_fully_met": 0,
        "qpvs": 10,
    }
    for session in plan["sessions"]:
        assert {p["staff_id"] for p in session["staff"]} == {team.adviser, team.partner}
        assert datetime.fromisoformat(session["start"]).astimezone(PARIS).hour == 17
        if session["qpv_code"] == ETOUVIE_QPV:
            assert session["to_find"] is False
            assert (session["venue_lat"], session["venue_lon"]) == (ETOUVIE["lat"], ETOUVIE["lon"])
        else:
            assert (session["to_find"], session["venue_id"]) == (True, None)
            assert session["venue_name"] == "Lieu à trouver dans le quartier"
            assert session["venue_lat"] is not None
    unmet = [t for t in plan["targets"] if not t["met"]]
    assert len(unmet) == 16
    assert {t["cause"] for t in unmet} == {"capacity"}


def test_accept_books_drafts_once(client: Client, team: Team) -> None:
    """Accepting books every proposed session as a draft; accepting again is a conflict."""
    _venue(client, team)
    campaign = _create(client, team, targets=[{"qpv_code": ETOUVIE_QPV}])
    plan = _plan(client, team, campaign["id"])
    url = f"/api/campaigns/{campaign['id']}/plans/{plan['id']}/accept"
    accepted = client.post(url, headers=team.headers("admin")).json()
    assert accepted["status"] == "accepted"
    booked = [
        client.get(f"/api/sessions/{i}", headers=team.headers("admin")).json()
        for i in accepted["accepted_session_ids"]
    ]
    assert [(s["status"], s["qpvs"], datetime.fromisoformat(s["start"])) for s in booked] == [
        ("draft", [ETOUVIE_QPV], datetime.fromisoformat(p["start"])) for p in plan["sessions"]
    ]
    again = client.post(url, headers=team.headers("admin"))
    assert (again.status_code, again.json()["detail"]) == (
        409,
        f"Le plan n° {plan['id']} a déjà été accepté.",
    )


def test_accept_refused_books_nothing(client: Client, team: Team) -> None:
    """A booking made since the plan clashes with its second session: 409, and nothing is booked."""
    venue = _venue(client, team)
    campaign = _create(client, team)
    plan = _plan(client, team, campaign["id"])
    second = plan["sessions"][1]
    other = _venue(client, team, "Maison de quartier (test)", lat=49.9104, lon=2.3048)
    clash = client.post(
        "/api/sessions",
        json={
            "kind": "info_session",
            "title": "Réunion déjà prévue",
            "start": second["start"],
            "end": second["end"],
            "venue_id": other,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser],
        },
        headers=team.headers("admin"),
    )
    assert clash.status_code == 201, clash.text
    response = client.post(
        f"/api/campaigns/{campaign['id']}/plans/{plan['id']}/accept", headers=team.headers("admin")
    )
    body = response.json()
    assert (response.status_code, body["code"]) == (409, "reservation-refusee")
    assert body["detail"].startswith("Plan non accepté, rien n'a été réservé : la séance du ")
    assert body["violations"][0]["session_id"] == clash.json()["session"]["id"]
    listed = client.get("/api/sessions?status=draft", headers=team.headers("admin")).json()
    assert [s["id"] for s in listed["items"]] == [clash.json()["session"]["id"]]
    assert all(s["venue"]["id"] != venue for s in listed["items"])
    detail = client.get(
        f"/api/campaigns/{campaign['id']}/plans/{plan['id']}", headers=team.headers("admin")
    ).json()
    assert detail["status"] == "done"


def test_accept_after_campaign_change_is_refused(client: Client, team: Team) -> None:
    """A plan computed before a change of the campaign cannot be accepted."""
    _venue(client, team)
    campaign = _create(client, team)
    plan = _plan(client, team, campaign["id"])
    client.patch(
        f"/api/campaigns/{campaign['id']}",
        json={"name": "Autre nom"},
        headers=team.headers("admin"),
    )
    response = client.post(
        f"/api/campaigns/{campaign['id']}/plans/{plan['id']}/accept", headers=team.headers("admin")
    )
    assert (response.status_code, response.json()["detail"]) == (
        409,
        "La campagne a été modifiée depuis le calcul de ce plan : relancez le calcul.",
    )


def followed(client: TestClient[Any], response: Any, headers: dict[str, str]) -> Any:
    """The plan ``POST …/plan`` answered: at once (201), or followed at its address until it is
    no longer running (202; a loaded machine can take longer than the service's wait)."""
    body = response.json()
    if response.status_code != 202:
        return body
    deadline = clock.monotonic() + 120
    while body["status"] == "running" and clock.monotonic() < deadline:
        clock.sleep(0.2)
        body = client.get(response.headers["location"], headers=headers).json()
    return body


def test_long_plan_answers_202_and_is_followed(settings: Settings, team: Team) -> None:
    """Without waiting, the plan is answered running (202) and found done at its address."""
    with TestClient(app=create_app(replace(settings, plan_wait_seconds=0))) as c:
        _venue(c, team)
        campaign = _create(c, team)
        response = c.post(f"/api/campaigns/{campaign['id']}/plan", headers=team.headers("admin"))
        assert (response.status_code, response.json()["status"]) == (202, "running")
        body = followed(c, response, team.headers("admin"))
        assert (body["status"], body["summary"]["target_periods_met"]) == ("done", 4)
        listed = c.get(f"/api/campaigns/{campaign['id']}/plans", headers=team.headers("manager"))
        assert [p["id"] for p in listed.json()] == [body["id"]]


def _left_running(settings: Settings, campaign: int, *, attempts: int) -> int:
    """A plan and its job left running by a service that stopped (its job had ``attempts``
    tries): the plan's id."""

    async def leave_running() -> int:
        engine = create_engine(settings.database_url)
        try:
            async with async_sessionmaker(engine)() as s, s.begin():
                now = datetime.now(UTC)
                row = CampaignPlan(
                    campaign_id=campaign, campaign_revision=0, status="running", created_at=now
                )
                s.add(row)
                await s.flush()
                s.add(
                    Job(
                        kind=CAMPAIGN_PLAN,
                        status="running",
                        subject_id=row.id,
                        payload='{"time_limit_s": 5, "seed": 0, "workers": 1}',
                        done=0,
                        attempts=attempts,
                        created_at=now,
                        started_at=now,
                    )
                )
                return row.id
        finally:
            await engine.dispose()

    return asyncio.run(leave_running())


def test_plan_left_running_is_computed_again_at_start(settings: Settings, team: Team) -> None:
    """A plan whose computation a stopped service interrupted (first try) is computed again
    when the service starts: it ends ``done``, never silently lost."""
    with TestClient(app=create_app(settings)) as c:
        campaign = _create(c, team)
    plan_id = _left_running(settings, campaign["id"], attempts=1)
    with TestClient(app=create_app(settings)) as c:
        for _ in range(300):
            body = c.get(
                f"/api/campaigns/{campaign['id']}/plans/{plan_id}", headers=team.headers("admin")
            ).json()
            if body["status"] != "running":
                break
            clock.sleep(0.1)
    assert (body["status"], body["message"]) == ("done", None)
    assert body["targets"]  # every target period, with why it is (not) met


def test_plan_interrupted_on_its_last_try_is_failed_at_start(
    settings: Settings, team: Team
) -> None:
    """A plan interrupted on its last try is failed, with why, when the service starts again."""
    with TestClient(app=create_app(settings)) as c:
        campaign = _create(c, team)
    plan_id = _left_running(settings, campaign["id"], attempts=MAX_ATTEMPTS)
    with TestClient(app=create_app(settings)) as c:
        body = c.get(
            f"/api/campaigns/{campaign['id']}/plans/{plan_id}", headers=team.headers("admin")
        ).json()
    assert (body["status"], body["message"]) == ("failed", INTERRUPTED)


def test_plan_keeps_existing_bookings_and_weekdays(client: Client, team: Team) -> None:
    """People free on Tuesdays only, and busy the first Tuesday: the visits fall on the other
    Tuesday(s), and none on the first."""
    venue = _venue(client, team)
    first = _monday(3)
    tuesday = first + timedelta(days=1)
    busy = client.post(
        "/api/sessions",
        json={
            "kind": "info_session",
            "title": "Réunion d'équipe",
            "start": datetime.combine(tuesday, time(16, 0), tzinfo=PARIS).isoformat(),
            "end": datetime.combine(tuesday, time(20, 0), tzinfo=PARIS).isoformat(),
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser],
        },
        headers=team.headers("admin"),
    )
    assert busy.status_code == 201, busy.text
    staff = [{"staff_id": who, "weekdays": [2]} for who in (team.adviser, team.partner)]
    campaign = _create(client, team, staff=staff)
    plan = _plan(client, team, campaign["id"])
    days = [datetime.fromisoformat(s["start"]).astimezone(PARIS).date() for s in plan["sessions"]]
    assert days == [tuesday + timedelta(days=7)]
    first_week = next(t for t in plan["targets"] if t["qpv_code"] == ETOUVIE_QPV)
    assert (first_week["met"], first_week["cause"]) == (False, "no_pair")  # only Tuesday fits


def test_default_weights_follow_coverage(client: Client, team: Team) -> None:
    """Visited last week: weight 1; two months ago: 2; only a draft: never reached, 3."""
    venue = _venue(client, team)
    now = datetime.now(PARIS)

    async def past(code: str, days: int, status: str) -> None:
        engine = create_engine(client.app.state.settings.database_url)
        try:
            async with async_sessionmaker(engine)() as s, s.begin():
                start = now - timedelta(days=days)
                row = OutreachSession(
                    kind="neighbourhood_session",
                    title="Séance passée (test)",
                    description="",
                    internal_notes="",
                    start_at=start,
                    end_at=start + timedelta(hours=2),
                    timezone="Europe/Paris",
                    venue_id=venue,
                    organisation_id=team.mission_locale,
                    status=status,
                    revision=0,
                    created_at=start,
                    updated_at=start,
                    qpvs=[SessionQpv(qpv_code=code)],
                )
                s.add(row)
        finally:
            await engine.dispose()

    for code_, days, status in (
        (ETOUVIE_QPV, 5, "completed"),
        ("QN08003M", 60, "completed"),
        ("QN08006M", 5, "draft"),
    ):
        asyncio.run(past(code_, days, status))
    weights = {
        t["qpv_code"]: (t["weight"], t["weight_basis"]) for t in _create(client, team)["targets"]
    }
    assert weights[ETOUVIE_QPV] == (1, "reached")
    assert weights["QN08003M"] == (2, "lapsed")
    assert weights["QN08006M"] == (3, "not_reached")


def test_publish_an_accepted_plan_in_one_action(client: Client, team: Team) -> None:
    """Publishing before accepting is a 409; after, every booked draft is published (a second
    call has nothing left to publish)."""
    _venue(client, team)
    campaign = _create(client, team, targets=[{"qpv_code": ETOUVIE_QPV}])["id"]
    plan = _plan(client, team, campaign)
    url = f"/api/campaigns/{campaign}/plans/{plan['id']}"
    early = client.post(f"{url}/publish", headers=team.headers("admin"))
    accepted = client.post(f"{url}/accept", headers=team.headers("admin")).json()
    first = client.post(f"{url}/publish", headers=team.headers("admin"))
    again = client.post(f"{url}/publish", headers=team.headers("admin"))
    statuses = {
        client.get(f"/api/sessions/{sid}", headers=team.headers("admin")).json()["status"]
        for sid in accepted["accepted_session_ids"]
    }
    assert early.status_code == 409
    assert (first.json()["published_session_ids"], statuses) == (
        accepted["accepted_session_ids"],
        {"published"},
    )
    assert again.json() == {"published_session_ids": [], "waiting_for_venue_session_ids": []}
