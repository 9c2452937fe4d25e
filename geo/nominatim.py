"""OpenStreetMap's Nominatim through geopy, restricted to France, with address details.

The construction, the rate limiting and the mapping of geopy's errors are
:class:`~geo.geopy_geocoder.GeopyGeocoder`'s; this module reads Nominatim's places and derives a
score from their rank, Nominatim giving none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from geopy.geocoders import Nominatim

from geo.geocoding import Candidate
from geo.geopy_geocoder import (
    DEFAULT_ERROR_WAIT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    GeopyGeocoder,
)

NOMINATIM_DOMAIN: Final = "nominatim.openstreetmap.org"
NOMINATIM_MIN_DELAY: Final = 1.0
"""Nominatim's usage policy: an absolute maximum of 1 request per second."""

_NOMINATIM_COMMUNE_KEYS: Final = ("city", "town", "village")
_NOMINATIM_MUNICIPALITY_TYPES: Final = frozenset({"city", "town", "village", "municipality"})


class NominatimGeocoder(GeopyGeocoder):
    """OpenStreetMap's Nominatim through geopy, restricted to France, with address details.

    Nominatim says nothing of how well a result matches the query (``importance`` ranks places
    by prominence, e.g. Wikipedia links: a large city is "important" whatever was asked), only
    in which order it ranks them. So ``score`` is derived from that order and the precision:
    ``0.7`` for the first result, ``0.1`` less for each next one (never below ``0.1``), plus
    ``0.1`` for a house number. Only Nominatim's first result, and only when it is a house
    number — the number, the street and the place of the query all matched — reaches the
    ``0.8`` that the default chain calls confident.

    Precision comes from ``addresstype`` and ``type``: a ``house`` (or any result whose address
    has a ``house_number``) → ``housenumber``; a ``road`` (or a ``highway`` without
    ``addresstype``, as older servers answer) → ``street``; ``city``/``town``/``village``/
    ``municipality`` → ``municipality``; anything else → ``locality``.

    The commune name is the address's ``city``, ``town`` or ``village``. Not ``municipality``:
    in France Nominatim puts the arrondissement there (Denain → ``"Valenciennes"``). Nominatim's
    address details carry no INSEE code (only a boundary's ``extratags`` have ``ref:INSEE``), so
    ``insee_code`` is ``None``: resolve the commune from the point against the reference outlines.
    """

    provider = "nominatim"
    geopy_class = Nominatim

    def __init__(
        self,
        *,
        user_agent: str,
        domain: str = NOMINATIM_DOMAIN,
        scheme: str = "https",
        timeout: float = DEFAULT_TIMEOUT,
        min_delay_seconds: float = NOMINATIM_MIN_DELAY,
        max_retries: int = DEFAULT_MAX_RETRIES,
        error_wait_seconds: float = DEFAULT_ERROR_WAIT,
        proxies: Mapping[str, str] | None = None,
    ) -> None:
        """``user_agent`` names the application and a contact, as Nominatim's usage policy asks.

        ``min_delay_seconds`` keeps the policy's 1 request per second; only tests against a
        local server should lower it. ``proxies`` as for :class:`~geo.ban.BanGeocoder`.
        """
        if not user_agent.strip():
            raise ValueError(
                "Nominatim exige un User-Agent qui identifie l'application et un contact, "
                "par exemple « allervers/0.1 (contact@example.org) »."
            )
        super().__init__(
            domain=domain,
            scheme=scheme,
            user_agent=user_agent,
            timeout=timeout,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=error_wait_seconds,
            proxies=proxies,
        )

    def _ask(self, query: str, limit: int) -> Any:
        return self._geopy.geocode(
            query, exactly_one=False, limit=limit, addressdetails=True, country_codes="fr"
        )

    def _candidate(self, raw: Mapping[str, Any], rank: int) -> Candidate:
        """One place of ``/search?format=json&addressdetails=1``."""
        address: Mapping[str, Any] = raw.get("address") or {}
        precision = _nominatim_precision(raw, address)
        score = max(0.1, 0.7 - 0.1 * rank) + (0.1 if precision == "housenumber" else 0.0)
        road = address.get("road")
        number = address.get("house_number")
        return Candidate(
            label=str(raw["display_name"]),
            lon=float(raw["lon"]),
            lat=float(raw["lat"]),
            score=round(score, 2),
            provider=self.provider,
            precision=precision,
            insee_code=None,
            postcode=address.get("postcode"),
            commune=next((address[k] for k in _NOMINATIM_COMMUNE_KEYS if k in address), None),
            street=(f"{number} {road}" if number else road) if road else None,
        )


def _nominatim_precision(place: Mapping[str, Any], address: Mapping[str, Any]) -> str:
    kinds = {place.get("addresstype"), place.get("type")}
    if "house" in kinds or "house_number" in address:
        return "housenumber"
    if "road" in kinds or (place.get("class") == "highway" and "addresstype" not in place):
        return "street"
    if kinds & _NOMINATIM_MUNICIPALITY_TYPES:
        return "municipality"
    return "locality"
