"""The booking being judged, as every rule reads it, and the helpers the rules share.

Times are UTC instants (see :mod:`planner.rules`): :func:`utc` converts an aware datetime and
refuses a naive one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from planner.session import HOLDING, Booking, EveningWindow, RuleSettings

Span = tuple[Booking, datetime, datetime]
"""A neighbour with its start and end as UTC instants."""


@dataclass(frozen=True, slots=True)
class Case:
    """The booking being judged with what every rule reads; times are UTC instants."""

    booking: Booking
    start: datetime
    end: datetime
    now: datetime
    zone: ZoneInfo
    sound: bool
    """The end is after the start: the rules on intervals apply."""
    holds: bool
    """Sound and in a holding status: the booking holds its staff and venue (rules 2, 3, a, b)."""
    spans: tuple[Span, ...]
    """Holding neighbours; none when the booking holds nothing."""
    settings: RuleSettings
    window: EveningWindow


def utc(moment: datetime) -> datetime:
    """``moment`` as a UTC instant; a naive datetime is a programming error."""
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the rules need aware datetimes")
    return moment.astimezone(UTC)


def neighbours(booking: Booking, others: Sequence[Booking]) -> tuple[Span, ...]:
    """The holding others that are not the booking itself, without duplicates, in a total order
    that does not depend on how the service loaded them."""
    kept = {
        other
        for other in others
        if other.status in HOLDING and (booking.id is None or other.id != booking.id)
    }
    spans = [(other, utc(other.start), utc(other.end)) for other in kept]
    return tuple(
        sorted(spans, key=lambda s: (s[0].id is None, s[0].id or 0, s[1], s[2], repr(s[0])))
    )


def overlap(start: datetime, end: datetime, other_start: datetime, other_end: datetime) -> bool:
    """Half-open intervals [start, end) meet: back-to-back sessions do not overlap (rule 2)."""
    return max(start, other_start) < min(end, other_end)


def staff_ids(booking: Booking) -> set[int]:
    """The staff members a booking assigns."""
    return {a.staff_id for a in booking.staff}
