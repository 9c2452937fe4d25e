"""``/api/communes.geojson``: commune outlines and names as map context, served by the app
itself so that a map has its bearings without any background tiles (issue 17)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, Router, get
from litestar.params import QueryParameter
from shapely.geometry import mapping

from api.deps import DbSession
from api.feeds.service import Feed
from api.file_answer import GEOJSON, generated_file, geojson_responses, respond_file
from api.routes.coverage import EPCI_PATTERN
from api.routes.territory import DEPARTMENT_PATTERN
from planner.access import Access
from planner.db.map_context import CommuneLayer, CommuneOutlines

ATTRIBUTION = "Communes : IGN, INSEE (Licence Ouverte 2.0)"
MAX_AGE = 86_400
"""A day: the outlines change only when the reference data is imported again."""
_ENCODED: dict[tuple[str, str | None, str | None], Feed] = {}
"""Encoded answers by (data version, department, EPCI): a handful of territories are asked."""
_ENCODED_SIZE = 64


class CommuneProperties(msgspec.Struct, frozen=True):
    """A commune's name, population and where to write its name (lon, lat)."""

    nom: str
    population: int | None
    etiquette: list[float]


class CommuneFeature(msgspec.Struct, frozen=True):
    """A commune: its INSEE code as ``id``, its outline simplified for display."""

    id: str
    properties: CommuneProperties
    geometry: dict[str, Any]
    type: Literal["Feature"] = "Feature"


class CommuneCollection(msgspec.Struct, frozen=True):
    """The communes of a territory (RFC 7946), with the data's attribution."""

    attribution: str
    features: list[CommuneFeature]
    type: Literal["FeatureCollection"] = "FeatureCollection"


def _collection(layer: CommuneLayer) -> bytes:
    """The communes as an encoded GeoJSON FeatureCollection."""
    return msgspec.json.encode(
        CommuneCollection(
            attribution=ATTRIBUTION,
            features=[
                CommuneFeature(
                    id=c.code,
                    properties=CommuneProperties(c.name, c.population, list(c.label)),
                    geometry=mapping(c.geometry),
                )
                for c in layer.communes
            ],
        )
    )


@get(
    "/communes.geojson",
    summary="Contours et noms des communes (contexte de carte)",
    opt={"access": Access.ANYONE},
    media_type=GEOJSON,
    responses=geojson_responses(CommuneCollection, "Les communes du territoire"),
)
async def commune_outlines(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    dep: Annotated[
        str | None,
        QueryParameter(pattern=DEPARTMENT_PATTERN, description="Code de département (ex. 59)."),
    ] = None,
    epci: Annotated[
        str | None, QueryParameter(pattern=EPCI_PATTERN, description="SIREN de l'EPCI.")
    ] = None,
) -> Response[bytes]:
    """The communes of a department or an EPCI (of the whole region without either) as
    simplified outlines with their names, for a map's bearings; 404 problem when none is
    loaded there. Cached by clients for a day, revalidated by ETag."""
    cache: CommuneOutlines = request.app.state.communes
    department = dep.upper() if dep else None
    layer = await cache.territory(db_session, department=department, epci=epci)
    key = (layer.version, department, epci)
    if key not in _ENCODED:
        if len(_ENCODED) >= _ENCODED_SIZE:
            _ENCODED.clear()
        _ENCODED[key] = await asyncio.to_thread(lambda: generated_file(_collection(layer)))
    return respond_file(request, _ENCODED[key], media_type=GEOJSON, max_age=MAX_AGE)


router = Router(path="/api", route_handlers=[commune_outlines], tags=["territoire"])
