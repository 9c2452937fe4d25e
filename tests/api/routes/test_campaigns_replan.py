"""Planning again after accepting tops up and never duplicates; accept and publish in one
action; withdraw what is left of an accepted plan (issue 17)."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.api.routes.test_campaigns import ETOUVIE_QPV, _create, _plan
from tests.conftest import Team
from tests.factories import create_venue as _venue

Client = TestClient  # type: ignore[type-arg]


def test_planning_again_after_accepting_adds_nothing(client: Client, team: Team) -> None:
    """The accepted drafts count as the visits of their weeks: the second plan proposes no
    session, and says every Etouvie week is met by a visit already booked."""
    _venue(client, team)
    campaign = _create(client, team)["id"]
    first = _plan(client, team, campaign)
    url = f"/api/campaigns/{campaign}/plans/{first['id']}/accept"
    assert client.post(url, headers=team.headers("admin")).status_code == 200
    again = _plan(client, team, campaign)
    assert again["sessions"] == []
    etouvie = [t for t in again["targets"] if t["qpv_code"] == ETOUVIE_QPV]
    assert [(t["booked"], t["planned"], t["met"]) for t in etouvie] == [(1, 0, True)] * 2
    assert again["summary"]["target_periods_met"] == first["summary"]["target_periods_met"]
