"""Session routes: book, list, read, change, publish, cancel, record outcomes, book series."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from litestar import Request, Response, Router, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.deps import CallerDep, DbSession, Feeds, Now, Retention, Rules
from api.examples import SeriesBody, SessionBody
from api.feeds.conditional import respond
from api.guards import session_editor_guard
from api.routes.territory import INSEE_PATTERN, QPV_CODE_PATTERN
from api.schemas import LARGEST_ID, IdQuery, given_fields
from api.schemas.session import (
    BookingOut,
    Cancellation,
    OutcomeIn,
    SeriesCreate,
    SessionOut,
    SessionPage,
    SessionPatch,
    VerdictOut,
    notices_out,
    session_number,
    session_out,
    verdict_out,
)
from planner.access import Access, SessionView
from planner.booking_input import SessionFilter, check_days
from planner.clock import PARIS
from planner.db import booking, session_changes, session_queries
from planner.db.booking import Booked
from planner.db.booking_check import check_booking
from planner.errors import InvalidInputError
from planner.rules import series_starts
from planner.session import SessionKind, SessionStatus


def _booked(result: Booked) -> BookingOut:
    return BookingOut(session_out(result.row, private=True), notices_out(result.notices))


@post(
    "/", status_code=HTTP_201_CREATED, summary="Réserver une séance", opt={"access": Access.BOOKER}
)
async def session_create(
    db_session: DbSession, caller: CallerDep, rules: Rules, now: Now, data: SessionBody
) -> BookingOut:
    """Book a session under every rule: 409 (a conflicting session) or 422 (the request itself)
    listing every violation; soft-rule warnings come back in ``notices``."""
    result = await booking.book_session(
        db_session, data.to_input(), caller=caller, settings=rules, now=now, publish=data.publish
    )
    return _booked(result)


@post(
    "/", status_code=HTTP_201_CREATED, summary="Réserver une série", opt={"access": Access.BOOKER}
)
async def series_create(
    db_session: DbSession, caller: CallerDep, rules: Rules, now: Now, data: SeriesBody
) -> list[BookingOut]:
    """Book ``count`` sessions every ``interval_days`` days at the same local time, all or none."""
    first = data.to_input()
    starts = await _starts(db_session, data)
    results = await booking.book_series(
        db_session, first, starts, caller=caller, settings=rules, now=now, publish=data.publish
    )
    return [_booked(r) for r in results]


async def _starts(db_session: DbSession, data: SeriesCreate) -> list[datetime]:
    """The starts of a series' occurrences, at the same local time at its venue."""
    first = data.to_input()
    venue_zone = await session_queries.venue_timezone(db_session, first.venue_id)
    return series_starts(
        first.start, count=data.count, interval_days=data.interval_days, timezone=venue_zone
    )


@post(
    "/check",
    status_code=HTTP_200_OK,
    summary="Vérifier une réservation sans réserver",
    opt={"access": Access.BOOKER},
)
async def session_check(
    db_session: DbSession, caller: CallerDep, rules: Rules, now: Now, data: SeriesBody
) -> VerdictOut:
    """What booking this session (``count`` > 1: this series) would answer — input errors by
    field, violations with the field each concerns, notices — without booking anything: the
    booking form's live check. The booking itself judges again."""
    first = data.to_input()
    starts = await _starts(db_session, data) if data.count > 1 else []
    verdict = await check_booking(
        db_session,
        first,
        caller=caller,
        settings=rules,
        now=now,
        publish=data.publish,
        starts=starts,
    )
    return verdict_out(verdict)


def _midnight(value: date | None) -> datetime | None:
    """Midnight of a day in Paris (the region's days; overseas QPVs are listed by UTC overlap)."""
    return datetime.combine(value, time.min, tzinfo=PARIS) if value is not None else None


@get("/", summary="Lister les séances", opt={"access": Access.ANYONE})
async def session_list(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    retention: Retention,
    from_: Annotated[
        date | None, QueryParameter(name="from", description="Premier jour (inclus).")
    ] = None,
    to: Annotated[date | None, QueryParameter(description="Dernier jour (inclus).")] = None,
    qpv: Annotated[str | None, QueryParameter(pattern=QPV_CODE_PATTERN)] = None,
    commune: Annotated[str | None, QueryParameter(pattern=INSEE_PATTERN)] = None,
    kind: FromQuery[SessionKind | None] = None,
    organisation: IdQuery = None,
    staff: IdQuery = None,
    status: FromQuery[SessionStatus | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=LARGEST_ID)] = 0,
) -> SessionPage:
    """Sessions by start time, filtered and paginated: those the caller sees (README, access
    table), each without staff, notes or outcome unless the caller sees it in full."""
    if from_ and to and to < from_:
        raise InvalidInputError({"to": "le dernier jour précède le premier"})
    check_days(from_=from_, to=to)
    filters = SessionFilter(
        start=_midnight(from_),
        end=_midnight(to + timedelta(days=1) if to else None),
        qpv=qpv,
        commune=commune,
        kind=kind,
        organisation=organisation,
        staff=staff,
        statuses=frozenset({status}) if status else None,
    )
    total, rows = await session_queries.list_sessions(
        db_session,
        filters,
        caller=caller,
        now=now,
        retention=retention,
        limit=limit,
        offset=offset,
    )
    items = [session_out(row, private=view is SessionView.FULL) for row, view in rows]
    return SessionPage(total, limit, offset, items)


@get("/{session_ref:str}", summary="Une séance (JSON, ou .ics)", opt={"access": Access.ANYONE})
async def session_detail(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    caller: CallerDep,
    feeds: Feeds,
    now: Now,
    retention: Retention,
    session_ref: FromPath[str],
) -> Response[Any]:
    """One session as JSON (``/api/sessions/12``) or as a calendar (``/api/sessions/12.ics``),
    as much of it as the caller sees; 404, as for a missing number, when they may not see it."""
    number = session_number(session_ref.removesuffix(".ics"))
    row, view = await session_queries.seen_session(
        db_session, number, caller=caller, now=now, retention=retention
    )
    private = view is SessionView.FULL
    if session_ref.endswith(".ics"):
        return respond(
            request, feeds.single(row, private=private), max_age=feeds.max_age, private=private
        )
    return Response(session_out(row, private=private))


@patch(
    "/{session_id:int}",
    summary="Modifier une séance",
    opt={"access": Access.BOOKER},
    guards=[session_editor_guard],
)
async def session_update(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    session_id: FromPath[int],
    data: JSONBody[SessionPatch],
) -> BookingOut:
    """Change a session; its new time, venue or staff go through every rule again."""
    result = await session_changes.update_session(
        db_session, session_id, given_fields(data), caller=caller, settings=rules, now=now
    )
    return _booked(result)


@post(
    "/{session_id:int}/publish",
    status_code=HTTP_200_OK,
    summary="Publier une séance",
    opt={"access": Access.BOOKER},
    guards=[session_editor_guard],
)
async def session_publish(
    db_session: DbSession, caller: CallerDep, rules: Rules, now: Now, session_id: FromPath[int]
) -> BookingOut:
    """Publish a draft: it becomes visible to the public."""
    result = await session_changes.change_status(
        db_session, session_id, SessionStatus.PUBLISHED, caller=caller, settings=rules, now=now
    )
    return _booked(result)


@post(
    "/{session_id:int}/cancel",
    status_code=HTTP_200_OK,
    summary="Annuler une séance",
    opt={"access": Access.BOOKER},
    guards=[session_editor_guard],
)
async def session_cancel(
    db_session: DbSession,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    session_id: FromPath[int],
    data: JSONBody[Cancellation],
) -> BookingOut:
    """Cancel a session with a reason; its staff and venue are free again."""
    result = await session_changes.change_status(
        db_session,
        session_id,
        SessionStatus.CANCELLED,
        caller=caller,
        settings=rules,
        now=now,
        reason=data.reason,
    )
    return _booked(result)


@post(
    "/{session_id:int}/outcome",
    status_code=HTTP_200_OK,
    summary="Saisir le bilan d'une séance",
    opt={"access": Access.BOOKER},
    guards=[session_editor_guard],
)
async def session_outcome(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    session_id: FromPath[int],
    data: JSONBody[OutcomeIn],
) -> SessionOut:
    """Record or correct the outcome of a session that has ended; it becomes completed."""
    row = await session_changes.record_outcome(
        db_session, session_id, data.to_input(), caller=caller, now=now
    )
    return session_out(row, private=True)


sessions_router = Router(
    path="/api/sessions",
    route_handlers=[
        session_create,
        session_check,
        session_list,
        session_detail,
        session_update,
        session_publish,
        session_cancel,
        session_outcome,
    ],
    tags=["séances"],
)
series_router = Router(path="/api/series", route_handlers=[series_create], tags=["séances"])
