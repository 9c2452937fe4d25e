"""One computation at a time per cache key: when a remembered answer (a feed, the public list)
has expired or was forgotten, the first request computes it and the others asking for the same
address meanwhile wait for it, instead of all asking the database at once (with 200 clients,
a pile of identical queries outlasted the connection pool: seconds of waiting, time-outs).
"""

from __future__ import annotations

import asyncio
import contextlib

WAIT_S = 5.0
"""A request waits this long at most for the one computing; then it computes itself."""


class SingleFlight:
    """The keys being computed in this process."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Event] = {}

    async def lead(self, key: str) -> bool:
        """``True``: the caller computes ``key`` and must call :meth:`done`; ``False``:
        another request computed it meanwhile (look in the cache again)."""
        running = self._running.get(key)
        if running is None:
            self._running[key] = asyncio.Event()
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(running.wait(), timeout=WAIT_S)
        return False

    def done(self, key: str) -> None:
        """The computation of ``key`` has ended (answered or not): its waiters go on."""
        running = self._running.pop(key, None)
        if running is not None:
            running.set()
