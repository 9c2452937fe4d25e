"""One ``Geocoder`` protocol for every provider, the values they return, and the chain.

Providers: ``offline`` (:mod:`geo.gazetteer`, no network), ``ban`` (:mod:`geo.ban`) and
``nominatim`` (:mod:`geo.nominatim`), both through geopy, chosen by name in :mod:`geo.providers`.
:class:`GeocoderChain` asks them in the configured order: a provider that cannot answer (timeout,
service down) passes to the next one, and the chain stops at the first provider whose best
candidate is confident.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from geo.errors import GeoError

PRECISIONS = ("housenumber", "street", "locality", "municipality")
"""From the most to the least precise: a house number, a street, a named place, a commune."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place an address may designate, with how sure the provider is (``score`` in 0–1)."""

    label: str
    """Full matched label, e.g. ``"3 Place de la Mairie 02200 Acy"``."""
    lon: float
    lat: float
    score: float
    provider: str
    """``offline``, ``ban`` or ``nominatim``."""
    precision: str
    """One of :data:`PRECISIONS`."""
    insee_code: str | None = None
    postcode: str | None = None
    commune: str | None = None
    """Commune name."""
    street: str | None = None
    """Street line (number and street) when the match has one."""


class GeocoderUnavailableError(GeoError):
    """A provider (or every provider of a chain) cannot answer now; try again later."""

    def __init__(self, message: str, *, provider: str) -> None:
        super().__init__(message)
        self.provider = provider


class Geocoder(Protocol):
    """Turns a free-text French address into ranked candidates."""

    @property
    def name(self) -> str:
        """The provider's name, as in ``ALLERVERS_GEOCODERS``."""
        ...

    def geocode(self, query: str, *, limit: int = 5) -> list[Candidate]:
        """Return at most ``limit`` candidates, best first; ``[]`` when nothing matches.

        Raises :class:`GeocoderUnavailableError` when the provider cannot answer (timeout,
        refused connection, server error): a chain then asks the next provider.
        """
        ...


class GeocoderChain:
    """Asks providers in order; stops at the first confident answer.

    Candidates of every provider asked are merged, best score first. When no provider gave a
    candidate and at least one could not answer, the chain raises
    :class:`GeocoderUnavailableError`: "not found" would be a guess while a provider is down.
    """

    def __init__(self, geocoders: Sequence[Geocoder], *, confident_score: float) -> None:
        if not geocoders:
            raise ValueError("une chaîne de géocodage a besoin d'au moins un fournisseur")
        self.geocoders = list(geocoders)
        self.confident_score = confident_score

    @property
    def name(self) -> str:
        """The providers' names joined as in ``ALLERVERS_GEOCODERS``."""
        return ",".join(g.name for g in self.geocoders)

    def geocode(self, query: str, *, limit: int = 5) -> list[Candidate]:
        """Return the merged candidates of the providers asked, best first, at most ``limit``."""
        found: list[Candidate] = []
        down: list[GeocoderUnavailableError] = []
        for geocoder in self.geocoders:
            try:
                answer = geocoder.geocode(query, limit=limit)
            except GeocoderUnavailableError as exc:
                down.append(exc)
                continue
            found.extend(answer)
            if answer and answer[0].score >= self.confident_score:
                break
        if not found and down:
            names = ", ".join(exc.provider for exc in down)
            verb = "ne répond pas" if len(down) == 1 else "ne répondent pas"
            raise GeocoderUnavailableError(
                f"Géocodage momentanément impossible : {names} {verb}. "
                "Réessayez dans un instant ou saisissez les coordonnées à la main.",
                provider=names,
            )
        return sorted(found, key=lambda c: -c.score)[:limit]
