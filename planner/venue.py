"""Venues as domain values: kinds, address keys, validation, and choosing a geocoding candidate.

Pure functions on plain values; persistence is in :mod:`planner.db.venues`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from geo.geocoding import Candidate
from geo.measure import geodesic_m
from geo.text import fold
from planner.errors import AddressNotFoundError, AmbiguousAddressError, InvalidInputError


class VenueKind(StrEnum):
    """What a venue is; the value is stable, :data:`KIND_LABELS` gives the French name."""

    CENTRE_SOCIAL = "centre_social"
    MISSION_LOCALE = "mission_locale"
    FRANCE_TRAVAIL = "france_travail"
    MAIRIE = "mairie"
    SCHOOL = "school"
    SPORTS_HALL = "sports_hall"
    COMPANY = "company"
    ASSOCIATION = "association"
    OTHER = "other"


KIND_LABELS = {
    VenueKind.CENTRE_SOCIAL: "centre social",
    VenueKind.MISSION_LOCALE: "Mission Locale",
    VenueKind.FRANCE_TRAVAIL: "agence France Travail",
    VenueKind.MAIRIE: "mairie",
    VenueKind.SCHOOL: "établissement scolaire",
    VenueKind.SPORTS_HALL: "salle de sport",
    VenueKind.COMPANY: "entreprise",
    VenueKind.ASSOCIATION: "association",
    VenueKind.OTHER: "autre",
}

POSTCODE = re.compile(r"^\d{5}$")
AMBIGUITY_MARGIN = 0.05
"""Candidates whose score is within this margin of the best one are as plausible."""
SAME_PLACE_M = 150.0
"""Plausible candidates closer than this to the best one designate the same place."""


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as a person types it."""

    street: str
    postcode: str | None
    commune: str

    def line(self) -> str:
        """One line for a geocoder or a calendar: ``"2 rue Jean Moulin, 80000 Amiens"``."""
        place = " ".join(part for part in (self.postcode, self.commune) if part)
        return ", ".join(part for part in (self.street, place) if part)


def address_key(name: str, address: Address) -> str:
    """The identity of a venue: its folded name and address (re-imports find the same row)."""
    return "|".join(
        [fold(name), fold(address.street), address.postcode or "", fold(address.commune)]
    )


def check_venue(
    *,
    name: str,
    address: Address,
    capacity: int | None,
    lon: float | None,
    lat: float | None,
) -> None:
    """Raise :class:`InvalidInputError` listing every field that breaks a venue rule."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "le nom du lieu est obligatoire"
    if not address.street.strip():
        errors["street"] = "l'adresse (numéro et voie) est obligatoire"
    if not address.commune.strip():
        errors["commune"] = "la commune est obligatoire"
    if address.postcode is not None and not POSTCODE.match(address.postcode):
        errors["postcode"] = f"code postal « {address.postcode} » invalide : 5 chiffres attendus"
    if capacity is not None and capacity < 0:
        errors["capacity"] = "la capacité ne peut pas être négative"
    if (lon is None) != (lat is None):
        errors["lat" if lat is None else "lon"] = "donnez la latitude et la longitude ensemble"
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = "latitude hors de [-90, 90]"
    if lon is not None and not -180 <= lon <= 180:
        errors["lon"] = "longitude hors de [-180, 180]"
    if errors:
        raise InvalidInputError(errors)


def choose_candidate(
    address: str, candidates: Sequence[Candidate], *, min_score: float
) -> Candidate:
    """Return the one candidate a venue can be placed at, or say why a person must choose.

    - no candidate → :class:`AddressNotFoundError`;
    - best score below ``min_score`` → :class:`AmbiguousAddressError` (too unsure to guess);
    - another candidate about as plausible (score within :data:`AMBIGUITY_MARGIN`) that is in
      another commune or more than :data:`SAME_PLACE_M` away → :class:`AmbiguousAddressError`.
    """
    if not candidates:
        raise AddressNotFoundError(
            f"Adresse introuvable : « {address} ». Vérifiez la voie et la commune, ou donnez "
            "les coordonnées du lieu."
        )
    ranked = sorted(candidates, key=lambda c: -c.score)
    best = ranked[0]
    if best.score < min_score:
        raise AmbiguousAddressError(
            f"Adresse trop incertaine : « {address} » (meilleur score {best.score:.2f}, "
            f"minimum {min_score:.2f}). Choisissez parmi les propositions ou précisez l'adresse.",
            candidates=ranked,
        )
    rivals = [
        c
        for c in ranked[1:]
        if c.score >= best.score - AMBIGUITY_MARGIN
        and (
            (c.insee_code and best.insee_code and c.insee_code != best.insee_code)
            or geodesic_m(best.lon, best.lat, c.lon, c.lat) > SAME_PLACE_M
        )
    ]
    if rivals:
        raise AmbiguousAddressError(
            f"Adresse ambiguë : « {address} » correspond à plusieurs lieux. Choisissez parmi les "
            "propositions ou précisez la commune ou le code postal.",
            candidates=[best, *rivals],
        )
    return best
