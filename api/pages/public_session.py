"""``/seances/{id}``: a session's public page — what, when, where (address, map, access), for
whom, organised by whom, places, add to one's calendar, the neighbourhood's calendar. Every
feed's ``URL`` points here. It shows the public view the API gives anyone
(:func:`planner.db.session_queries.seen_session` without a caller): never staff, notes or
outcomes; a draft is a 404 as for a missing number; a cancelled session says so."""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select

from api.deps import CallerDep, DbSession, Now, Retention
from api.pages.base import VIEWER, Viewer, page
from api.pages.session_view import when
from api.schemas.session import session_number, session_out
from planner.access import Access
from planner.audiences import audience_label
from planner.db import session_queries
from planner.db.models import Qpv
from planner.errors import NotFoundError
from planner.session import SESSION_KIND_LABELS, SessionKind, SessionStatus


@get("/{session_ref:str}", opt={"access": Access.ANYONE}, include_in_schema=False)
async def public_session(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    now: Now,
    retention: Retention,
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
    public = session_out(row, private=False)
    found = await db_session.execute(select(Qpv.code, Qpv.name).where(Qpv.code.in_(public.qpvs)))
    names: dict[str, str] = dict(found.all())
    status = SessionStatus(row.status)
    return page(
        "seance_publique.html",
        title=public.title,
        viewer=viewer,
        s=public,
        kind_label=SESSION_KIND_LABELS[SessionKind(row.kind)],
        when=when(row),
        cancelled=status is SessionStatus.CANCELLED,
        past=row.end_at <= now,
        step_free=row.venue.step_free,
        quarters=[{"code": code, "name": names.get(code, code)} for code in public.qpvs],
        organisers=[public.organisation.name, *(p.name for p in public.partners)],
        audiences=[audience_label(code) for code in public.audiences],
    )


router = Router(
    path="/seances", route_handlers=[public_session], dependencies=VIEWER, tags=["pages"]
)
