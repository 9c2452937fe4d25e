"""Planning again after accepting tops up and never duplicates; accept and publish in one
action; withdraw what is left of an accepted plan (issue 17)."""

from __future__ import annotations

import re

from litestar.testing import TestClient

from api.settings import Settings
from tests.api.pages.test_signin import sign_up
from tests.api.routes.test_campaigns import ETOUVIE_QPV, _create, _plan
from tests.conftest import Team
from tests.factories import create_venue as _venue

Client = TestClient  # type: ignore[type-arg]


def test_planning_again_after_accepting_adds_nothing(client: Client, team: Team) -> None:
    """The accepted drafts count as the visits of their weeks: the second plan proposes no
    session, and says every Etouvie week is met by a visit already booked."""
    _venue(client, team)
    campaign = _create(client, team, targets=[{"qpv_code": ETOUVIE_QPV}])["id"]
    first = _plan(client, team, campaign)
    url = f"/api/campaigns/{campaign}/plans/{first['id']}/accept"
    assert client.post(url, headers=team.headers("admin")).status_code == 200
    again = _plan(client, team, campaign)
    assert again["sessions"] == []
    etouvie = [t for t in again["targets"] if t["qpv_code"] == ETOUVIE_QPV]
    assert [(t["booked"], t["planned"], t["met"]) for t in etouvie] == [(1, 0, True)] * 2
    assert again["summary"]["target_periods_met"] == first["summary"]["target_periods_met"]


def test_accept_and_publish_in_one_action(client: Client, team: Team) -> None:
    """``publish=true`` books and publishes every session of the plan in one transaction."""
    _venue(client, team)
    campaign = _create(client, team, targets=[{"qpv_code": ETOUVIE_QPV}])["id"]
    plan = _plan(client, team, campaign)
    url = f"/api/campaigns/{campaign}/plans/{plan['id']}/accept?publish=true"
    accepted = client.post(url, headers=team.headers("admin")).json()
    statuses = [
        client.get(f"/api/sessions/{sid}", headers=team.headers("admin")).json()["status"]
        for sid in accepted["accepted_session_ids"]
    ]
    assert (accepted["status"], statuses) == ("accepted", ["published"] * len(plan["sessions"]))


def test_withdraw_cancels_the_drafts_left_and_frees_the_weeks(client: Client, team: Team) -> None:
    """Withdrawing an accepted plan cancels its drafts (one published by hand stays); planning
    again proposes the freed week again, not the published one; withdrawing twice is a 409."""
    _venue(client, team)
    campaign = _create(client, team, targets=[{"qpv_code": ETOUVIE_QPV}])["id"]
    plan = _plan(client, team, campaign)
    base = f"/api/campaigns/{campaign}/plans/{plan['id']}"
    ids = client.post(f"{base}/accept", headers=team.headers("admin")).json()[
        "accepted_session_ids"
    ]
    kept, dropped = ids
    published = client.post(f"/api/sessions/{kept}/publish", headers=team.headers("admin"))
    assert published.status_code == 200, published.text
    withdrawn = client.post(f"{base}/withdraw", headers=team.headers("admin"))
    assert withdrawn.json() == {"cancelled_session_ids": [dropped]}
    statuses = [
        client.get(f"/api/sessions/{sid}", headers=team.headers("admin")).json()["status"]
        for sid in ids
    ]
    assert statuses == ["published", "cancelled"]
    assert client.get(base, headers=team.headers("admin")).json()["status"] == "withdrawn"
    again = _plan(client, team, campaign)
    assert [s["start"] for s in again["sessions"]] == [plan["sessions"][1]["start"]]
    twice = client.post(f"{base}/withdraw", headers=team.headers("admin"))
    assert twice.status_code == 409


def test_withdraw_is_for_planners(client: Client, team: Team) -> None:
    """An adviser may not withdraw a plan (403), and nothing is cancelled."""
    _venue(client, team)
    campaign = _create(client, team, targets=[{"qpv_code": ETOUVIE_QPV}])["id"]
    plan = _plan(client, team, campaign)
    base = f"/api/campaigns/{campaign}/plans/{plan['id']}"
    ids = client.post(f"{base}/accept", headers=team.headers("admin")).json()[
        "accepted_session_ids"
    ]
    refused = client.post(f"{base}/withdraw", headers=team.headers("adviser"))
    assert refused.status_code in (403, 404)
    statuses = {
        client.get(f"/api/sessions/{sid}", headers=team.headers("admin")).json()["status"]
        for sid in ids
    }
    assert statuses == {"draft"}


def test_a_session_whose_venue_is_to_find_is_published_once_its_venue_is_set(
    client: Client, team: Team, settings: Settings
) -> None:
    """A QPV no venue serves is planned at its stand-in venue; the draft cannot be published
    (the reason says the venue is to find) until its organiser sets a real venue. The stand-in
    is not listed among venues; the session's page keeps it chosen until a venue is picked."""
    real = _venue(client, team)
    campaign = _create(client, team, targets=[{"qpv_code": "QN08009M"}])["id"]
    plan = _plan(client, team, campaign)
    assert {s["to_find"] for s in plan["sessions"]} == {True}
    base = f"/api/campaigns/{campaign}/plans/{plan['id']}"
    ids = client.post(f"{base}/accept", headers=team.headers("admin")).json()[
        "accepted_session_ids"
    ]
    published = client.post(f"{base}/publish", headers=team.headers("admin")).json()
    assert published == {"published_session_ids": [], "waiting_for_venue_session_ids": ids}
    first = client.get(f"/api/sessions/{ids[0]}", headers=team.headers("admin")).json()
    assert first["venue"]["name"].startswith("Lieu à trouver dans le quartier")
    listed = client.get(
        "/api/venues", params={"q": "lieu à trouver"}, headers=team.headers("admin")
    )
    assert listed.json() == []  # a stand-in is not a place to book, search or draw
    sign_up(client, settings, team.admin)
    page = client.get(f"/agenda/seances/{ids[0]}").text
    chosen = re.search(r'<select id="venue_id"[^>]*>\s*<option value="(\d+)" selected>', page)
    assert chosen is not None
    assert int(chosen.group(1)) == first["venue"]["id"]
    refused = client.post(f"/api/sessions/{ids[0]}/publish", headers=team.headers("admin"))
    assert refused.status_code == 422
    assert "lieu à trouver dans le quartier" in refused.text
    moved = client.patch(
        f"/api/sessions/{ids[0]}", json={"venue_id": real}, headers=team.headers("admin")
    )
    assert moved.status_code == 200, moved.text
    done = client.post(f"/api/sessions/{ids[0]}/publish", headers=team.headers("admin"))
    assert done.status_code == 200, done.text


def test_a_stand_in_venue_is_not_edited_into_a_place(client: Client, team: Team) -> None:
    """Giving the stand-in an address would move every session waiting in its QPV, whoever
    planned them: refused (409, in French, saying what to do), the stand-in left as it was."""
    _venue(client, team)
    campaign = _create(client, team, targets=[{"qpv_code": "QN08009M"}])["id"]
    plan = _plan(client, team, campaign)
    base = f"/api/campaigns/{campaign}/plans/{plan['id']}"
    ids = client.post(f"{base}/accept", headers=team.headers("admin")).json()[
        "accepted_session_ids"
    ]
    stand_in = client.get(f"/api/sessions/{ids[0]}", headers=team.headers("admin")).json()["venue"]
    url = f"/api/venues/{stand_in['id']}"
    before = client.get(url, headers=team.headers("admin")).json()
    edited = client.patch(
        url,
        json={"name": "Salle Jean Jaurès", "street": "Rue Jean Jaurès", "postcode": "80000"},
        headers=team.headers("admin"),
    )
    assert edited.status_code == 409, edited.text
    assert "choisissez le lieu réel de chaque séance" in edited.json()["detail"]
    assert client.get(url, headers=team.headers("admin")).json() == before
