"""Sign-in and mail tables: one-time links, failed sign-ins, browser sessions, the mail outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import ColumnElement

from planner.db.models.base import Base


class SignInLink(Base):
    """A one-time link (invitation or password reset): only the SHA-256 of its secret is kept."""

    __tablename__ = "sign_in_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    """``invitation`` or ``reset``."""
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class SignInFailure(Base):
    """A failed sign-in: the e-mail tried and the client address, to throttle guessing."""

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)


class OutboxMail(Base):
    """A message waiting to be sent (or sent): the whole RFC 5322 message, its attempts."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    """The message as sent (headers and MIME parts), built by :mod:`planner.messages`."""
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), index=True)


class WebSession(Base):
    """A signed-in browser's server-side session, in the shape advanced-alchemy's
    ``SQLAlchemyAsyncSessionBackend`` reads and writes (session id, serialized data, expiry),
    kept in our own metadata so that Alembic owns its table like every other."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)

    @hybrid_property
    def is_expired(self) -> bool:
        """Whether the session has expired (the backend reads it when loading a session)."""
        return datetime.now(UTC) > self.expires_at

    @is_expired.inplace.expression
    @classmethod
    def _is_expired_expression(cls) -> ColumnElement[bool]:
        return func.now() > cls.expires_at
