"""The network providers chosen by name: ``ALLERVERS_GEOCODERS`` turned into geocoders.

The providers themselves: :class:`~geo.ban.BanGeocoder` (the national address base) and
:class:`~geo.nominatim.NominatimGeocoder` (OpenStreetMap), both built and rate-limited the same
way by :class:`~geo.geopy_geocoder.GeopyGeocoder`, which also says which failures are retried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from geo.ban import BAN_DOMAIN, BAN_MIN_DELAY, BanGeocoder
from geo.geocoding import Geocoder
from geo.geopy_geocoder import DEFAULT_ERROR_WAIT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from geo.nominatim import NOMINATIM_DOMAIN, NOMINATIM_MIN_DELAY, NominatimGeocoder

GEOCODER_NAMES: Final = ("offline", "ban", "nominatim")
"""The names ``ALLERVERS_GEOCODERS`` may list."""


def build_geocoders(
    names: Sequence[str],
    *,
    offline: Geocoder | None,
    user_agent: str,
    ban_domain: str = BAN_DOMAIN,
    ban_scheme: str = "https",
    nominatim_domain: str = NOMINATIM_DOMAIN,
    nominatim_scheme: str = "https",
    timeout: float = DEFAULT_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    error_wait_seconds: float = DEFAULT_ERROR_WAIT,
    ban_min_delay_seconds: float = BAN_MIN_DELAY,
    nominatim_min_delay_seconds: float = NOMINATIM_MIN_DELAY,
    proxies: Mapping[str, str] | None = None,
) -> list[Geocoder]:
    """Turn the parsed ``ALLERVERS_GEOCODERS`` list (e.g. ``["offline", "ban"]``) into providers.

    ``offline`` is built elsewhere (it needs the reference data) and passed in. The waiting time
    after an error is at least each provider's minimal delay between requests. An unknown or
    repeated name, or ``offline`` asked for but not given, raises :class:`ValueError`.
    """
    wanted: list[str] = []
    for raw_name in names:
        name = raw_name.strip().lower()
        if name not in GEOCODER_NAMES:
            raise ValueError(
                f"Géocodeur inconnu : « {raw_name} » (possibles : {', '.join(GEOCODER_NAMES)})."
            )
        if name in wanted:
            raise ValueError(f"Le géocodeur « {name} » est cité deux fois.")
        wanted.append(name)
    geocoders: list[Geocoder] = []
    for name in wanted:
        if name == "offline":
            if offline is None:
                raise ValueError("Le géocodeur « offline » est demandé mais n'a pas été fourni.")
            geocoders.append(offline)
        elif name == "ban":
            geocoders.append(
                BanGeocoder(
                    domain=ban_domain,
                    scheme=ban_scheme,
                    user_agent=user_agent,
                    timeout=timeout,
                    min_delay_seconds=ban_min_delay_seconds,
                    max_retries=max_retries,
                    error_wait_seconds=max(error_wait_seconds, ban_min_delay_seconds),
                    proxies=proxies,
                )
            )
        else:
            geocoders.append(
                NominatimGeocoder(
                    user_agent=user_agent,
                    domain=nominatim_domain,
                    scheme=nominatim_scheme,
                    timeout=timeout,
                    min_delay_seconds=nominatim_min_delay_seconds,
                    max_retries=max_retries,
                    error_wait_seconds=max(error_wait_seconds, nominatim_min_delay_seconds),
                    proxies=proxies,
                )
            )
    return geocoders
