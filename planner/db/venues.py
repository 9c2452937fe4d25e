"""Venue service: create, change, list and delete venues, each placed on the map and in its QPVs.

Placing a venue: coordinates typed by hand win (provenance ``manual``); otherwise the address is
geocoded and must give one confident candidate (:func:`planner.venue.choose_candidate`). The point
is then located: commune (from the outlines), the QPV holding it, the nearest QPV and its distance,
and the QPVs it serves (within the configured radius).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.geocoding import Candidate
from geo.text import fold
from planner.db.audit import audited
from planner.db.geocoding import GeocodingService
from planner.db.models import OutreachSession, Venue, VenueQpv
from planner.db.territory import Territory, TerritoryCache
from planner.errors import ConflictError, NotFoundError
from planner.venue import Address, VenueKind, address_key, check_venue, choose_candidate


@dataclass(frozen=True, slots=True)
class VenueInput:
    """What a person gives to create a venue."""

    name: str
    kind: VenueKind
    address: Address
    lon: float | None = None
    lat: float | None = None
    capacity: int | None = None
    step_free: bool | None = None
    notes: str = ""


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
        self, session: AsyncSession, address: Address, lon: float | None, lat: float | None
    ) -> Placement:
        """Place a venue: by hand when coordinates are given, else by geocoding its address."""
        if lon is not None and lat is not None:
            return await self.locate(session, lon=lon, lat=lat, provider="manual")
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


async def _existing(session: AsyncSession, key: str) -> Venue | None:
    return await session.scalar(select(Venue).where(Venue.address_key == key))


def new_venue(data: VenueInput, placement: Placement, *, now: datetime) -> Venue:
    """A venue row for ``data`` at ``placement`` (not yet added to a session)."""
    venue = Venue(
        name=data.name.strip(),
        name_folded=fold(data.name),
        kind=data.kind.value,
        street=data.address.street.strip(),
        postcode=data.address.postcode,
        commune_name=data.address.commune.strip(),
        address_key=address_key(data.name, data.address),
        capacity=data.capacity,
        step_free=data.step_free,
        notes=data.notes,
        created_at=now,
        updated_at=now,
    )
    apply_placement(venue, placement, now=now)
    return venue


async def create_venue(
    session: AsyncSession,
    placer: VenuePlacer,
    data: VenueInput,
    *,
    now: datetime,
    actor_id: int | None = None,
) -> Venue:
    """Validate, place and store a new venue; the same name and address twice is a conflict."""
    check_venue(
        name=data.name, address=data.address, capacity=data.capacity, lon=data.lon, lat=data.lat
    )
    existing = await _existing(session, address_key(data.name, data.address))
    if existing is not None:
        raise ConflictError(
            f"Ce lieu existe déjà : « {existing.name} », {existing.street} "
            f"{existing.commune_name} (n° {existing.id})."
        )
    venue = new_venue(data, await placer.place(session, data.address, data.lon, data.lat), now=now)
    session.add(venue)
    await audited(
        session,
        venue,
        actor_id=actor_id,
        action="create",
        entity="venue",
        before=None,
        after=venue_snapshot,
        now=now,
    )
    await placer.geocoding.confirm(venue)
    return venue


def venue_snapshot(venue: Venue) -> dict[str, Any]:
    """A venue's fields for the audit log."""
    return {
        "name": venue.name,
        "kind": venue.kind,
        "street": venue.street,
        "postcode": venue.postcode,
        "commune": venue.commune_name,
        "lon": venue.lon,
        "lat": venue.lat,
        "geocode_provider": venue.geocode_provider,
        "capacity": venue.capacity,
        "step_free": venue.step_free,
    }


async def get_venue(session: AsyncSession, venue_id: int) -> Venue:
    """The venue ``venue_id`` or :class:`NotFoundError`."""
    venue = await session.get(Venue, venue_id)
    if venue is None:
        raise NotFoundError(f"Aucun lieu n° {venue_id}.")
    return venue


ADDRESS_FIELDS = ("street", "postcode", "commune")


async def update_venue(
    session: AsyncSession,
    placer: VenuePlacer,
    venue_id: int,
    changes: dict[str, Any],
    *,
    now: datetime,
    actor_id: int | None = None,
) -> Venue:
    """Apply ``changes`` (field → new value) to a venue.

    Coordinates given by hand win; otherwise a changed address is geocoded again.
    """
    venue = await get_venue(session, venue_id)
    before = venue_snapshot(venue)
    address = Address(
        street=changes.get("street", venue.street),
        postcode=changes.get("postcode", venue.postcode),
        commune=changes.get("commune", venue.commune_name),
    )
    name = changes.get("name", venue.name)
    lon, lat = changes.get("lon"), changes.get("lat")
    check_venue(
        name=name,
        address=address,
        capacity=changes.get("capacity", venue.capacity),
        lon=lon,
        lat=lat,
    )
    key = address_key(name, address)
    if key != venue.address_key:
        clash = await _existing(session, key)
        if clash is not None:
            raise ConflictError(f"Un autre lieu porte déjà ce nom à cette adresse (n° {clash.id}).")
    address_changed = any(f in changes for f in ADDRESS_FIELDS) and (
        address.street,
        address.postcode,
        address.commune,
    ) != (venue.street, venue.postcode, venue.commune_name)
    if lon is not None or address_changed:
        apply_placement(venue, await placer.place(session, address, lon, lat), now=now)
    venue.name, venue.name_folded = name.strip(), fold(name)
    venue.street, venue.postcode = address.street.strip(), address.postcode
    venue.commune_name, venue.address_key = address.commune.strip(), key
    for attribute in ("kind", "capacity", "step_free", "notes"):
        if attribute in changes:
            value = changes[attribute]
            setattr(venue, attribute, value.value if isinstance(value, VenueKind) else value)
    venue.updated_at = now
    await audited(
        session,
        venue,
        actor_id=actor_id,
        action="update",
        entity="venue",
        before=before,
        after=venue_snapshot,
        now=now,
    )
    await placer.geocoding.confirm(venue)
    return venue


async def delete_venue(
    session: AsyncSession, venue_id: int, *, now: datetime, actor_id: int | None = None
) -> None:
    """Delete a venue that no session uses (sessions keep their history)."""
    venue = await get_venue(session, venue_id)
    used = await session.scalar(
        select(func.count())
        .select_from(OutreachSession)
        .where(OutreachSession.venue_id == venue_id)
    )
    if used:
        raise ConflictError(
            f"Le lieu n° {venue_id} accueille {used} séance(s) : il ne peut pas être supprimé."
        )
    before = venue_snapshot(venue)
    await session.delete(venue)
    await audited(
        session,
        venue,
        actor_id=actor_id,
        action="delete",
        entity="venue",
        before=before,
        after=None,
        now=now,
    )


async def list_venues(
    session: AsyncSession,
    *,
    qpv: str | None = None,
    commune: str | None = None,
    kind: VenueKind | None = None,
    text: str | None = None,
) -> Sequence[Venue]:
    """Venues matching every filter, by name: ``qpv`` keeps those serving that QPV."""
    query = select(Venue).order_by(Venue.name_folded, Venue.id)
    if qpv:
        query = query.where(
            Venue.id.in_(select(VenueQpv.venue_id).where(VenueQpv.qpv_code == qpv.upper()))
        )
    if commune:
        query = query.where(Venue.insee_code == commune.upper())
    if kind:
        query = query.where(Venue.kind == kind.value)
    if text and fold(text):
        needle = fold(text)
        query = query.where(
            or_(
                Venue.name_folded.contains(needle, autoescape=True),
                Venue.address_key.contains(needle, autoescape=True),
            )
        )
    return (await session.scalars(query)).all()
