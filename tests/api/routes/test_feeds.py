"""Calendar feeds over HTTP: what subscribers get, what they never get, and how they refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
from litestar.testing import TestClient

from planner.clock import PARIS
from tests.calendars import read_all
from tests.conftest import Team
from tests.factories import ETOUVIE, evening

Client = TestClient  # type: ignore[type-arg]
INTERNAL_NOTE = "Note interne confidentielle : dossier de Mme X"


def _book(
    client: Client, team: Team, *, days: int, publish: bool, title: str = "Permanence"
) -> dict[str, Any]:
    venue = client.post(
        "/api/venues",
        json={
            "name": f"Salle {days} (test)",
            "kind": "centre_social",
            "street": "Place Vauban, bâtiment B",
            "postcode": "80080",
            "commune": "Amiens",
            **ETOUVIE,
        },
        headers=team.headers("adviser"),
    ).json()
    start, end = evening(days)
    body = client.post(
        "/api/sessions",
        json={
            "kind": "neighbourhood_session",
            "title": title,
            "description": "Emploi, formation; droits",
            "internal_notes": INTERNAL_NOTE,
            "start": start,
            "end": end,
            "venue_id": venue["id"],
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser, team.partner],
            "partner_ids": [team.centre_social],
            "publish": publish,
        },
        headers=team.headers("adviser"),
    ).json()
    return dict(body["session"])


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_public_feed_serves_published_sessions_inline(client: Client, team: Team) -> None:
    """The QPV feed holds published sessions only, as inline text/calendar, without Accept."""
    published = _book(client, team, days=20, publish=True)
    _book(client, team, days=21, publish=False)
    response = client.get("/feeds/qpv/QN08001M.ics", headers={"accept": ""})
    assert (
        response.status_code,
        response.headers["content-type"],
        "content-disposition" in response.headers,
    ) == (
        200,
        "text/calendar; charset=utf-8",
        False,
    )
    events = _events(response.content)
    assert [(str(e["SUMMARY"]), e.decoded("DTSTART").astimezone(UTC)) for e in events.values()] == [
        (
            "Permanence",  # the title says the kind: not repeated
            datetime.fromisoformat(published["start"]).astimezone(UTC),
        )
    ]


def test_public_feed_never_shows_staff_or_notes(client: Client, team: Team) -> None:
    """No staff name, e-mail or internal note reaches a public feed."""
    _book(client, team, days=20, publish=True)
    body = client.get("/feeds/qpv/QN08001M.ics").content
    values = [
        str(value)
        for event in icalendar.Calendar.from_ical(body).walk()
        for value in event.values()
    ]
    forbidden = [INTERNAL_NOTE, "Personne de test", "@test.invalid"]
    assert [
        word for word in forbidden if any(word in v for v in values) or word.encode() in body
    ] == []


def test_subscriber_sees_a_move_with_a_new_sequence(client: Client, team: Team) -> None:
    """Fetch, 304 while nothing changes, move the session, fetch again: new ETag, SEQUENCE 1."""
    session = _book(client, team, days=20, publish=True)
    first = client.get("/feeds/qpv/QN08001M.ics")
    etag = first.headers["etag"]
    unchanged = client.get("/feeds/qpv/QN08001M.ics", headers={"if-none-match": etag})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    start, end = evening(22)
    client.patch(
        f"/api/sessions/{session['id']}",
        json={"start": start, "end": end},
        headers=team.headers("adviser"),
    )
    moved = client.get("/feeds/qpv/QN08001M.ics", headers={"if-none-match": etag})
    (event,) = _events(moved.content).values()
    assert (moved.status_code, moved.headers["etag"] != etag, int(event["SEQUENCE"])) == (
        200,
        True,
        1,
    )
    assert event.decoded("DTSTART").astimezone(UTC) == datetime.fromisoformat(start).astimezone(UTC)


def test_cancelled_session_stays_struck_out_but_drafts_never_appear(
    client: Client, team: Team
) -> None:
    """A cancelled published session stays as CANCELLED; a cancelled draft is never shown."""
    published = _book(client, team, days=20, publish=True)
    draft = _book(client, team, days=25, publish=False)
    for session in (published, draft):
        client.post(
            f"/api/sessions/{session['id']}/cancel",
            json={"reason": "Salle fermée"},
            headers=team.headers("adviser"),
        )
    events = _events(client.get("/feeds/qpv/QN08001M.ics").content)
    assert [(str(e["STATUS"]), int(e["SEQUENCE"])) for e in events.values()] == [("CANCELLED", 1)]


def test_feed_errors_are_problems(client: Client) -> None:
    """Unknown codes are 404 problems; a malformed ``near`` is a 400 naming it."""
    unknown = client.get("/feeds/qpv/QN99999Z.ics")
    bad = client.get("/feeds/public.ics", params={"near": "nord"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "introuvable")
    assert (bad.status_code, [e["field"] for e in bad.json()["errors"]]) == (400, ["near"])
    assert client.get("/feeds/commune/99999.ics").status_code == 404
    assert client.get("/feeds/kind/piscine.ics").status_code == 404


def test_private_feed_rotates_and_revokes(client: Client, team: Team) -> None:
    """The adviser's secret feed shows internal notes; a rotated or revoked secret is 404."""
    _book(client, team, days=20, publish=False)
    first = client.post("/api/staff/me/feed-token", headers=team.headers("adviser")).json()
    path = "/" + first["https"].split("/", 3)[3]
    (event,) = _events(client.get(path).content).values()
    assert (str(event["STATUS"]), INTERNAL_NOTE in str(event["DESCRIPTION"])) == ("TENTATIVE", True)
    second = client.post("/api/staff/me/feed-token", headers=team.headers("adviser")).json()
    assert (client.get(path).status_code, second["webcal"].startswith("webcal://")) == (404, True)
    client.delete("/api/staff/me/feed-token", headers=team.headers("adviser"))
    assert client.get("/" + second["https"].split("/", 3)[3]).status_code == 404


def test_one_session_as_ics(client: Client, team: Team) -> None:
    """``/api/sessions/{id}.ics`` is one VEVENT with a stable UID."""
    session = _book(client, team, days=20, publish=True)
    events = _events(client.get(f"/api/sessions/{session['id']}.ics").content)
    assert list(events) == [f"session-{session['id']}@127.0.0.1"]


def test_near_filter(client: Client, team: Team) -> None:
    """Sessions within the radius of a point are kept, others not."""
    _book(client, team, days=20, publish=True)
    near = client.get(
        "/feeds/public.ics", params={"near": "49.9150,2.2500", "radius_km": "1"}
    ).content
    far = client.get(
        "/feeds/public.ics", params={"near": "50.6292,3.0573", "radius_km": "5"}
    ).content
    assert (len(_events(near)), len(_events(far))) == (1, 0)


def _last_sunday(year: int, month: int) -> datetime:
    """Midnight (Paris) of the last Sunday of ``month`` (March and October: the change of time)."""
    day = datetime(year, month + 1, 1, tzinfo=PARIS) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_booked_sessions_read_alike_by_every_parser(client: Client, team: Team) -> None:
    """A hackathon across the change of time, with accents, commas, semicolons and a long
    description, then moved and another cancelled: the four parsers read what was booked."""
    today = datetime.now(PARIS)
    change = next(
        d
        for d in (
            _last_sunday(year, month) for year in (today.year, today.year + 1) for month in (3, 10)
        )
        if d > today + timedelta(days=2)
    )
    saturday = change - timedelta(days=1)
    venue = client.post(
        "/api/venues",
        json={
            "name": "Maison de quartier « L'Étoile », salle A; RDC",
            "kind": "association",
            "street": "Place Vauban",
            "postcode": "80080",
            "commune": "Amiens",
            **ETOUVIE,
        },
        headers=team.headers("adviser"),
    ).json()
    long_text = "Créativité citoyenne ; défis du contrat de ville, équipes mixtes. " * 12
    hackathon = client.post(
        "/api/sessions",
        json={
            "kind": "hackathon",
            "title": "Hackathon « Quartier 2030 », édition; n°1",
            "description": long_text,
            "start": saturday.replace(hour=9).isoformat(),
            "end": change.replace(hour=18).isoformat(),
            "venue_id": venue["id"],
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser],
            "publish": True,
        },
        headers=team.headers("adviser"),
    ).json()
    moved = _book(client, team, days=20, publish=True, title="Permanence, déplacée")
    start, end = evening(23)
    moved = client.patch(
        f"/api/sessions/{moved['id']}",
        json={"start": start, "end": end},
        headers=team.headers("adviser"),
    ).json()["session"]
    cancelled = _book(client, team, days=27, publish=True, title="Annulée; désolé")
    cancelled = client.post(
        f"/api/sessions/{cancelled['id']}/cancel",
        json={"reason": "Intempéries"},
        headers=team.headers("adviser"),
    ).json()["session"]
    body = client.get("/feeds/qpv/QN08001M.ics").content
    booked = sorted(
        (
            f"session-{s['id']}@127.0.0.1",
            datetime.fromisoformat(s["start"]).astimezone(UTC),
            datetime.fromisoformat(s["end"]).astimezone(UTC),
            {"published": "CONFIRMED", "cancelled": "CANCELLED"}[s["status"]],
            s["revision"],
        )
        for s in (hackathon["session"], moved, cancelled)
    )
    readings = read_all(body)
    seen = {
        parser: sorted((r.uid, r.start, r.end, r.status, r.sequence) for r in found)
        for parser, found in readings.items()
    }
    assert seen == dict.fromkeys(readings, booked)
    descriptions = {
        r.description.split("\n")[0]
        for found in readings.values()
        for r in found
        if r.uid.startswith(f"session-{hackathon['session']['id']}@")
    }  # type: ignore[union-attr]
    assert descriptions == {long_text}


def test_a_remembered_feed_is_no_way_round_a_revoked_token(client: Client, team: Team) -> None:
    """A feed served moments ago from memory to a calendar app (no credentials) is still a 401
    for a request with a revoked token, and a 200 for a valid one."""
    warm = [client.get("/feeds/qpv/QN08001M.ics").status_code for _ in range(2)]
    revoked = client.get("/feeds/qpv/QN08001M.ics", headers=team.headers("revoked"))
    valid = client.get("/feeds/qpv/QN08001M.ics", headers=team.headers("adviser"))
    assert (warm, revoked.status_code, valid.status_code) == ([200, 200], 401, 200)
