"""``/agenda/seances/{id}``: one session for the staff — details, move, publish, cancel with a
reason, copy, and its outcome once it has ended.

Each form posts to the service behind the matching API route (``PATCH /api/sessions/{id}``,
``…/publish``, ``…/cancel``, ``…/outcome``); what the page offers comes from the access policy
(:func:`planner.access.may_change_session`) and the session's status, never from the template.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.deps import CallerDep, DbSession, Now, Retention, Rules
from api.pages.base import VIEWER, Viewer, page
from api.pages.booking_choices import choices
from api.pages.booking_form import form_field
from api.pages.form_values import FormData, many, one
from api.pages.registrants import follow_up
from api.pages.session_view import DONE, session_context
from planner.access import Access, SessionView, may_change_session, may_read_history
from planner.booking_input import OutcomeInput
from planner.db import session_changes, session_queries
from planner.db.access_sql import load_facts
from planner.db.models import Staff
from planner.db.session_history import session_history
from planner.errors import BookingRefusedError, InvalidInputError
from planner.session import SessionStatus

COUNTS = ("people_met", "new_contacts", "job_offers", "immersions", "follow_ups")


def _sign_in(session_id: int) -> Redirect:
    return Redirect(path=f"/connexion?suivant=/agenda/seances/{session_id}", status_code=303)


def _done(session_id: int, what: str) -> Redirect:
    return Redirect(path=f"/agenda/seances/{session_id}?fait={what}", status_code=303)


async def _page(
    db_session: DbSession,
    viewer: Staff | None,
    caller: CallerDep,
    session_id: int,
    *,
    now: datetime,
    retention: Any,
    rules: Any,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    notice: str | None = None,
) -> Template:
    row, view = await session_queries.seen_session(
        db_session, session_id, caller=caller, now=now, retention=retention
    )
    facts = (await load_facts(db_session, [session_id]))[session_id]
    history = (
        await session_history(db_session, session_id, zone=ZoneInfo(row.timezone))
        if may_read_history(caller, facts, view)
        else None
    )
    context = await session_context(
        db_session,
        row,
        full=view is SessionView.FULL,
        may_change=may_change_session(caller, facts),
        now=now,
        values=values,
    )
    problems = sum(len(v) for v in (errors or {}).values())
    if viewer is not None and context["can_move"]:
        groups = (await choices(db_session, viewer, rules))["people_groups"]
    else:
        groups = []
    return page(
        "seance.html",
        title=row.title,
        viewer=viewer,
        current="/agenda",
        status=status,
        errors=errors or {},
        notice=notice,
        error=f"Modification impossible : {problems} problème(s) à corriger." if problems else None,
        history=history,
        people_groups=groups,
        **await follow_up(db_session, row, caller, facts, full=view is SessionView.FULL, now=now),
        **context,
    )


@get("/{session_id:int}", opt={"access": Access.STAFF}, include_in_schema=False)
async def session_page(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    retention: Retention,
    session_id: FromPath[int],
    fait: FromQuery[str | None] = None,
    reservee: FromQuery[str | None] = None,
) -> Template | Redirect:
    """The session as the person may see it, with the actions they may take."""
    if caller is None:
        return _sign_in(session_id)
    notice = "Séance réservée." if reservee else DONE.get(fait or "")
    return await _page(
        db_session,
        viewer,
        caller,
        session_id,
        now=now,
        retention=retention,
        rules=rules,
        notice=notice,
    )


def _moment(day: str, clock: str, zone: ZoneInfo) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=zone)
    except ValueError:
        return None


@post("/{session_id:int}/deplacement", opt={"access": Access.BOOKER}, include_in_schema=False)
async def move_session(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    retention: Retention,
    session_id: FromPath[int],
    data: FormData,
) -> Template | Redirect:
    """Move the session (day, times, venue) under every rule again; refused, the page again
    with the reasons by the fields and the values typed."""
    if caller is None:
        return _sign_in(session_id)
    row, _ = await session_queries.seen_session(
        db_session, session_id, caller=caller, now=now, retention=retention
    )
    zone = ZoneInfo(row.timezone)
    values = {n: one(data, n) for n in ("day", "start_time", "end_time", "venue_id")}
    start = _moment(values["day"], values["start_time"], zone)
    end = _moment(values["day"], values["end_time"], zone)
    venue = values["venue_id"]
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["start_time"] = ["indiquez le jour et l'heure de début"]
    if end is None:
        errors["end_time"] = ["indiquez l'heure de fin"]
    if not (venue.isascii() and venue.isdigit() and len(venue) <= 9):
        errors["venue_id"] = ["choisissez un lieu"]
    if not errors:
        changes = {"start": start, "end": end, "venue_id": int(venue)}
        try:
            await session_changes.update_session(
                db_session, session_id, changes, caller=caller, settings=rules, now=now
            )
            return _done(session_id, "deplacee")
        except BookingRefusedError as refused:
            for v in refused.violations:
                errors.setdefault(form_field(v.field) or "", []).append(v.message)
        except InvalidInputError as invalid:
            for name, detail in invalid.errors.items():
                errors.setdefault(form_field(name) or "", []).append(detail)
    return await _page(
        db_session,
        viewer,
        caller,
        session_id,
        now=now,
        retention=retention,
        rules=rules,
        status=422,
        errors=errors,
        values=values,
    )


@post("/{session_id:int}/modification", opt={"access": Access.BOOKER}, include_in_schema=False)
async def edit_session(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    retention: Retention,
    session_id: FromPath[int],
    data: FormData,
) -> Template | Redirect:
    """Change the title, description, notes, places and people (the rules judge the people
    again); refused, the page again with the reasons by the fields and the values typed."""
    if caller is None:
        return _sign_in(session_id)
    await session_queries.seen_session(
        db_session, session_id, caller=caller, now=now, retention=retention
    )
    values: dict[str, Any] = {
        n: one(data, n) for n in ("title", "description", "internal_notes", "capacity")
    }
    values["takes_registrations"] = one(data, "takes_registrations") == "oui"
    people = many(data, "staff_ids")
    errors: dict[str, list[str]] = {}
    if not values["title"]:
        errors["title"] = ["le titre est obligatoire"]
    capacity = values["capacity"]
    if capacity and not (capacity.isascii() and capacity.isdigit() and len(capacity) <= 6):
        errors["capacity"] = ["un nombre de places (0 ou plus), ou vide : sans limite"]
    if not people or not all(p.isascii() and p.isdigit() and len(p) <= 9 for p in people):
        errors["staff_ids"] = ["cochez au moins une personne"]
    if not errors:
        changes = {
            "title": values["title"][:200],
            "description": values["description"][:5000],
            "internal_notes": values["internal_notes"][:5000],
            "capacity": int(capacity) if capacity else None,
            "takes_registrations": values["takes_registrations"],
            "staff_ids": [int(p) for p in people],
        }
        try:
            await session_changes.update_session(
                db_session, session_id, changes, caller=caller, settings=rules, now=now
            )
            return _done(session_id, "modifiee")
        except BookingRefusedError as refused:
            for v in refused.violations:
                errors.setdefault(form_field(v.field) or "", []).append(v.message)
        except InvalidInputError as invalid:
            for name, detail in invalid.errors.items():
                errors.setdefault(form_field(name) or "", []).append(detail)
    return await _page(
        db_session,
        viewer,
        caller,
        session_id,
        now=now,
        retention=retention,
        rules=rules,
        status=422,
        errors=errors,
        values={**values, "staff_ids": people},
    )


@post("/{session_id:int}/publication", opt={"access": Access.BOOKER}, include_in_schema=False)
async def publish_session(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    retention: Retention,
    session_id: FromPath[int],
) -> Redirect:
    """Publish a draft (the rules are checked again: a published session needs a placed venue)."""
    if caller is None:
        return _sign_in(session_id)
    await session_queries.seen_session(
        db_session, session_id, caller=caller, now=now, retention=retention
    )
    await session_changes.change_status(
        db_session, session_id, SessionStatus.PUBLISHED, caller=caller, settings=rules, now=now
    )
    return _done(session_id, "publiee")


@post("/{session_id:int}/annulation", opt={"access": Access.BOOKER}, include_in_schema=False)
async def cancel_session(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    retention: Retention,
    session_id: FromPath[int],
    data: FormData,
) -> Template | Redirect:
    """Cancel with a reason (required: residents and partners are told why)."""
    if caller is None:
        return _sign_in(session_id)
    await session_queries.seen_session(
        db_session, session_id, caller=caller, now=now, retention=retention
    )
    reason = one(data, "reason")[:500]
    if not reason:
        return await _page(
            db_session,
            viewer,
            caller,
            session_id,
            now=now,
            retention=retention,
            rules=rules,
            status=422,
            errors={"reason": ["donnez la raison de l'annulation"]},
        )
    await session_changes.change_status(
        db_session,
        session_id,
        SessionStatus.CANCELLED,
        caller=caller,
        settings=rules,
        now=now,
        reason=reason,
    )
    return _done(session_id, "annulee")


@post("/{session_id:int}/bilan", opt={"access": Access.BOOKER}, include_in_schema=False)
async def record_outcome(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    retention: Retention,
    session_id: FromPath[int],
    data: FormData,
) -> Template | Redirect:
    """Record what the session achieved (it becomes completed); each count by its field."""
    if caller is None:
        return _sign_in(session_id)
    await session_queries.seen_session(
        db_session, session_id, caller=caller, now=now, retention=retention
    )
    values = {n: one(data, n) for n in (*COUNTS, "remarks")}
    errors = {
        n: ["un nombre entier, 0 ou plus"]
        for n in COUNTS
        if not (values[n].isascii() and values[n].isdigit() and len(values[n]) <= 6)
    }
    if not errors:
        outcome = OutcomeInput(
            **{n: int(values[n]) for n in COUNTS}, remarks=values["remarks"][:5000]
        )
        try:
            await session_changes.record_outcome(
                db_session, session_id, outcome, caller=caller, now=now
            )
            return _done(session_id, "bilan")
        except InvalidInputError as invalid:
            errors = {name: [detail] for name, detail in invalid.errors.items()}
    return await _page(
        db_session,
        viewer,
        caller,
        session_id,
        now=now,
        retention=retention,
        rules=rules,
        status=422,
        errors=errors,
        values=values,
    )


router = Router(
    path="/agenda/seances",
    route_handlers=[
        session_page,
        move_session,
        edit_session,
        publish_session,
        cancel_session,
        record_outcome,
    ],
    dependencies=VIEWER,
    tags=["pages"],
)
