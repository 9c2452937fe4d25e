"""Who is calling: resolved once per request, before any route reads its parameters or body.

:class:`CallerMiddleware` puts the :class:`~planner.access.Caller` (or ``None`` for anonymous)
in ``scope["user"]``: a bearer token first — a malformed, unknown or revoked one is a 401 — else
the ``staff_id`` of the signed-in browser's server-side session (``scope["session"]``, written at
sign-in; a disabled or deleted staff member counts as signed out). The route guard
(:mod:`api.guards`) then checks the handler's route-level access, and the ``caller`` dependency
reads the same value. What a caller may see or change is decided by :mod:`planner.access`.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from planner.access import Caller
from planner.db.accounts import signed_in_staff
from planner.db.tokens import authenticate, caller_of
from planner.errors import AuthenticationError


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
        data = connection.scope.get("session")
        if not data:
            return AuthenticationResult(user=None, auth=None)
        async with self.sessions() as db:
            staff = await signed_in_staff(db, data)
            caller = None if staff is None else caller_of(staff)
        return AuthenticationResult(user=caller, auth="session" if caller else None)


def provide_caller(request: Request[Any, Any, Any]) -> Caller | None:
    """The caller :class:`CallerMiddleware` resolved (``None``: anonymous)."""
    user = request.scope.get("user")
    return user if isinstance(user, Caller) else None
