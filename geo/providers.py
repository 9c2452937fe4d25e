"""The network geocoders: the national address base (BAN) and OpenStreetMap's Nominatim, via geopy.

Both wrap geopy's own classes (:class:`geopy.geocoders.BANFrance`,
:class:`geopy.geocoders.Nominatim`) behind :class:`geopy.extra.rate_limiter.RateLimiter`, and map
geopy's errors onto the :class:`~geo.geocoding.Geocoder` protocol:

- the service cannot answer now (timeout, refused connection, HTTP 5xx, 429 "too many
  requests", 401/403, an answer that is not the documented JSON) →
  :class:`~geo.geocoding.GeocoderUnavailableError`, so that a chain asks the next provider;
- the service refuses the query itself (HTTP 400/412/413/414, geopy's ``GeocoderQueryError``:
  BAN wants 3 to 200 characters starting with a letter or a digit) → ``[]``. That is an answer,
  not an outage: no address matches such a text, and asking again would get the same refusal.
  It is logged as a warning, so that a client bug sending malformed requests still shows.

Retries (``max_retries``, ``error_wait_seconds``) are only spent on failures that may pass:
timeouts, 5xx, unreadable answers. A refused query, a 429 or a 401/403 is final at once: retrying
a rate-limited service within the same second only makes things worse.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Final

from geopy.adapters import AdapterHTTPError
from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import BANFrance, Nominatim

from geo.geocoding import Candidate, Geocoder, GeocoderUnavailableError

logger = logging.getLogger(__name__)

BAN_DOMAIN: Final = "api-adresse.data.gouv.fr"
NOMINATIM_DOMAIN: Final = "nominatim.openstreetmap.org"
GEOCODER_NAMES: Final = ("offline", "ban", "nominatim")
"""The names ``ALLERVERS_GEOCODERS`` may list."""
DEFAULT_TIMEOUT: Final = 3.0
"""Seconds to wait for an answer: a person is waiting for the form to respond."""
DEFAULT_MAX_RETRIES: Final = 1
DEFAULT_ERROR_WAIT: Final = 1.0
BAN_MIN_DELAY: Final = 1 / 50
"""The address API accepts at most 50 requests per second and per IP address."""
NOMINATIM_MIN_DELAY: Final = 1.0
"""Nominatim's usage policy: an absolute maximum of 1 request per second."""

_FINAL_ERRORS = (
    GeocoderQueryError,
    GeocoderQuotaExceeded,  # includes GeocoderRateLimited (HTTP 429)
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
)
_MALFORMED = (KeyError, IndexError, TypeError, ValueError, AttributeError)
"""What reading an answer that does not follow the documented format raises."""


class _NoRetryError(Exception):
    """Carries a geopy error past the RateLimiter, which retries every GeocoderServiceError."""

    def __init__(self, error: GeocoderServiceError) -> None:
        super().__init__(error)
        self.error = error


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")


class _GeopyGeocoder:
    """What both providers share: the RateLimiter, the error mapping, ``geocode`` itself."""

    provider: ClassVar[str]

    def __init__(
        self,
        geopy: Any,
        *,
        timeout: float,
        min_delay_seconds: float,
        max_retries: int,
        error_wait_seconds: float,
    ) -> None:
        if timeout <= 0 or min_delay_seconds < 0 or max_retries < 0:
            raise ValueError(
                f"Géocodeur « {self.provider} » : délai d'attente positif, délai minimal et "
                "nombre de nouvelles tentatives positifs ou nuls attendus."
            )
        if error_wait_seconds < min_delay_seconds:
            raise ValueError(
                f"Géocodeur « {self.provider} » : l'attente après une erreur "
                f"({_seconds(error_wait_seconds)} s) ne peut pas être plus courte que le délai "
                f"minimal entre deux requêtes ({_seconds(min_delay_seconds)} s)."
            )
        self._geopy = geopy
        self.timeout = timeout
        self._limited = RateLimiter(
            self._ask_once,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=error_wait_seconds,
            swallow_exceptions=False,
        )

    @property
    def name(self) -> str:
        """The provider's name, as in ``ALLERVERS_GEOCODERS``."""
        return self.provider

    def geocode(self, query: str, *, limit: int = 5) -> list[Candidate]:
        """Return at most ``limit`` candidates, best first; ``[]`` when nothing matches.

        A blank query or a ``limit`` below 1 asks nothing and returns ``[]``.
        """
        query = query.strip()
        if not query or limit < 1:
            return []
        try:
            raws = self._raw_results(query, limit)
            candidates = [self._candidate(raw, rank) for rank, raw in enumerate(raws)]
        except _MALFORMED as exc:
            logger.warning("%s : réponse inattendue (%r)", self.provider, exc)
            raise GeocoderUnavailableError(
                f"Le géocodeur « {self.provider} » ne peut pas répondre : réponse inattendue.",
                provider=self.provider,
            ) from exc
        return sorted(candidates, key=lambda c: -c.score)[:limit]

    def _ask(self, query: str, limit: int) -> Any:
        """geopy's ``geocode`` call, returning its list of ``Location`` or ``None``."""
        raise NotImplementedError

    def _candidate(self, raw: Mapping[str, Any], rank: int) -> Candidate:
        """One result (``Location.raw``) at position ``rank`` (from 0) of the service's answer."""
        raise NotImplementedError

    def _ask_once(self, query: str, limit: int) -> Any:
        try:
            return self._ask(query, limit)
        except _FINAL_ERRORS as exc:
            raise _NoRetryError(exc) from exc

    def _raw_results(self, query: str, limit: int) -> list[Mapping[str, Any]]:
        try:
            locations = self._limited(query, limit)
        except _NoRetryError as carrier:
            if isinstance(carrier.error, GeocoderQueryError):
                logger.warning("%s refuse la requête %r : %s", self.provider, query, carrier.error)
                return []
            raise self._unavailable(carrier.error) from carrier.error
        except GeocoderServiceError as exc:
            raise self._unavailable(exc) from exc
        return [location.raw for location in locations or ()]

    def _unavailable(self, exc: GeocoderServiceError) -> GeocoderUnavailableError:
        cause = exc.__cause__
        if isinstance(exc, GeocoderRateLimited):
            reason = "le service limite le nombre de requêtes (HTTP 429)"
            if exc.retry_after:
                reason += f" ; réessayez dans {exc.retry_after} s"
        elif isinstance(cause, AdapterHTTPError):
            reason = f"le service a répondu par l'erreur HTTP {cause.status_code}"
        elif isinstance(exc, GeocoderTimedOut):
            reason = f"pas de réponse en {_seconds(self.timeout)} s"
        elif isinstance(exc, GeocoderParseError):
            reason = "sa réponse n'est pas du JSON lisible"
        else:
            reason = "connexion impossible"
        logger.warning("%s injoignable : %s", self.provider, exc)
        return GeocoderUnavailableError(
            f"Le géocodeur « {self.provider} » ne peut pas répondre : {reason}.",
            provider=self.provider,
        )


_BAN_PRECISION: Final = {
    "housenumber": "housenumber",
    "street": "street",
    "locality": "locality",
    "municipality": "municipality",
}


class BanGeocoder(_GeopyGeocoder):
    """The national address base (Base Adresse Nationale) through its search API and geopy.

    BAN's ``score`` (0–1) is a real match confidence, kept as is; its ``type`` is already one of
    :data:`~geo.geocoding.PRECISIONS` and ``citycode`` is the commune's INSEE code. ``street`` is
    the feature's ``name`` for a house number or a street (e.g. ``"4 Rue du Général Leclerc"``)
    and ``None`` for a locality (lieu-dit) or a commune.
    """

    provider = "ban"

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
            BANFrance(
                domain=domain,
                scheme=scheme,
                user_agent=user_agent,
                timeout=timeout,
                proxies=None if proxies is None else dict(proxies),
            ),
            timeout=timeout,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=error_wait_seconds,
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


_NOMINATIM_COMMUNE_KEYS: Final = ("city", "town", "village")
_NOMINATIM_MUNICIPALITY_TYPES: Final = frozenset({"city", "town", "village", "municipality"})


class NominatimGeocoder(_GeopyGeocoder):
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
        local server should lower it. ``proxies`` as for :class:`BanGeocoder`.
        """
        if not user_agent.strip():
            raise ValueError(
                "Nominatim exige un User-Agent qui identifie l'application et un contact, "
                "par exemple « allervers/0.1 (contact@example.org) »."
            )
        super().__init__(
            Nominatim(
                domain=domain,
                scheme=scheme,
                user_agent=user_agent,
                timeout=timeout,
                proxies=None if proxies is None else dict(proxies),
            ),
            timeout=timeout,
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=error_wait_seconds,
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
