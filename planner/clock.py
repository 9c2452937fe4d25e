"""The wall clock and the home time zone, defined once.

Rules and services never read the clock themselves: they take ``now`` (HOUSE_STYLE, "Time is
injected"). The web app and the command line get ``now`` from a :data:`Clock` — the system
clock in production, a fixed or moving one in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
"""Metropolitan France's zone: the wall clock of every QPV outside the overseas departments."""

Clock = Callable[[], datetime]
"""Something that tells the current instant, timezone-aware."""


def system_clock() -> datetime:
    """The current instant in UTC, from the system clock."""
    return datetime.now(UTC)
