"""The organisers' form on a session's staff page: who came (the same service as
``PUT /api/sessions/{id}/attendance``)."""

from __future__ import annotations

from litestar import Router, post
from litestar.params import FromPath
from litestar.response import Redirect

from api.deps import CallerDep, DbSession, Now
from api.pages.form_values import FormData, one
from planner.access import Access
from planner.db import registrants

PREFIX = "presence-"


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
    return Redirect(path=f"/agenda/seances/{session_id}?fait=presences", status_code=303)


router = Router(path="/agenda/seances", route_handlers=[attendance_from_page], tags=["pages"])
