"""``/seances/{id}``: the public page every feed event links to, and the neighbourhood page
listing the next sessions."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import icalendar
from litestar.testing import TestClient

from tests.conftest import Team
from tests.factories import create_venue, evening

Client = TestClient  # type: ignore[type-arg]
NOTE = "Note interne : ne pas publier"


def _book(
    client: Client, team: Team, *, publish: bool, days: int = 20, venue: int | None = None
) -> dict[str, Any]:
    start, end = evening(days)
    body = client.post(
        "/api/sessions",
        json={
            "kind": "neighbourhood_session",
            "title": "Permanence emploi du soir",
            "description": "Vos questions d'emploi et de formation",
            "internal_notes": NOTE,
            "start": start,
            "end": end,
            "venue_id": venue or create_venue(client, team, "Salle Vauban (test)", step_free=True),
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser, team.partner],
            "partner_ids": [team.centre_social],
            "publish": publish,
        },
        headers=team.headers("adviser"),
    )
    assert body.status_code == 201, body.text
    return dict(body.json()["session"])


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_public_page_shows_what_a_poster_would(client: Client, team: Team) -> None:
    """What, when, where, access, organisers, a calendar link and the quarter's calendar; no
    staff name, no internal note."""
    session = _book(client, team, publish=True)
    page = client.get(f"/seances/{session['id']}")
    text = _text(page.text)
    shown = [
        "Permanence emploi du soir",
        "Vos questions d'emploi et de formation",
        "Salle Vauban (test)",
        "Place Vauban",
        "80080 Amiens",
        "plain-pied",
        "Etouvie",
    ]
    assert (page.status_code, [s for s in shown if s not in text]) == (200, [])
    links = re.findall(r'href="([^"]+)"', page.text)
    assert {f"/api/sessions/{session['id']}.ics", "/calendriers/qpv/QN08001M"} <= set(links)
    staff = client.get("/api/staff", headers=team.headers("admin")).json()
    names = [p["name"] for p in staff if p["name"] in page.text]
    assert (names, NOTE in page.text) == ([], False)


def test_every_feed_event_links_to_its_page(client: Client, team: Team) -> None:
    """The URL of a feed's event is the session's public page, and that page exists."""
    session = _book(client, team, publish=True)
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/qpv/QN08001M.ics").content)
    (event,) = calendar.walk("VEVENT")
    path = "/" + str(event["URL"]).split("/", 3)[3]
    assert (path, client.get(path).status_code) == (f"/seances/{session['id']}", 200)


def test_draft_is_missing_to_the_public_and_sends_its_staff_to_their_page(
    client: Client, team: Team
) -> None:
    """A draft is a 404 for anyone, as a missing number; its adviser is sent to the staff
    page."""
    session = _book(client, team, publish=False)
    anonymous = client.get(f"/seances/{session['id']}")
    adviser = client.get(
        f"/seances/{session['id']}", headers=team.headers("adviser"), follow_redirects=False
    )
    missing = client.get("/seances/999999")
    assert (anonymous.status_code, missing.status_code) == (404, 404)
    assert (adviser.status_code, adviser.headers["location"]) == (
        303,
        f"/agenda/seances/{session['id']}",
    )


def test_cancelled_session_says_so(client: Client, team: Team) -> None:
    """A cancelled public session's page says it is cancelled, and why."""
    session = _book(client, team, publish=True)
    client.post(
        f"/api/sessions/{session['id']}/cancel",
        json={"reason": "Salle inondée"},
        headers=team.headers("adviser"),
    )
    text = _text(client.get(f"/seances/{session['id']}").text)
    assert ("séance est annulée" in text, "Salle inondée" in text) == (True, True)


def test_one_address_per_session(client: Client, team: Team) -> None:
    """Non-ASCII digits and numbers beyond any id are 404s, never another session."""
    _book(client, team, publish=True)
    codes = [client.get(f"/seances/{ref}").status_code for ref in ("٣", "²", "9" * 30, "1.0")]
    assert codes == [404, 404, 404, 404]


def test_neighbourhood_page_lists_the_next_sessions(client: Client, team: Team) -> None:
    """Etouvie's page lists its next public sessions, linked to their pages, before the
    subscribe buttons; a draft is not listed."""
    published = _book(client, team, publish=True, days=20)
    draft = _book(client, team, publish=False, days=27, venue=published["venue"]["id"])
    page = client.get("/calendriers/qpv/QN08001M").text
    listed = re.findall(r'href="/seances/(\d+)"', page)
    assert listed == [str(published["id"])]
    assert page.index("/seances/") < page.index("webcal://")
    assert str(draft["id"]) not in listed
