"""``allervers plan CAMPAIGN``: the plan is computed, stored like the API's, and summarised."""

from __future__ import annotations

import pytest

from tests.api.routes.test_campaigns import ETOUVIE_QPV, Client, _create
from tests.api.test_cli import _run
from tests.conftest import Team
from tests.factories import create_venue as _venue


def test_plan_command_stores_and_summarises(
    client: Client,
    team: Team,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command prints the figures and the causes; the plan is readable through the API."""
    _venue(client, team)
    campaign = _create(client, team)
    status, out, err = _run(
        monkeypatch, capsys, database_url, "plan", str(campaign["id"]), "--time-limit", "2"
    )
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert (
        lines[0] == f"Plan n° 1 de la campagne n° {campaign['id']} « Campagne de test » : OPTIMAL."
    )
    assert lines[1] == "  4 séance(s) proposée(s) ; périodes-cibles atteintes : 4/20."
    assert lines[2] == (
        "  Couverture pondérée 12 (borne prouvée 12, écart 0,0 %) ; charge maximale 4 séance(s) ; "
        "0 km."
    )
    assert f"QPV {ETOUVIE_QPV}, lieu n° 1," in lines[3]
    assert "lieu à trouver" in lines[4]  # the other QPVs of the Somme have no venue
    assert "  Périodes non atteintes (16) : la capacité des intervenants est épuisée." in lines
    stored = client.get(
        f"/api/campaigns/{campaign['id']}/plans/1", headers=team.headers("admin")
    ).json()
    assert (stored["status"], stored["summary"]["sessions"], stored["solver_status"]) == (
        "done",
        4,
        "OPTIMAL",
    )


def test_plan_command_unknown_campaign(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown campaign number is said in French, exit status 1."""
    assert _run(monkeypatch, capsys, database_url, "plan", "999") == (
        1,
        "",
        "allervers : Aucune campagne n° 999.\n",
    )
