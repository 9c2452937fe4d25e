"""``HEAD`` answered like ``GET`` without a body (RFC 9110 §9.3.2): the request goes through
routing and every layer — access policy included — as a GET; its status and headers,
Content-Length and ETag included, go back, and its body does not. It wraps the application's
handler before routing (Litestar's middleware runs after a route is chosen, and no GET route
takes HEAD); the access log still says HEAD (:data:`HEAD`)."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEAD = "allervers.head"
"""Scope key marking a HEAD request answered as a GET."""


def head_as_get(app: ASGIApp) -> ASGIApp:
    """Middleware answering ``HEAD`` through the ``GET`` route of the same address."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope.get("method") != "HEAD":
            await app(scope, receive, send)
            return
        body_sent = False

        async def without_body(message: Message) -> None:
            nonlocal body_sent
            if message["type"] == "http.response.start":
                # the server reads the method of this same scope to accept a HEAD answer's
                # Content-Length without its body: it is HEAD again from here on
                scope["method"] = "HEAD"
            if message["type"] == "http.response.body":
                if body_sent:
                    return
                body_sent = not message.get("more_body", False)
                if not body_sent:
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # the same scope, changed in place: hooks holding it (the database session's closing,
        # bound to it before this wrapper) must find what the route stored in it
        scope["method"] = "GET"
        scope[HEAD] = True  # type: ignore[literal-required]
        await app(scope, receive, without_body)

    return middleware
