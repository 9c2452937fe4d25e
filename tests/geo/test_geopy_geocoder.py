"""What the network providers share, through the BAN geocoder: retries and geopy's errors mapped.

Real geopy code against answers served on 127.0.0.1 (see :mod:`tests.geo.recorded`).
"""

from __future__ import annotations

import pytest

from geo.ban import BanGeocoder
from geo.geocoding import GeocoderUnavailableError
from tests.geo.httpfixture import (
    HttpFixture,
    Reply,
    closed_port,
    fixture_reply,
    json_reply,
)
from tests.geo.recorded import (
    BAN_NAPOLEON,
    NAPOLEON_PARAMS,
    ban,
)


def test_ban_geocode_refused_query_empty_without_retry(server: HttpFixture) -> None:
    """A query the service refuses (HTTP 400) finds nothing; asking again would not help."""
    # hand-made body: the recorded fixtures hold no 400 answer
    server.route(
        "/search", json_reply({"code": 400, "message": "Failed parsing query"}, status=400)
    )
    geocoder = ban(server, max_retries=2)
    assert (geocoder.geocode("ab"), server.request_count) == ([], 1)


# --- BAN: cannot answer -------------------------------------------------------------------------


def test_ban_geocode_slow_unavailable_after_retry(server: HttpFixture) -> None:
    """An answer later than the timeout is "cannot answer", after the configured retry."""
    server.route("/search", Reply(body=b"[]", delay=2.0))
    with pytest.raises(GeocoderUnavailableError) as caught:
        ban(server, timeout=0.2, max_retries=1).geocode("rue napoléon")
    assert (caught.value.message, caught.value.provider, server.request_count) == (
        "Le géocodeur « ban » ne peut pas répondre : pas de réponse en 0,2 s.",
        "ban",
        2,
    )


def test_ban_geocode_503_unavailable_after_retries(server: HttpFixture) -> None:
    """A 503 is retried ``max_retries`` times, then reported with its status."""
    server.route("/search", json_reply({"message": "maintenance"}, status=503))
    with pytest.raises(GeocoderUnavailableError) as caught:
        ban(server, max_retries=2).geocode("rue napoléon")
    assert (caught.value.message, server.request_count) == (
        "Le géocodeur « ban » ne peut pas répondre : le service a répondu par l'erreur HTTP 503.",
        3,
    )


def test_ban_geocode_503_then_answer(server: HttpFixture) -> None:
    """A retry after one 503 gets the answer."""
    server.route(
        "/search",
        json_reply({}, status=503),
        fixture_reply("ban/search_rue_napoleon_limit5.json"),
        params=NAPOLEON_PARAMS,
    )
    geocoder = ban(server, max_retries=1)
    assert (geocoder.geocode("rue napoléon"), server.request_count) == (BAN_NAPOLEON, 2)


def test_ban_geocode_429_unavailable_without_retry(server: HttpFixture) -> None:
    """A rate-limited answer is final at once and passes on the service's Retry-After."""
    server.route("/search", Reply(status=429, body=b"{}", headers=(("Retry-After", "30"),)))
    with pytest.raises(GeocoderUnavailableError) as caught:
        ban(server, max_retries=2).geocode("rue napoléon")
    assert (caught.value.message, server.request_count) == (
        "Le géocodeur « ban » ne peut pas répondre : le service limite le nombre de requêtes "
        "(HTTP 429) ; réessayez dans 30 s.",
        1,
    )


def test_ban_geocode_connection_refused_unavailable() -> None:
    """Nothing listening on the port is "cannot answer"."""
    geocoder = BanGeocoder(
        domain=f"127.0.0.1:{closed_port()}",
        scheme="http",
        timeout=0.5,
        min_delay_seconds=0,
        max_retries=0,
        proxies={},
    )
    with pytest.raises(GeocoderUnavailableError) as caught:
        geocoder.geocode("rue napoléon")
    assert caught.value.message == (
        "Le géocodeur « ban » ne peut pas répondre : connexion impossible."
    )


def test_ban_geocode_not_json_unavailable(server: HttpFixture) -> None:
    """A 200 answer that is not JSON (a maintenance page) is "cannot answer"."""
    server.route("/search", Reply(body=b"<html>maintenance</html>", content_type="text/html"))
    with pytest.raises(GeocoderUnavailableError) as caught:
        ban(server).geocode("rue napoléon")
    assert caught.value.message == (
        "Le géocodeur « ban » ne peut pas répondre : sa réponse n'est pas du JSON lisible."
    )


def test_ban_geocode_feature_without_properties_unavailable(server: HttpFixture) -> None:
    """A feature missing the documented members is "cannot answer", not a crash."""
    broken = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.3, 49.9]}}
    server.route("/search", json_reply({"type": "FeatureCollection", "features": [broken]}))
    with pytest.raises(GeocoderUnavailableError) as caught:
        ban(server).geocode("rue napoléon")
    assert caught.value.message == (
        "Le géocodeur « ban » ne peut pas répondre : réponse inattendue."
    )


def test_ban_init_error_wait_shorter_than_delay_refused() -> None:
    """Waiting less after an error than between requests would break the rate limit."""
    with pytest.raises(ValueError, match="ne peut pas être plus courte"):
        BanGeocoder(min_delay_seconds=1.0, error_wait_seconds=0.5)
