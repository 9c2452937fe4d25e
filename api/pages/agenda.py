"""``/agenda``: the signed-in person's sessions week by week (their organisation's for
coordinators who ask), filtered by kind, status and QPV, and those that ended without an
outcome. Lists through :func:`planner.db.session_queries.list_sessions`, the service behind
``GET /api/sessions``."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from api.deps import CallerDep, DbSession, Now, Retention
from api.pages.base import VIEWER, Viewer, page
from api.pages.session_view import when
from planner.access import Access, allows
from planner.booking_input import SessionFilter
from planner.clock import PARIS
from planner.db.session_queries import list_sessions
from planner.rules_status import STATUS_LABELS
from planner.session import SESSION_KIND_LABELS, SessionKind, SessionStatus

DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
WEEKS = 2
"""Weeks shown at once: this one and the next."""


def _monday(text: str | None, today: date) -> tuple[date, str | None]:
    """The Monday of the week asked (``?du=2026-12-14``), or this week's with a French reason."""
    if not text:
        return today - timedelta(days=today.weekday()), None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return today - timedelta(
            days=today.weekday()
        ), f"Date « {text} » illisible : semaine en cours."
    if not 2000 <= day.year <= 2999:
        return today - timedelta(
            days=today.weekday()
        ), f"Date « {text} » hors des années possibles."
    return day - timedelta(days=day.weekday()), None


def _item(row: Any) -> dict[str, Any]:
    zone = ZoneInfo(row.timezone)
    start, end = row.start_at.astimezone(zone), row.end_at.astimezone(zone)
    return {
        "id": row.id,
        "title": row.title,
        "kind": SESSION_KIND_LABELS[SessionKind(row.kind)],
        "status": row.status,
        "status_label": STATUS_LABELS[SessionStatus(row.status)],
        "hours": f"{start:%H:%M}–{end:%H:%M}",
        "venue": row.venue.name,
        "qpvs": ", ".join(q.qpv_code for q in row.qpvs),
        "when": when(row),
        "day": start.date(),
    }


@get("/", opt={"access": Access.STAFF}, include_in_schema=False)
async def agenda(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    now: Now,
    retention: Retention,
    du: FromQuery[str | None] = None,
    vue: FromQuery[str | None] = None,
    type_: FromQuery[str | None] = None,
    etat: FromQuery[str | None] = None,
    qpv: FromQuery[str | None] = None,
    reservee: FromQuery[str | None] = None,
) -> Template | Redirect:
    """Two weeks of sessions as a week grid (a list by day on a phone), and those to close."""
    if caller is None:
        return Redirect(path="/connexion?suivant=/agenda", status_code=303)
    today = now.astimezone(PARIS).date()
    monday, problem = _monday(du, today)
    organisation_view = vue == "organisation" and allows(Access.PLANNER, caller.role)
    kind = type_ if type_ in {k.value for k in SessionKind} else None
    status = etat if etat in {s.value for s in SessionStatus} else None
    code = (qpv or "").strip().upper()[:16] or None
    base = SessionFilter(
        organisation=caller.organisation_id if organisation_view else None,
        staff=None if organisation_view else caller.staff_id,
        kind=SessionKind(kind) if kind else None,
        statuses=frozenset({SessionStatus(status)}) if status else None,
        qpv=code,
    )
    first = datetime.combine(monday, time.min, tzinfo=PARIS)
    shown = SessionFilter(
        start=first,
        end=first + timedelta(weeks=WEEKS),
        organisation=base.organisation,
        staff=base.staff,
        kind=base.kind,
        statuses=base.statuses,
        qpv=base.qpv,
    )
    _, rows = await list_sessions(
        db_session, shown, caller=caller, now=now, retention=retention, limit=500, offset=0
    )
    by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for row, _view in rows:
        item = _item(row)
        by_day[item["day"]].append(item)
    weeks = [
        [
            {
                "date": day,
                "label": f"{DAYS[i]} {day:%d/%m}",
                "today": day == today,
                "sessions": by_day[day],
            }
            for i, day in enumerate(monday + timedelta(days=w * 7 + d) for d in range(7))
        ]
        for w in range(WEEKS)
    ]
    _, ended = await list_sessions(
        db_session,
        SessionFilter(
            start=now - timedelta(days=90),
            end=now,
            organisation=base.organisation,
            staff=base.staff,
            statuses=frozenset({SessionStatus.PUBLISHED}),
        ),
        caller=caller,
        now=now,
        retention=retention,
        limit=100,
        offset=0,
    )
    to_close = [_item(row) for row, _ in ended if row.end_at <= now]
    return page(
        "agenda.html",
        title="Mon agenda",
        viewer=viewer,
        current="/agenda",
        weeks=weeks,
        to_close=to_close,
        previous=(monday - timedelta(weeks=1)).isoformat(),
        following=(monday + timedelta(weeks=1)).isoformat(),
        first_day=monday,
        organisation_view=organisation_view,
        may_see_organisation=allows(Access.PLANNER, caller.role),
        kinds=[(k.value, label) for k, label in SESSION_KIND_LABELS.items()],
        statuses=[(s.value, label) for s, label in STATUS_LABELS.items()],
        chosen={"type": kind or "", "etat": status or "", "qpv": code or "", "vue": vue or ""},
        error=problem,
        notice="Série réservée : ses séances sont ci-dessous." if reservee else None,
    )


router = Router(path="/agenda", route_handlers=[agenda], dependencies=VIEWER, tags=["pages"])
