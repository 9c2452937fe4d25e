"""``allervers serve --workers 4`` on PostgreSQL: what one worker changes, another serves at
once — a booking through one worker is in the feed read through another that had just served
it (the feed caches agree across processes)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.pages.test_signin import csrf
from tests.conftest import Team, serve
from tests.factories import create_venue, evening

FEED = "/feeds/qpv/QN08001M.ics"


@pytest.fixture
def four_workers(backend: str, database_url: str, team: Team) -> Iterator[str]:
    """Four worker processes on the test's PostgreSQL database (SQLite: skipped)."""
    if backend != "postgresql":
        pytest.skip("plusieurs processus : PostgreSQL")
    yield from serve(database_url, workers=4)


def _clients_on_two_workers(base: str) -> tuple[httpx.Client, httpx.Client]:
    """Two kept-alive connections answered by two different worker processes."""
    clients: dict[int, httpx.Client] = {}
    for _ in range(40):
        client = httpx.Client(base_url=base, timeout=10)
        process = client.get("/health").json()["process"]
        if process in clients or len(clients) == 2:
            client.close()
        else:
            clients[process] = client
        if len(clients) == 2:
            break
    assert len(clients) == 2, "deux processus différents n'ont pas répondu"
    first, second = clients.values()
    return first, second


def _process(client: httpx.Client) -> int:
    return int(client.get("/health").json()["process"])


def _book(client: httpx.Client, team: Team, venue: int, days: int) -> None:
    start, end = evening(days)
    booked = client.post(
        "/api/sessions",
        json={
            "kind": "neighbourhood_session",
            "title": "Permanence (plusieurs processus)",
            "start": start,
            "end": end,
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser, team.partner],
            "publish": True,
        },
        headers=team.headers("adviser"),
    )
    assert booked.status_code == 201, booked.text


def test_a_booking_through_one_worker_is_in_the_feed_of_another(
    four_workers: str, team: Team
) -> None:
    """The second worker serves Etouvie's feed (and remembers it); the first books and
    publishes a session there; the second's very next answer holds it, and a HEAD too.

    A kept-alive connection may be closed by the server between two requests (the next one
    then answered by any worker, or lost): an attempt counts only when each side's process is
    the same before and after, and the two differ; a few attempts are allowed for that."""
    with httpx.Client(base_url=four_workers, timeout=10) as client:
        venue = create_venue(client, team, "Salle Vauban (test)")
    seen = []
    for attempt in range(5):
        booker, reader = _clients_on_two_workers(four_workers)
        try:
            read_by = _process(reader)
            before = reader.get(FEED)
            _book(booker, team, venue, days=20 + 7 * attempt)
            booked_by = _process(booker)
            after = reader.get(FEED)
            head = reader.head(FEED)
            read_again_by = _process(reader)
        except httpx.TransportError:  # a kept-alive connection closed by the server: again
            continue
        finally:
            booker.close()
            reader.close()
        if read_by == read_again_by != booked_by:
            seen.append(
                (
                    after.text.count("BEGIN:VEVENT") - before.text.count("BEGIN:VEVENT"),
                    after.headers["etag"] != before.headers["etag"],
                    head.headers["etag"] == after.headers["etag"],
                )
            )
            break
    assert seen == [(1, True, True)]


def test_a_form_from_one_worker_posts_to_another(four_workers: str) -> None:
    """The sign-in form served by one worker is accepted by another (they share the key of
    the anti-CSRF tokens): a wrong password is answered as such, not refused as forged."""
    first, second = _clients_on_two_workers(four_workers)
    try:
        form = first.get("/connexion")
        second.cookies = first.cookies
        answer = second.post(
            "/connexion",
            data={
                "_csrf_token": csrf(form.text),
                "email": "personne@test.invalid",
                "password": "pas le bon mot de passe",
            },
        )
    finally:
        first.close()
        second.close()
    assert (answer.status_code, "Adresse e-mail ou mot de passe incorrect" in answer.text) == (
        401,
        True,
    )
