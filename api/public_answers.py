"""Public answers given moments ago, given again without the database: the anonymous session list.

``GET /api/sessions`` for an anonymous caller (the public view: a quarter's month, a commune's
week — what a public site or a widget asks over and over) costs some 25 ms of loading and
presenting sessions, so a single process answers a few dozen a second and 200 clients at once
wait seconds (``bench/load.py``). The same question asked within
``ALLERVERS_FEED_REVALIDATE_SECONDS`` gets the same answer from memory, exactly as a public feed
does: any write in this process, or on this machine through the feeds' signal file, forgets
every remembered answer at once, so whoever changed a session sees it in the next list; another
machine's change shows after that many seconds at most. Only complete ``200`` answers are kept,
and never their cookies.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.feeds.middleware import feed_address
from api.feeds.service import FeedService
from api.single_flight import SingleFlight

REMEMBERED = frozenset({"/api/sessions"})
"""The paths whose anonymous answers are remembered."""
MOST = 512
"""At most this many answers are remembered (then all are forgotten)."""
KEPT_HEADERS = frozenset({b"content-type", b"content-length"})


class PublicAnswers:
    """The anonymous answers of this process, checked against the feeds' change signal."""

    def __init__(self, feeds: FeedService) -> None:
        self.feeds = feeds
        self.seconds = feeds.revalidate
        self._answers: dict[str, tuple[float, list[tuple[bytes, bytes]], bytes]] = {}
        self._signal = feeds.signal_state()
        self.generation = 0
        """Counts the changes seen: an answer computed across one is not remembered."""
        self.flights = SingleFlight()
        feeds.listeners.append(self.forget)

    def forget(self) -> None:
        """A change went through: every remembered answer may be out of date."""
        self._answers.clear()
        self.generation += 1

    def recent(self, address: str) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        """The headers and body last answered at ``address``, if moments ago and nothing
        changed since."""
        seen = self._answers.get(address)
        if seen is None or time.monotonic() - seen[0] >= self.seconds:
            return None
        if self.feeds.signal_state() != self._signal:  # a write went through another worker
            self.forget()
            return None
        return seen[1], seen[2]

    def remember(self, address: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Keep the answer just given at ``address``."""
        if len(self._answers) >= MOST:
            self._answers.clear()
        if not self._answers:
            self._signal = self.feeds.signal_state()
        kept = [(k, v) for k, v in headers if k.lower() in KEPT_HEADERS]
        self._answers[address] = (time.monotonic(), kept, body)


def public_answers(answers: PublicAnswers) -> Callable[[ASGIApp], ASGIApp]:
    """Middleware (after the caller is known): anonymous ``GET`` of a remembered path answered
    from memory when asked moments ago, else answered by the route and remembered."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if (
                scope["type"] != ScopeType.HTTP
                or scope.get("method") != "GET"
                or scope["path"] not in REMEMBERED
                or scope.get("user") is not None
            ):
                await app(scope, receive, send)
                return
            address = feed_address(scope)
            if await _answered(answers.recent(address), send):
                return
            if not await answers.flights.lead(address):  # another request computed it
                if not await _answered(answers.recent(address), send):
                    await app(scope, receive, send)
                return
            try:
                await _remembered(app, scope, receive, send, answers, address)
            finally:
                answers.flights.done(address)

        return middleware

    return wrap


async def _answered(known: tuple[list[tuple[bytes, bytes]], bytes] | None, send: Send) -> bool:
    """Give the remembered answer, if there is one."""
    if known is None:
        return False
    headers, body = known
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
    return True


async def _remembered(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, answers: PublicAnswers, address: str
) -> None:
    """Answer through the route, and remember a complete 200 answer unless a change went
    through meanwhile (it may not show it)."""
    generation = answers.generation
    start: dict[str, object] = {}
    parts: list[bytes] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))
            if (
                not message.get("more_body", False)
                and start.get("status") == 200
                and answers.generation == generation
            ):
                headers = list(start["headers"])  # type: ignore[call-overload]
                answers.remember(address, headers, b"".join(parts))
        await send(message)

    await app(scope, receive, keep)
