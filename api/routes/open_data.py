"""Open data of a territory (issue 17): the public files a manager publishes (GeoJSON for a
map such as uMap, CSV for a spreadsheet), and the admins' switch.

``/donnees-ouvertes/{territoire}/qpv.geojson`` and ``…/qpv.csv``: counts per QPV of a published
territory, for anyone, from any site (``Access-Control-Allow-Origin: *``: uMap reads them as
remote data from the browser), cached an hour and revalidated by ETag; a territory not
published is a 404. ``/api/open-data``: which territories are published; admins publish
(``PUT``) and withdraw (``DELETE``) one.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, put
from litestar.exceptions import ValidationException
from litestar.params import PathParameter, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.deps import AppSettings, CallerDep, DbSession, Now
from api.file_answer import GEOJSON, generated_file, geojson_responses, respond_file
from api.schemas.open_data import (
    OpenDataCollection,
    PublicationOut,
    open_data_csv,
    open_data_geojson,
    publication_out,
)
from planner.access import Access
from planner.db import open_data
from planner.db.coverage_values import Coverage
from planner.errors import InvalidInputError
from planner.open_data import FIRST_YEAR, TERRITORY_PATTERN, parse_territory

MAX_AGE = 3600
"""An hour: the counts change as sessions are held and recorded."""
CORS = {"access-control-allow-origin": "*"}

TerritoryPath = Annotated[
    str,
    PathParameter(
        pattern=TERRITORY_PATTERN,
        description="Code du département (ex. 59) ou SIREN de l'EPCI (9 chiffres).",
    ),
]
Year = Annotated[
    int | None,
    QueryParameter(
        ge=FIRST_YEAR,
        le=2100,
        description="Année civile publiée ; défaut : les douze derniers mois complets.",
    ),
]


async def _coverage(db_session: DbSession, now: Now, territory: str, annee: Year) -> Coverage:
    """The published coverage; a year out of range is a bad parameter (400)."""
    try:
        return await open_data.open_coverage(db_session, territory, year=annee, now=now)
    except InvalidInputError as exc:
        raise ValidationException(
            extra=[{"key": k, "source": "query", "message": v} for k, v in exc.errors.items()]
        ) from None


@get(
    "/{territory:str}/qpv.geojson",
    summary="Données ouvertes : chiffres par QPV d'un territoire (GeoJSON)",
    opt={"access": Access.ANYONE},
    media_type=GEOJSON,
    responses=geojson_responses(OpenDataCollection, "Les chiffres par QPV du territoire"),
)
async def open_data_map(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    now: Now,
    territory: TerritoryPath,
    annee: Year = None,
) -> Response[bytes]:
    """Every QPV of a published territory with its perimeter and its counts over the period
    (sessions held, their hours, organisations): a FeatureCollection uMap reads as remote
    data. Licence Ouverte 2.0. 404 when the territory is not published."""
    coverage = await _coverage(db_session, now, territory, annee)
    body = open_data_geojson(coverage, parse_territory(territory))
    return respond_file(
        request,
        generated_file(body),
        media_type=GEOJSON,
        max_age=MAX_AGE,
        headers=CORS,
    )


@get(
    "/{territory:str}/qpv.csv",
    summary="Données ouvertes : chiffres par QPV d'un territoire (CSV)",
    opt={"access": Access.ANYONE},
    media_type="text/csv",
)
async def open_data_table(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    now: Now,
    territory: TerritoryPath,
    annee: Year = None,
) -> Response[bytes]:
    """The same counts as CSV (comma, UTF-8, decimal point), with each QPV's centroid."""
    coverage = await _coverage(db_session, now, territory, annee)
    name = f"qpv-{territory.upper()}{f'-{annee}' if annee else ''}.csv"
    return respond_file(
        request,
        generated_file(open_data_csv(coverage)),
        media_type="text/csv; header=present",  # Litestar adds the charset
        max_age=MAX_AGE,
        headers={**CORS, "content-disposition": f'inline; filename="{name}"'},
    )


@get(
    "/",
    summary="Territoires dont les données ouvertes sont publiées",
    opt={"access": Access.ANYONE},
)
async def publications(db_session: DbSession, settings: AppSettings) -> list[PublicationOut]:
    """The territories published now, with their files' addresses."""
    rows = await open_data.list_publications(db_session)
    return [publication_out(row, base_url=settings.public_url) for row in rows]


@put(
    "/{territory:str}",
    summary="Publier les données ouvertes d'un territoire (administration)",
    opt={"access": Access.ADMIN},
    status_code=200,
)
async def publish(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    settings: AppSettings,
    territory: TerritoryPath,
) -> PublicationOut:
    """Open the territory's files to anyone (again: nothing changes); 404 when no QPV is
    loaded there."""
    row = await open_data.publish(db_session, territory, caller=caller, now=now)
    return publication_out(row, base_url=settings.public_url)


@delete(
    "/{territory:str}",
    summary="Retirer les données ouvertes d'un territoire (administration)",
    opt={"access": Access.ADMIN},
    status_code=HTTP_204_NO_CONTENT,
)
async def withdraw(
    db_session: DbSession, caller: CallerDep, now: Now, territory: TerritoryPath
) -> None:
    """Close the territory's files: they answer 404 from now on."""
    await open_data.withdraw(db_session, territory, caller=caller, now=now)


files_router = Router(
    path="/donnees-ouvertes",
    route_handlers=[open_data_map, open_data_table],
    tags=["données ouvertes"],
)
admin_router = Router(
    path="/api/open-data",
    route_handlers=[publications, publish, withdraw],
    tags=["données ouvertes"],
)
