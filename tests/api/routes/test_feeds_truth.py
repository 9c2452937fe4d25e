"""Feeds never go stale: renaming what an event shows reaches every feed at once; a session
leaving a feed still advances Last-Modified; HEAD, weak validators, gzip and private caching
answer as RFC 9110 says."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from typing import Any

from litestar.testing import TestClient

from tests.conftest import Team
from tests.factories import create_venue, evening

Client = TestClient  # type: ignore[type-arg]


def _book(client: Client, team: Team, *, days: int = 20) -> dict[str, Any]:
    venue = create_venue(client, team, "Salle Vauban (test)")
    start, end = evening(days)
    body = client.post(
        "/api/sessions",
        json={
            "kind": "neighbourhood_session",
            "title": "Permanence",
            "start": start,
            "end": end,
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser, team.partner],
            "partner_ids": [team.centre_social],
            "publish": True,
        },
        headers=team.headers("adviser"),
    ).json()
    return dict(body["session"])


def _feeds(client: Client, team: Team, session_id: int) -> dict[str, str]:
    """Every feed and document showing the session, by a short name."""
    secret = client.post("/api/staff/me/feed-token", headers=team.headers("adviser")).json()
    return {
        "qpv": "/feeds/qpv/QN08001M.ics",
        "commune": "/feeds/commune/80021.ics",
        "organisation": f"/feeds/organisation/{team.mission_locale}.ics",
        "partner": f"/feeds/organisation/{team.centre_social}.ics",
        "kind": "/feeds/kind/neighbourhood_session.ics",
        "combined": "/feeds/public.ics?qpv=QN08001M&kind=neighbourhood_session",
        "private": "/" + secret["https"].split("/", 3)[3],
        "single": f"/api/sessions/{session_id}.ics",
        "page": f"/seances/{session_id}",
        "quarter page": "/calendriers/qpv/QN08001M",
    }


def _text(client: Client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.content.decode()


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_renames_reach_every_feed_at_once(client: Client, team: Team) -> None:
    """A venue, an organisation and a person renamed: every feed showing them shows the new
    name at once (not the old one) under a new ETag; so do the session's public page and its
    quarter's page."""
    session = _book(client, team)
    feeds = _feeds(client, team, session["id"])
    before = {name: client.get(path).headers.get("etag") for name, path in feeds.items()}
    admin = team.headers("admin")
    assert (
        client.patch(
            f"/api/venues/{session['venue']['id']}",
            json={"name": "Maison Vauban (test)"},
            headers=admin,
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"/api/organisations/{team.centre_social}",
            json={"name": "Centre social renommé (test)"},
            headers=admin,
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"/api/staff/{team.partner}", json={"name": "Animatrice renommée (test)"}, headers=admin
        ).status_code
        == 200
    )
    stale = {}
    for name, path in feeds.items():
        text = unescape(_unfold(_text(client, path)))
        shown = (
            ("Maison Vauban",)
            if name == "quarter page"
            else ("Maison Vauban", "Centre social renommé")
        )
        missing = [n for n in shown if n not in text]
        if name in {"private"} and "Animatrice renommée" not in text:
            missing.append("Animatrice renommée")
        etag = client.get(path).headers.get("etag")
        if missing or "Salle Vauban" in text or (etag is not None and etag == before[name]):
            stale[name] = missing
    assert stale == {}


def test_a_session_leaving_a_feed_advances_last_modified(client: Client, team: Team) -> None:
    """Moved to another QPV, the session leaves Etouvie's feed: Last-Modified advances, so a
    client using only If-Modified-Since gets the change, not a 304."""
    session = _book(client, team)
    first = client.get("/feeds/qpv/QN08001M.ics")
    since = first.headers["last-modified"]
    assert (
        client.get("/feeds/qpv/QN08001M.ics", headers={"If-Modified-Since": since}).status_code
        == 304
    )
    other = client.post(
        "/api/venues",
        json={
            "name": "Salle Nord (test)",
            "kind": "centre_social",
            "street": "Rue du Nord",
            "postcode": "80080",
            "commune": "Amiens",
            "lat": 49.9134,
            "lon": 2.2980,
        },
        headers=team.headers("adviser"),
    ).json()
    moved = client.patch(
        f"/api/sessions/{session['id']}",
        json={"venue_id": other["id"]},
        headers=team.headers("adviser"),
    )
    assert moved.status_code == 200, moved.text
    later = client.get("/feeds/qpv/QN08001M.ics", headers={"If-Modified-Since": since})
    assert (later.status_code, "BEGIN:VEVENT" in later.text) == (200, False)
    assert later.headers["last-modified"] != since


def test_head_answers_like_get_without_a_body(client: Client, team: Team) -> None:
    """HEAD gets GET's status and headers (length and ETag), and no body."""
    _book(client, team)
    got = client.get("/feeds/qpv/QN08001M.ics")
    head = client.head("/feeds/qpv/QN08001M.ics")
    assert (head.status_code, head.content) == (200, b"")
    assert [head.headers[h] == got.headers[h] for h in ("etag", "content-length")] == [True, True]
    assert client.head("/feeds/qpv/QN99999Z.ics").status_code == 404


def test_head_goes_through_the_access_policy(client: Client, team: Team) -> None:
    """HEAD is answered by the GET route, so by its access: no token, no audit log."""
    assert [
        client.head("/api/audit").status_code,
        client.head("/api/audit", headers=team.headers("admin")).status_code,
        client.head("/feeds/staff/cal_inconnu.ics").status_code,
    ] == [401, 200, 404]


def test_weak_validators_match(client: Client, team: Team) -> None:
    """If-None-Match compares weakly for GET: ``W/"…"`` of the current tag is a 304."""
    _book(client, team)
    etag = client.get("/feeds/qpv/QN08001M.ics").headers["etag"]
    for header in (etag, f"W/{etag}", f'"autre", W/{etag}'):
        answer = client.get("/feeds/qpv/QN08001M.ics", headers={"If-None-Match": header})
        assert (header, answer.status_code, answer.content) == (header, 304, b"")
    assert (
        client.get("/feeds/qpv/QN08001M.ics", headers={"If-None-Match": 'W/"autre"'}).status_code
        == 200
    )


def test_gzip_when_asked(client: Client, team: Team) -> None:
    """A client accepting gzip gets the same calendar compressed, under its own ETag; one
    refusing it (q=0) gets it plain."""
    _book(client, team)
    plain = client.get("/feeds/qpv/QN08001M.ics", headers={"Accept-Encoding": "identity"})
    raw = client.get("/feeds/qpv/QN08001M.ics", headers={"Accept-Encoding": "gzip"}, extensions={})
    assert (raw.headers.get("content-encoding"), raw.headers["vary"]) == ("gzip", "Accept-Encoding")
    assert raw.content == plain.content  # the client decompressed it
    assert raw.headers["etag"] != plain.headers["etag"]
    refused = client.get("/feeds/qpv/QN08001M.ics", headers={"Accept-Encoding": "gzip;q=0"})
    assert ("content-encoding" in refused.headers, refused.content) == (False, plain.content)


def test_private_feed_is_private_to_caches(client: Client, team: Team) -> None:
    """The private feed says ``Cache-Control: private``; public ones do not."""
    session = _book(client, team)
    feeds = _feeds(client, team, session["id"])
    private = client.get(feeds["private"]).headers["cache-control"]
    public = client.get(feeds["qpv"]).headers["cache-control"]
    assert (private.startswith("private"), "private" in public) == (True, False)


def test_cancelled_public_session_stays_readable(client: Client, team: Team) -> None:
    """A cancelled public session's .ics is still served (200, cancelled) to the public."""
    session = _book(client, team)
    cancelled = client.post(
        f"/api/sessions/{session['id']}/cancel",
        json={"reason": "Salle indisponible"},
        headers=team.headers("adviser"),
    )
    assert cancelled.status_code == 200, cancelled.text
    answer = client.get(f"/api/sessions/{session['id']}.ics")
    assert (answer.status_code, "STATUS:CANCELLED" in answer.text) == (200, True)


def test_last_modified_is_an_http_date(client: Client, team: Team) -> None:
    """Last-Modified is an HTTP date in GMT, not in the future."""
    _book(client, team)
    value = client.get("/feeds/qpv/QN08001M.ics").headers["last-modified"]
    moment = parsedate_to_datetime(value)
    assert (value.endswith(" GMT"), moment <= datetime.now(UTC)) == (True, True)


def test_audiences_come_from_one_vocabulary(client: Client, team: Team) -> None:
    """A free tag is refused with the choices; an audience of the vocabulary is booked, shown
    in French in the feed's CATEGORIES, and filters the combined feed."""
    session = _book(client, team)
    refused = client.patch(
        f"/api/sessions/{session['id']}",
        json={"audiences": ["16-25"]},
        headers=team.headers("adviser"),
    )
    assert (refused.status_code, "jeunes-16-25" in refused.text) == (400, True)
    changed = client.patch(
        f"/api/sessions/{session['id']}",
        json={"audiences": ["femmes", "allocataires-rsa"]},
        headers=team.headers("adviser"),
    )
    assert changed.status_code == 200, changed.text
    feed = _unfold(_text(client, "/feeds/qpv/QN08001M.ics"))
    assert "femmes,allocataires du RSA" in feed or "allocataires du RSA,femmes" in feed
    women = _text(client, "/feeds/public.ics?audience=femmes")
    young = _text(client, "/feeds/public.ics?audience=jeunes-16-25")
    assert (women.count("BEGIN:VEVENT"), young.count("BEGIN:VEVENT")) == (1, 0)
    assert client.get("/feeds/public.ics?audience=16-25").status_code == 400
