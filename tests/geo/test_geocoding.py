"""The provider chain with the real BAN and Nominatim geocoders on 127.0.0.1.

The offline gazetteer is written elsewhere; a small in-test geocoder stands for it, answering
fixed candidates and noting what it was asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from geo.ban import BanGeocoder
from geo.geocoding import Candidate, GeocoderChain, GeocoderUnavailableError
from geo.nominatim import NominatimGeocoder
from tests.geo.httpfixture import HttpFixture, closed_port, fixture_reply, json_reply, serve
from tests.geo.recorded import (
    BAN_HOUSENUMBER,
    BAN_NAPOLEON,
    NAPOLEON_PARAMS,
    NOMINATIM_NAPOLEON,
    USER_AGENT,
)

CONFIDENT = 0.8


@dataclass
class Gazetteer:
    """Stands for the offline geocoder: answers ``candidates`` whatever the query."""

    candidates: list[Candidate]
    name: str = "offline"
    asked: list[str] = field(default_factory=list)

    def geocode(self, query: str, *, limit: int = 5) -> list[Candidate]:
        """The fixed candidates, at most ``limit``."""
        self.asked.append(query)
        return self.candidates[:limit]


def offline_candidate(score: float) -> Candidate:
    """The town hall of Denain as the offline gazetteer would place it."""
    return Candidate(
        label="120 rue de Villars 59220 Denain",
        lon=3.395109,
        lat=50.325399,
        score=score,
        provider="offline",
        precision="housenumber",
        insee_code="59172",
        postcode="59220",
        commune="Denain",
        street="120 rue de Villars",
    )


@pytest.fixture
def ban_server() -> Iterator[HttpFixture]:
    """The BAN's stand-in on 127.0.0.1."""
    yield from serve()


@pytest.fixture
def nominatim_server() -> Iterator[HttpFixture]:
    """Nominatim's stand-in on 127.0.0.1."""
    yield from serve()


def ban_on(domain: str) -> BanGeocoder:
    """BAN on a local address: short timeout, no delay, no retry."""
    return BanGeocoder(
        domain=domain,
        scheme="http",
        timeout=0.5,
        min_delay_seconds=0,
        max_retries=0,
        error_wait_seconds=0,
        proxies={},
    )


def nominatim_on(domain: str) -> NominatimGeocoder:
    """Nominatim on a local address: short timeout, no delay, no retry."""
    return NominatimGeocoder(
        user_agent=USER_AGENT,
        domain=domain,
        scheme="http",
        timeout=0.5,
        min_delay_seconds=0,
        max_retries=0,
        error_wait_seconds=0,
        proxies={},
    )


def test_chain_offline_confident_ban_never_asked(ban_server: HttpFixture) -> None:
    """A confident offline answer ends the chain: the BAN server sees no request."""
    offline = Gazetteer([offline_candidate(0.95)])
    chain = GeocoderChain([offline, ban_on(ban_server.domain)], confident_score=CONFIDENT)
    assert (chain.geocode("120 rue de Villars Denain"), ban_server.request_count) == (
        [offline_candidate(0.95)],
        0,
    )


def test_chain_offline_not_confident_ban_asked_merged(ban_server: HttpFixture) -> None:
    """An unsure offline answer goes on to the BAN; the merged list is best first, cut to limit."""
    ban_server.route(
        "/search", fixture_reply("ban/search_rue_napoleon_limit5.json"), params=NAPOLEON_PARAMS
    )
    offline = Gazetteer([offline_candidate(0.6)])
    chain = GeocoderChain([offline, ban_on(ban_server.domain)], confident_score=CONFIDENT)
    assert (chain.geocode("rue napoléon", limit=5), ban_server.request_count) == (
        BAN_NAPOLEON,  # the offline candidate ranks sixth
        1,
    )


def test_chain_ban_down_offline_empty_unavailable(ban_server: HttpFixture) -> None:
    """Nothing offline and the BAN down: "cannot answer now", not "not found"."""
    ban_server.route("/search", json_reply({}, status=503))
    chain = GeocoderChain([Gazetteer([]), ban_on(ban_server.domain)], confident_score=CONFIDENT)
    with pytest.raises(GeocoderUnavailableError) as caught:
        chain.geocode("rue napoléon")
    assert (caught.value.provider, caught.value.message) == (
        "ban",
        "Géocodage momentanément impossible : ban ne répond pas. Réessayez dans un instant ou "
        "saisissez les coordonnées à la main.",
    )


def test_chain_ban_refused_offline_candidates_returned() -> None:
    """The BAN unreachable, the unsure offline candidates are still the answer."""
    offline = Gazetteer([offline_candidate(0.6), offline_candidate(0.3)])
    chain = GeocoderChain(
        [offline, ban_on(f"127.0.0.1:{closed_port()}")], confident_score=CONFIDENT
    )
    assert chain.geocode("120 rue de Villars Denain") == [
        offline_candidate(0.6),
        offline_candidate(0.3),
    ]


def test_chain_ban_down_nominatim_merged_with_offline(
    ban_server: HttpFixture, nominatim_server: HttpFixture
) -> None:
    """BAN down: Nominatim is asked and its candidates interleave with the offline one by score."""
    ban_server.route("/search", json_reply({}, status=503))
    nominatim_server.route("/search", fixture_reply("nominatim/search_rue_napoleon.json"))
    offline = Gazetteer([offline_candidate(0.55)])
    chain = GeocoderChain(
        [offline, ban_on(ban_server.domain), nominatim_on(nominatim_server.domain)],
        confident_score=CONFIDENT,
    )
    assert chain.geocode("rue napoléon") == [
        NOMINATIM_NAPOLEON[0],
        NOMINATIM_NAPOLEON[1],
        offline_candidate(0.55),
        NOMINATIM_NAPOLEON[2],
    ]


def test_chain_ban_confident_nominatim_never_asked(
    ban_server: HttpFixture, nominatim_server: HttpFixture
) -> None:
    """A confident BAN answer spares Nominatim (and its one request per second)."""
    ban_server.route(
        "/search", fixture_reply("ban/search_rue_napoleon_limit5.json"), params=NAPOLEON_PARAMS
    )
    chain = GeocoderChain(
        [ban_on(ban_server.domain), nominatim_on(nominatim_server.domain)],
        confident_score=CONFIDENT,
    )
    assert (chain.geocode("rue napoléon"), nominatim_server.request_count) == (BAN_NAPOLEON, 0)


def test_chain_ban_unsure_nominatim_asked(
    ban_server: HttpFixture, nominatim_server: HttpFixture
) -> None:
    """BAN's best below the threshold (0.76 for a house number) lets Nominatim answer too."""
    query = "4 Rue du Général Leclerc, 78000 Versailles, France"
    ban_server.route(
        "/search", fixture_reply("ban/search_housenumber.json"), params={"q": query, "limit": "1"}
    )
    nominatim_server.route("/search", fixture_reply("nominatim/search_no_result.json"))
    chain = GeocoderChain(
        [ban_on(ban_server.domain), nominatim_on(nominatim_server.domain)],
        confident_score=CONFIDENT,
    )
    assert (chain.geocode(query, limit=1), nominatim_server.request_count) == (
        [BAN_HOUSENUMBER],
        1,
    )


def test_chain_every_provider_down_names_them(ban_server: HttpFixture) -> None:
    """When no provider can answer, the error names each of them."""
    ban_server.route("/search", json_reply({}, status=503))
    chain = GeocoderChain(
        [ban_on(ban_server.domain), nominatim_on(f"127.0.0.1:{closed_port()}")],
        confident_score=CONFIDENT,
    )
    with pytest.raises(GeocoderUnavailableError) as caught:
        chain.geocode("rue napoléon")
    assert caught.value.provider == "ban, nominatim"
