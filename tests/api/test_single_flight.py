"""One computation per key at a time: the others asking meanwhile wait for it."""

from __future__ import annotations

import asyncio

from api.single_flight import SingleFlight


def test_concurrent_askers_wait_for_the_one_computing() -> None:
    """Ten requests for one expired answer: one computes it, the nine others find it; another
    key is computed on its own; once done, the next miss computes again."""
    flights = SingleFlight()
    cache: dict[str, int] = {}
    computed: list[str] = []

    async def ask(key: str) -> int:
        if key in cache:
            return cache[key]
        if await flights.lead(key):
            try:
                await asyncio.sleep(0.05)
                computed.append(key)
                cache[key] = len(computed)
            finally:
                flights.done(key)
        return cache[key]

    async def scenario() -> list[int]:
        answers = await asyncio.gather(*(ask("a") for _ in range(10)), ask("b"))
        cache.clear()  # the answers expire: the next asker computes again
        return [*answers, await ask("a")]

    answers = asyncio.run(scenario())
    assert computed == ["a", "b", "a"]
    assert answers == [1] * 10 + [2, 3]
