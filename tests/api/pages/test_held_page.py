"""``/agenda/seances/tenue`` over HTTP: a coordinator enters a held session and its outcome;
errors by field, nothing stored; advisers are refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from litestar.testing import TestClient

from api.settings import Settings
from planner.clock import PARIS
from tests.api.pages.test_signin import csrf, sign_up
from tests.conftest import Team
from tests.factories import create_venue

Client = TestClient  # type: ignore[type-arg]


def _form(client: Client, team: Team, venue: int, **changes: Any) -> dict[str, Any]:
    day = datetime.now(PARIS).date() - timedelta(days=2)
    return {
        "_csrf_token": csrf(client.get("/agenda/seances/tenue").text),
        "kind": "neighbourhood_session",
        "title": "Permanence improvisée",
        "day": day.isoformat(),
        "start_time": "18:00",
        "end_time": "21:00",
        "venue_id": str(venue),
        "staff_ids": [str(team.adviser), str(team.partner)],
        "people_met": "7",
        "new_contacts": "3",
        "job_offers": "1",
        "immersions": "0",
        "follow_ups": "2",
        **changes,
    }


def test_coordinator_records_a_held_session(
    client: Client, settings: Settings, wide_team: Team
) -> None:
    """The session is stored completed with its outcome and its page says so; a bad count is
    refused by its field first, with nothing stored."""
    team = wide_team
    venue = create_venue(client, team)
    sign_up(client, settings, team.others["coordinator"])
    bad = client.post("/agenda/seances/tenue", data=_form(client, team, venue, people_met="x"))
    stored_before = client.get("/api/sessions", headers=team.headers("admin")).json()["total"]
    done = client.post("/agenda/seances/tenue", data=_form(client, team, venue))
    listed = client.get("/api/sessions", headers=team.headers("admin")).json()["items"]
    assert (bad.status_code, "un nombre entier, 0 ou plus" in bad.text, stored_before) == (
        422,
        True,
        0,
    )
    assert (done.status_code, "Séance tenue enregistrée avec son bilan." in done.text) == (
        200,
        True,
    )
    assert [(s["status"], s["outcome"]["people_met"]) for s in listed] == [("completed", 7)]


def test_adviser_may_not_record_held_sessions(
    client: Client, settings: Settings, team: Team
) -> None:
    """An adviser gets the French refusal page (403)."""
    sign_up(client, settings, team.adviser)
    answer = client.get("/agenda/seances/tenue", headers={"Accept": "text/html"})
    assert answer.status_code == 403
