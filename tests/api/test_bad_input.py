"""No input gives a 500: each answer the issue listed as a server error is a French RFC 9457
problem in the 4xx range, and nothing is written."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.api.pages.test_signin import csrf
from tests.conftest import Team
from tests.factories import create_venue, evening

Client = TestClient  # type: ignore[type-arg]


def _booking(client: Client, team: Team, **changes: object) -> dict[str, object]:
    start, end = evening(26)
    return {
        "kind": "neighbourhood_session",
        "title": "Permanence",
        "start": start,
        "end": end,
        "venue_id": create_venue(client, team),
        "organisation_id": team.mission_locale,
        "staff_ids": [team.adviser, team.partner],
        **changes,
    }


def _problem(answer: object) -> tuple[int, str]:
    status = answer.status_code  # type: ignore[attr-defined]
    return status, answer.headers["content-type"]  # type: ignore[attr-defined]


def test_arabic_digit_is_not_session_3(client: Client, team: Team) -> None:
    """``/api/sessions/٣`` is not another address of session 3: one URL per resource."""
    answer = client.get("/api/sessions/٣", headers=team.headers("admin"))
    assert _problem(answer) == (404, "application/problem+json")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01T18:00:00+01:00", "0001-01-01T20:00:00+01:00"),
        ("9999-12-31T18:00:00+01:00", "9999-12-31T20:00:00+01:00"),
        ("2400-03-01T18:00:00+01:00", "2400-03-01T20:00:00+01:00"),
    ],
)
def test_booking_far_in_time_is_422(client: Client, team: Team, start: str, end: str) -> None:
    """A booking in year 1, 9999 or centuries ahead is refused with a French reason."""
    body = _booking(client, team, start=start, end=end)
    answer = client.post("/api/sessions", json=body, headers=team.headers("adviser"))
    assert _problem(answer) == (422, "application/problem+json")
    assert client.get("/api/sessions", headers=team.headers("admin")).json()["total"] == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_listing_far_days_is_refused(client: Client, team: Team, day: str) -> None:
    """Listing sessions or coverage from year 1 or to year 9999 is refused by name, not a 500."""
    answers = [client.get(f"/api/sessions?{name}={day}").status_code for name in ("from", "to")] + [
        client.get(f"/api/coverage?{name}={day}", headers=team.headers("admin")).status_code
        for name in ("from", "to")
    ]
    assert answers == [422, 422, 400, 400]


def test_deeply_nested_json_is_400(client: Client, team: Team) -> None:
    """A body nested thousands deep is a 400 problem."""
    body = b"[" * 100_000 + b"]" * 100_000
    answer = client.post(
        "/api/sessions",
        content=body,
        headers={**team.headers("adviser"), "Content-Type": "application/json"},
    )
    assert _problem(answer) == (400, "application/problem+json")


def test_nul_byte_in_text_is_400(client: Client, team: Team) -> None:
    """A NUL byte in a title (PostgreSQL stores no NUL in text) is refused, nothing stored."""
    body = _booking(client, team, title="Perma\x00nence")
    answer = client.post("/api/sessions", json=body, headers=team.headers("adviser"))
    assert _problem(answer)[0] in (400, 422)
    assert client.get("/api/sessions", headers=team.headers("admin")).json()["total"] == 0


def test_nul_byte_in_venue_name_is_refused(client: Client, team: Team) -> None:
    """A NUL byte in a venue's name is refused."""
    answer = client.post(
        "/api/venues",
        json={"name": "Salle\x00", "street": "1 place Vauban", "commune": "Amiens"},
        headers=team.headers("adviser"),
    )
    assert _problem(answer)[0] in (400, 422)


def test_nul_byte_in_an_imported_csv_is_422(client: Client, team: Team) -> None:
    """A NUL byte in a venues CSV refuses the file at once, naming its line; no job is stored
    (PostgreSQL keeps no NUL in text: it was a 500 there once the file became a job's input)."""
    answer = client.post(
        "/api/venues/import",
        content=b"nom;type;adresse;code_postal;commune\nA\x00b;mairie;1 rue X;80000;Amiens\n",
        headers={**team.headers("adviser"), "Content-Type": "text/csv"},
    )
    assert _problem(answer)[0] == 422
    assert answer.json()["errors"][0]["detail"] == (
        "caractère nul à la ligne 2 : ce n'est pas un fichier CSV texte"
    )
    assert client.get("/api/jobs/1", headers=team.headers("admin")).status_code == 404


def test_json_as_text_plain_is_415(client: Client, team: Team) -> None:
    """JSON sent as text/plain is a 415 problem naming the expected type."""
    answer = client.post(
        "/api/tokens",
        content=b'{"name": "x"}',
        headers={**team.headers("adviser"), "Content-Type": "text/plain"},
    )
    assert _problem(answer) == (415, "application/problem+json")


def test_csv_field_over_the_csv_limit_is_422(client: Client, team: Team) -> None:
    """A venue import with a field beyond the csv module's limit is refused, nothing stored."""
    text = "name,street,commune\n" + '"' + "x" * 200_000 + '",1 rue,Amiens\n'
    answer = client.post(
        "/api/venues/import",
        content=text.encode(),
        headers={**team.headers("admin"), "Content-Type": "text/csv"},
    )
    assert _problem(answer)[0] in (400, 413, 422)


def test_renaming_an_organisation_to_a_name_in_use_is_409(client: Client, team: Team) -> None:
    """Renaming an organisation to another's name is a 409, not a 500."""
    names = {
        o["id"]: o["name"]
        for o in client.get("/api/organisations", headers=team.headers("admin")).json()
    }
    taken = names[team.centre_social]
    answer = client.patch(
        f"/api/organisations/{team.mission_locale}",
        json={"name": taken},
        headers=team.headers("admin"),
    )
    assert _problem(answer) == (409, "application/problem+json")


@pytest.mark.parametrize("path", ["/api/qpv?q=Etouvie%00", "/api/venues?q=%00"])
def test_nul_in_query_string_is_400(client: Client, team: Team, path: str) -> None:
    """A NUL character in a query string is a 400 problem (PostgreSQL cannot compare it)."""
    answer = client.get(path, headers=team.headers("adviser"))
    assert _problem(answer) == (400, "application/problem+json")


def test_nul_in_form_is_400(client: Client) -> None:
    """A NUL character in a page's form (with its CSRF token) is refused before it is read."""
    token = csrf(client.get("/connexion").text)
    answer = client.post(
        "/connexion",
        content=f"email=a%00b%40example.org&password=x&_csrf_token={token}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
