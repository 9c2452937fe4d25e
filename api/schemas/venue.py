"""Venue and geocoding schemas (msgspec) and their conversions."""

from __future__ import annotations

from typing import Annotated

import msgspec

from api.schemas import Id
from api.schemas.session import OrganisationRef
from api.schemas.territory import Point
from geo.geocoding import Candidate
from planner.db.models import Venue
from planner.db.venues import VenueInput
from planner.venue import KIND_LABELS, Address, VenueKind

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Street = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Postcode = Annotated[str, msgspec.Meta(pattern=r"^\d{5}$")]
CommuneName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
Capacity = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
Notes = Annotated[str, msgspec.Meta(max_length=5000)]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class VenueCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new venue: name, kind and postal address; coordinates only to place it by hand."""

    name: Name
    kind: VenueKind
    street: Street
    commune: CommuneName
    postcode: Postcode | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    capacity: Capacity | None = None
    step_free: bool | None = None
    notes: Notes = ""
    organisation_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    """The owning organisation; not given: the caller's. ``null`` (admins): a shared venue."""
    candidate: Label | None = None
    """After an ``adresse-ambigue`` answer: the ``label`` of the proposal chosen."""

    def to_input(self) -> VenueInput:
        """The domain value."""
        return VenueInput(
            name=self.name,
            kind=self.kind,
            address=Address(street=self.street, postcode=self.postcode, commune=self.commune),
            lon=self.lon,
            lat=self.lat,
            capacity=self.capacity,
            step_free=self.step_free,
            notes=self.notes,
            organisation_id=None if self.organisation_id is msgspec.UNSET else self.organisation_id,
            owner_given=self.organisation_id is not msgspec.UNSET,
            candidate=self.candidate,
        )


class VenuePatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Changes to a venue; only the fields given change. New coordinates place it by hand."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    kind: VenueKind | msgspec.UnsetType = msgspec.UNSET
    street: Street | msgspec.UnsetType = msgspec.UNSET
    postcode: Postcode | msgspec.UnsetType | None = msgspec.UNSET
    commune: CommuneName | msgspec.UnsetType = msgspec.UNSET
    lat: Latitude | msgspec.UnsetType = msgspec.UNSET
    lon: Longitude | msgspec.UnsetType = msgspec.UNSET
    capacity: Capacity | msgspec.UnsetType | None = msgspec.UNSET
    step_free: bool | msgspec.UnsetType | None = msgspec.UNSET
    notes: Notes | msgspec.UnsetType = msgspec.UNSET
    organisation_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    """Hand the venue to another organisation, or ``null``: make it shared (admins only)."""


class Geocoding(msgspec.Struct, frozen=True):
    """How a venue's point was found."""

    provider: str
    score: float | None
    label: str | None
    at: str


class ServedQpv(msgspec.Struct, frozen=True):
    """A QPV a venue serves and its distance (0 when the venue is inside)."""

    code: str
    distance_m: float


class VenueOut(msgspec.Struct, frozen=True):
    """A venue as the API shows it."""

    id: int
    name: str
    kind: str
    kind_label: str
    street: str
    postcode: str | None
    commune: str
    point: Point
    geocoding: Geocoding
    insee_code: str | None
    qpv: str | None
    nearest_qpv: str | None
    nearest_qpv_distance_m: float | None
    serves: list[ServedQpv]
    capacity: int | None
    step_free: bool | None
    notes: str
    organisation: OrganisationRef | None
    """The owning organisation, whose coordinators change the venue; ``null``: a shared venue,
    changed by the admins."""
    updated_at: str


def venue_out(venue: Venue) -> VenueOut:
    """Present a venue row."""
    kind = VenueKind(venue.kind)
    return VenueOut(
        id=venue.id,
        name=venue.name,
        kind=kind.value,
        kind_label=KIND_LABELS[kind],
        street=venue.street,
        postcode=venue.postcode,
        commune=venue.commune_name,
        point=Point(lat=venue.lat, lon=venue.lon),
        geocoding=Geocoding(
            provider=venue.geocode_provider,
            score=venue.geocode_score,
            label=venue.geocode_label,
            at=venue.geocoded_at.isoformat(),
        ),
        insee_code=venue.insee_code,
        qpv=venue.qpv_code,
        nearest_qpv=venue.nearest_qpv_code,
        nearest_qpv_distance_m=venue.nearest_qpv_distance_m,
        serves=[ServedQpv(s.qpv_code, s.distance_m) for s in venue.served],
        capacity=venue.capacity,
        step_free=venue.step_free,
        notes=venue.notes,
        organisation=(
            OrganisationRef(venue.organisation.id, venue.organisation.name)
            if venue.organisation is not None
            else None
        ),
        updated_at=venue.updated_at.isoformat(),
    )


class CandidateOut(msgspec.Struct, frozen=True):
    """A geocoding candidate, located in the territory."""

    label: str
    point: Point
    score: float
    provider: str
    precision: str
    insee_code: str | None
    commune: str | None
    postcode: str | None
    qpv: str | None


def candidate_out(candidate: Candidate, qpv: str | None = None) -> CandidateOut:
    """Present a candidate (``qpv``: the QPV holding its point, when located)."""
    return CandidateOut(
        label=candidate.label,
        point=Point(lat=candidate.lat, lon=candidate.lon),
        score=round(candidate.score, 3),
        provider=candidate.provider,
        precision=candidate.precision,
        insee_code=candidate.insee_code,
        commune=candidate.commune,
        postcode=candidate.postcode,
        qpv=qpv,
    )
