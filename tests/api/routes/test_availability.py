"""GET /api/staff/available: the partner finder proposes only people the booking would accept
— free, and able to get there in time — from other organisations, partners first."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.conftest import Team
from tests.factories import create_venue, evening

Client = TestClient  # type: ignore[type-arg]
LILLE = {"lat": 50.6292, "lon": 3.0573}


def _ask(client: Client, team: Team, venue: int, days: int, start: str, end: str) -> Any:
    first, last = evening(days, start, end)
    return client.get(
        "/api/staff/available",
        params={"venue_id": venue, "start": first, "end": last},
        headers=team.headers("adviser"),
    )


def _book(client: Client, team: Team, venue: int, days: int, start: str, end: str) -> None:
    first, last = evening(days, start, end)
    answer = client.post(
        "/api/sessions",
        json={
            "kind": "info_session",
            "title": "Déjà prévu",
            "start": first,
            "end": last,
            "venue_id": venue,
            "organisation_id": team.centre_social,
            "staff_ids": [team.partner],
        },
        headers=team.headers("partner"),
    )
    assert answer.status_code == 201, answer.text


def test_a_free_partner_is_proposed(client: Client, team: Team) -> None:
    """The other organisation's adviser is free: proposed, with their organisation; nobody of
    the caller's own organisation is."""
    venue = create_venue(client, team)
    answer = _ask(client, team, venue, 20, "18:00", "21:00")
    assert (answer.status_code, [(c["name"], c["organisation"]) for c in answer.json()]) == (
        200,
        [("Personne de test (partner)", "Centre social de test")],
    )


def test_someone_busy_that_evening_is_not_proposed(client: Client, team: Team) -> None:
    """A session overlapping the evening takes the partner out."""
    venue = create_venue(client, team)
    _book(client, team, venue, 20, "19:00", "20:00")
    assert _ask(client, team, venue, 20, "18:00", "21:00").json() == []


def test_someone_who_cannot_travel_in_time_is_not_proposed(client: Client, team: Team) -> None:
    """A session in Lille ending at 17:45 leaves no time to reach Amiens by 18:00; ending at
    11:00 does (about 100 km at the rules' urban speed), the distance then measured from it."""
    amiens = create_venue(client, team)
    lille = create_venue(client, team, "Salle de Lille (test)", **LILLE)
    _book(client, team, lille, 20, "16:00", "17:45")
    _book(client, team, lille, 21, "09:00", "11:00")
    assert (
        _ask(client, team, amiens, 20, "18:00", "21:00").json(),
        [
            (c["name"], c["distance_m"] // 1000, c["distance_from"])
            for c in _ask(client, team, amiens, 21, "18:00", "21:00").json()
        ],
    ) == ([], [("Personne de test (partner)", 98, "previous_session")])


def test_bad_requests_are_refused_in_french(client: Client, team: Team) -> None:
    """An unknown venue is a 422 naming the field; a manager, who books nothing, gets 403."""
    unknown = _ask(client, team, 999_999, 20, "18:00", "21:00")
    first, last = evening(20)
    manager = client.get(
        "/api/staff/available",
        params={"venue_id": 1, "start": first, "end": last},
        headers=team.headers("manager"),
    )
    assert (unknown.status_code, unknown.json()["errors"], manager.status_code) == (
        422,
        [{"field": "venue_id", "detail": "aucun lieu n° 999999"}],
        403,
    )
