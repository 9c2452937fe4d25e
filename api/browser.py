"""What a signed-in browser needs: its server-side session and protection against CSRF.

Sessions live in the database (table ``web_session``) through advanced-alchemy's
``SQLAlchemyAsyncSessionBackend`` for Litestar, so every worker sees the same sessions; the
cookie ``allervers_session`` is ``HttpOnly``, ``SameSite=Lax``, and ``Secure`` when the public
URL is https. The session holds ``{"staff_id": int, "auth_epoch": str}`` only.

Every unsafe request needs Litestar's anti-CSRF token (a hidden field of each form, or the
``X-CSRFToken`` header), except those no other site can make a browser send with the
person's credentials: requests carrying ``Authorization: Bearer`` (a browser never adds it by
itself), and API requests without the session cookie (they carry no ambient credential; with
``SameSite=Lax`` a cross-site POST never carries the cookie anyway) — so scripts and
anonymous API calls keep their plain 401/403 answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from advanced_alchemy.extensions.litestar.session import (
    SessionModelMixin,
    SQLAlchemyAsyncSessionBackend,
)
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, Headers, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.middleware.session import SessionMiddleware
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.types import Empty, Message, Receive, Scope, Send
from litestar.utils.dataclass import extract_dataclass_items
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.settings import Settings
from planner.db.models import WebSession

SESSION_COOKIE = "allervers_session"
CSRF_COOKIE = "allervers_csrf"
CSRF_HEADER = "x-csrftoken"


LOADED = "allervers.session_loaded"
"""Where the session data a request started with is kept in its scope."""


class DatabaseSessionBackend(SQLAlchemyAsyncSessionBackend):
    """advanced-alchemy's backend (its configuration, model shape and serialisation), reading
    and writing through the request's own database session instead of a second connection:
    on SQLite a second connection writing while the request's transaction is open waits for
    it, and the request waits for the session to be written (a lock-up); through the request's
    session, the change is committed with the request's own changes by the plugin's
    ``autocommit`` (2xx/3xx answers only).

    Litestar's ``store_in_message`` would also write a row and set a cookie for every anonymous
    or bearer request: here a session is written only when its data changed, under a new id
    when a person signs in (an id planted before sign-in never becomes theirs), and deleted
    with its cookie when emptied. Its expiry is pushed back once half of it has passed."""

    def _db(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AsyncSession:
        return self.alchemy.provide_session(connection.app.state, connection.scope)

    def _cookie_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
        value = connection.cookies.get(self.config.key)
        return None if value in (None, "", "null") else str(value)[:255]

    async def load_from_connection(self, connection: ASGIConnection[Any, Any, Any, Any]) -> Any:
        """The session data of the cookie's id (empty when absent or expired)."""
        scope = cast("dict[str, Any]", connection.scope)
        scope[LOADED] = {}
        session_id = self._cookie_id(connection)
        if session_id is None:
            return {}
        row = await self._db(connection).scalar(
            select(WebSession).where(WebSession.session_id == session_id)
        )
        now, max_age = datetime.now(UTC), timedelta(seconds=self.config.max_age)
        if row is None or row.expires_at <= now:
            return {}
        if row.expires_at - now < max_age / 2:
            row.expires_at = now + max_age
        data = self.deserialize_data(row.data)
        scope[LOADED] = dict(data)
        return data

    async def store_in_message(
        self, scope_session: Any, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        """Write, rotate or delete the session and its cookie as described above."""
        headers = MutableScopeHeaders.from_message(message)
        params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        cookie_id = self._cookie_id(connection)
        loaded = cast("dict[str, Any]", connection.scope).get(LOADED) or {}
        if not scope_session or scope_session is Empty:
            if cookie_id:
                await self._db(connection).execute(
                    delete(WebSession).where(WebSession.session_id == cookie_id)
                )
                cookie = Cookie(value="null", key=self.config.key, expires=0, **params)
                headers.add("Set-Cookie", cookie.to_header(header=""))
            return
        if cookie_id and scope_session == loaded:
            return
        db = self._db(connection)
        if cookie_id and loaded.get("staff_id") != scope_session.get("staff_id"):
            await db.execute(delete(WebSession).where(WebSession.session_id == cookie_id))
            cookie_id = None
        session_id = cookie_id or self.generate_session_id()
        expires_at = datetime.now(UTC) + timedelta(seconds=self.config.max_age)
        data = self.serialize_data(scope_session, connection.scope)
        row = await db.scalar(select(WebSession).where(WebSession.session_id == session_id))
        if row is None:
            db.add(WebSession(session_id=session_id, data=data, expires_at=expires_at))
        else:
            row.data, row.expires_at = data, expires_at
        await db.flush()
        cookie = Cookie(value=session_id, key=self.config.key, **params)
        headers.add("Set-Cookie", cookie.to_header(header=""))


def session_middleware(settings: Settings, database: SQLAlchemyAsyncConfig) -> DefineMiddleware:
    """The session middleware over the database-backed store."""
    config = ServerSideSessionConfig(
        key=SESSION_COOKIE,
        max_age=settings.session_hours * 3600,
        secure=settings.https,
        httponly=True,
        samesite="lax",
    )
    backend = DatabaseSessionBackend(
        config=config,
        alchemy_config=database,
        model=cast("type[SessionModelMixin]", WebSession),  # same columns, our own metadata
    )
    return DefineMiddleware(SessionMiddleware, backend=backend)


def csrf_config(settings: Settings) -> CSRFConfig:
    """Litestar's double-submit CSRF token, signed with ``ALLERVERS_SECRET_KEY``."""
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_secure=settings.https,
        cookie_httponly=True,
        cookie_samesite="lax",
    )


def not_forgeable(scope: Scope) -> bool:
    """Whether the request cannot be a cross-site forgery (see the module's docstring)."""
    headers = Headers.from_scope(scope)
    scheme, _, _ = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return True
    cookies = headers.get("cookie", "")
    has_session = any(part.strip().startswith(f"{SESSION_COOKIE}=") for part in cookies.split(";"))
    return str(scope.get("path", "")).startswith("/api/") and not has_session


class BrowserCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF middleware, skipped for requests that cannot be forged."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the token unless the request is not forgeable."""
        if scope["type"] == ScopeType.HTTP and not_forgeable(scope):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def csrf_middleware(settings: Settings) -> DefineMiddleware:
    """The CSRF middleware for ``settings``."""
    return DefineMiddleware(BrowserCSRFMiddleware, config=csrf_config(settings))


def session_of(scope: Scope) -> dict[str, Any]:
    """The request's session data (empty without one)."""
    data = scope.get("session")
    return data if isinstance(data, dict) else {}
