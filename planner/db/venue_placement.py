"""Placing a venue: geocoding its address (or taking coordinates given by hand) and locating
the point in the territory — commune, QPV holding it, nearest QPV, QPVs it serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from geo.geocoding import Candidate
from planner.db.geocoding import GeocodingService
from planner.db.models import Venue, VenueQpv
from planner.db.territory import Territory, TerritoryCache
from planner.errors import AmbiguousAddressError
from planner.venue import Address, choose_candidate


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a venue is and how we know it."""

    lon: float
    lat: float
    provider: str
    score: float | None
    label: str | None
    insee_code: str | None
    qpv_code: str | None
    nearest_qpv_code: str | None
    nearest_qpv_distance_m: float | None
    served: tuple[tuple[str, float], ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class VenuePlacer:
    """Geocodes and locates venues with the service's settings."""

    geocoding: GeocodingService
    territory: TerritoryCache
    min_score: float
    serve_radius_m: float

    async def candidate(self, address: Address) -> Candidate:
        """The one confident candidate for ``address`` (or the domain error saying why not)."""
        line = address.line()
        return choose_candidate(line, await self.geocoding.geocode(line), min_score=self.min_score)

    async def chosen_candidate(self, address: Address, label: str) -> Candidate:
        """The geocoder's proposal labelled ``label`` for ``address``: the one a person chose
        after an ambiguous answer. A label the geocoder no longer proposes for this address (the
        address was changed since) is ambiguous again, with the proposals of now."""
        line = address.line()
        found = sorted(await self.geocoding.geocode(line), key=lambda c: -c.score)
        chosen = next((c for c in found if c.label == label), None)
        if chosen is not None:
            return chosen
        choose_candidate(line, found, min_score=self.min_score)  # nothing found: says so
        raise AmbiguousAddressError(
            f"La proposition « {label} » ne correspond pas à l'adresse « {line} ». Choisissez "
            "parmi les propositions ou placez le lieu sur la carte.",
            candidates=found,
        )

    async def locate(self, session: AsyncSession, **point: Any) -> Placement:
        """Locate a point (keywords of :meth:`locate_in`) in the territory now loaded."""
        return self.locate_in(await self.territory.get(session), **point)

    def locate_in(
        self,
        territory: Territory,
        *,
        lon: float,
        lat: float,
        provider: str,
        score: float | None = None,
        label: str | None = None,
        insee_code: str | None = None,
    ) -> Placement:
        """Locate a point in ``territory``: commune, QPV, nearest QPV, served QPVs."""
        nearest = territory.qpvs.nearest(lon, lat)
        return Placement(
            lon=lon,
            lat=lat,
            provider=provider,
            score=score,
            label=label,
            insee_code=territory.communes.locate(lon, lat) or insee_code,
            qpv_code=territory.qpvs.locate(lon, lat),
            nearest_qpv_code=nearest.code if nearest else None,
            nearest_qpv_distance_m=round(nearest.distance_m, 1) if nearest else None,
            served=tuple(
                (n.code, round(n.distance_m, 1))
                for n in territory.qpvs.within(lon, lat, self.serve_radius_m)
            ),
        )

    async def place(
        self,
        session: AsyncSession,
        address: Address,
        lon: float | None,
        lat: float | None,
        *,
        chosen: str | None = None,
    ) -> Placement:
        """Place a venue: by hand when coordinates are given, else at the geocoder's proposal
        labelled ``chosen``, else by geocoding its address (one confident candidate)."""
        if lon is not None and lat is not None:
            return await self.locate(session, lon=lon, lat=lat, provider="manual")
        if chosen:
            found = await self.chosen_candidate(address, chosen)
        else:
            found = await self.candidate(address)
        return await self.placement_of(session, found)

    async def placement_of(self, session: AsyncSession, found: Candidate) -> Placement:
        """The placement of a chosen geocoding candidate."""
        return self.placement_in(await self.territory.get(session), found)

    def placement_in(self, territory: Territory, found: Candidate) -> Placement:
        """The placement of a chosen geocoding candidate in ``territory``."""
        return self.locate_in(
            territory,
            lon=found.lon,
            lat=found.lat,
            provider=found.provider,
            score=found.score,
            label=found.label,
            insee_code=found.insee_code,
        )


def apply_placement(venue: Venue, placement: Placement, *, now: datetime) -> None:
    """Store a placement on a venue row, replacing the QPVs it serves."""
    venue.lon, venue.lat = placement.lon, placement.lat
    venue.geocode_provider = placement.provider
    venue.geocode_score = placement.score
    venue.geocode_label = placement.label
    venue.geocoded_at = now
    venue.insee_code = placement.insee_code
    venue.qpv_code = placement.qpv_code
    venue.nearest_qpv_code = placement.nearest_qpv_code
    venue.nearest_qpv_distance_m = placement.nearest_qpv_distance_m
    venue.served = [VenueQpv(qpv_code=code, distance_m=d) for code, d in placement.served]
