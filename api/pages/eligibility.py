"""``/emplois-francs``: an adviser checks whether an address lies in a QPV (the same service as
``GET /api/eligibility``); nothing is stored."""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from api.deps import CallerDep, DbSession, Placer
from api.pages.base import VIEWER, Viewer, page
from api.routes.eligibility import check_address
from planner.access import Access


@get("/", opt={"access": Access.STAFF}, include_in_schema=False)
async def eligibility_page(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    placer: Placer,
    adresse: FromQuery[str | None] = None,
) -> Template | Redirect:
    """The form, and the answer for the address typed."""
    if caller is None or viewer is None:
        return Redirect(path="/connexion?suivant=/emplois-francs", status_code=303)
    typed = (adresse or "").strip()[:300]
    answer = await check_address(db_session, placer, typed) if len(typed) >= 3 else None
    return page(
        "emplois_francs.html",
        title="Emplois francs : l'adresse est-elle dans un quartier prioritaire ?",
        viewer=viewer,
        typed=typed,
        answer=answer,
        too_short=0 < len(typed) < 3,
    )


router = Router(
    path="/emplois-francs", route_handlers=[eligibility_page], dependencies=VIEWER, tags=["pages"]
)
