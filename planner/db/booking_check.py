"""Judging a booking without making it: what the booking form shows while it is filled in.

The same steps as :func:`planner.db.booking.book_session` and ``book_series`` — the input's
checks, its references resolved, the caller's right to book for the organisation, then the
rules over the sessions already booked — but nothing is locked, added or audited: the verdict
is advice (the booking itself judges again, under its locks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, require_session_editor
from planner.booking_input import SessionInput, check_session_input
from planner.db.booking import new_booking, resolve_parts
from planner.db.booking_conflicts import judge
from planner.errors import BookingRefusedError, InvalidInputError
from planner.session import Booking, Notice, RuleSettings, SessionStatus, Violation


@dataclass(frozen=True, slots=True)
class Verdict:
    """What booking would say: input errors by field, violations (refused) and notices."""

    errors: dict[str, str]
    violations: tuple[Violation, ...] = ()
    notices: tuple[Notice, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the booking would be made."""
        return not self.errors and not self.violations


async def check_booking(
    session: AsyncSession,
    data: SessionInput,
    *,
    caller: Caller | None,
    settings: RuleSettings,
    now: datetime,
    publish: bool = False,
    starts: Sequence[datetime] = (),
) -> Verdict:
    """The verdict on booking ``data`` (or, with ``starts``, the series starting at each of
    them, every occurrence judged with the ones before it, each violation dated); nothing is
    written. A caller who may not book for the organisation gets the permission error."""
    try:
        check_session_input(data)
        parts = await resolve_parts(session, data)
    except InvalidInputError as exc:
        return Verdict(errors=dict(exc.errors))
    require_session_editor(caller, organisation_id=data.organisation_id, assigned=data.staff_ids)
    status = SessionStatus.PUBLISHED if publish else SessionStatus.DRAFT
    duration = data.end - data.start
    accepted: list[Booking] = []
    violations: list[Violation] = []
    notices: list[Notice] = []
    for start in starts or (data.start,):
        booking = new_booking(replace(data, start=start, end=start + duration), parts, status)
        try:
            notices += await judge(
                session,
                booking,
                parts.organisation,
                settings=settings,
                now=now,
                extra=accepted,
                caller=caller,
            )
        except BookingRefusedError as refused:
            if starts:
                day = start.astimezone(booking.start.tzinfo).strftime("%d/%m/%Y")
                violations += [
                    replace(v, message=f"{day} : {v.message}") for v in refused.violations
                ]
            else:
                violations += refused.violations
        accepted.append(replace(booking, id=-len(accepted) - 1))
    return Verdict({}, tuple(violations), tuple(notices))
