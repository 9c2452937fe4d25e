"""Booking sessions through HTTP: the README's flow, refusals with every reason, roles, audit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from api.settings import Settings
from planner.clock import PARIS
from tests.conftest import Team
from tests.factories import book_evening_session, create_venue, evening

Client = TestClient  # type: ignore[type-arg]


def _session(team: Team, venue: int, days_ahead: int = 20, **changes: Any) -> dict[str, Any]:
    start, end = evening(days_ahead)
    return {
        "kind": "neighbourhood_session",
        "title": "Permanence du soir",
        "description": "Venez parler emploi et formation.",
        "internal_notes": "Note interne : apporter les offres",
        "start": start,
        "end": end,
        "venue_id": venue,
        "organisation_id": team.mission_locale,
        "staff_ids": [team.adviser, team.partner],
        "partner_ids": [team.centre_social],
        "audiences": ["jeunes-16-25"],
        "capacity": 30,
        **changes,
    }


def test_readme_flow_book_then_refuse_conflict(client: Client, team: Team) -> None:
    """A published evening session is booked; the same people and venue again are refused (409)."""
    venue = create_venue(client, team)
    first = client.post(
        "/api/sessions", json=_session(team, venue, publish=True), headers=team.headers("adviser")
    )
    body = first.json()
    assert (first.status_code, body["session"]["status"], body["session"]["qpvs"]) == (
        201,
        "published",
        ["QN08001M"],
    )
    assert [s["id"] for s in body["session"]["staff"]] == [team.adviser, team.partner]
    again = client.post(
        "/api/sessions", json=_session(team, venue), headers=team.headers("adviser")
    )
    problem = again.json()
    assert (again.status_code, problem["code"]) == (409, "reservation-refusee")
    assert sorted((v["code"], v["session_id"]) for v in problem["violations"]) == [
        ("intervenant-deja-pris", body["session"]["id"]),
        ("intervenant-deja-pris", body["session"]["id"]),
        ("lieu-deja-pris", body["session"]["id"]),
    ]
    assert client.get("/api/sessions", headers=team.headers("adviser")).json()["total"] == 1


def test_refusal_names_people_and_venues(client: Client, team: Team) -> None:
    """The reasons of a refusal name the people and the venue, never their numbers."""
    venue = create_venue(client, team)
    first = client.post(
        "/api/sessions", json=_session(team, venue), headers=team.headers("adviser")
    ).json()["session"]
    again = client.post(
        "/api/sessions", json=_session(team, venue), headers=team.headers("adviser")
    )
    when = "de 18:00 à 21:30 le " + first["start"][8:10] + "/" + first["start"][5:7] + "/"
    when += first["start"][:4] + f" (séance n° {first['id']})."
    assert sorted(v["message"] for v in again.json()["violations"]) == [
        f"Le lieu « Centre social d'Etouvie (test) » est déjà réservé {when}",
        f"Personne de test (adviser) est déjà en séance {when}",
        f"Personne de test (partner) est déjà en séance {when}",
    ]


def test_neighbourhood_session_needs_a_pair(client: Client, team: Team) -> None:
    """One adviser alone is refused with 422, naming the staff field."""
    venue = create_venue(client, team)
    response = client.post(
        "/api/sessions",
        json=_session(team, venue, staff_ids=[team.adviser]),
        headers=team.headers("adviser"),
    )
    assert (
        response.status_code,
        [(v["code"], v["field"]) for v in response.json()["violations"]],
    ) == (
        422,
        [("binome-incomplet", "staff")],
    )


def test_anonymous_sees_published_sessions_only_without_private_fields(
    client: Client, team: Team
) -> None:
    """Drafts are hidden from the public; published ones show no staff and no internal notes."""
    venue = create_venue(client, team)
    draft = client.post(
        "/api/sessions", json=_session(team, venue, days_ahead=21), headers=team.headers("adviser")
    ).json()
    published = client.post(
        "/api/sessions",
        json=_session(team, venue, days_ahead=28, publish=True),
        headers=team.headers("adviser"),
    ).json()
    listed = client.get("/api/sessions").json()
    assert [s["id"] for s in listed["items"]] == [published["session"]["id"]]
    assert {"staff", "internal_notes", "outcome"} & set(listed["items"][0]) == set()
    assert client.get(f"/api/sessions/{draft['session']['id']}").status_code == 404


def test_tokens_and_roles(client: Client, team: Team) -> None:
    """A wrong token is 401; a manager may not book (403); staff lists need a token."""
    venue = create_venue(client, team)
    wrong = client.get("/api/organisations", headers={"Authorization": "Bearer av_nope"})
    assert (wrong.status_code, wrong.headers["www-authenticate"]) == (
        401,
        'Bearer realm="allervers"',
    )
    assert client.get("/api/staff").status_code == 401
    manager = client.post(
        "/api/sessions", json=_session(team, venue), headers=team.headers("manager")
    )
    assert (manager.status_code, manager.json()["code"]) == (403, "interdit")
    adviser_org = client.post(
        "/api/organisations",
        json={"kind": "association", "name": "Asso"},
        headers=team.headers("adviser"),
    )
    assert adviser_org.status_code == 403


def test_revoked_token_stops_working(client: Client, team: Team) -> None:
    """A token revoked by its owner is refused at once."""
    tokens = client.get("/api/tokens", headers=team.headers("partner")).json()
    assert (
        client.delete(f"/api/tokens/{tokens[0]['id']}", headers=team.headers("partner")).status_code
        == 204
    )
    assert client.get("/api/tokens", headers=team.headers("partner")).status_code == 401


def test_admin_creates_organisation_staff_and_token(client: Client, team: Team) -> None:
    """The admin path of the README: an organisation, a staff member, their token, which works."""
    org = client.post(
        "/api/organisations",
        json={
            "kind": "france_travail",
            "name": "France Travail Amiens (test)",
            "siret": "12345678901234",
        },
        headers=team.headers("admin"),
    ).json()
    staff = client.post(
        "/api/staff",
        json={
            "organisation_id": org["id"],
            "name": "Conseillère de test",
            "email": "ft@test.invalid",
            "role": "adviser",
        },
        headers=team.headers("admin"),
    ).json()
    token = client.post(
        "/api/tokens",
        json={"staff_id": staff["id"], "name": "poste"},
        headers=team.headers("admin"),
    ).json()
    assert token["token"].startswith("av_")
    mine = client.get("/api/tokens", headers={"Authorization": f"Bearer {token['token']}"}).json()
    assert [(t["id"], t["staff_id"], t.get("token")) for t in mine] == [
        (token["id"], staff["id"], None)
    ]


def test_cancel_releases_staff_and_venue(client: Client, team: Team) -> None:
    """A cancelled session frees its slot; it can no longer be edited."""
    venue = create_venue(client, team)
    first = client.post(
        "/api/sessions", json=_session(team, venue), headers=team.headers("adviser")
    ).json()
    sid = first["session"]["id"]
    no_reason = client.post(
        f"/api/sessions/{sid}/cancel", json={"reason": ""}, headers=team.headers("adviser")
    )
    assert no_reason.status_code == 400
    cancelled = client.post(
        f"/api/sessions/{sid}/cancel",
        json={"reason": "Salle indisponible"},
        headers=team.headers("adviser"),
    ).json()
    assert (cancelled["session"]["status"], cancelled["session"]["revision"]) == ("cancelled", 1)
    assert (
        client.post(
            "/api/sessions", json=_session(team, venue), headers=team.headers("adviser")
        ).status_code
        == 201
    )
    frozen = client.patch(
        f"/api/sessions/{sid}", json={"title": "X"}, headers=team.headers("adviser")
    )
    assert (frozen.status_code, frozen.json()["violations"][0]["code"]) == (422, "seance-figee")


def test_moving_a_session_bumps_its_revision(client: Client, team: Team) -> None:
    """Time changes raise the revision (the feeds' SEQUENCE); a title change does not."""
    venue = create_venue(client, team)
    sid = client.post(
        "/api/sessions", json=_session(team, venue), headers=team.headers("adviser")
    ).json()["session"]["id"]
    renamed = client.patch(
        f"/api/sessions/{sid}", json={"title": "Nouveau titre"}, headers=team.headers("adviser")
    ).json()
    start, end = evening(22)
    moved = client.patch(
        f"/api/sessions/{sid}", json={"start": start, "end": end}, headers=team.headers("adviser")
    ).json()
    assert (renamed["session"]["revision"], moved["session"]["revision"]) == (0, 1)


def test_series_keeps_local_time(client: Client, team: Team) -> None:
    """Six weekly sessions share a series id and all start at 18:00 Paris time."""
    venue = create_venue(client, team)
    booked = client.post(
        "/api/series",
        json={**_session(team, venue), "count": 6, "interval_days": 7},
        headers=team.headers("adviser"),
    ).json()
    starts = [datetime.fromisoformat(b["session"]["start"]).astimezone(PARIS) for b in booked]
    assert (
        len({b["session"]["series_id"] for b in booked}),
        [s.strftime("%H:%M") for s in starts],
    ) == (
        1,
        ["18:00"] * 6,
    )
    assert [(starts[i + 1] - starts[i]).days for i in range(5)] == [7] * 5


def test_outcome_of_a_past_session(client: Client, team: Team, settings: Settings) -> None:
    """A session that has ended gets its outcome and becomes completed; a future one cannot."""
    venue = create_venue(client, team)
    future = client.post(
        "/api/sessions", json=_session(team, venue, publish=True), headers=team.headers("adviser")
    ).json()
    outcome = {
        "people_met": 14,
        "new_contacts": 5,
        "job_offers": 3,
        "immersions": 1,
        "follow_ups": 4,
    }
    early = client.post(
        f"/api/sessions/{future['session']['id']}/outcome",
        json=outcome,
        headers=team.headers("adviser"),
    )
    assert early.status_code == 422
    past_id = asyncio.run(_book_in_the_past(settings.database_url, team, venue))
    done = client.post(
        f"/api/sessions/{past_id}/outcome", json=outcome, headers=team.headers("adviser")
    ).json()
    assert (done["status"], done["outcome"]) == ("completed", {**outcome, "remarks": ""})


async def _book_in_the_past(url: str, team: Team, venue: int) -> int:
    """A session booked last month, as it was then (the service takes ``now``)."""
    then = datetime.now(UTC) - timedelta(days=40)
    day = (then + timedelta(days=5)).astimezone(PARIS).date()
    return await book_evening_session(url, team, venue, day=day, now=then)


def test_audit_log_for_managers_of_the_territory_only(client: Client, wide_team: Team) -> None:
    """A manager of the session's department reads who booked it; one of another department
    reads nothing about it; advisers may not read the log."""
    team = wide_team
    venue = create_venue(client, team)
    sid = client.post(
        "/api/sessions", json=_session(team, venue), headers=team.headers("adviser")
    ).json()["session"]["id"]
    query = {"entity": "session", "entity_id": sid}
    entries = client.get("/api/audit", params=query, headers=team.headers("manager_inside")).json()
    assert [(e["action"], e["actor_id"], e["before"]) for e in entries] == [
        ("create", team.adviser, None)
    ]
    assert client.get("/api/audit", params=query, headers=team.headers("manager")).json() == []
    assert client.get("/api/audit", headers=team.headers("adviser")).status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [({"from": "2026-13-01"}, "from"), ({"status": "perdu"}, "status"), ({"limit": "0"}, "limit")],
)
def test_session_list_bad_parameters(client: Client, params: dict[str, str], field: str) -> None:
    """Bad filters are 400 problems naming the parameter."""
    response = client.get("/api/sessions", params=params)
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (400, [field])


def test_anonymous_list_remembered_moments_ago_shows_a_change_at_once(
    client: Client, team: Team
) -> None:
    """The public list is answered from memory when asked again moments later (same bytes),
    yet a session published in between is in the very next list; a signed-in caller is never
    answered from that memory (they see staff and notes)."""
    venue = create_venue(client, team)
    url = "/api/sessions?qpv=QN08001M"
    first = client.post(
        "/api/sessions", json=_session(team, venue, publish=True), headers=team.headers("adviser")
    )
    assert first.status_code == 201, first.text
    before = client.get(url)
    again = client.get(url)
    assert (before.status_code, again.content) == (200, before.content)
    assert [s["title"] for s in before.json()["items"]] == ["Permanence du soir"]
    second = client.post(
        "/api/sessions",
        json=_session(team, venue, days_ahead=27, title="Deuxième soirée", publish=True),
        headers=team.headers("adviser"),
    )
    assert second.status_code == 201, second.text
    after = client.get(url).json()
    assert [s["title"] for s in after["items"]] == ["Permanence du soir", "Deuxième soirée"]
    assert after["items"][0].get("staff") is None
    staff_view = client.get(url, headers=team.headers("adviser")).json()
    assert staff_view["items"][0].get("staff")
