"""POST /api/sessions/held: a coordinator enters afterwards a session held without booking,
with its outcome; the rules apply but the one refusing the past; the audit says so."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.conftest import Team
from tests.factories import create_venue, evening

Client = TestClient  # type: ignore[type-arg]
OUTCOME = {"people_met": 9, "new_contacts": 4, "job_offers": 1, "immersions": 0, "follow_ups": 3}


def _held(team: Team, venue: int, days: int = -3, **changes: Any) -> dict[str, Any]:
    start, end = evening(days, "18:00", "21:00")
    return {
        "session": {
            "kind": "neighbourhood_session",
            "title": "Permanence improvisée",
            "start": start,
            "end": end,
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser, team.partner],
            **changes,
        },
        "outcome": OUTCOME,
    }


def test_coordinator_enters_a_held_session_with_its_outcome(
    client: Client, wide_team: Team
) -> None:
    """Three days ago: stored completed with its outcome; the audit entry says « held » by the
    coordinator."""
    team = wide_team
    venue = create_venue(client, team)
    answer = client.post(
        "/api/sessions/held", json=_held(team, venue), headers=team.headers("coordinator")
    )
    body = answer.json()
    audit = client.get(
        f"/api/audit?entity=session&entity_id={body['session']['id']}",
        headers=team.headers("admin"),
    ).json()
    assert (answer.status_code, body["session"]["status"], body["session"]["outcome"]) == (
        201,
        "completed",
        {**OUTCOME, "remarks": ""},
    )
    assert sorted((e["action"], e["actor_id"]) for e in audit) == [
        ("held", team.others["coordinator"]),
        ("outcome", team.others["coordinator"]),
    ]


def test_held_session_still_obeys_the_other_rules(client: Client, wide_team: Team) -> None:
    """A lone adviser is refused (the pair rule applies), a future session too (not held yet),
    and nothing is stored."""
    team = wide_team
    venue = create_venue(client, team)
    lone = client.post(
        "/api/sessions/held",
        json=_held(team, venue, staff_ids=[team.adviser]),
        headers=team.headers("coordinator"),
    )
    future = client.post(
        "/api/sessions/held", json=_held(team, venue, days=3), headers=team.headers("coordinator")
    )
    stored = client.get("/api/sessions", headers=team.headers("admin")).json()["total"]
    assert (lone.status_code, [v["code"] for v in lone.json()["violations"]]) == (
        422,
        ["binome-incomplet"],
    )
    assert (future.status_code, future.json()["errors"], stored) == (
        422,
        [{"field": "end", "detail": "une séance tenue est terminée : sa fin doit être passée"}],
        0,
    )


def test_only_coordinators_enter_held_sessions(client: Client, wide_team: Team) -> None:
    """An adviser of the organisation is refused (403)."""
    team = wide_team
    venue = create_venue(client, team)
    answer = client.post(
        "/api/sessions/held", json=_held(team, venue), headers=team.headers("adviser")
    )
    assert answer.status_code == 403
