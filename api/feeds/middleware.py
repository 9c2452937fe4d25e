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

from api.feeds.conditional import answer
from api.feeds.service import FeedService

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def feed_address(scope: Scope) -> str:
    """The cache key of a feed request: its path and query string."""
    return f"{scope['path']}?{scope.get('query_string', b'').decode('latin-1')}"


def feed_cache(feeds: FeedService) -> Callable[[ASGIApp], ASGIApp]:
    """Middleware answering feeds checked moments ago straight from the cache, before the
    route's dependencies and the database: the warm path of ``bench/feeds.py`` (private feeds
    too, marked ``Cache-Control: private``)."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if (
                scope["type"] == ScopeType.HTTP
                and scope.get("method") == "GET"
                and scope["path"].startswith("/feeds/")
                and (feed := feeds.recent(feed_address(scope))) is not None
            ):
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
                end: HTTPResponseBodyEvent = {
                    "type": "http.response.body",
                    "body": body,
                    "more_body": False,
                }
                await send(end)
                return
            await app(scope, receive, send)

        return middleware

    return wrap


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
