"""``/campagnes`` over HTTP: a coordinator creates a campaign (errors by field), plans it,
accepts the plan and publishes its sessions; an adviser may not."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from html import unescape
from typing import Any

from litestar.testing import TestClient

from api.settings import Settings
from planner.clock import PARIS
from tests.api.pages.test_signin import csrf, sign_up
from tests.conftest import Team
from tests.factories import create_venue

Client = TestClient  # type: ignore[type-arg]


def _form(client: Client, team: Team, **changes: Any) -> dict[str, Any]:
    today = datetime.now(PARIS).date()
    first = today - timedelta(days=today.weekday()) + timedelta(weeks=3)
    return {
        "_csrf_token": csrf(client.get("/campagnes").text),
        "name": "Campagne d'hiver (test)",
        "department": "80",
        "first_day": first.isoformat(),
        "last_day": (first + timedelta(days=13)).isoformat(),
        "organisations": [str(team.mission_locale), str(team.centre_social)],
        "time_limit_s": "2",
        **changes,
    }


def _done(client: Client, team: Team, campaign: int) -> dict[str, Any]:
    """The latest plan once it has ended (the page runs it in the background)."""
    for _ in range(120):
        plan = client.get(f"/api/campaigns/{campaign}/plans", headers=team.headers("admin")).json()[
            0
        ]
        if plan["status"] != "running":
            return dict(plan)
        time.sleep(0.5)
    raise AssertionError("le plan ne s'est pas terminé")


def test_planner_plans_accepts_and_publishes(
    client: Client, settings: Settings, team: Team
) -> None:
    """Create (a bad period first, refused by its field), plan, accept, publish: the proposed
    sessions end up published; the page lists them and the targets left short with reasons."""
    create_venue(client, team)
    sign_up(client, settings, team.admin)
    bad = client.post("/campagnes", data=_form(client, team, last_day="2020-01-01"))
    created = client.post("/campagnes", data=_form(client, team), follow_redirects=False)
    campaign = int(created.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/campagnes/{campaign}").text
    client.post(f"/campagnes/{campaign}/planification", data={"_csrf_token": csrf(page)})
    plan = _done(client, team, campaign)
    done_page = unescape(client.get(f"/campagnes/{campaign}").text)
    client.post(
        f"/campagnes/{campaign}/plans/{plan['id']}/acceptation", data={"_csrf_token": csrf(page)}
    )
    accepted = _done(client, team, campaign)
    published = client.post(
        f"/campagnes/{campaign}/plans/{plan['id']}/publication", data={"_csrf_token": csrf(page)}
    )
    assert (bad.status_code, 'aria-invalid="true"' in bad.text) == (422, True)
    assert (plan["status"], len(plan["sessions"]) > 0) == ("done", True)
    assert "Objectifs non atteints, et pourquoi" in done_page
    assert len(re.findall(r"<tr[^>]*><td>\d\d/\d\d/\d{4}", done_page)) == len(plan["sessions"])
    waiting = {
        sid
        for sid, proposed in zip(accepted["accepted_session_ids"], plan["sessions"], strict=True)
        if proposed["to_find"]
    }
    assert waiting  # the Somme's QPVs without a venue are planned, their venue to find
    statuses = {
        sid: client.get(f"/api/sessions/{sid}", headers=team.headers("admin")).json()["status"]
        for sid in accepted["accepted_session_ids"]
    }
    assert (accepted["status"], published.status_code) == ("accepted", 200)
    assert {sid for sid, status in statuses.items() if status == "draft"} == waiting
    assert "published" in statuses.values()
    assert "Séances du plan publiées" in published.text
    assert f"{len(waiting)} séance" in unescape(published.text)
    assert "Lieux à trouver" in done_page


def test_coordinator_without_partnership_is_told_by_the_field(
    client: Client, settings: Settings, wide_team: Team
) -> None:
    """A coordinator naming a structure their organisation has no partnership with gets the
    reason by the structures' field (422), nothing created."""
    team = wide_team
    sign_up(client, settings, team.others["coordinator"])
    answer = client.post("/campagnes", data=_form(client, team))
    listed = client.get("/api/campaigns", headers=team.headers("admin")).json()
    assert (answer.status_code, 'id="erreurs-organisations"' in answer.text, listed) == (
        422,
        True,
        [],
    )
    assert re.search(r'id="erreurs-organisations"[^>]*><p class="erreur">', answer.text)


def test_adviser_may_not_open_campaigns(client: Client, settings: Settings, team: Team) -> None:
    """An adviser gets the French refusal page (403)."""
    sign_up(client, settings, team.adviser)
    answer = client.get("/campagnes", headers={"Accept": "text/html"})
    assert (answer.status_code, "Réservé aux coordinateurs" in unescape(answer.text)) == (403, True)


def test_accept_and_publish_then_withdraw_from_the_page(
    client: Client, settings: Settings, team: Team
) -> None:
    """The page's « Accepter et publier » publishes at once; a later plan accepted as drafts is
    withdrawn by its button: its drafts are cancelled, the published sessions stay."""
    create_venue(client, team)
    sign_up(client, settings, team.admin)
    created = client.post("/campagnes", data=_form(client, team), follow_redirects=False)
    campaign = int(created.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/campagnes/{campaign}").text
    client.post(f"/campagnes/{campaign}/planification", data={"_csrf_token": csrf(page)})
    plan = _done(client, team, campaign)
    done_page = unescape(client.get(f"/campagnes/{campaign}").text)
    action = f"/campagnes/{campaign}/plans/{plan['id']}/acceptation?publier=1"
    assert f'formaction="{action}"' in done_page
    published = client.post(action, data={"_csrf_token": csrf(page)})
    first = _done(client, team, campaign)
    assert "Séances du plan publiées" in published.text
    ids = first["accepted_session_ids"]
    waiting = {sid for sid, p in zip(ids, plan["sessions"], strict=True) if p["to_find"]}

    def statuses() -> dict[int, str]:
        return {
            sid: client.get(f"/api/sessions/{sid}", headers=team.headers("admin")).json()["status"]
            for sid in ids
        }

    assert {sid for sid, status in statuses().items() if status == "draft"} == waiting
    withdrawn = client.post(
        f"/campagnes/{campaign}/plans/{plan['id']}/retrait", data={"_csrf_token": csrf(page)}
    )
    assert "Brouillons du plan retirés" in withdrawn.text
    after = statuses()
    assert {sid for sid, status in after.items() if status == "cancelled"} == waiting
    assert {status for sid, status in after.items() if sid not in waiting} == {"published"}
