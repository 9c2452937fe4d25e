"""A campaign's territory is any set of departments and EPCIs (issue 17)."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.api.routes.test_campaigns import _campaign
from tests.conftest import Team

Client = TestClient  # type: ignore[type-arg]


def test_a_campaign_over_two_departments_and_an_epci(client: Client, team: Team) -> None:
    """Somme and Aisne (10 + 17 QPVs) and Amiens Métropole (inside the Somme: no more) make one
    campaign of 27 targets; a change to one department replaces the whole territory."""
    body = _campaign(team, departments=["80", "02"], epcis=["248000531"])
    del body["department"]
    created = client.post("/api/campaigns", json=body, headers=team.headers("admin"))
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert (campaign["departments"], campaign["epcis"]) == (["02", "80"], ["248000531"])
    assert (campaign["department"], campaign["epci"]) == (None, None)
    codes = {t["qpv_code"] for t in campaign["targets"]}
    assert len(codes) == 27
    changed = client.patch(
        f"/api/campaigns/{campaign['id']}", json={"department": "80"}, headers=team.headers("admin")
    ).json()
    assert (changed["departments"], changed["epcis"], changed["department"]) == (["80"], [], "80")
    assert len(changed["targets"]) == 10


def test_an_unknown_area_is_named_and_nothing_is_created(client: Client, team: Team) -> None:
    """A department without QPVs in the reference data is refused by name."""
    body = _campaign(team, departments=["80", "75"])
    del body["department"]
    refused = client.post("/api/campaigns", json=body, headers=team.headers("admin"))
    assert refused.status_code == 422
    assert "département 75" in refused.text
    listed = client.get("/api/campaigns", headers=team.headers("admin")).json()
    assert listed == []
