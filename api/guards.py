"""Route-level access: every handler declares ``opt={"access": Access.X}``; the guard refuses a
caller below that level before the request's parameters or body are read (Litestar runs guards
before it parses a handler's arguments: ``HTTPRoute.handle`` authorises the connection, then
builds the keyword arguments), so an anonymous or under-privileged caller learns nothing from
validation errors. The app refuses to build when a handler declares no access, and the OpenAPI
document derives each operation's security from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.schemas import LARGEST_ID
from planner.access import Access, Caller, allows, may_change_session
from planner.db.access_sql import load_facts
from planner.errors import AuthenticationError, NotFoundError, PermissionDeniedError

ACCESS_KEY = "access"
SESSION_COOKIE = "allervers_session"
"""The server-side session's cookie (set at sign-in)."""
BEARER = "bearer"
COOKIE = "cookie"
SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    BEARER: SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="av_…",
        description="Jeton d'API : « Authorization: Bearer av_… » (créé sur /api/tokens).",
    ),
    COOKIE: SecurityScheme(
        type="apiKey",
        name=SESSION_COOKIE,
        security_scheme_in="cookie",
        description="Session d'un navigateur connecté (cookie posé à la connexion).",
    ),
}
REFUSALS = {
    Access.STAFF: "Réservé au personnel connecté.",
    Access.BOOKER: "Votre rôle permet de consulter, pas de réserver ni de modifier.",
    Access.PLANNER: "Réservé aux coordinateurs et administrateurs.",
    Access.AUDIT: "Le journal d'audit est réservé aux managers et administrateurs.",
    Access.ADMIN: "Réservé aux administrateurs.",
}


class UndeclaredAccessError(RuntimeError):
    """A route handler declares no ``opt["access"]``: the app is not built."""


AUTOMATIC = frozenset({"options_handler"})
"""Handlers Litestar adds by itself, excluded by name: the answer to ``OPTIONS`` on each path
(which methods it allows), public like any ``Allow`` header."""


def handler_access(handler: BaseRouteHandler) -> Access | None:
    """The access a handler declares, if it declares a valid one."""
    value = handler.opt.get(ACCESS_KEY)
    if isinstance(value, Access):
        return value
    if (
        isinstance(handler, HTTPRouteHandler)
        and handler.handler_name in AUTOMATIC
        and handler.http_methods == {"OPTIONS"}
    ):
        return Access.ANYONE
    return None


def access_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Refuse a caller below the handler's access: 401 anonymous, 403 a role below it."""
    access = handler_access(handler)
    if access is None:  # unreachable once the app is built; refuse rather than allow
        raise PermissionDeniedError("Cette adresse ne déclare pas qui peut l'appeler.")
    if access in (Access.ANYONE, Access.SELF):
        refuse_impossible_ids(connection)
        return
    caller = connection.scope.get("user")
    if not isinstance(caller, Caller):
        raise AuthenticationError(
            "Authentification requise : connectez-vous, ou envoyez votre jeton dans l'en-tête "
            "« Authorization: Bearer … »."
        )
    if not allows(access, caller.role):
        raise PermissionDeniedError(REFUSALS[access])
    refuse_impossible_ids(connection)


def refuse_impossible_ids(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """A number in the path that no row can have (zero, negative, beyond a database integer) is
    a missing id (404), answered before any query: PostgreSQL would refuse the comparison with a
    data error, SQLite would find nothing; both now answer alike."""
    for name, value in connection.path_params.items():
        if isinstance(value, int) and not 1 <= value <= LARGEST_ID:
            raise NotFoundError(f"Aucun élément n° {value} ({name}).")


def route_handlers(app: Litestar) -> Iterable[tuple[str, HTTPRouteHandler]]:
    """Every HTTP route handler of ``app`` with its path."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if isinstance(handler, HTTPRouteHandler):
                yield route.path, handler


def security_for(access: Access) -> list[SecurityRequirement]:
    """An operation's OpenAPI security: none for public routes, else a token or a session."""
    if access in (Access.ANYONE, Access.SELF):
        return []
    return [{BEARER: []}, {COOKIE: []}]


def declare_access(app: Litestar) -> Litestar:
    """Check that every handler of ``app`` declares its access (:class:`UndeclaredAccessError`
    naming those that do not) and give each operation its OpenAPI security."""
    missing = sorted(
        f"{path} ({handler.handler_name})"
        for path, handler in route_handlers(app)
        if handler_access(handler) is None
    )
    if missing:
        raise UndeclaredAccessError(
            'Route handlers without opt={"access": Access.X}: ' + ", ".join(missing)
        )
    for _, handler in route_handlers(app):
        access = handler_access(handler)
        if access is not None:
            handler.security = security_for(access)
    return app


def openapi_components() -> Components:
    """The OpenAPI components declaring the two security schemes."""
    return Components(security_schemes=dict(SECURITY_SCHEMES))


async def session_editor_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Refuse (403) a change to a session the caller may not change, before its body is read
    (the service checks it again in its transaction); an unknown number is left to the handler
    (404)."""
    caller = connection.scope.get("user")
    session_id = connection.path_params.get("session_id")
    if not isinstance(session_id, int):
        return
    sessions: async_sessionmaker[AsyncSession] = connection.app.state["sessions"]
    async with sessions() as db:
        facts = (await load_facts(db, [session_id])).get(session_id)
    if facts is not None and not may_change_session(
        caller if isinstance(caller, Caller) else None, facts
    ):
        raise PermissionDeniedError(
            "Vous ne pouvez réserver ou modifier que les séances de votre organisation ou celles "
            "où vous intervenez."
        )
