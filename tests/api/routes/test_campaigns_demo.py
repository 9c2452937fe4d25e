"""The issue's acceptance on the demo data: a coordinator plans the Somme and accepts the plan."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.routes.test_campaigns import PARIS, _monday, followed
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
        plan = followed(
            client, client.post(f"/api/campaigns/{body['id']}/plan", headers=headers), headers
        )
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


REGION = ("02", "59", "60", "62", "80")


def test_demo_regional_week_is_one_campaign_published_and_topped_up(
    database_url: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 17's acceptance: CitésLab's coordinator plans the regional week over the five
    departments with the partners of Amiens, Roubaix, Clermont and Lille, accepts and publishes
    it in one action (sessions whose venue is to find stay drafts), plans again and gets no
    QPV visited twice."""
    assert _run(monkeypatch, capsys, database_url, "load-demo")[0] == 0
    _, out, _ = _run(
        monkeypatch, capsys, database_url, "create-token", "chef-de-projet.l@demo.invalid"
    )
    headers = {"Authorization": f"Bearer {out.splitlines()[-1]}"}
    with TestClient(app=create_app(settings)) as client:
        orgs = client.get("/api/organisations", headers=headers).json()
        partners = [
            o["id"]
            for o in orgs
            if any(
                word in o["name"]
                for word in ("CitésLab", "France Travail", "Centre social", "Mission Locale", "E2C")
            )
        ]
        first = _monday(2)
        created = client.post(
            "/api/campaigns",
            json={
                "name": "Laisse pas traîner ton futur (démo)",
                "departments": list(REGION),
                "first_day": first.isoformat(),
                "last_day": (first + timedelta(days=4)).isoformat(),
                "organisations": partners,
                "max_travel_km": 60,
                "time_limit_s": 5,
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        campaign = created.json()
        assert (campaign["departments"], len(campaign["targets"])) == (list(REGION), 204)
        plan = followed(
            client, client.post(f"/api/campaigns/{campaign['id']}/plan", headers=headers), headers
        )
        assert plan["status"] == "done"
        assert plan["coverage"] <= plan["coverage_bound"]
        visited = {s["qpv_code"] for s in plan["sessions"]}
        departments = {code[2:4] for code in visited}
        assert (len(visited) >= 10, len(departments) >= 3) == (True, True)
        assert any(s["to_find"] for s in plan["sessions"])
        accepted = client.post(
            f"/api/campaigns/{campaign['id']}/plans/{plan['id']}/accept?publish=true",
            headers=headers,
        ).json()
        assert accepted["status"] == "accepted"
        rows = [
            client.get(f"/api/sessions/{sid}", headers=headers).json()
            for sid in accepted["accepted_session_ids"]
        ]
        for proposed, row in zip(plan["sessions"], rows, strict=True):
            expected = "draft" if proposed["to_find"] else "published"
            assert (row["status"], row["qpvs"]) == (expected, [proposed["qpv_code"]])
        again = followed(
            client, client.post(f"/api/campaigns/{campaign['id']}/plan", headers=headers), headers
        )
        assert again["status"] == "done"
        assert not visited & {s["qpv_code"] for s in again["sessions"]}
        booked = {t["qpv_code"] for t in again["targets"] if t["booked"]}
        assert visited <= booked  # and the demo's own sessions of that week
