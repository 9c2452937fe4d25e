"""Partnerships through HTTP: one side agreeing is not enough, both make it active, an admin
sets it at once, revoking stops planning; campaigns and plans keep to active partners."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import TestClient

from api.settings import Settings
from planner.session import Role
from tests.api.routes.test_campaigns import _campaign
from tests.conftest import Team
from tests.factories import add_staff, create_venue

Client = TestClient  # type: ignore[type-arg]


def _coordinators(settings: Settings, team: Team) -> tuple[dict[str, str], dict[str, str]]:
    url = settings.database_url
    _, ml = asyncio.run(add_staff(url, team.mission_locale, Role.COORDINATOR, "coord-ml"))
    _, cs = asyncio.run(add_staff(url, team.centre_social, Role.COORDINATOR, "coord-cs"))
    return ml, cs


def _summary(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["status"]


def test_partnership_lifecycle(client: Client, team: Team, settings: Settings) -> None:
    """Proposed by one side (pending), agreed by the other (active), revoked by either."""
    ml_coord, cs_coord = _coordinators(settings, team)
    ml, cs = team.mission_locale, team.centre_social
    proposed = client.post(
        f"/api/organisations/{ml}/partners", json={"partner_id": cs}, headers=ml_coord
    )
    again = client.post(
        f"/api/organisations/{ml}/partners", json={"partner_id": cs}, headers=ml_coord
    )
    agreed = client.post(f"/api/organisations/{cs}/partners/{ml}/agree", headers=cs_coord)
    listed = client.get(f"/api/organisations/{ml}/partners", headers=team.headers("adviser"))
    revoked = client.delete(f"/api/organisations/{cs}/partners/{ml}", headers=cs_coord)
    assert (_summary(proposed), again.status_code, _summary(agreed), _summary(revoked)) == (
        (201, "pending"),
        409,
        (200, "active"),
        (200, "revoked"),
    )
    assert [(p["organisation"]["id"], p["partner"], p["status"]) for p in listed.json()] == [
        (ml, {"id": cs, "name": "Centre social de test"}, "active")
    ]
    audit = client.get("/api/audit", headers=team.headers("admin")).json()
    assert [e["action"] for e in audit if e["entity"] == "partnership"] == [
        "revoke",
        "agree",
        "agree",
    ]


def test_partnership_rights(client: Client, team: Team, settings: Settings) -> None:
    """An adviser may not propose (403), a coordinator may not agree for another organisation
    (403), an admin sets one active at once (201)."""
    ml_coord, _ = _coordinators(settings, team)
    ml, cs = team.mission_locale, team.centre_social
    adviser = client.post(
        f"/api/organisations/{ml}/partners",
        json={"partner_id": cs},
        headers=team.headers("adviser"),
    )
    other_side = client.post(f"/api/organisations/{cs}/partners/{ml}/agree", headers=ml_coord)
    admin = client.post(
        f"/api/organisations/{ml}/partners", json={"partner_id": cs}, headers=team.headers("admin")
    )
    assert (adviser.status_code, other_side.status_code, _summary(admin)) == (
        403,
        403,
        (201, "active"),
    )


def test_campaign_with_non_partner_is_refused_until_partners(
    client: Client, team: Team, settings: Settings
) -> None:
    """A coordinator's campaign with a non-partner: 403 naming it, nothing stored; with an active
    partnership: created; revoked: refused again."""
    ml_coord, cs_coord = _coordinators(settings, team)
    ml, cs = team.mission_locale, team.centre_social
    refused = client.post("/api/campaigns", json=_campaign(team), headers=ml_coord)
    stored = client.get("/api/campaigns", headers=team.headers("admin")).json()
    client.post(f"/api/organisations/{ml}/partners", json={"partner_id": cs}, headers=ml_coord)
    pending = client.post("/api/campaigns", json=_campaign(team), headers=ml_coord)
    client.post(f"/api/organisations/{cs}/partners/{ml}/agree", headers=cs_coord)
    created = client.post("/api/campaigns", json=_campaign(team), headers=ml_coord)
    client.delete(f"/api/organisations/{ml}/partners/{cs}", headers=ml_coord)
    after = client.post("/api/campaigns", json=_campaign(team), headers=ml_coord)
    assert (refused.status_code, refused.json()["detail"], stored) == (
        403,
        "Vous ne pouvez planifier qu'avec votre organisation et ses partenaires actifs ; pas de "
        "partenariat actif avec : « Centre social de test ».",
        [],
    )
    assert (pending.status_code, created.status_code, after.status_code) == (403, 201, 403)


def test_accept_after_revocation_is_refused_whole(
    client: Client, team: Team, settings: Settings
) -> None:
    """A plan pairing people of a partner whose partnership was revoked since: 403 naming the
    session, and not one session booked."""
    ml_coord, cs_coord = _coordinators(settings, team)
    ml, cs = team.mission_locale, team.centre_social
    create_venue(client, team)
    client.post(
        f"/api/organisations/{ml}/partners", json={"partner_id": cs}, headers=team.headers("admin")
    )
    campaign = client.post("/api/campaigns", json=_campaign(team), headers=ml_coord).json()
    plan = client.post(f"/api/campaigns/{campaign['id']}/plan", headers=ml_coord).json()
    assert plan["summary"]["sessions"] >= 1
    client.delete(f"/api/organisations/{cs}/partners/{ml}", headers=cs_coord)
    refused = client.post(
        f"/api/campaigns/{campaign['id']}/plans/{plan['id']}/accept", headers=ml_coord
    )
    sessions = client.get("/api/sessions", headers=team.headers("admin")).json()["items"]
    detail = refused.json()["detail"]
    assert (refused.status_code, detail.startswith("Plan non accepté, rien n'a été réservé"),
            detail.endswith("engage « Centre social de test », sans partenariat actif avec "
                            "votre organisation."), sessions) == (403, True, True, [])  # fmt: skip
