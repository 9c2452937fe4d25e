"""A session's staff page, after the registrations: the organisers' list of registrants and who
came; for an employer forum, its chain registered → attended → immersions → hires and the forms
recording immersions and hires. The same services as the API (``/api/sessions/{id}/attendance``,
``…/immersions``, ``…/hires``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Router, post
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CallerDep, DbSession, Now
from api.pages.form_values import FormData, one
from planner.access import Access, Caller, SessionFacts
from planner.access.registrations import may_see_registrations
from planner.access.sessions import may_change_session
from planner.db import funnel, registrants
from planner.db.models import Organisation, OutreachSession
from planner.errors import InvalidInputError
from planner.funnel import CONTRACTS, IMMERSION_OUTCOMES, HireInput, ImmersionInput
from planner.registration import ATTENDANCE, HOLDING, STATUS_LABELS
from planner.session import OrganisationKind, SessionKind

PREFIX = "presence-"


async def follow_up(
    db_session: AsyncSession,
    row: OutreachSession,
    caller: Caller | None,
    facts: SessionFacts,
    *,
    full: bool,
    now: Any,
) -> dict[str, Any]:
    """The page's context for the registrants and, for a forum, what followed it."""
    organiser = may_see_registrations(caller, facts)
    people = (
        await registrants.list_registrations(db_session, row.id, caller=caller)
        if row.takes_registrations and organiser
        else None
    )
    forum = row.kind == SessionKind.EMPLOYER_FORUM and full
    chain = (
        await funnel.count_funnel(
            db_session, select(OutreachSession.id).where(OutreachSession.id == row.id)
        )
        if forum
        else None
    )
    can_follow = forum and may_change_session(caller, facts) and row.start_at <= now
    employers = (
        (
            await db_session.execute(
                select(Organisation.id, Organisation.name)
                .where(Organisation.kind == OrganisationKind.EMPLOYER.value)
                .order_by(Organisation.name)
            )
        ).all()
        if can_follow
        else []
    )
    return {
        "registrants": people,
        "attendance_open": row.start_at <= now,
        "attendance_labels": ATTENDANCE,
        "registration_labels": STATUS_LABELS,
        "chain": chain,
        "can_follow": can_follow,
        "employers": employers,
        "holders": [p for p in people or () if p.status in HOLDING],
        "contracts": CONTRACTS,
        "immersion_outcomes": IMMERSION_OUTCOMES,
        "forum_day": row.start_at.date().isoformat(),
    }


def _back(session_id: int, what: str) -> Redirect:
    return Redirect(path=f"/agenda/seances/{session_id}?fait={what}", status_code=303)


@post("/{session_id:int}/presences", opt={"access": Access.BOOKER}, include_in_schema=False)
async def attendance_from_page(
    db_session: DbSession, caller: CallerDep, now: Now, session_id: FromPath[int], data: FormData
) -> Redirect:
    """Record the marks ticked, then back to the session's page."""
    numbers = {name: name.removeprefix(PREFIX) for name in data if name.startswith(PREFIX)}
    marks = {
        int(number): one(data, name)
        for name, number in numbers.items()
        if number.isascii() and number.isdigit() and len(number) <= 9
    }
    await registrants.mark_attendance(db_session, session_id, marks, caller=caller, now=now)
    return _back(session_id, "presences")


def _number(data: dict[str, Any], name: str, *, required: bool = True) -> int | None:
    text = one(data, name)
    if not text and not required:
        return None
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 9):
        raise InvalidInputError({name: "choisissez dans la liste"})
    return int(text)


def _day(data: dict[str, Any], name: str) -> date:
    try:
        return date.fromisoformat(one(data, name))
    except ValueError:
        raise InvalidInputError({name: "une date (JJ/MM/AAAA)"}) from None


@post("/{session_id:int}/immersions", opt={"access": Access.BOOKER}, include_in_schema=False)
async def immersion_from_page(
    db_session: DbSession, caller: CallerDep, now: Now, session_id: FromPath[int], data: FormData
) -> Redirect:
    """Record an immersion after the forum."""
    given = ImmersionInput(
        employer_id=_number(data, "employer_id") or 0,
        first_day=_day(data, "first_day"),
        last_day=_day(data, "last_day"),
        registration_id=_number(data, "registration_id", required=False),
        outcome=one(data, "outcome") or None,
    )
    await funnel.record_immersion(db_session, session_id, given, caller=caller, now=now)
    return _back(session_id, "immersion")


@post("/{session_id:int}/embauches", opt={"access": Access.BOOKER}, include_in_schema=False)
async def hire_from_page(
    db_session: DbSession, caller: CallerDep, now: Now, session_id: FromPath[int], data: FormData
) -> Redirect:
    """Record a hire after the forum."""
    given = HireInput(
        employer_id=_number(data, "employer_id") or 0,
        contract=one(data, "contract"),
        first_day=_day(data, "first_day"),
        emplois_francs=one(data, "emplois_francs") == "oui",
        registration_id=_number(data, "registration_id", required=False),
    )
    await funnel.record_hire(db_session, session_id, given, caller=caller, now=now)
    return _back(session_id, "embauche")


router = Router(
    path="/agenda/seances",
    route_handlers=[attendance_from_page, immersion_from_page, hire_from_page],
    tags=["pages"],
)
