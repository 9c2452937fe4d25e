"""Venue service: create, change, list and delete venues, each placed on the map and in its QPVs.

Placing a venue: coordinates typed by hand win (provenance ``manual``); otherwise the address is
geocoded and must give one confident candidate (:func:`planner.venue.choose_candidate`). The point
is then located: commune (from the outlines), the QPV holding it, the nearest QPV and its distance,
and the QPVs it serves (within the configured radius).

Rights (:mod:`planner.access.venues`): a venue belongs to an organisation, or is shared; who
may create, change, hand over or delete it is asked of the policy with the caller. The command
line and the demonstration act as the operator (``operator=True``), beyond the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.text import fold
from planner.access import Caller
from planner.access.venues import (
    VenueFacts,
    require_venue_creator,
    require_venue_giver,
    require_venue_steward,
)
from planner.db.audit import audited
from planner.db.models import Organisation, OutreachSession, Qpv, Venue, VenueQpv
from planner.db.venue_placement import Placement as Placement
from planner.db.venue_placement import VenuePlacer as VenuePlacer
from planner.db.venue_placement import apply_placement as apply_placement
from planner.errors import ConflictError, InvalidInputError, NotFoundError
from planner.session import SessionStatus
from planner.venue import Address, VenueKind, address_key, check_venue


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
    organisation_id: int | None = None
    """The owning organisation when ``owner_given`` (``None``: shared)."""
    owner_given: bool = False
    """Whether the owner was chosen; otherwise the caller's organisation owns the venue (or
    nobody, for the operator)."""
    candidate: str | None = None
    """The label of the geocoder's proposal the person chose after an ambiguous answer (the
    venue is placed there, with the geocoder's provenance); coordinates given win."""


async def _owner(session: AsyncSession, owner_id: int | None) -> Organisation | None:
    """The owning organisation, or a 422 when ``owner_id`` names none."""
    if owner_id is None:
        return None
    organisation = await session.get(Organisation, owner_id)
    if organisation is None:
        raise InvalidInputError({"organisation_id": f"aucune organisation n° {owner_id}"})
    return organisation


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
    caller: Caller | None = None,
    operator: bool = False,
) -> Venue:
    """Validate, place and store a new venue; the same name and address twice is a conflict.

    The venue belongs to the organisation chosen in ``data``, else to the caller's; the policy
    decides whether the caller may create it (403 otherwise), before anything is examined.
    """
    if operator:
        owner, actor_id = (data.organisation_id if data.owner_given else None), None
    else:
        owner = data.organisation_id if data.owner_given else None
        if not data.owner_given and caller is not None:
            owner = caller.organisation_id
        actor_id = require_venue_creator(caller, owner).staff_id
    organisation = await _owner(session, owner)
    check_venue(
        name=data.name, address=data.address, capacity=data.capacity, lon=data.lon, lat=data.lat
    )
    existing = await _existing(session, address_key(data.name, data.address))
    if existing is not None:
        raise ConflictError(
            f"Ce lieu existe déjà : « {existing.name} », {existing.street} "
            f"{existing.commune_name} (n° {existing.id})."
        )
    placement = await placer.place(session, data.address, data.lon, data.lat, chosen=data.candidate)
    venue = new_venue(data, placement, now=now)
    venue.organisation = organisation
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
        "organisation_id": venue.organisation_id,
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
    caller: Caller | None = None,
    operator: bool = False,
) -> Venue:
    """Apply ``changes`` (field → new value) to a venue.

    Coordinates given by hand win; otherwise a changed address is geocoded again. Only the
    owner's coordinators and admins change a venue; only admins hand it to another organisation
    or make it shared (``organisation_id`` in ``changes``). A QPV's stand-in venue (« lieu à
    trouver ») is refused (409): given an address, it would take every session waiting in that
    QPV there, whoever planned them, and stay a stand-in that no session may be published at.
    """
    venue = await get_venue(session, venue_id)
    actor_id = None
    if not operator:
        facts = VenueFacts(owner_id=venue.organisation_id)
        actor_id = require_venue_steward(caller, facts).staff_id
        if "organisation_id" in changes and changes["organisation_id"] != venue.organisation_id:
            require_venue_giver(caller, facts, changes["organisation_id"])
    if venue.to_find:
        raise ConflictError(
            f"« {venue.name} » n'est pas un lieu : il tient la place du lieu que les séances d'un "
            "plan de campagne attendent dans ce quartier, et se partage entre elles. Il ne se "
            "modifie pas : choisissez le lieu réel de chaque séance sur sa page."
        )
    if "organisation_id" in changes:
        venue.organisation = await _owner(session, changes["organisation_id"])
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
    session: AsyncSession,
    venue_id: int,
    *,
    now: datetime,
    caller: Caller | None = None,
    operator: bool = False,
) -> None:
    """Delete a venue that no session uses (sessions keep their history).

    Only the owner's coordinators and admins delete a venue (admins alone a shared one). A venue
    hosting a future published session is refused with a 409 naming those sessions.
    """
    venue = await get_venue(session, venue_id)
    actor_id = None
    if not operator:
        facts = VenueFacts(owner_id=venue.organisation_id)
        actor_id = require_venue_steward(caller, facts, deleting=True).staff_id
    coming = list(
        await session.scalars(
            select(OutreachSession)
            .where(OutreachSession.venue_id == venue_id)
            .where(OutreachSession.status == SessionStatus.PUBLISHED.value)
            .where(OutreachSession.end_at > now)
            .order_by(OutreachSession.start_at, OutreachSession.id)
        )
    )
    if coming:
        raise ConflictError(
            f"Le lieu « {venue.name} » accueille des séances publiées à venir : "
            + " ; ".join(_named(row) for row in coming)
            + ". Annulez-les ou déplacez-les avant de supprimer le lieu."
        )
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


def _named(row: OutreachSession) -> str:
    """A session as a person names it: « title » le 03/03/2027 à 18:00 (its local time)."""
    local = row.start_at.astimezone(ZoneInfo(row.timezone))
    return f"« {row.title} » le {local:%d/%m/%Y à %H:%M} (n° {row.id})"


async def list_venues(
    session: AsyncSession,
    *,
    qpv: str | None = None,
    commune: str | None = None,
    kind: VenueKind | None = None,
    text: str | None = None,
) -> Sequence[Venue]:
    """Venues matching every filter, by name: ``qpv`` keeps those serving that QPV; ``text``
    matches the name, the address or commune, or a QPV served (its name or code). A QPV's
    stand-in venue (« lieu à trouver », :mod:`planner.db.venues_to_find`) is not a place: never
    listed, searched, offered for a booking or drawn on a map."""
    query = select(Venue).where(Venue.to_find.is_(False)).order_by(Venue.name_folded, Venue.id)
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
        qpvs = select(Qpv.code).where(
            or_(Qpv.name_folded.contains(needle, autoescape=True), Qpv.code == text.strip().upper())
        )
        query = query.where(
            or_(
                Venue.name_folded.contains(needle, autoescape=True),
                Venue.address_key.contains(needle, autoescape=True),
                Venue.id.in_(select(VenueQpv.venue_id).where(VenueQpv.qpv_code.in_(qpvs))),
            )
        )
    return (await session.scalars(query)).all()
