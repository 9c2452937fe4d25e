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
"""

from __future__ import annotations

from litestar import Router, get
from litestar.response import Template

from api.deps import AppSettings
from api.pages.base import VIEWER, Viewer
from planner.access import Access
from planner.session import SESSION_KIND_LABELS


@get(
    "/",
    summary="Carte de couverture des quartiers (gestionnaires)",
    opt={"access": Access.ANYONE},
    dependencies=VIEWER,
    include_in_schema=False,
)
async def coverage_page(viewer: Viewer, settings: AppSettings) -> Template:
    """The coverage map page (``couverture.html``); its data comes from ``/api/coverage`` with
    the browser session of a signed-in person, or else with a pasted token."""
    return Template(
        template_name="couverture.html",
        context={
            "viewer": viewer,
            "kinds": list(SESSION_KIND_LABELS.items()),
            "tiles": settings.map_tiles,
            "tiles_attribution": settings.map_tiles_attribution,
        },
    )


router = Router(path="/couverture", route_handlers=[coverage_page], tags=["pages"])
