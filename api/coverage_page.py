"""``/couverture``: the coverage map for managers — which QPVs outreach reaches, and where
nobody goes.

The page itself is static HTML: its script (``/static/couverture.js``) asks
``/api/coverage`` with the signed-in person's browser session, or else with a bearer token
pasted by hand (kept in ``sessionStorage``), draws the QPV
polygons with Leaflet (served from ``/static/leaflet``, no CDN) over the outlines and names of
the communes (``/api/communes.geojson``), with background tiles only when a deployment
configures a tile server (``ALLERVERS_MAP_TILES``: no request to any other site otherwise),
colours them by the chosen metric with a legend of the class
breaks, and repeats the same figures in a sortable table for screen readers and for people
who prefer tables.

Admins also find there the switch of each territory's open data (issue 17): the territories
published, with their files' addresses, a button to withdraw each, and a form to publish one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from api.deps import AppSettings, CallerDep, DbSession, Now
from api.pages.base import VIEWER, Viewer
from api.schemas.open_data import publication_out
from api.settings import Settings
from planner.access import Access, Caller
from planner.access.open_data import may_publish_open_data
from planner.db import open_data
from planner.errors import InvalidInputError, NotFoundError
from planner.session import SESSION_KIND_LABELS

SECTION = "/couverture#donnees-ouvertes"


@dataclass
class OpenDataForm:
    """The open-data switch: a territory, and whether to publish or withdraw it."""

    territoire: str = ""
    action: str = "publier"


async def _page(
    db_session: DbSession,
    viewer: Viewer,
    caller: Caller | None,
    settings: Settings,
    *,
    problem: str = "",
    status: int = 200,
) -> Template:
    published = None
    if caller is not None and may_publish_open_data(caller):
        rows = await open_data.list_publications(db_session)
        published = [publication_out(row, base_url=settings.public_url) for row in rows]
    return Template(
        template_name="couverture.html",
        context={
            "viewer": viewer,
            "kinds": list(SESSION_KIND_LABELS.items()),
            "tiles": settings.map_tiles,
            "tiles_attribution": settings.map_tiles_attribution,
            "open_data": published,
            "problem": problem,
        },
        status_code=status,
    )


@get(
    "/",
    summary="Carte de couverture des quartiers (gestionnaires)",
    opt={"access": Access.ANYONE},
    include_in_schema=False,
)
async def coverage_page(
    db_session: DbSession, viewer: Viewer, caller: CallerDep, settings: AppSettings
) -> Template:
    """The coverage map page (``couverture.html``); its data comes from ``/api/coverage`` with
    the browser session of a signed-in person, or else with a pasted token."""
    return await _page(db_session, viewer, caller, settings)


@post(
    "/donnees-ouvertes",
    opt={"access": Access.ADMIN},
    include_in_schema=False,
    status_code=303,
)
async def switch_open_data(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    settings: AppSettings,
    now: Now,
    data: Annotated[OpenDataForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    """Publish or withdraw a territory's open data, back to the page's section; a territory
    that cannot be is said on the page."""
    change = open_data.withdraw if data.action == "retirer" else open_data.publish
    try:
        await change(db_session, data.territoire, caller=caller, now=now)
    except InvalidInputError as invalid:
        reason = f"attendu : {invalid.errors['territory']}"
    except NotFoundError as missing:
        reason = str(missing)
    else:
        return Redirect(path=SECTION, status_code=303)
    problem = f"Territoire « {data.territoire.strip()} » : {reason}"
    return await _page(db_session, viewer, caller, settings, problem=problem, status=422)


router = Router(
    path="/couverture",
    route_handlers=[coverage_page, switch_open_data],
    dependencies=VIEWER,
    tags=["pages"],
)
