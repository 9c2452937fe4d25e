"""A real SMTP server on 127.0.0.1 (aiosmtpd) for tests that read the mail the service sends,
and the settings that send to it."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from api.settings import Settings


class Inbox:
    """An aiosmtpd handler keeping what it receives, or answering ``reply`` to DATA."""

    def __init__(self, reply: str | None = None) -> None:
        self.reply = reply
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Keep the message (or refuse it with ``reply``)."""
        if self.reply:
            return self.reply
        parsed = message_from_bytes(envelope.content, _class=EmailMessage, policy=policy.default)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, recipient: str) -> list[EmailMessage]:
        """The messages received for ``recipient``, in order."""
        return [m for m in self.messages if m["To"] == recipient]


def free_port() -> int:
    """A TCP port nobody listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def running_inbox() -> Iterator[tuple[Inbox, int]]:
    """Body of a fixture: a real SMTP server on 127.0.0.1 and what it received."""
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def smtp_settings(settings: Settings, port: int, *, poll: float = 60.0) -> Settings:
    """``settings`` sending to ``port``; the runner looks for retries every ``poll`` seconds
    (new mail must go at once, without waiting for a look)."""
    return Settings(
        database_url=settings.database_url,
        outbox_dir=settings.outbox_dir,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="allervers <ne-pas-repondre@test.invalid>",
        smtp_timeout=2.0,
        mail_poll_seconds=poll,
        public_url="https://allervers.example",
    )


def wait_for(condition: Any, seconds: float = 10.0) -> None:
    """Wait until ``condition()`` holds (failing after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "délai dépassé"
        time.sleep(0.05)
