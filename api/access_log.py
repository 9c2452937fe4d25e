"""Access log without query strings: what residents type (addresses) never reaches a log.

Uvicorn's own access log prints the full URL, ``/api/geocode?q=<an address>`` included, so the
server runs with it off and this middleware logs method, path, status and duration instead.
"""

from __future__ import annotations

import logging
import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("allervers.access")


def access_log(app: ASGIApp) -> ASGIApp:
    """Wrap ``app`` so that each HTTP request is logged once, without its query string."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        method = scope["method"]
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
                scope["path"],
                status,
                (time.perf_counter() - start) * 1000,
            )

    return middleware
