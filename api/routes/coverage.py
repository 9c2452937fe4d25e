"""Coverage routes: which QPVs outreach reaches, as GeoJSON for the map and CSV for sheets."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromQuery, QueryParameter

from api.coverage_png import render_png
from api.deps import CallerDep, DbSession, Now
from api.routes.territory import DEPARTMENT_PATTERN
from api.schemas import IdQuery
from api.schemas.coverage import CoverageCollection, coverage_collection, coverage_csv
from planner.access import Access
from planner.booking_input import check_days
from planner.clock import PARIS
from planner.coverage_status import DEFAULT_LAPSED_AFTER_DAYS
from planner.db.coverage import compute_coverage
from planner.db.coverage_values import Coverage, CoverageFilter
from planner.errors import InvalidInputError
from planner.session import SessionKind

EPCI_PATTERN = r"^\d{9}$"
DEFAULT_PERIOD = timedelta(days=365)
"""Without ``from``, the year up to ``to`` (or up to today when ``to`` lies ahead)."""
DEFAULT_AHEAD = timedelta(days=28)
"""Without ``to``, the coming four weeks are in the period: what is planned there (a campaign
accepted for next week) shows as planned, apart from what was held."""

From = Annotated[
    date | None,
    QueryParameter(
        name="from",
        description="Premier jour (inclus) ; défaut : un an avant « to » (ou avant aujourd'hui).",
    ),
]
To = Annotated[
    date | None,
    QueryParameter(
        description="Dernier jour (inclus) ; défaut : dans quatre semaines (ce qui est prévu)."
    ),
]
Dep = Annotated[
    str | None, QueryParameter(pattern=DEPARTMENT_PATTERN, description="Code de département.")
]
Epci = Annotated[
    str | None, QueryParameter(pattern=EPCI_PATTERN, description="SIREN de l'EPCI (9 chiffres).")
]
LapsedAfter = Annotated[
    int,
    QueryParameter(
        ge=1, le=365, description="Jours sans séance au-delà desquels un QPV est « délaissé »."
    ),
]


def _bad(field: str, message: str) -> ValidationException:
    return ValidationException(extra=[{"key": field, "source": "query", "message": message}])


async def provide_coverage(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    from_: From = None,
    to: To = None,
    kind: FromQuery[SessionKind | None] = None,
    organisation: IdQuery = None,
    dep: Dep = None,
    epci: Epci = None,
    lapsed_after: LapsedAfter = DEFAULT_LAPSED_AFTER_DAYS,
) -> Coverage:
    """The coverage the three routes answer with: parameters validated into a filter, then
    the one service call (managers, coordinators and admins only)."""
    try:
        check_days(from_=from_, to=to)
    except InvalidInputError as exc:
        raise _bad(*next(iter(exc.errors.items()))) from None
    today = now.astimezone(PARIS).date()
    last = to or today + DEFAULT_AHEAD
    first = from_ or min(last, today) - DEFAULT_PERIOD + timedelta(days=1)
    if last < first:
        raise _bad("to", "le dernier jour précède le premier")
    filters = CoverageFilter(
        first_day=first,
        last_day=last,
        kind=kind,
        organisation=organisation,
        department=dep.upper() if dep else None,
        epci=epci,
        lapsed_after_days=lapsed_after,
    )
    try:
        return await compute_coverage(db_session, filters, caller=caller, now=now)
    except InvalidInputError as exc:  # an unknown place is a bad parameter: 400, not 422
        raise ValidationException(
            extra=[{"key": k, "source": "query", "message": v} for k, v in exc.errors.items()]
        ) from None


CoverageDep = NamedDependency[Coverage]


@get("/coverage", summary="Couverture des QPV (GeoJSON)", opt={"access": Access.STAFF})
async def coverage_geojson(coverage: CoverageDep) -> CoverageCollection:
    """Every QPV of the territory with its figures over the period and a polygon simplified for
    display, plus a ``summary`` (totals counting each session once, share reached, gaps)."""
    return coverage_collection(coverage)


@get(
    "/coverage.csv",
    summary="Couverture des QPV (CSV)",
    opt={"access": Access.STAFF},
    media_type="text/csv",
)
async def coverage_table(coverage: CoverageDep) -> Response[bytes]:
    """The same table for a spreadsheet: French column names, ``;`` separated, UTF-8 with BOM."""
    return Response(
        coverage_csv(coverage),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="couverture-qpv.csv"'},
    )


@get(
    "/coverage.png",
    summary="Carte de couverture (PNG)",
    opt={"access": Access.STAFF},
    media_type="image/png",
)
async def coverage_picture(
    request: Request[Any, Any, Any], db_session: DbSession, coverage: CoverageDep
) -> Response[bytes]:
    """The coverage map as a PNG for a report: QPVs coloured by status over the communes'
    outlines and main names, legend, title."""
    layer = await request.app.state.communes.region(db_session)
    filters = coverage.filters
    territory = (
        f"département {filters.department}"
        if filters.department
        else f"EPCI {filters.epci}"
        if filters.epci
        else "tous les QPV chargés"
    )
    picture = await asyncio.to_thread(
        render_png,
        coverage,
        title=f"Couverture des quartiers prioritaires — {territory}",
        communes=layer.communes,
    )
    return Response(picture, media_type="image/png")


router = Router(
    path="/api",
    route_handlers=[coverage_geojson, coverage_table, coverage_picture],
    tags=["couverture"],
    dependencies={"coverage": Provide(provide_coverage)},
)
