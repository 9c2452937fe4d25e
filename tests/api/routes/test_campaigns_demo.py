"""The issue's acceptance on the demo data: a coordinator plans the Somme and accepts the plan."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.routes.test_campaigns import PARIS, _monday
from tests.api.test_cli import _run

AMIENS = (
    "CitésLab Amiens (démo)",
    "France Travail Amiens (démo)",
    "Centre social d'Etouvie (démo)",
)


def test_demo_coordinator_plans_and_accepts(
    database_url: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """CitésLab's coordinator creates a fortnight in the Somme with the Amiens partners, gets a
    plan whose every unmet target says why, and books it as drafts."""
    assert _run(monkeypatch, capsys, database_url, "load-demo")[0] == 0
    _, out, _ = _run(
        monkeypatch, capsys, database_url, "create-token", "chef-de-projet.l@demo.invalid"
    )
    headers = {"Authorization": f"Bearer {out.splitlines()[-1]}"}
    with TestClient(app=create_app(settings)) as client:
        orgs = {
            o["name"]: o["id"] for o in client.get("/api/organisations", headers=headers).json()
        }
        first = _monday(2)
        campaign = client.post(
            "/api/campaigns",
            json={
                "name": "Somme, quinzaine de démonstration",
                "department": "80",
                "first_day": first.isoformat(),
                "last_day": (first + timedelta(days=13)).isoformat(),
                "organisations": [orgs[name] for name in AMIENS],
                "max_travel_km": 40,
                "time_limit_s": 5,
            },
            headers=headers,
        )
        assert campaign.status_code == 201, campaign.text
        body = campaign.json()
        assert body["organisation_id"] == orgs["CitésLab Amiens (démo)"]
        weights = {t["weight_basis"] for t in body["targets"]}
        assert {"reached", "not_reached"} <= weights
        plan = client.post(f"/api/campaigns/{body['id']}/plan", headers=headers).json()
        assert plan["status"] == "done"
        assert plan["summary"]["target_periods_met"] >= 4
        assert all(t["reason"] for t in plan["targets"] if not t["met"])
        for session in plan["sessions"]:
            organisations = {p["organisation_id"] for p in session["staff"]}
            assert len(organisations) == 2
            start = datetime.fromisoformat(session["start"]).astimezone(PARIS)
            assert first <= start.date()
            assert start.hour >= 17
        accepted = client.post(
            f"/api/campaigns/{body['id']}/plans/{plan['id']}/accept", headers=headers
        ).json()
        assert accepted["status"] == "accepted"
        assert len(accepted["accepted_session_ids"]) == plan["summary"]["sessions"]
        for session_id in accepted["accepted_session_ids"]:
            row = client.get(f"/api/sessions/{session_id}", headers=headers).json()
            assert (row["status"], row["organisation"]["id"]) == (
                "draft",
                orgs["CitésLab Amiens (démo)"],
            )
