"""The Nominatim geocoder: real geopy code against answers served on 127.0.0.1.

``tests/fixtures/nominatim/`` is hand-made from Nominatim's documented format (its README says
why); the recorded BAN answers are described in ``tests/geo/test_ban.py``.
"""

from __future__ import annotations

import pytest

from geo.geocoding import Candidate, GeocoderUnavailableError
from geo.nominatim import NominatimGeocoder
from tests.geo.httpfixture import (
    HttpFixture,
    Reply,
    closed_port,
    fixture_reply,
)
from tests.geo.recorded import (
    NOMINATIM_NAPOLEON,
    NOMINATIM_PARAMS,
    USER_AGENT,
    nominatim,
)

# --- Nominatim ----------------------------------------------------------------------------------


def test_nominatim_geocode_results_in_rank_order(server: HttpFixture) -> None:
    """Three results: roads first, a bus stop last, scores falling with Nominatim's order."""
    server.route(
        "/search",
        fixture_reply("nominatim/search_rue_napoleon.json"),
        params={"q": "rue napoléon", **NOMINATIM_PARAMS},
    )
    assert nominatim(server).geocode("rue napoléon") == NOMINATIM_NAPOLEON


def test_nominatim_geocode_sends_france_addressdetails_and_user_agent(
    server: HttpFixture,
) -> None:
    """Requests ask for France, address details, JSON, under the given User-Agent."""
    server.route("/search", fixture_reply("nominatim/search_rue_napoleon.json"))
    nominatim(server).geocode("rue napoléon")
    (request,) = server.requests
    assert (request.path, request.params, request.headers["User-Agent"]) == (
        "/search",
        {"q": "rue napoléon", **NOMINATIM_PARAMS},
        USER_AGENT,
    )


def test_nominatim_geocode_housenumber_confident(server: HttpFixture) -> None:
    """A first result at a house number is the only confident Nominatim answer (0.8)."""
    query = "120 rue de Villars, 59220 Denain"
    server.route(
        "/search",
        fixture_reply("nominatim/search_housenumber.json"),
        params={"q": query, **NOMINATIM_PARAMS},
    )
    assert nominatim(server).geocode(query) == [
        Candidate(
            label="120, Rue de Villars, Denain, Valenciennes, Nord, Hauts-de-France, "
            "France métropolitaine, 59220, France",
            lon=3.395109,
            lat=50.325399,
            score=0.8,
            provider="nominatim",
            precision="housenumber",
            postcode="59220",
            commune="Denain",
            street="120 Rue de Villars",
        )
    ]


def test_nominatim_geocode_municipality_commune_not_arrondissement(server: HttpFixture) -> None:
    """A commune comes out as ``municipality`` named from ``town``, without an INSEE code."""
    server.route(
        "/search",
        fixture_reply("nominatim/search_municipality.json"),
        params={"q": "Compiègne", **NOMINATIM_PARAMS},
    )
    assert nominatim(server).geocode("Compiègne") == [
        Candidate(
            label="Compiègne, Oise, Hauts-de-France, France métropolitaine, 60200, France",
            lon=2.8263171,
            lat=49.4179497,
            score=0.7,
            provider="nominatim",
            precision="municipality",
            insee_code=None,
            postcode="60200",
            commune="Compiègne",
        )
    ]


def test_nominatim_geocode_no_result_empty(server: HttpFixture) -> None:
    """An empty array is "nothing matches"."""
    query = "rue de Nulle-Part, 80000 Amiens"
    server.route(
        "/search",
        fixture_reply("nominatim/search_no_result.json"),
        params={"q": query, **NOMINATIM_PARAMS},
    )
    assert nominatim(server).geocode(query) == []


def test_nominatim_geocode_keeps_min_delay_between_requests(server: HttpFixture) -> None:
    """Two questions in a row reach the server at least ``min_delay_seconds`` apart."""
    server.route("/search", fixture_reply("nominatim/search_no_result.json"))
    geocoder = nominatim(server, min_delay=0.3)
    geocoder.geocode("Amiens")
    geocoder.geocode("Abbeville")
    first, second = server.requests
    assert second.at - first.at >= 0.28  # the server's clock, a few ms of scheduling aside


def test_nominatim_geocode_slow_unavailable(server: HttpFixture) -> None:
    """An answer later than the timeout is "cannot answer"."""
    server.route("/search", Reply(body=b"[]", delay=2.0))
    with pytest.raises(GeocoderUnavailableError) as caught:
        nominatim(server, timeout=0.2).geocode("Compiègne")
    assert (caught.value.message, caught.value.provider, server.request_count) == (
        "Le géocodeur « nominatim » ne peut pas répondre : pas de réponse en 0,2 s.",
        "nominatim",
        1,
    )


def test_nominatim_geocode_503_unavailable_after_retries(server: HttpFixture) -> None:
    """A 503 is retried ``max_retries`` times, then reported with its status."""
    server.route("/search", Reply(status=503, body=b"busy", content_type="text/plain"))
    with pytest.raises(GeocoderUnavailableError) as caught:
        nominatim(server, max_retries=1).geocode("Compiègne")
    assert (caught.value.message, server.request_count) == (
        "Le géocodeur « nominatim » ne peut pas répondre : le service a répondu par l'erreur "
        "HTTP 503.",
        2,
    )


def test_nominatim_geocode_403_unavailable_without_retry(server: HttpFixture) -> None:
    """A blocked client (403, e.g. usage policy) is final at once."""
    server.route("/search", Reply(status=403, body=b"blocked", content_type="text/plain"))
    with pytest.raises(GeocoderUnavailableError) as caught:
        nominatim(server, max_retries=2).geocode("Compiègne")
    assert (caught.value.message, server.request_count) == (
        "Le géocodeur « nominatim » ne peut pas répondre : le service a répondu par l'erreur "
        "HTTP 403.",
        1,
    )


def test_nominatim_geocode_connection_refused_unavailable() -> None:
    """Nothing listening on the port is "cannot answer"."""
    geocoder = NominatimGeocoder(
        user_agent=USER_AGENT,
        domain=f"127.0.0.1:{closed_port()}",
        scheme="http",
        timeout=0.5,
        min_delay_seconds=0,
        max_retries=0,
        error_wait_seconds=0,
        proxies={},
    )
    with pytest.raises(GeocoderUnavailableError) as caught:
        geocoder.geocode("Compiègne")
    assert caught.value.message == (
        "Le géocodeur « nominatim » ne peut pas répondre : connexion impossible."
    )


def test_nominatim_init_blank_user_agent_refused() -> None:
    """Nominatim's usage policy wants the application identified."""
    with pytest.raises(ValueError, match="exige un User-Agent"):
        NominatimGeocoder(user_agent=" ")
