"""The mail sender: delivers what :mod:`planner.db.outbox` holds, after the requests commit.

:meth:`MailSender.flush` claims the due messages, delivers them and records the outcome. The job
runner (:mod:`api.jobs`) runs it: told as soon as a transaction that queued mail commits, and
again every ``ALLERVERS_MAIL_POLL_SECONDS`` for the retries (a procrastinate task and a periodic
one on PostgreSQL, the embedded runner on SQLite); ``allervers send-mail`` runs it once. A
request never waits for a mail server.

Delivery goes through aiosmtplib (an asyncio SMTP client, maintained, STARTTLS and
authentication included), so a slow server holds no thread; the stdlib ``smtplib`` in a worker
thread would do the same job but ties a thread per exchange and needs its own timeout plumbing.
Without ``ALLERVERS_SMTP_HOST``, messages are written as ``.eml`` files under
``ALLERVERS_OUTBOX_DIR`` (any mail client opens them), so a newcomer reads invitations locally.
A failing attempt (refused connection, 4xx/5xx, timeout) keeps the message with its attempt
count and error; it is retried later with a growing delay.
"""

from __future__ import annotations

import asyncio
import logging
import re
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from api.settings import Settings
from planner.clock import Clock, system_clock
from planner.db import outbox

logger = logging.getLogger("allervers.mail")


ADDRESS = re.compile(r"[^\s<>\"',;:()]+@[^\s<>\"',;:()]+")


def scrubbed(error: BaseException) -> str:
    """An SMTP error as the log may show it: without the e-mail addresses servers quote
    (a resident's address never reaches a log; the outbox row keeps the whole error)."""
    return ADDRESS.sub("<adresse>", f"{type(error).__name__}: {error}")


class MailSender:
    """Sends the outbox's due messages by SMTP, or writes them to the outbox directory."""

    def __init__(self, settings: Settings, engine: AsyncEngine, *, clock: Clock = system_clock):
        self.settings = settings
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.clock = clock
        self._task: asyncio.Task[None] | None = None

    @property
    def outbox_dir(self) -> Path | None:
        """Where messages are written, or ``None`` when they go to an SMTP server."""
        return None if self.settings.smtp_host else Path(self.settings.outbox_dir)

    async def deliver(self, mail_id: int, message: EmailMessage) -> None:
        """Hand one message to the SMTP server, or write it as ``<id>.eml``."""
        settings = self.settings
        if "From" not in message:
            message["From"] = settings.smtp_from
        folder = self.outbox_dir
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{mail_id:06d}.eml"
            await asyncio.to_thread(path.write_bytes, message.as_bytes(policy=policy.SMTP))
            return
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_starttls,
            use_tls=settings.smtp_port == 465 and not settings.smtp_starttls,
            timeout=settings.smtp_timeout,
        )

    async def flush(self) -> tuple[int, int]:
        """Try every due message once; return (sent, failed)."""
        sent = failed = 0
        async with self.sessions() as session:
            due = await outbox.due_mail_ids(session, now=self.clock())
        for mail_id in due:
            async with self.sessions.begin() as session:
                row = await outbox.claim_mail(session, mail_id, now=self.clock())
                text = None if row is None else row.message
            if text is None:
                continue
            message = message_from_string(text, _class=EmailMessage, policy=policy.default)
            try:
                await self.deliver(mail_id, message)
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                failed += 1
                logger.warning("envoi du message n° %s échoué : %s", mail_id, scrubbed(exc))
                async with self.sessions.begin() as session:
                    await outbox.record_failure(
                        session, mail_id, f"{type(exc).__name__}: {exc}", now=self.clock()
                    )
                continue
            sent += 1
            async with self.sessions.begin() as session:
                await outbox.record_sent(session, mail_id, now=self.clock())
        return sent, failed
