"""``GET /api/geocode``: the configured geocoder chain, for forms and for checking an address."""

from __future__ import annotations

from typing import Annotated

from litestar import Router, get
from litestar.params import QueryParameter

from api.deps import DbSession, Placer
from api.schemas.venue import CandidateOut, candidate_out
from planner.access import Access


@get("/", summary="Géocoder une adresse", opt={"access": Access.ANYONE})
async def geocode(
    db_session: DbSession,
    placer: Placer,
    q: Annotated[str, QueryParameter(min_length=3, max_length=300, description="Adresse.")],
    limit: Annotated[int, QueryParameter(ge=1, le=20, description="Nombre maximal.")] = 5,
) -> list[CandidateOut]:
    """Ranked candidates (label, point, commune, QPV holding the point, score, provider); a
    commune-level candidate (its town hall's point) carries no QPV: its point says nothing of
    the quarter the address is in.

    An empty list when nothing matches; 503 problem with Retry-After when no provider answers.
    """
    candidates = await placer.geocoding.geocode(q, limit=limit)
    territory = await placer.territory.get(db_session)
    return [
        candidate_out(
            c, None if c.precision == "municipality" else territory.qpvs.locate(c.lon, c.lat)
        )
        for c in candidates
    ]


router = Router(path="/api/geocode", route_handlers=[geocode], tags=["lieux"])
