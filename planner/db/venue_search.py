"""Venues and geocoder proposals as a person chooses among them: where each is, in words — its
address, the QPV holding it or the nearest one and how far — and its point for a small map.

The search itself is :func:`planner.db.venues.list_venues` (the service behind ``GET
/api/venues?q=``); this module only adds the QPVs' names, so pages never show a bare code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.geocoding import Candidate
from planner.db.models import Qpv, Venue
from planner.db.venue_placement import Placement, VenuePlacer
from planner.db.venues import list_venues
from planner.rules_text import distance

SEARCH_LIMIT = 30
"""Venues shown at most for one search (the count says how many matched)."""


@dataclass(frozen=True, slots=True)
class Spot:
    """A venue or a proposal where a person may choose it: what it is, where, and its point."""

    key: str
    """The value a form sends to choose it: a venue's id, a proposal's label."""
    name: str
    address: str
    quarter: str
    """``dans le QPV Etouvie (QN08001M)``, ``à 350 m du QPV …`` or ``""`` (no QPV loaded)."""
    lon: float | None
    lat: float | None
    qpv_codes: tuple[str, ...]
    """The QPVs to outline around it on a map."""
    capacity: int | None = None


async def qpv_names(session: AsyncSession, codes: Iterable[str | None]) -> dict[str, str]:
    """The names of the QPVs ``codes`` (unknown codes are left out)."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    rows = await session.execute(select(Qpv.code, Qpv.name).where(Qpv.code.in_(wanted)))
    return {str(code): str(name) for code, name in rows.all()}


def _quarter(
    names: dict[str, str], inside: str | None, nearest: str | None, metres: float | None
) -> str:
    if inside:
        return f"dans le QPV {names.get(inside, inside)} ({inside})"
    if nearest and metres is not None:
        return f"à {distance(metres)} du QPV {names.get(nearest, nearest)} ({nearest})"
    return ""


def _codes(inside: str | None, nearest: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in (inside, nearest) if c))


def _address(venue: Venue) -> str:
    place = f"{venue.postcode or ''} {venue.commune_name}".strip()
    return ", ".join(part for part in (venue.street, place) if part)


async def venue_spots(session: AsyncSession, venues: Sequence[Venue]) -> list[Spot]:
    """``venues`` as spots to choose from, in the same order."""
    names = await qpv_names(session, [c for v in venues for c in (v.qpv_code, v.nearest_qpv_code)])
    return [
        Spot(
            key=str(v.id),
            name=v.name,
            address=", ".join(
                p for p in (v.street, f"{v.postcode or ''} {v.commune_name}".strip()) if p
            ),
            quarter=_quarter(names, v.qpv_code, v.nearest_qpv_code, v.nearest_qpv_distance_m),
            lon=v.lon,
            lat=v.lat,
            qpv_codes=_codes(v.qpv_code, v.nearest_qpv_code),
            capacity=v.capacity,
        )
        for v in venues
    ]


async def search_venues(session: AsyncSession, text: str) -> tuple[list[Spot], int]:
    """Venues matching ``text`` (name, address, commune, or a QPV's name or code; accents and
    case ignored) — every venue when ``text`` is blank — as spots: the first
    :data:`SEARCH_LIMIT`, and how many matched."""
    found = list(await list_venues(session, text=text.strip() or None))
    return await venue_spots(session, found[:SEARCH_LIMIT]), len(found)


async def proposal_spots(
    session: AsyncSession, placer: VenuePlacer, candidates: Sequence[Candidate]
) -> list[Spot]:
    """A geocoder's proposals (an ambiguous address) as spots, each located in the territory
    as the venue would be if placed there."""
    placed: list[tuple[Candidate, Placement]] = [
        (c, await placer.placement_of(session, c)) for c in candidates
    ]
    names = await qpv_names(
        session, [code for _, p in placed for code in (p.qpv_code, p.nearest_qpv_code)]
    )
    return [
        Spot(
            key=c.label,
            name=c.label,
            address=c.label,
            quarter=_quarter(names, p.qpv_code, p.nearest_qpv_code, p.nearest_qpv_distance_m),
            lon=c.lon,
            lat=c.lat,
            qpv_codes=_codes(p.qpv_code, p.nearest_qpv_code),
        )
        for c, p in placed
    ]
