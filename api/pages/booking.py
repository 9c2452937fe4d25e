"""``/reserver``: book a session in the browser, the rules checked while the form is filled.

The page posts to itself (it works without JavaScript); htmx posts the same form to
``/reserver/verification`` on every change and places the verdict of
:func:`planner.db.booking_check.check_booking` — the service behind ``POST
/api/sessions/check`` — next to the fields. Booking calls the services behind ``POST
/api/sessions`` and ``POST /api/series``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Router, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from api.deps import CallerDep, DbSession, Now, Retention, Rules
from api.pages.base import VIEWER, Viewer, page
from api.pages.booking_choices import choices, prefill
from api.pages.booking_form import FIELDS, BookingForm, form_field, read_booking_form
from api.pages.form_values import FormData
from planner.access import Access, require_booker
from planner.db import booking, session_queries
from planner.db.booking_check import Verdict, check_booking
from planner.db.partner_finder import free_partners
from planner.db.venue_search import search_venues
from planner.errors import BookingRefusedError, InvalidInputError
from planner.rules import series_starts
from planner.rules_text import distance
from planner.session import Notice, Violation

SIGN_IN = "/connexion?suivant=/reserver"


async def venue_zone(db_session: DbSession, data: dict[str, Any]) -> ZoneInfo:
    """The wall-clock zone of the chosen venue (Paris when none is chosen yet)."""
    venue = str(data.get("venue_id", ""))
    if venue.isascii() and venue.isdigit() and len(venue) <= 9:
        try:
            return ZoneInfo(await session_queries.venue_timezone(db_session, int(venue)))
        except InvalidInputError:
            pass
    return ZoneInfo("Europe/Paris")


def _by_field(
    errors: dict[str, str], violations: tuple[Violation, ...], notices: tuple[Notice, ...]
) -> dict[str, list[dict[str, str]]]:
    """Every message placed by the field it concerns (``""``: the form as a whole)."""
    placed: dict[str, list[dict[str, str]]] = {name: [] for name in ("", *FIELDS)}
    for name, detail in errors.items():
        placed[form_field(name)].append({"kind": "erreur", "text": detail})
    for violation in violations:
        placed[form_field(violation.field)].append({"kind": "erreur", "text": violation.message})
    for notice in notices:
        placed[""].append({"kind": "avertissement", "text": notice.message})
    return placed


async def _form_page(
    db_session: DbSession,
    viewer: Any,
    rules: Rules,
    values: dict[str, Any],
    *,
    verdict: Verdict | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Template:
    errors = verdict.errors if verdict else {}
    placed = _by_field(
        errors, verdict.violations if verdict else (), verdict.notices if verdict else ()
    )
    count = sum(1 for items in placed.values() for i in items if i["kind"] == "erreur")
    return page(
        "reserver.html",
        title="Réserver une séance",
        viewer=viewer,
        current="/reserver",
        status=status,
        values=values,
        placed=placed,
        problems=count,
        checked=verdict is not None,
        notice=notice,
        error=f"Réservation impossible : {count} problème(s) à corriger." if count else None,
        **await choices(db_session, viewer, rules),
    )


@get("/", opt={"access": Access.BOOKER}, include_in_schema=False)
async def booking_page(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    retention: Retention,
    depuis: FromQuery[str | None] = None,
    lieu: FromQuery[str | None] = None,
) -> Template | Redirect:
    """The empty form (today + 7 days, 18:00–21:00, the person ticked), or a copy of a session
    the person may read (``?depuis=``), or with a venue chosen (``?lieu=``)."""
    if viewer is None:
        return Redirect(path=SIGN_IN, status_code=303)
    values, notice = await prefill(
        db_session, viewer, caller, now=now, retention=retention, source=depuis, venue=lieu
    )
    return await _form_page(db_session, viewer, rules, values, notice=notice)


async def _book(
    db_session: DbSession, caller: CallerDep, rules: Rules, now: Now, form: BookingForm
) -> int | None:
    """Book what the form asks (one session or a weekly series): the first session's id, or
    ``None`` for a series (its sessions are in the agenda)."""
    request = form.request
    if request is None:  # only called once the form was read without error
        raise InvalidInputError({"title": "formulaire incomplet"})
    first = request.to_input()
    if request.count == 1:
        booked = await booking.book_session(
            db_session, first, caller=caller, settings=rules, now=now, publish=request.publish
        )
        return booked.row.id
    zone = await session_queries.venue_timezone(db_session, first.venue_id)
    starts = series_starts(first.start, count=request.count, interval_days=7, timezone=zone)
    await booking.book_series(
        db_session, first, starts, caller=caller, settings=rules, now=now, publish=request.publish
    )
    return None


@post("/", opt={"access": Access.BOOKER}, include_in_schema=False, status_code=303)
async def book_from_page(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    data: FormData,
) -> Template | Redirect:
    """Book, then go to the session's page (a series: to the agenda); refused, the form again
    with every reason by its field and every value kept, nothing booked (a 422 answer is never
    committed: the locks taken to judge are released with the transaction)."""
    if viewer is None or caller is None:
        return Redirect(path=SIGN_IN, status_code=303)
    form = read_booking_form(
        data, organisation_id=viewer.organisation_id, zone=await venue_zone(db_session, data)
    )
    if form.errors:
        return await _form_page(
            db_session, viewer, rules, form.values, verdict=Verdict(form.errors), status=422
        )
    try:
        session_id = await _book(db_session, caller, rules, now, form)
    except BookingRefusedError as refused:
        verdict = Verdict({}, tuple(refused.violations))
        return await _form_page(db_session, viewer, rules, form.values, verdict=verdict, status=422)
    except InvalidInputError as invalid:
        verdict = Verdict(dict(invalid.errors))
        return await _form_page(db_session, viewer, rules, form.values, verdict=verdict, status=422)
    if session_id is None:
        return Redirect(path="/agenda?reservee=serie", status_code=303)
    return Redirect(path=f"/agenda/seances/{session_id}?reservee=1", status_code=303)


@post("/verification", opt={"access": Access.BOOKER}, include_in_schema=False, status_code=200)
async def check_from_page(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    data: FormData,
) -> Template:
    """The live verdict on the form as it stands (htmx): the summary, each field's messages
    (out-of-band) and what the button says. Nothing is written."""
    organisation = viewer.organisation_id if viewer is not None else 0
    form = read_booking_form(
        data, organisation_id=organisation, zone=await venue_zone(db_session, data)
    )
    if form.errors or form.request is None:
        verdict = Verdict(form.errors)
    else:
        request = form.request
        first = request.to_input()
        starts = []
        if request.count > 1:
            zone = await session_queries.venue_timezone(db_session, first.venue_id)
            starts = series_starts(first.start, count=request.count, interval_days=7, timezone=zone)
        verdict = await check_booking(
            db_session,
            first,
            caller=caller,
            settings=rules,
            now=now,
            publish=request.publish,
            starts=starts,
        )
    placed = _by_field(verdict.errors, verdict.violations, verdict.notices)
    problems = sum(1 for items in placed.values() for i in items if i["kind"] == "erreur")
    return Template(
        template_name="_verdict.html",
        context={"placed": placed, "problems": problems, "checked": True},
    )


@get("/partenaires", opt={"access": Access.BOOKER}, include_in_schema=False)
async def find_partners(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    venue_id: FromQuery[str] = "",
    day: FromQuery[str] = "",
    start_time: FromQuery[str] = "",
    end_time: FromQuery[str] = "",
) -> Template:
    """Who is free for the form's evening at its venue (htmx partial): the service behind
    ``GET /api/staff/available``; an incomplete form is said, not an error."""
    me = require_booker(caller)
    form = {"venue_id": venue_id, "day": day, "start_time": start_time, "end_time": end_time}
    zone = await venue_zone(db_session, form)
    start = _moment(day, start_time, zone)
    end = _moment(day, end_time, zone)
    venue = (
        int(venue_id) if venue_id.isascii() and venue_id.isdigit() and len(venue_id) <= 9 else None
    )
    candidates: list[dict[str, Any]] = []
    problem = None
    if venue is None or start is None or end is None:
        problem = "Choisissez d'abord le lieu, le jour et les heures."
    else:
        try:
            found = await free_partners(
                db_session,
                venue_id=venue,
                start=start,
                end=end,
                organisation_id=me.organisation_id,
                settings=rules,
                now=now,
            )
        except InvalidInputError as invalid:
            problem = "; ".join(invalid.errors.values()).capitalize() + "."
        else:
            candidates = [
                {
                    "id": c.staff_id,
                    "name": c.name,
                    "organisation": c.organisation,
                    "partner": c.partner,
                    "distance": None if c.distance_m is None else distance(c.distance_m),
                    "from_session": c.from_session,
                    "warning": c.warning,
                }
                for c in found
            ]
    return Template(
        template_name="_partenaires.html",
        context={"candidates": candidates, "problem": problem},
    )


@get("/lieux", opt={"access": Access.BOOKER}, include_in_schema=False)
async def find_venues(db_session: DbSession, caller: CallerDep, q: FromQuery[str] = "") -> Template:
    """Venues by name, commune or QPV (name or code) for the booking form (htmx partial): the
    service behind ``GET /api/venues?q=``, as a list and a small map; choosing one selects it
    in the form."""
    require_booker(caller)
    text = q.strip()[:100]
    spots, count = await search_venues(db_session, text) if len(text) >= 2 else ([], 0)
    return Template(
        template_name="_lieux.html",
        context={"spots": spots, "count": count, "asked": text, "short": 0 < len(text) < 2},
    )


def _moment(day: str, clock: str, zone: ZoneInfo) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=zone)
    except ValueError:
        return None


router = Router(
    path="/reserver",
    route_handlers=[booking_page, book_from_page, check_from_page, find_partners, find_venues],
    dependencies=VIEWER,
    tags=["pages"],
)

__all__ = ["router"]
