"""The feed caches' two hooks into the ASGI app: public feeds checked moments ago answered
before any route (the warm path of ``bench/feeds.py``), and every feed checked again once a
write went through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from api.browser import SESSION_COOKIE
from api.feeds.conditional import answer
from api.feeds.service import FeedService
from api.single_flight import SingleFlight

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def feed_address(scope: Scope) -> str:
    """The cache key of a feed request: its path and query string."""
    return f"{scope['path']}?{scope.get('query_string', b'').decode('latin-1')}"


def feed_cache(feeds: FeedService) -> Callable[[ASGIApp], ASGIApp]:
    """Middleware answering feeds checked moments ago straight from the cache, before the
    browser session, the caller and the route's dependencies: the warm path of
    ``bench/feeds.py`` (private feeds too, marked ``Cache-Control: private``). A request
    carrying credentials (a bearer token, a browser session) takes the whole path instead,
    so that a revoked token is a 401 here as everywhere. When a feed must be checked again,
    one request checks it and those asking for the same feed meanwhile wait for it."""

    flights = SingleFlight()

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if (
                scope["type"] != ScopeType.HTTP
                or scope.get("method") != "GET"
                or not scope["path"].startswith("/feeds/")
                or _credentials(scope)
            ):
                await app(scope, receive, send)
                return
            address = feed_address(scope)
            if await _recent(feeds, address, scope, send):
                return
            if not await flights.lead(address):  # another request checked it meanwhile
                if not await _recent(feeds, address, scope, send):
                    await app(scope, receive, send)
                return
            try:
                await app(scope, receive, send)
            finally:
                flights.done(address)

        return middleware

    return wrap


def _credentials(scope: Scope) -> bool:
    """Whether the request carries a bearer token or a browser session (calendar apps carry
    neither; a CSRF cookie alone is no credential)."""
    session = SESSION_COOKIE.encode() + b"="
    for name, value in scope["headers"]:
        if name == b"authorization" or (name == b"cookie" and session in value):
            return True
    return False


async def _recent(feeds: FeedService, address: str, scope: Scope, send: Send) -> bool:
    """Answer with the feed checked moments ago at ``address``, if there is one."""
    feed = feeds.recent(address)
    if feed is None:
        return False
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    status, answer_headers, body = answer(
        feed,
        max_age=feeds.max_age,
        if_none_match=headers.get("if-none-match"),
        if_modified_since=headers.get("if-modified-since"),
        accept_encoding=headers.get("accept-encoding"),
        private=scope["path"].startswith("/feeds/staff/"),
    )
    answer_headers["content-length"] = str(len(body))
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [(k.encode(), v.encode()) for k, v in answer_headers.items()],
    }
    await send(start)
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(end)
    return True


def forget_feeds_after_writes(feeds: FeedService) -> Callable[[Message, Scope], Awaitable[None]]:
    """Before a write's answer's last part leaves — after its transaction was committed (at
    the answer's start) — feeds are told, in every worker, to check their version again, so
    the client that changed a session sees it in the next feed it fetches, whichever worker
    answers."""

    async def before_send(message: Message, scope: Scope) -> None:
        if (
            message["type"] == "http.response.body"
            and not message.get("more_body", False)
            and scope.get("method") in WRITES
        ):
            feeds.forget()

    return before_send
