"""Immersions and hires after an employer forum, recorded by its organisers, and the chain
registered → attended → immersions → hires counted per forum or over many.

Recording follows the session policy (those who may change the forum); reading a forum's chain,
those who see it in full. The counts are computed by one grouped query over the forums given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, SessionView, session_view
from planner.access.sessions import may_change_session
from planner.db.access_sql import load_facts
from planner.db.models import Hire, Immersion, Organisation, OutreachSession, Registration
from planner.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from planner.funnel import (
    Funnel,
    HireInput,
    ImmersionInput,
    check_hire,
    check_immersion,
)
from planner.registration import HOLDING
from planner.session import SessionKind


async def _forum(
    session: AsyncSession, session_id: int, *, caller: Caller | None, now: datetime
) -> OutreachSession:
    """The forum, for one who may change it, once it has begun."""
    facts = (await load_facts(session, [session_id])).get(session_id)
    if facts is None:
        raise NotFoundError(f"Aucune séance n° {session_id}.")
    if not may_change_session(caller, facts):
        if not facts.published:
            raise NotFoundError(f"Aucune séance n° {session_id}.")
        raise PermissionDeniedError(
            "Seuls les organisateurs du forum notent les immersions et embauches qui en "
            "sont issues."
        )
    row = await session.get_one(OutreachSession, session_id)
    if row.kind != SessionKind.EMPLOYER_FORUM:
        raise ConflictError("Immersions et embauches se notent à la suite d'un forum employeurs.")
    if row.start_at > now:
        raise ConflictError("Le forum n'a pas encore eu lieu.")
    return row


async def _check(
    session: AsyncSession,
    forum: OutreachSession,
    check: Callable[[], None],
    employer_id: int,
    registration_id: int | None,
) -> None:
    """Every problem at once: the values' (``check``), then the references'."""
    errors: dict[str, str] = {}
    try:
        check()
    except InvalidInputError as invalid:
        errors.update(invalid.errors)
    if await session.get(Organisation, employer_id) is None:
        errors["employer_id"] = f"aucune organisation n° {employer_id}"
    if registration_id is not None:
        registration = await session.get(Registration, registration_id)
        if registration is None or registration.session_id != forum.id:
            errors["registration_id"] = f"aucune inscription n° {registration_id} à ce forum"
    if errors:
        raise InvalidInputError(errors)


async def record_immersion(
    session: AsyncSession,
    session_id: int,
    data: ImmersionInput,
    *,
    caller: Caller | None,
    now: datetime,
) -> Immersion:
    """Record an immersion after the forum ``session_id``."""
    common = await _common(
        session, session_id, data, lambda day: check_immersion(data, forum_day=day), caller, now
    )
    row = Immersion(**common, last_day=data.last_day, outcome=data.outcome)
    session.add(row)
    await session.flush()
    return row


async def _common(
    session: AsyncSession,
    session_id: int,
    data: ImmersionInput | HireInput,
    check: Callable[[date], None],
    caller: Caller | None,
    now: datetime,
) -> dict[str, Any]:
    """The forum checked, then every problem of ``data`` at once (its values', through
    ``check`` given the forum's day, then its references'); the fields an immersion and a
    hire share."""
    forum = await _forum(session, session_id, caller=caller, now=now)
    day = forum.start_at.date()
    await _check(session, forum, lambda: check(day), data.employer_id, data.registration_id)
    return {
        "session_id": forum.id,
        "employer_id": data.employer_id,
        "registration_id": data.registration_id,
        "first_day": data.first_day,
        "recorded_by_id": None if caller is None else caller.staff_id,
        "recorded_at": now,
    }


async def set_immersion_outcome(
    session: AsyncSession,
    immersion_id: int,
    outcome: str | None,
    *,
    caller: Caller | None,
    now: datetime,
) -> Immersion:
    """Say how an immersion ended (``hire``, ``training``, ``none``; ``None``: not known)."""
    row = await session.get(Immersion, immersion_id)
    if row is None:
        raise NotFoundError(f"Aucune immersion n° {immersion_id}.")
    forum = await _forum(session, row.session_id, caller=caller, now=now)
    check_immersion(
        ImmersionInput(row.employer_id, row.first_day, row.last_day, outcome=outcome),
        forum_day=min(forum.start_at.date(), row.first_day),
    )
    row.outcome = outcome
    row.recorded_at = now
    return row


async def record_hire(
    session: AsyncSession, session_id: int, data: HireInput, *, caller: Caller | None, now: datetime
) -> Hire:
    """Record a hire after the forum ``session_id``."""
    common = await _common(
        session, session_id, data, lambda day: check_hire(data, forum_day=day), caller, now
    )
    row = Hire(**common, contract=data.contract, emplois_francs=data.emplois_francs)
    session.add(row)
    await session.flush()
    return row


def _count(model: Any, forums: Any, *where: Any) -> Any:
    return (
        select(func.count())
        .select_from(model)
        .where(model.session_id.in_(forums), *where)
        .scalar_subquery()
    )


async def count_funnel(session: AsyncSession, forums: Select[Any]) -> Funnel:
    """The chain summed over the forums ``forums`` selects (one column: their ids).

    The forums are selected once, as a common table expression the five counts read, rather
    than once per count (coverage's selection of a region's forums costs ~45 ms on SQLite).
    """
    chosen = forums.cte("forums")
    ids = select(chosen.c[0])
    row = (
        await session.execute(
            select(
                select(func.count()).select_from(chosen).scalar_subquery(),
                _count(Registration, ids, Registration.status.in_(HOLDING)),
                _count(Registration, ids, Registration.attendance == "present"),
                _count(Immersion, ids),
                _count(Hire, ids),
                _count(Hire, ids, Hire.emplois_francs),
            )
        )
    ).one()
    return Funnel(*(int(value or 0) for value in row))


async def forum_funnel(
    session: AsyncSession,
    session_id: int,
    *,
    caller: Caller | None,
    now: datetime,
    retention: Any,
) -> Funnel:
    """One forum's chain, for those who see it in full (others: 404 as for a missing one)."""
    facts = (await load_facts(session, [session_id])).get(session_id)
    if (
        facts is None
        or session_view(caller, facts, now=now, retention=retention) is not SessionView.FULL
    ):
        raise NotFoundError(f"Aucune séance n° {session_id}.")
    return await count_funnel(
        session, select(OutreachSession.id).where(OutreachSession.id == session_id)
    )
