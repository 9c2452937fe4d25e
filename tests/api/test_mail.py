"""Outgoing mail through a real SMTP server (aiosmtpd on 127.0.0.1), the .eml fallback, and
retries when the server fails — the request that queued the mail never waits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.app import create_app
from api.mail import scrubbed
from api.settings import Settings
from planner.db.engine import create_engine
from planner.db.models import OutboxMail
from tests.conftest import Team
from tests.smtp import Inbox, free_port, running_inbox, smtp_settings, wait_for


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 and what it received."""
    yield from running_inbox()


def _invite(client: TestClient, team: Team, staff_id: int) -> tuple[int, float]:  # type: ignore[type-arg]
    started = time.monotonic()
    response = client.post(f"/api/staff/{staff_id}/invitation", headers=team.headers("admin"))
    return response.status_code, time.monotonic() - started


def _outbox(url: str) -> list[tuple[str, int, bool, bool]]:
    async def go() -> list[tuple[str, int, bool, bool]]:
        engine = create_engine(url)
        try:
            async with async_sessionmaker(engine)() as s:
                rows = (await s.scalars(select(OutboxMail).order_by(OutboxMail.id))).all()
                return [
                    (r.recipient, r.attempts, r.sent_at is not None, r.last_error is not None)
                    for r in rows
                ]
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_invitation_reaches_the_smtp_server(
    settings: Settings, team: Team, inbox: tuple[Inbox, int]
) -> None:
    """The invitation arrives in French, text and HTML, From the configured sender, with the
    link to the invitation page; the outbox records it sent after one attempt."""
    handler, port = inbox
    with TestClient(app=create_app(smtp_settings(settings, port))) as client:
        status, _ = _invite(client, team, team.adviser)
        wait_for(lambda: len(handler.messages) == 1)
        wait_for(lambda: _outbox(settings.database_url)[0][2])
    message = handler.messages[0]
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    body = str(text.get_content())
    link = body.split("https://allervers.example/invitation/")[1].split()[0]
    assert (status, message["Subject"], message["From"], message["To"]) == (
        202,
        "Invitation à allervers : choisissez votre mot de passe",
        "allervers <ne-pas-repondre@test.invalid>",
        "adviser@test.invalid",
    )
    assert (len(link), f"/invitation/{link}" in str(html.get_content())) == (43, True)
    assert _outbox(settings.database_url) == [("adviser@test.invalid", 1, True, False)]


@pytest.mark.parametrize("reply", ["451 4.3.0 Essayez plus tard", None])
def test_failing_server_keeps_the_message_for_later(
    settings: Settings, team: Team, reply: str | None
) -> None:
    """A server answering 4xx, or none listening, neither blocks the request nor loses the
    message: it stays queued with its attempt and error, and the runner's next look sends it
    once the server is back and the retry is due."""
    port = free_port()
    handler = Inbox()
    with TestClient(app=create_app(smtp_settings(settings, port, poll=1.0))) as client:
        controller = None
        if reply:
            controller = Controller(Inbox(reply), hostname="127.0.0.1", port=port)
            controller.start()
        try:
            status, took = _invite(client, team, team.adviser)
            wait_for(lambda: _outbox(settings.database_url)[0][1] >= 1)
        finally:
            if controller:
                controller.stop()
        kept = _outbox(settings.database_url)
        good = Controller(handler, hostname="127.0.0.1", port=port)
        good.start()
        try:
            _force_due(settings.database_url)
            wait_for(lambda: len(handler.messages) == 1)
        finally:
            good.stop()
    assert (status, took < 2.0) == (202, True)
    assert kept == [("adviser@test.invalid", 1, False, True)]
    assert handler.messages[0]["To"] == "adviser@test.invalid"


def test_mail_left_unsent_goes_when_the_service_starts(
    settings: Settings, team: Team, inbox: tuple[Inbox, int]
) -> None:
    """Mail queued where no runner was told (a command, a stopped service) is sent when the
    service starts, without waiting for a look."""
    handler, port = inbox
    closed = free_port()
    with TestClient(app=create_app(smtp_settings(settings, closed))) as client:
        _invite(client, team, team.manager)
        wait_for(lambda: _outbox(settings.database_url)[0][1] >= 1)
    _force_due(settings.database_url)
    with TestClient(app=create_app(smtp_settings(settings, port))):
        wait_for(lambda: len(handler.messages) == 1)
    assert _outbox(settings.database_url) == [("manager@test.invalid", 2, True, False)]


def _force_due(url: str) -> None:
    """Make the retry due now (instead of waiting the 30 s backoff)."""

    async def go() -> None:
        engine = create_engine(url)
        try:
            async with async_sessionmaker(engine)() as s, s.begin():
                for row in (await s.scalars(select(OutboxMail))).all():
                    row.next_attempt_at = row.created_at
        finally:
            await engine.dispose()

    asyncio.run(go())


def test_without_smtp_host_mail_is_written_as_eml(settings: Settings, team: Team) -> None:
    """With no SMTP host the message is a .eml file under the outbox directory; a second
    message goes as soon as its request commits (the runner is told: its next look is a
    minute away)."""
    local = Settings(
        database_url=settings.database_url, outbox_dir=settings.outbox_dir, mail_poll_seconds=60
    )
    folder = Path(settings.outbox_dir)
    with TestClient(app=create_app(local)) as client:
        status, _ = _invite(client, team, team.manager)
        wait_for(lambda: folder.exists() and len(list(folder.glob("*.eml"))) == 1)
        _invite(client, team, team.adviser)
        wait_for(lambda: len(list(folder.glob("*.eml"))) == 2, seconds=20)
    path = folder / "000001.eml"
    message = message_from_bytes(path.read_bytes(), _class=EmailMessage, policy=policy.default)
    assert (status, path.name, message["To"], message["Subject"], message["From"]) == (
        202,
        "000001.eml",
        "manager@test.invalid",
        "Invitation à allervers : choisissez votre mot de passe",
        "allervers <ne-pas-repondre@allervers.invalid>",
    )


def test_a_refused_address_never_reaches_the_log() -> None:
    """A server's refusal quoting the recipient is logged without the address."""
    refused = aiosmtplib.SMTPRecipientsRefused(
        [aiosmtplib.SMTPRecipientRefused(550, "no such user", "amina@example.org")]
    )
    assert "amina@example.org" not in scrubbed(refused)
    assert scrubbed(OSError("connexion refusée")) == "OSError: connexion refusée"
