"""``/``: what the service is and where each audience goes; the accessibility statement."""

from __future__ import annotations

from litestar import Router, get
from litestar.response import Template

from api.pages.base import VIEWER, Viewer, page
from planner.access import Access


@get("/", opt={"access": Access.ANYONE}, include_in_schema=False)
async def home(viewer: Viewer) -> Template:
    """Residents to the calendars, staff to sign in (or to their pages), managers to coverage."""
    return page("accueil.html", title="Accueil", viewer=viewer)


@get("/accessibilite", opt={"access": Access.ANYONE}, include_in_schema=False)
async def accessibility(viewer: Viewer) -> Template:
    """The accessibility statement (RGAA), linked from every page's footer."""
    return page("accessibilite.html", title="Déclaration d'accessibilité", viewer=viewer)


router = Router(path="/", route_handlers=[home, accessibility], dependencies=VIEWER, tags=["pages"])
