"""A small HTTP server on 127.0.0.1 serving canned answers, for testing real HTTP clients.

It listens on a free port in a thread of its own, answers each ``GET`` with the first route whose
path matches and whose declared query parameters all equal the request's, and records every
request it received (also the unmatched and the slow ones) so that tests can count retries or
prove that a provider was never asked. A route may answer late (beyond a client's timeout), with
any status (503, 429…), or with a sequence of replies (a 503, then the answer).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass(frozen=True)
class Reply:
    """One canned answer: status, body, extra headers, and how long to wait before sending it."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


def fixture_reply(name: str, *, status: int = 200) -> Reply:
    """A file of ``tests/fixtures`` (e.g. ``"ban/search_street.json"``) served byte for byte."""
    return Reply(status=status, body=(FIXTURES / name).read_bytes())


def json_reply(value: object, *, status: int = 200, delay: float = 0.0) -> Reply:
    """A JSON document built in the test."""
    return Reply(status=status, body=json.dumps(value).encode(), delay=delay)


@dataclass(frozen=True)
class Received:
    """One request the server received."""

    path: str
    params: dict[str, str]
    headers: dict[str, str]
    at: float
    """``time.monotonic()`` when it arrived."""


@dataclass
class _Route:
    path: str
    params: dict[str, str]
    replies: list[Reply]
    served: int = 0

    def matches(self, path: str, params: Mapping[str, str]) -> bool:
        return path == self.path and all(params.get(k) == v for k, v in self.params.items())

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


NO_ROUTE = json_reply({"error": "no route for this request in the test server"}, status=404)


class HttpFixture:
    """The server; use it as a context manager (``with HttpFixture() as server:``)."""

    def __init__(self) -> None:
        self._routes: list[_Route] = []
        self._received: list[Received] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self._server.server_address[1])

    @property
    def domain(self) -> str:
        """``127.0.0.1:PORT``, as geopy's ``domain`` argument wants it."""
        return f"127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[Received]:
        """Every request received so far, in order."""
        with self._lock:
            return list(self._received)

    @property
    def request_count(self) -> int:
        """How many requests it received."""
        with self._lock:
            return len(self._received)

    def route(self, path: str, *replies: Reply, params: Mapping[str, str] | None = None) -> None:
        """Answer ``GET path`` having ``params`` with ``replies`` in turn, the last one kept."""
        if not replies:
            raise ValueError("a route needs at least one reply")
        with self._lock:
            self._routes.append(_Route(path, dict(params or {}), list(replies)))

    def _answer(self, path: str, params: dict[str, str], headers: dict[str, str]) -> Reply:
        with self._lock:
            self._received.append(Received(path, params, headers, time.monotonic()))
            route = next((r for r in self._routes if r.matches(path, params)), None)
            return route.next_reply() if route else NO_ROUTE

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fixture = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                params = dict(parse_qsl(url.query, keep_blank_values=True))
                reply = fixture._answer(url.path, params, dict(self.headers.items()))
                if reply.delay and fixture._closing.wait(reply.delay):
                    return
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: that is what a slow reply tests

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> HttpFixture:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def serve() -> Iterator[HttpFixture]:
    """Body of a pytest fixture: a started server, stopped after the test."""
    with HttpFixture() as server:
        yield server


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
