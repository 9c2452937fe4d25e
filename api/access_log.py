"""Access log without query strings: what residents type (addresses) never reaches a log.

Uvicorn's own access log prints the full URL, ``/api/geocode?q=<an address>`` included, so the
server runs with it off and this middleware logs method, path, status and duration instead.
A path is logged as :func:`loggable_path` gives it: secrets in the path (private feed
addresses, invitation and reset links, any long random segment) replaced by ``…``, and control
characters escaped, so that ``%0A`` in a path cannot forge a log line.
"""

from __future__ import annotations

import logging
import re
import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.head import HEAD

logger = logging.getLogger("allervers.access")

SECRET_AFTER = (
    "/feeds/staff/",
    "/invitation/",
    "/reinitialisation/",
    "/inscriptions/",
    "/api/registrations/",
)
"""Paths whose next segment is a secret (a credential in the address)."""
RANDOM_SEGMENT = re.compile(r"[A-Za-z0-9_-]{20,}")
"""A segment as long and random as our secrets (ids and codes are far shorter)."""
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def loggable_path(path: str) -> str:
    """``path`` without its secrets and with control characters escaped (``\\x0a``)."""
    for prefix in SECRET_AFTER:
        if path.startswith(prefix):
            path = prefix + "…"
            break
    segments = [
        "…" if RANDOM_SEGMENT.fullmatch(segment.removesuffix(".ics")) else segment
        for segment in path.split("/")
    ]
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", "/".join(segments))


def access_log(app: ASGIApp) -> ASGIApp:
    """Wrap ``app`` so that each HTTP request is logged once, without its query string."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        method = "HEAD" if scope.get(HEAD) else scope["method"]
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            logger.info(
                "%s %s %d %.1f ms",
                method,
                loggable_path(scope["path"]),
                status,
                (time.perf_counter() - start) * 1000,
            )

    return middleware
