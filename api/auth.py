"""Who is calling: resolved once per request, before any route reads its parameters or body.

:class:`CallerMiddleware` puts the :class:`~planner.access.Caller` (or ``None`` for anonymous)
in ``scope["user"]``: a bearer token first — a malformed, unknown or revoked one is a 401 — else
the ``staff_id`` of the signed-in browser's server-side session (``scope["session"]``, written at
sign-in; a disabled or deleted staff member counts as signed out). The route guard
(:mod:`api.guards`) then checks the handler's route-level access, and the ``caller`` dependency
reads the same value. What a caller may see or change is decided by :mod:`planner.access`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from planner.access import Caller
from planner.db.tokens import authenticate, staff_caller
from planner.errors import AuthenticationError

SESSION_STAFF_KEY = "staff_id"
"""The key of the server-side session naming the signed-in staff member."""


class CallerMiddleware(AbstractAuthenticationMiddleware):
    """Resolve the caller of every HTTP request into ``scope["user"]`` (``None``: anonymous).

    Must run inside the server-side session middleware, when there is one, so that
    ``scope["session"]`` is loaded.
    """

    def __init__(
        self, app: ASGIApp, *, sessions: async_sessionmaker[AsyncSession], **options: Any
    ) -> None:
        super().__init__(app, **options)
        self.sessions = sessions

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """The caller of ``connection`` and the credential it used."""
        header = connection.headers.get("authorization")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthenticationError(
                    "En-tête Authorization mal formé : « Authorization: Bearer <jeton> » attendu."
                )
            async with self.sessions() as db:
                return AuthenticationResult(user=await authenticate(db, token), auth="bearer")
        staff_id = _session_staff(connection.scope.get("session"))
        if staff_id is None:
            return AuthenticationResult(user=None, auth=None)
        async with self.sessions() as db:
            caller = await staff_caller(db, staff_id)
        return AuthenticationResult(user=caller, auth="session" if caller else None)


def _session_staff(session: object) -> int | None:
    """The staff id a server-side session holds, if it holds a well-formed one."""
    if not isinstance(session, Mapping):
        return None
    value = session.get(SESSION_STAFF_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def provide_caller(request: Request[Any, Any, Any]) -> Caller | None:
    """The caller :class:`CallerMiddleware` resolved (``None``: anonymous)."""
    user = request.scope.get("user")
    return user if isinstance(user, Caller) else None
