"""What the network geocoders share: one construction path, rate limiting, geopy's errors mapped.

:class:`GeopyGeocoder` builds a geopy geocoder (:class:`geopy.geocoders.BANFrance`,
:class:`geopy.geocoders.Nominatim`) from the same options (domain, scheme, user agent, timeout,
proxies), puts it behind :class:`geopy.extra.rate_limiter.RateLimiter`, and maps geopy's errors
onto the :class:`~geo.geocoding.Geocoder` protocol:

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
from collections.abc import Mapping
from typing import Any, ClassVar, Final

from geopy.adapters import AdapterHTTPError, URLLibAdapter
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

from geo.geocoding import Candidate, GeocoderUnavailableError

logger = logging.getLogger("geo.providers")
"""One log for the network providers, under the name it has always had."""

DEFAULT_TIMEOUT: Final = 3.0
"""Seconds to wait for an answer: a person is waiting for the form to respond."""
DEFAULT_MAX_RETRIES: Final = 1
DEFAULT_ERROR_WAIT: Final = 1.0

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


class GeopyGeocoder:
    """What both providers share: construction, the RateLimiter, the error mapping, ``geocode``.

    A provider names itself (``provider``), gives its geopy class (``geopy_class``), and says
    how to ask (:meth:`_ask`) and how to read one result (:meth:`_candidate`).
    """

    provider: ClassVar[str]
    geopy_class: ClassVar[type[Any]]
    """geopy's geocoder class, built with ``domain``, ``scheme``, ``user_agent``, ``timeout``
    and ``proxies``."""

    def __init__(
        self,
        *,
        domain: str,
        scheme: str,
        user_agent: str | None,
        timeout: float,
        min_delay_seconds: float,
        max_retries: int,
        error_wait_seconds: float,
        proxies: Mapping[str, str] | None,
    ) -> None:
        """Build the geopy geocoder, then check the delays and put it behind a RateLimiter.

        ``proxies``: geopy's meaning, ``None`` for the system's, ``{}`` for none.
        """
        geopy = self.geopy_class(
            domain=domain,
            scheme=scheme,
            user_agent=user_agent,
            timeout=timeout,
            proxies=None if proxies is None else dict(proxies),
            # geopy picks requests' adapter when requests is installed (a test tool brings it),
            # which retries twice on its own: our retries are counted here, so the adapter is
            # fixed to the standard library's, whatever else is installed.
            adapter_factory=URLLibAdapter,
        )
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
