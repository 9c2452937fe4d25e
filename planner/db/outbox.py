"""The mail outbox: messages are stored in the caller's transaction and sent after commit.

:func:`queue_mail` adds the rendered message to the database within the current transaction,
so a message exists only if the change that caused it commits. A sender (``api/mail.py``)
claims due messages (a short lease, so two workers never send the same one), delivers them and
records the outcome; a failed attempt keeps the message with its error, to be retried later
with an exponential backoff. Nothing is ever deleted here: a sent message keeps ``sent_at``.
Queuing mail wakes the job runner once the transaction commits (:mod:`planner.db.wake`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db.models import OutboxMail
from planner.db.wake import wake_after_commit
from planner.messages import Mail, render

CLAIM_LEASE = timedelta(minutes=5)
"""A claimed message is not handed to another sender for this long (the sending worker died?)."""
FIRST_RETRY = timedelta(seconds=30)
"""Wait after the first failed attempt; doubled after each further failure…"""
LONGEST_RETRY = timedelta(hours=1)
"""…up to this."""


async def queue_mail(session: AsyncSession, mail: Mail, *, now: datetime) -> OutboxMail:
    """Store ``mail`` to be sent once the caller's transaction commits (the ``From`` header is
    the sender's: it is added when the message is sent)."""
    row = OutboxMail(
        recipient=mail.recipient,
        subject=mail.subject,
        message=render(mail, now=now).as_string(),
        created_at=now,
        next_attempt_at=now,
        attempts=0,
    )
    session.add(row)
    await session.flush()
    wake_after_commit(session)
    return row


async def due_mail_ids(session: AsyncSession, *, now: datetime, limit: int = 20) -> Sequence[int]:
    """Unsent messages whose next attempt is due, oldest first."""
    query = (
        select(OutboxMail.id)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def claim_mail(session: AsyncSession, mail_id: int, *, now: datetime) -> OutboxMail | None:
    """Take a due message for sending (pushing its next attempt one lease away), or ``None``
    when another sender took it first."""
    claimed = await session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.sent_at.is_(None),
            OutboxMail.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return None
    return await session.get(OutboxMail, mail_id, populate_existing=True)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (30 s, 1 min, 2 min… ≤ 1 h)."""
    delay: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY)


async def record_sent(session: AsyncSession, mail_id: int, *, now: datetime) -> None:
    """The message was handed to the mail server (or written to the outbox directory)."""
    row = await session.get(OutboxMail, mail_id)
    if row is not None:
        row.attempts += 1
        row.sent_at = now
        row.last_error = None


async def record_failure(session: AsyncSession, mail_id: int, error: str, *, now: datetime) -> None:
    """An attempt failed: keep the message, its attempt count and error, and retry later."""
    row = await session.get(OutboxMail, mail_id)
    if row is not None:
        row.attempts += 1
        row.last_error = error[:2000]
        row.next_attempt_at = now + retry_delay(row.attempts)


async def unsent_mail(session: AsyncSession) -> bool:
    """Whether some message is still to be sent (due now or later)."""
    query = select(OutboxMail.id).where(OutboxMail.sent_at.is_(None)).limit(1)
    return (await session.scalar(query)) is not None
