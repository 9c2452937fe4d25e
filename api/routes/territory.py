"""Territory routes: QPV list and perimeters, and locating a point."""

from __future__ import annotations

from typing import Annotated, Any

import shapely
from litestar import Request, Response, Router, get
from litestar.params import PathParameter, QueryParameter
from shapely.geometry import mapping

from api.deps import DbSession
from api.schemas.territory import (
    LocateResult,
    QpvFeature,
    QpvSummary,
    locate_result,
    qpv_feature,
    qpv_summary,
)
from planner.access import Access
from planner.db.territory import TerritoryCache, get_qpv, list_qpvs, locate

DEPARTMENT_PATTERN = r"^(\d{2}|2[ABab]|97\d)$"
INSEE_PATTERN = r"^(\d{5}|2[ABab]\d{3})$"
QPV_CODE_PATTERN = r"^[Qq][A-Za-z0-9]{5,9}$"


@get("/qpv", summary="Lister les QPV", opt={"access": Access.ANYONE})
async def qpv_list(
    db_session: DbSession,
    dep: Annotated[
        str | None,
        QueryParameter(pattern=DEPARTMENT_PATTERN, description="Code de département (ex. 80)."),
    ] = None,
    commune: Annotated[
        str | None,
        QueryParameter(pattern=INSEE_PATTERN, description="Code INSEE d'une commune d'accueil."),
    ] = None,
    q: Annotated[
        str | None,
        QueryParameter(min_length=1, max_length=100, description="Texte cherché dans le nom."),
    ] = None,
) -> list[QpvSummary]:
    """Every QPV matching all the filters given, without polygons, ordered by code."""
    rows = await list_qpvs(
        db_session,
        department=dep.upper() if dep else None,
        commune=commune.upper() if commune else None,
        text=q,
    )
    return [qpv_summary(row) for row in rows]


@get("/qpv/{code:str}", summary="Périmètre d'un QPV (GeoJSON)", opt={"access": Access.ANYONE})
async def qpv_detail(
    db_session: DbSession,
    code: Annotated[str, PathParameter(pattern=QPV_CODE_PATTERN, description="Code du QPV.")],
) -> QpvFeature:
    """The QPV as a GeoJSON Feature with its polygon; 404 problem for an unknown code."""
    return qpv_feature(await get_qpv(db_session, code))


@get(
    "/locate",
    summary="Situer un point : QPV, QPV le plus proche, commune",
    opt={"access": Access.ANYONE},
)
async def locate_point(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    lat: Annotated[float, QueryParameter(ge=-90, le=90, description="Latitude WGS84.")],
    lon: Annotated[float, QueryParameter(ge=-180, le=180, description="Longitude WGS84.")],
) -> LocateResult:
    """The QPV holding the point (or null), the nearest QPV with its distance, the commune."""
    cache: TerritoryCache = request.app.state.territory
    return locate_result(lat, lon, await locate(db_session, cache, lon=lon, lat=lat))


@get(
    "/departements.geojson",
    summary="Contours des départements (contexte de carte)",
    opt={"access": Access.ANYONE},
)
async def department_outlines(
    request: Request[Any, Any, Any], db_session: DbSession
) -> Response[dict[str, Any]]:
    """The departments of the loaded communes as simplified outlines, to give a map its bearings
    without any background tiles."""
    cache: TerritoryCache = request.app.state.territory
    outlines = await cache.department_outlines(db_session)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": dep,
                "properties": {"code": dep},
                "geometry": mapping(shapely.set_precision(geometry, 0.0001)),
            }
            for dep, geometry in outlines.items()
        ],
    }
    return Response(collection, headers={"Cache-Control": "max-age=3600"})


router = Router(
    path="/api",
    route_handlers=[qpv_list, qpv_detail, locate_point, department_outlines],
    tags=["territoire"],
)
