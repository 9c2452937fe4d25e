"""Venue routes: create (placing the venue), list, read, change, delete."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import (
    HTTP_201_CREATED,
    HTTP_202_ACCEPTED,
    HTTP_204_NO_CONTENT,
)

from api.deps import CallerDep, DbSession, Now, Placer, Runner
from api.examples import VenueBody
from api.routes.territory import INSEE_PATTERN, QPV_CODE_PATTERN
from api.schemas import given_fields
from api.schemas.job import JobOut, job_out
from api.schemas.venue import VenueOut, VenuePatch, venue_out
from planner.access import Access, require_booker, require_caller
from planner.db.venue_import import queue_venue_import
from planner.db.venues import (
    create_venue,
    delete_venue,
    get_venue,
    list_venues,
    update_venue,
)
from planner.errors import InvalidInputError
from planner.venue import VenueKind


@post("/", status_code=HTTP_201_CREATED, summary="Créer un lieu", opt={"access": Access.BOOKER})
async def venue_create(
    db_session: DbSession, placer: Placer, caller: CallerDep, now: Now, data: VenueBody
) -> VenueOut:
    """Create a venue, geocoding its address unless coordinates are given.

    422 problem when the address is not found or ambiguous (candidates listed), 409 when the
    same venue exists, 503 with Retry-After when no geocoder can answer; nothing is saved then.
    """
    venue = await create_venue(db_session, placer, data.to_input(), now=now, caller=caller)
    return venue_out(venue)


@get("/", summary="Lister les lieux", opt={"access": Access.STAFF})
async def venue_list(
    db_session: DbSession,
    caller: CallerDep,
    qpv: Annotated[
        str | None,
        QueryParameter(pattern=QPV_CODE_PATTERN, description="QPV desservi par le lieu."),
    ] = None,
    commune: Annotated[
        str | None, QueryParameter(pattern=INSEE_PATTERN, description="Code INSEE de la commune.")
    ] = None,
    kind: Annotated[VenueKind | None, QueryParameter(description="Type de lieu.")] = None,
    q: Annotated[
        str | None, QueryParameter(min_length=1, max_length=100, description="Texte cherché.")
    ] = None,
) -> list[VenueOut]:
    """Venues matching every filter given, by name (staff only)."""
    require_caller(caller)
    rows = await list_venues(db_session, qpv=qpv, commune=commune, kind=kind, text=q)
    return [venue_out(row) for row in rows]


@get("/{venue_id:int}", summary="Un lieu", opt={"access": Access.STAFF})
async def venue_detail(
    db_session: DbSession, caller: CallerDep, venue_id: FromPath[int]
) -> VenueOut:
    """One venue (staff only); 404 problem when unknown."""
    require_caller(caller)
    return venue_out(await get_venue(db_session, venue_id))


@patch("/{venue_id:int}", summary="Modifier un lieu", opt={"access": Access.BOOKER})
async def venue_update(
    db_session: DbSession,
    placer: Placer,
    caller: CallerDep,
    now: Now,
    venue_id: FromPath[int],
    data: JSONBody[VenuePatch],
) -> VenueOut:
    """Change the fields given; a new address is geocoded again, new coordinates win."""
    venue = await update_venue(
        db_session, placer, venue_id, given_fields(data), now=now, caller=caller
    )
    return venue_out(venue)


@delete(
    "/{venue_id:int}",
    status_code=HTTP_204_NO_CONTENT,
    summary="Supprimer un lieu",
    opt={"access": Access.BOOKER},
)
async def venue_delete(
    db_session: DbSession, caller: CallerDep, now: Now, venue_id: FromPath[int]
) -> None:
    """Delete a venue no session uses; 404 problem when unknown, 409 when in use."""
    await delete_venue(db_session, venue_id, caller=caller, now=now)


MAX_IMPORT_BYTES = 10 * 1024 * 1024


@post(
    "/import",
    status_code=HTTP_202_ACCEPTED,
    summary="Importer des lieux (CSV)",
    request_max_body_size=MAX_IMPORT_BYTES,
    opt={"access": Access.BOOKER},
)
async def venue_import(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    runner: Runner,
    request: Request[Any, Any, Any],
) -> Response[JobOut]:
    """Import a CSV (header; ``;`` or ``,``) sent as the body or as a form's ``file`` field.

    The import runs in the background: 202 with the job, to follow at its ``Location``
    (``/api/jobs/{id}``); its result gives the rows created, updated and unchanged, and every
    rejected row with its line and reason, again in ``rejected_csv`` to fix and resubmit.
    Importing the same file again creates no duplicates. A file unusable as a whole (empty,
    required columns missing) is refused at once (422).
    """
    known = require_booker(caller)
    text = await _csv_text(request)
    job = await queue_venue_import(db_session, text, caller=known, now=now)
    await db_session.commit()  # the runner reads the job in its own transaction
    await runner.submit(job.id)
    return Response(
        job_out(job), status_code=HTTP_202_ACCEPTED, headers={"Location": f"/api/jobs/{job.id}"}
    )


async def _csv_text(request: Request[Any, Any, Any]) -> str:
    """The CSV sent: a multipart form's ``file`` field, or the raw body; UTF-8 or Latin-1."""
    if request.content_type[0] == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInputError({"file": "joignez le fichier CSV dans le champ « file »"})
        raw = await upload.read()
    else:
        raw = await request.body()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


router = Router(
    path="/api/venues",
    route_handlers=[
        venue_create,
        venue_list,
        venue_detail,
        venue_update,
        venue_delete,
        venue_import,
    ],
    tags=["lieux"],
)
