"""``/seances/{id}``: a session's public page — what, when, where (address, map, access), for
whom, organised by whom, places left, add to one's calendar, the neighbourhood's calendar, and
the registration form when the session takes registrations. Every feed's ``URL`` points here.
It shows the public view the API gives anyone (:func:`planner.db.session_queries.seen_session`
without a caller): never staff, notes, outcomes or registrants; a draft is a 404 as for a
missing number; a cancelled session says so."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Router, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import AppSettings, CallerDep, DbSession, Feeds, Now, Retention
from api.pages.base import VIEWER, Viewer, page
from api.pages.form_values import FormData, one
from api.pages.session_view import when
from api.routes.registrations import registered_message
from api.schemas.session import session_number, session_out
from planner.access import Access
from planner.access.registrations import open_for_registration
from planner.audiences import audience_label
from planner.db import registrations, session_queries
from planner.db.access_sql import load_facts
from planner.db.models import OutreachSession, Qpv
from planner.errors import ConflictError, InvalidInputError, NotFoundError
from planner.registration import (
    NAME_MAX,
    NEEDS_MAX,
    RegistrationInput,
    RegistrationRules,
    places_text,
)
from planner.session import SESSION_KIND_LABELS, SessionKind, SessionStatus


async def public_page(
    db_session: AsyncSession,
    viewer: Viewer,
    row: OutreachSession,
    *,
    now: datetime,
    rules: RegistrationRules,
    status: int = 200,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    alert: str | None = None,
    notice: str | None = None,
) -> Template:
    """The public page of ``row`` (a registration refused: with the form as typed and why)."""
    public = session_out(row, private=False)
    found = await db_session.execute(select(Qpv.code, Qpv.name).where(Qpv.code.in_(public.qpvs)))
    names: dict[str, str] = dict(found.all())
    state = SessionStatus(row.status)
    facts = (await load_facts(db_session, [row.id]))[row.id]
    closed = open_for_registration(facts, takes_registrations=row.takes_registrations, now=now)
    problems = errors or {}
    return page(
        "seance_publique.html",
        title=public.title,
        viewer=viewer,
        status=status,
        s=public,
        kind_label=SESSION_KIND_LABELS[SessionKind(row.kind)],
        when=when(row),
        cancelled=state is SessionStatus.CANCELLED,
        past=row.end_at <= now,
        step_free=row.venue.step_free,
        quarters=[{"code": code, "name": names.get(code, code)} for code in public.qpvs],
        organisers=[public.organisation.name, *(p.name for p in public.partners)],
        audiences=[audience_label(code) for code in public.audiences],
        registering=row.takes_registrations and closed is None,
        closed=closed if row.takes_registrations else None,
        places=places_text(row.capacity, row.places_taken),
        taken=row.places_taken,
        full=row.capacity is not None and row.places_taken >= row.capacity,
        form=form or {},
        errors=problems,
        error=f"Inscription impossible : {len(problems)} problème(s) à corriger."
        if problems
        else alert,
        notice=notice,
        name_max=NAME_MAX,
        needs_max=NEEDS_MAX,
        erase_months=rules.erase_after_months,
        offer_hours=rules.offer_hours,
    )


@get("/{session_ref:str}", opt={"access": Access.ANYONE}, include_in_schema=False)
async def public_session(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    now: Now,
    retention: Retention,
    settings: AppSettings,
    session_ref: FromPath[str],
) -> Template | Redirect:
    """The public page of a session (staff who may see a draft are sent to its staff page)."""
    number = session_number(session_ref)
    try:
        row, _ = await session_queries.seen_session(
            db_session, number, caller=None, now=now, retention=retention
        )
    except NotFoundError:
        if caller is None:
            raise
        await session_queries.seen_session(
            db_session, number, caller=caller, now=now, retention=retention
        )
        return Redirect(path=f"/agenda/seances/{number}", status_code=303)
    rules = settings.registration_links().rules
    return await public_page(db_session, viewer, row, now=now, rules=rules)


@post("/{session_id:int}/inscription", opt={"access": Access.ANYONE}, include_in_schema=False)
async def register_from_page(
    db_session: DbSession,
    viewer: Viewer,
    settings: AppSettings,
    feeds: Feeds,
    now: Now,
    retention: Retention,
    session_id: FromPath[int],
    data: FormData,
) -> Template | Redirect:
    """Register from the public page (the API's service), then go to one's personal page; the
    same e-mail again: the page says the link was sent again; refused: the form again with
    every reason by its field and what was typed, nothing stored."""
    form = {name: one(data, name) for name in FORM_FIELDS}
    given = RegistrationInput(
        first_name=form["first_name"],
        email=form["email"] or None,
        phone=form["phone"] or None,
        needs=form["needs"] or None,
        consent=form["consent"] == "oui",
    )
    links = settings.registration_links()
    try:
        outcome = await registrations.register(
            db_session,
            session_id,
            given,
            links=links,
            ics=feeds.public_ics,
            now=now,
        )
    except (InvalidInputError, ConflictError) as refused:
        row, _ = await session_queries.seen_session(
            db_session, session_id, caller=None, now=now, retention=retention
        )
        invalid = isinstance(refused, InvalidInputError)
        return await public_page(
            db_session,
            viewer,
            row,
            now=now,
            rules=links.rules,
            status=422 if invalid else 409,
            form=form,
            errors=dict(refused.errors) if isinstance(refused, InvalidInputError) else None,
            alert=None if invalid else refused.message,
        )
    if outcome.again:
        row, _ = await session_queries.seen_session(
            db_session, session_id, caller=None, now=now, retention=retention
        )
        notice = registered_message(True, None, by_mail=True)
        return await public_page(db_session, viewer, row, now=now, rules=links.rules, notice=notice)
    return Redirect(path=f"/inscriptions/{outcome.row.secret}?nouvelle=1", status_code=303)


FORM_FIELDS = ("first_name", "email", "phone", "needs", "consent")


router = Router(
    path="/seances",
    route_handlers=[public_session, register_from_page],
    dependencies=VIEWER,
    tags=["pages"],
)
