"""Registrations through the API: confirmed then waiting, the messages read from a real SMTP
server (the session's .ics attached, the personal link), a cancellation offering the place to
the first person waiting, changes, erasure, and every refusal with nothing stored."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from icalendar import Calendar
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.app import create_app
from api.settings import Settings
from planner.db.engine import create_engine
from planner.db.models import Registration
from tests.conftest import Team
from tests.db import start_now
from tests.factories import book_forum, create_venue
from tests.smtp import Inbox, running_inbox, smtp_settings, wait_for

Client = TestClient  # type: ignore[type-arg]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 and what it received."""
    yield from running_inbox()


@pytest.fixture
def mailing(settings: Settings, inbox: tuple[Inbox, int]) -> Iterator[tuple[Client, Inbox]]:
    """A test client on the app sending its mail to the inbox."""
    handler, port = inbox
    with TestClient(app=create_app(smtp_settings(settings, port))) as client:
        yield client, handler


def _register(client: Client, session_id: int, **fields: Any) -> Any:
    return client.post(
        f"/api/sessions/{session_id}/registrations", json={"consent": True, **fields}
    )


def _secret(answer: Any) -> str:
    return str(answer.json()["link"]).rsplit("/inscriptions/", 1)[1]


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _rows(url: str) -> list[Registration]:
    async def go() -> list[Registration]:
        engine = create_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as s:
                return list((await s.scalars(select(Registration).order_by(Registration.id))).all())
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_places_then_waiting_list_then_an_offer(
    mailing: tuple[Client, Inbox], team: Team, settings: Settings
) -> None:
    """Two places: Amina and Bruno are confirmed (a message each, with the session's .ics and
    their link), Chloé waits; Amina cancels, the place is offered to Chloé by mail; she takes
    it. The session and its feed show the places left at each step."""
    client, inbox = mailing
    venue = create_venue(client, team)
    forum = book_forum(client, team, venue, capacity=2)
    amina = _register(client, forum, first_name="Amina", email="amina@example.org")
    bruno = _register(client, forum, first_name="Bruno", email="bruno@example.org")
    full = client.get(f"/api/sessions/{forum}").json()["places_left"]
    chloe = _register(client, forum, first_name="Chloé", email="chloe@example.org", needs="LSF")
    wait_for(lambda: len(inbox.messages) == 3)
    assert [(a.status_code, a.json()["status"]) for a in (amina, bruno, chloe)] == [
        (201, "confirmed"),
        (201, "confirmed"),
        (201, "waiting"),
    ]
    confirmation = inbox.to("amina@example.org")[0]
    (attachment,) = list(confirmation.iter_attachments())
    event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert (
        full,
        confirmation["Subject"],
        attachment.get_content_type(),
        str(event["URL"]).endswith(f"/seances/{forum}"),
        amina.json()["link"] in _text(confirmation),
        inbox.to("chloe@example.org")[0]["Subject"],
        list(inbox.to("chloe@example.org")[0].iter_attachments()),
    ) == (
        0,
        "Inscription confirmée : Forum des métiers (test)",
        "text/calendar",
        True,
        True,
        "Liste d'attente : Forum des métiers (test)",
        [],
    )
    assert "Sur inscription : complet" in client.get(f"/api/sessions/{forum}.ics").text

    cancelled = client.post(f"/api/registrations/{_secret(amina)}/cancel")
    wait_for(lambda: len(inbox.to("chloe@example.org")) == 2)
    offer = inbox.to("chloe@example.org")[1]
    mine = client.get(f"/api/registrations/{_secret(chloe)}").json()
    taken = client.post(f"/api/registrations/{_secret(chloe)}/accept")
    assert (
        cancelled.json()["status"],
        offer["Subject"],
        chloe.json()["link"] in _text(offer),
        mine["status"],
        mine["offered_until"] is not None,
        taken.status_code,
        taken.json()["status"],
        client.get(f"/api/sessions/{forum}").json()["places_left"],
    ) == (
        "cancelled",
        "Une place pour vous : Forum des métiers (test)",
        True,
        "offered",
        True,
        200,
        "confirmed",
        0,
    )


def test_the_same_contact_twice(
    mailing: tuple[Client, Inbox], team: Team, settings: Settings
) -> None:
    """The same e-mail again adds nothing and sends the link again (the answer shows neither
    status nor link); the same phone again is a 409."""
    client, inbox = mailing
    forum = book_forum(client, team, create_venue(client, team), capacity=10)
    first = _register(client, forum, first_name="Amina", email="amina@example.org")
    again = _register(client, forum, first_name="Autre", email="amina@example.org")
    phone = _register(client, forum, first_name="Bruno", phone="06 12 34 56 78")
    twice = _register(
        client, forum, first_name="Bruno", phone="+33 6 12 34 56 78".replace("+33 ", "0")
    )
    wait_for(lambda: len(inbox.messages) == 2)
    assert (
        again.status_code,
        again.json()["again"],
        "link" in again.json() and again.json()["link"],
        first.json()["link"] in _text(inbox.messages[1]),
        phone.status_code,
        twice.status_code,
        len(_rows(settings.database_url)),
    ) == (200, True, None, True, 201, 409, 2)


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"first_name": " "}, {"first_name", "email"}),
        ({"first_name": "Amina", "email": "pas-une-adresse"}, {"email"}),
        ({"first_name": "Amina", "phone": "12"}, {"phone"}),
        ({"first_name": "Amina", "email": "a@b.fr", "phone": "0612345678"}, {"phone"}),
        ({"first_name": "Amina", "email": "a@b.fr", "consent": False}, {"consent"}),
        ({"first_name": "A" * 61, "email": "a@b.fr"}, {"first_name"}),
    ],
)
def test_a_form_refused_says_why_and_stores_nothing(
    client: Client, team: Team, settings: Settings, fields: dict[str, Any], where: set[str]
) -> None:
    """Each problem by its field, in French; nothing stored."""
    forum = book_forum(client, team, create_venue(client, team), capacity=10)
    answer = _register(client, forum, **fields)
    fields_named = {e["field"] for e in answer.json()["errors"]}
    assert (answer.status_code, fields_named, _rows(settings.database_url)) == (
        422,
        where,
        [],
    )


def test_sessions_that_take_no_registration(client: Client, team: Team) -> None:
    """A forum taking none and a draft refuse registrations (409, 404); a neighbourhood session
    cannot take any (422); a capacity beyond the venue's is a 422."""
    venue = create_venue(client, team)
    walk_in = book_forum(client, team, venue, capacity=10, takes_registrations=False)
    refused = _register(client, walk_in, first_name="Amina", email="a@b.fr")
    evening = client.patch(
        f"/api/sessions/{walk_in}",
        json={"kind": "neighbourhood_session", "takes_registrations": True},
        headers=team.headers("adviser"),
    )
    small = client.patch(
        f"/api/venues/{venue}", json={"capacity": 40}, headers=team.headers("admin")
    )
    too_many = client.patch(
        f"/api/sessions/{walk_in}", json={"capacity": 41}, headers=team.headers("adviser")
    )
    assert (
        refused.status_code,
        "sans inscription" in refused.json()["detail"],
        evening.status_code,
        {e["field"] for e in evening.json()["errors"]},
        small.status_code,
        too_many.status_code,
        too_many.json()["errors"],
    ) == (
        409,
        True,
        422,
        {"takes_registrations"},
        200,
        422,
        [{"field": "capacity", "detail": "le lieu accueille 40 personnes au plus"}],
    )


def test_change_erase_and_who_sees_the_list(client: Client, team: Team, settings: Settings) -> None:
    """The registrant changes their needs, then erases: the link is dead and the row keeps no
    name, contact or needs. Organisers see the list; a manager and other organisations do
    not; no name reaches the public page or feed."""
    venue = create_venue(client, team)
    forum = book_forum(client, team, venue, capacity=10)
    amina = _register(client, forum, first_name="Amina", phone="0611223344")
    bruno = _register(client, forum, first_name="Bruno", phone="0611223355")
    changed = client.patch(f"/api/registrations/{_secret(amina)}", json={"needs": "Fauteuil"})
    listed = client.get(f"/api/sessions/{forum}/registrations", headers=team.headers("adviser"))
    public = client.get(f"/seances/{forum}").text + client.get(f"/api/sessions/{forum}.ics").text
    manager = client.get(f"/api/sessions/{forum}/registrations", headers=team.headers("manager"))
    erased = client.delete(f"/api/registrations/{_secret(bruno)}")
    dead = client.get(f"/api/registrations/{_secret(bruno)}")
    row = _rows(settings.database_url)[1]
    assert (
        changed.json()["needs"],
        [(r["first_name"], r["phone"], r["needs"]) for r in listed.json()],
        "Amina" in public or "0611223344" in public,
        manager.status_code,
        erased.status_code,
        dead.status_code,
        (row.status, row.first_name, row.phone, row.email, row.needs, row.secret),
        row.erased_at is not None,
        client.get(f"/api/sessions/{forum}").json()["places_left"],
    ) == (
        "Fauteuil",
        [("Amina", "0611223344", "Fauteuil"), ("Bruno", "0611223355", None)],
        False,
        403,
        204,
        404,
        ("cancelled", None, None, None, None, None),
        True,
        9,
    )


def test_registrants_are_told_at_once_of_a_cancellation(
    mailing: tuple[Client, Inbox], team: Team
) -> None:
    """Cancelling a forum tells every registrant with an e-mail at once, with the reason (the
    runner is woken by the cancellation: its next look is a minute away)."""
    client, inbox = mailing
    forum = book_forum(client, team, create_venue(client, team), capacity=1)
    _register(client, forum, first_name="Amina", email="amina@example.org")
    _register(client, forum, first_name="Bruno", email="bruno@example.org")
    wait_for(lambda: len(inbox.messages) == 2)
    cancelled = client.post(
        f"/api/sessions/{forum}/cancel",
        json={"reason": "Salle inondée"},
        headers=team.headers("adviser"),
    )
    wait_for(lambda: len(inbox.messages) == 4)
    told = sorted((m["To"], m["Subject"]) for m in inbox.messages[2:])
    assert (cancelled.status_code, told, "Salle inondée" in _text(inbox.messages[3])) == (
        200,
        [
            ("amina@example.org", "Annulation : Forum des métiers (test)"),
            ("bruno@example.org", "Annulation : Forum des métiers (test)"),
        ],
        True,
    )


def test_attendance_and_the_list_for_a_spreadsheet(
    client: Client, team: Team, settings: Settings
) -> None:
    """Attendance is marked once the session has started (409 before), only on the session's
    registrations (422, nothing marked); the CSV neutralises formulas in names."""
    forum = book_forum(client, team, create_venue(client, team), capacity=10)
    formula = _register(client, forum, first_name="=HYPERLINK(1)", phone="0611223344")
    number = client.get(
        f"/api/sessions/{forum}/registrations", headers=team.headers("adviser")
    ).json()[0]["id"]
    early = client.put(
        f"/api/sessions/{forum}/attendance",
        json={"marks": [{"registration_id": number, "attendance": "present"}]},
        headers=team.headers("adviser"),
    )
    start_now(settings.database_url, forum)
    wrong = client.put(
        f"/api/sessions/{forum}/attendance",
        json={"marks": [{"registration_id": number + 1, "attendance": "present"}]},
        headers=team.headers("adviser"),
    )
    marked = client.put(
        f"/api/sessions/{forum}/attendance",
        json={"marks": [{"registration_id": number, "attendance": "present"}]},
        headers=team.headers("adviser"),
    )
    table = client.get(f"/api/sessions/{forum}/registrations.csv", headers=team.headers("adviser"))
    lines = table.content.decode("utf-8-sig").splitlines()
    assert (formula.status_code, early.status_code, wrong.status_code) == (201, 409, 422)
    assert [r["attendance"] for r in marked.json()] == ["present"]
    assert lines[1].split(";") == [
        "'=HYPERLINK(1)",
        "",
        "0611223344",
        "",
        "inscription confirmée",
        lines[1].split(";")[5],
        "présent(e)",
    ]


def test_a_link_no_secret_can_be_is_not_found(client: Client) -> None:
    """A NUL, a space or a slash-free oddity in a personal link is a 404, never a query (on
    PostgreSQL a NUL in a query is an error)."""
    answers = [
        client.get(path).status_code
        for path in (
            "/api/registrations/abc%00def",
            "/api/registrations/a%20b",
            "/inscriptions/abc%00def",
            "/api/registrations/" + "a" * 65,
        )
    ]
    assert answers == [404, 404, 404, 404]
