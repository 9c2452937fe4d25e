"""Waking the job runner when a transaction that gave it work commits (mail queued, a session
with registrants moved or cancelled), so it acts at once instead of at its next look.

A service's sessions hold the runner's callable in their ``info`` under :data:`WAKER`; a
service marks its session with :func:`wake_after_commit`; the SQLAlchemy ``after_commit`` hook
calls the waker once the transaction has committed (never for one rolled back).
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

WAKER = "allervers.waker"
"""Key, in a session's ``info``, of the callable that wakes the job runner."""
_DUE = "allervers.wake_due"


def wake_after_commit(session: AsyncSession) -> None:
    """Wake the runner once this session's transaction commits."""
    session.info[_DUE] = True


@event.listens_for(Session, "after_commit")
def _wake(session: Session) -> None:
    if session.info.pop(_DUE, False) and (waker := session.info.get(WAKER)) is not None:
        waker()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_DUE, None)
