"""The national address base (BAN) through its search API and geopy's ``BANFrance``.

The construction, the rate limiting and the mapping of geopy's errors are
:class:`~geo.geopy_geocoder.GeopyGeocoder`'s; this module reads BAN's GeoJSON answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from geopy.geocoders import BANFrance

from geo.geocoding import Candidate
from geo.geopy_geocoder import (
    DEFAULT_ERROR_WAIT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    GeopyGeocoder,
)

BAN_DOMAIN: Final = "api-adresse.data.gouv.fr"
BAN_MIN_DELAY: Final = 1 / 50
"""The address API accepts at most 50 requests per second and per IP address."""

_BAN_PRECISION: Final = {
    "housenumber": "housenumber",
    "street": "street",
    "locality": "locality",
    "municipality": "municipality",
}


class BanGeocoder(GeopyGeocoder):
    """The national address base (Base Adresse Nationale) through its search API and geopy.

    BAN's ``score`` (0–1) is a real match confidence, kept as is; its ``type`` is already one of
    :data:`~geo.geocoding.PRECISIONS` and ``citycode`` is the commune's INSEE code. ``street`` is
    the feature's ``name`` for a house number or a street (e.g. ``"4 Rue du Général Leclerc"``)
    and ``None`` for a locality (lieu-dit) or a commune.
    """

    provider = "ban"
    geopy_class = BANFrance

    def __init__(
        self,
        *,
        domain: str = BAN_DOMAIN,
        scheme: str = "https",
        user_agent: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        min_delay_seconds: float = BAN_MIN_DELAY,
        max_retries: int = DEFAULT_MAX_RETRIES,
        error_wait_seconds: float = DEFAULT_ERROR_WAIT,
        proxies: Mapping[str, str] | None = None,
    ) -> None:
        """``proxies``: geopy's meaning, ``None`` for the system's, ``{}`` for none."""
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
        return self._geopy.geocode(query, exactly_one=False, limit=limit)

    def _candidate(self, raw: Mapping[str, Any], rank: int) -> Candidate:
        """One GeoJSON feature; its coordinates are (lon, lat), RFC 7946 §3.1.1."""
        properties = raw["properties"]
        lon, lat = raw["geometry"]["coordinates"][:2]
        precision = _BAN_PRECISION.get(properties["type"], "locality")
        return Candidate(
            label=str(properties["label"]),
            lon=float(lon),
            lat=float(lat),
            score=float(properties["score"]),
            provider=self.provider,
            precision=precision,
            insee_code=properties.get("citycode"),
            postcode=properties.get("postcode"),
            commune=properties.get("city"),
            street=properties.get("name") if precision in ("housenumber", "street") else None,
        )
