"""POST /api/sessions/check: the booking form's live verdict, the same rules as booking, and
nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from litestar.testing import TestClient

from planner.clock import PARIS
from tests.conftest import Team
from tests.factories import create_venue, evening

Client = TestClient  # type: ignore[type-arg]


def _session(team: Team, venue: int, days_ahead: int = 20, **changes: Any) -> dict[str, Any]:
    start, end = evening(days_ahead)
    return {
        "kind": "neighbourhood_session",
        "title": "Permanence du soir",
        "start": start,
        "end": end,
        "venue_id": venue,
        "organisation_id": team.mission_locale,
        "staff_ids": [team.adviser, team.partner],
        **changes,
    }


def _written(client: Client, team: Team) -> tuple[int, int]:
    sessions = client.get("/api/sessions", headers=team.headers("admin")).json()["total"]
    audit = client.get("/api/audit?entity=session", headers=team.headers("admin")).json()
    return sessions, len(audit)


def test_check_of_a_free_evening_is_ok_and_writes_nothing(client: Client, team: Team) -> None:
    """A bookable session gets ok, no reason, and neither a session nor an audit entry."""
    venue = create_venue(client, team)
    answer = client.post(
        "/api/sessions/check", json=_session(team, venue), headers=team.headers("adviser")
    )
    assert (answer.status_code, answer.json()) == (
        200,
        {"ok": True, "errors": [], "violations": [], "notices": []},
    )
    assert _written(client, team) == (0, 0)


def test_check_of_a_taken_evening_names_reasons_by_field(client: Client, team: Team) -> None:
    """The same people and venue again: not ok, each reason with its field and names; still one
    session stored."""
    venue = create_venue(client, team)
    booked = client.post(
        "/api/sessions", json=_session(team, venue), headers=team.headers("adviser")
    ).json()["session"]
    answer = client.post(
        "/api/sessions/check", json=_session(team, venue), headers=team.headers("adviser")
    ).json()
    assert answer["ok"] is False
    assert sorted((v["field"], v["message"].split(" est ")[0]) for v in answer["violations"]) == [
        ("staff", "Personne de test (adviser)"),
        ("staff", "Personne de test (partner)"),
        ("venue", "Le lieu « Centre social d'Etouvie (test) »"),
    ]
    assert {v["session_id"] for v in answer["violations"]} == {booked["id"]}
    assert _written(client, team)[0] == 1


def test_check_reports_unknown_references_by_field(client: Client, team: Team) -> None:
    """An unknown venue is an error on ``venue_id``, not a refusal."""
    answer = client.post(
        "/api/sessions/check", json=_session(team, 999_999), headers=team.headers("adviser")
    ).json()
    assert (answer["ok"], answer["errors"]) == (
        False,
        [{"field": "venue_id", "detail": "aucun lieu n° 999999"}],
    )


def test_check_of_a_series_lists_the_occurrences_that_break_a_rule(
    client: Client, team: Team
) -> None:
    """Three weekly occurrences, the second taken already: one dated reason per person and
    the venue, for that date only."""
    venue = create_venue(client, team)
    client.post("/api/sessions", json=_session(team, venue, 27), headers=team.headers("adviser"))
    answer = client.post(
        "/api/sessions/check",
        json={**_session(team, venue, 20), "count": 3, "interval_days": 7},
        headers=team.headers("adviser"),
    ).json()
    second = datetime.now(PARIS).date() + timedelta(days=27)
    assert sorted({v["message"][:13] for v in answer["violations"]}) == [f"{second:%d/%m/%Y} : "]
    assert (answer["ok"], len(answer["violations"])) == (False, 3)


def test_check_is_for_bookers(client: Client, team: Team) -> None:
    """A manager, who books nothing, is refused (403)."""
    venue = create_venue(client, team)
    answer = client.post(
        "/api/sessions/check", json=_session(team, venue), headers=team.headers("manager")
    )
    assert answer.status_code == 403
