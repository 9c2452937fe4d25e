"""Authenticate before validating: the route guard answers before any body or parameter is
read, the app refuses a handler without access, and the OpenAPI document declares security."""

from __future__ import annotations

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from api.guards import UndeclaredAccessError, declare_access
from tests.conftest import Team
from tests.factories import create_venue, evening

Client = TestClient  # type: ignore[type-arg]


def test_anonymous_malformed_booking_is_401(client: Client) -> None:
    """An anonymous POST /api/sessions with a malformed body is 401, not 400/422."""
    answer = client.post(
        "/api/sessions", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert (answer.status_code, answer.json()["code"]) == (401, "non-authentifie")


def test_manager_malformed_venue_change_is_403(client: Client, team: Team) -> None:
    """A manager's PATCH /api/venues/1 with a malformed body is 403 (their role changes nothing)."""
    answer = client.patch(
        "/api/venues/1",
        content=b"[[[",
        headers={**team.headers("manager"), "Content-Type": "application/json"},
    )
    assert (answer.status_code, answer.json()["code"]) == (403, "interdit")


def test_anonymous_draft_is_404_like_a_missing_id(client: Client, team: Team) -> None:
    """An anonymous GET of a draft's number answers exactly as a missing number's."""
    venue = create_venue(client, team)
    start, end = evening(25, "10:00", "12:00")
    draft = client.post(
        "/api/sessions",
        json={
            "kind": "info_session",
            "title": "Brouillon",
            "start": start,
            "end": end,
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser],
        },
        headers=team.headers("adviser"),
    ).json()["session"]["id"]
    seen = client.get(f"/api/sessions/{draft}")
    missing = client.get("/api/sessions/999999")
    assert (seen.status_code, seen.json()["detail"]) == (404, f"Aucune séance n° {draft}.")
    assert missing.status_code == 404


def test_other_adviser_malformed_cancel_is_403(client: Client, team: Team) -> None:
    """An adviser of another organisation cancelling with a malformed body gets 403 first."""
    venue = create_venue(client, team)
    start, end = evening(26, "10:00", "12:00")
    session = client.post(
        "/api/sessions",
        json={
            "kind": "info_session",
            "title": "Réunion",
            "start": start,
            "end": end,
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser],
            "publish": True,
        },
        headers=team.headers("adviser"),
    ).json()["session"]["id"]
    answer = client.post(
        f"/api/sessions/{session}/cancel", json={}, headers=team.headers("partner")
    )
    assert answer.status_code == 403


def test_declare_access_refuses_a_handler_without_access() -> None:
    """An app with a handler declaring no access is not built."""

    @get("/sans-politique", sync_to_thread=False)
    def without() -> str:
        return "x"

    with pytest.raises(UndeclaredAccessError, match=r"/sans-politique \(without\)"):
        declare_access(Litestar(route_handlers=[without], openapi_config=None))


def test_openapi_declares_both_schemes_and_each_operations_security(client: Client) -> None:
    """/schema declares bearer and cookie; public operations need none, others either."""
    schema = client.get("/schema/openapi.json").json()
    assert sorted(schema["components"]["securitySchemes"]) == ["bearer", "cookie"]
    assert schema["components"]["securitySchemes"]["cookie"] == {
        "type": "apiKey",
        "description": "Session d'un navigateur connecté (cookie posé à la connexion).",
        "name": "allervers_session",
        "in": "cookie",
    }
    paths = schema["paths"]
    assert paths["/api/qpv"]["get"].get("security") is None
    assert paths["/api/audit"]["get"]["security"] == [{"bearer": []}, {"cookie": []}]
    assert paths["/api/sessions"]["post"]["security"] == [{"bearer": []}, {"cookie": []}]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/sessions/99999999999"),
        ("GET", "/api/sessions/²"),
        ("PATCH", "/api/sessions/99999999999"),
        ("POST", "/api/sessions/99999999999/publish"),
        ("GET", "/api/venues/-3"),
        ("PATCH", "/api/staff/9223372036854775808"),
        ("DELETE", "/api/tokens/0"),
        ("GET", "/api/campaigns/2147483648"),
    ],
)
def test_number_beyond_any_id_is_404(client: Client, team: Team, method: str, path: str) -> None:
    """A number no row can have (not positive, or beyond a database integer) is a 404, as for a
    missing id, on SQLite and PostgreSQL alike (never a 500 from an integer overflow)."""
    answer = client.request(method, path, json={}, headers=team.headers("admin"))
    assert (answer.status_code, answer.headers["content-type"]) == (
        404,
        "application/problem+json",
    )


def test_offset_beyond_any_row_is_refused(client: Client) -> None:
    """An offset beyond a database integer is a 400 saying so, not a 500."""
    answer = client.get("/api/sessions?offset=9223372036854775808")
    assert answer.status_code == 400


def _booking(venue: int, team: Team, **changes: object) -> dict[str, object]:
    start, end = evening(26)
    return {
        "kind": "neighbourhood_session",
        "title": "Permanence",
        "start": start,
        "end": end,
        "venue_id": venue,
        "organisation_id": team.mission_locale,
        "staff_ids": [team.adviser, team.partner],
        **changes,
    }


@pytest.mark.parametrize(
    ("path", "changes"),
    [
        ("/api/sessions", {"venue_id": 2**31}),
        ("/api/sessions", {"staff_ids": [2**63]}),
        ("/api/sessions", {"partner_ids": [2**40]}),
        ("/api/organisations", {"kind": "mission_locale", "name": "X", "home_venue_id": 2**40}),
        (
            "/api/staff",
            {"organisation_id": 2**31, "name": "Y", "email": "y@example.org", "role": "adviser"},
        ),
    ],
)
def test_body_reference_beyond_any_id_is_400(
    client: Client, team: Team, path: str, changes: dict[str, object]
) -> None:
    """A reference in a complete body that no row can have is a 400 problem naming the field,
    not a database error."""
    body = _booking(create_venue(client, team), team, **changes) if "sessions" in path else changes
    answer = client.post(path, json=body, headers=team.headers("admin"))
    assert (answer.status_code, answer.headers["content-type"]) == (
        400,
        "application/problem+json",
    )


@pytest.mark.parametrize(
    "query",
    [
        "/api/sessions?staff=9223372036854775808",
        "/api/sessions?organisation=2147483648",
        "/api/audit?entity_id=2147483648",
        "/api/staff?organisation=-1",
    ],
)
def test_query_reference_beyond_any_id_is_400(client: Client, team: Team, query: str) -> None:
    """A reference in the query string that no row can have is a 400 problem."""
    answer = client.get(query, headers=team.headers("admin"))
    assert answer.status_code == 400
