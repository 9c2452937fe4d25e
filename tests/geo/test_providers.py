"""``build_geocoders``: the providers named in ``ALLERVERS_GEOCODERS``, on the given domains.

Real geopy code against answers served on 127.0.0.1 (see :mod:`tests.geo.recorded`).
"""

from __future__ import annotations

import re

import pytest

from geo.geocoding import Candidate
from geo.providers import build_geocoders
from tests.geo.httpfixture import (
    HttpFixture,
    fixture_reply,
)
from tests.geo.recorded import (
    BAN_NAPOLEON,
    NAPOLEON_PARAMS,
    NOMINATIM_NAPOLEON,
    NOMINATIM_PARAMS,
    USER_AGENT,
)


class Offline:
    """Stands for the offline gazetteer, built elsewhere."""

    name = "offline"

    def geocode(self, query: str, *, limit: int = 5) -> list[Candidate]:
        """Never finds anything."""
        return []


def test_build_geocoders_in_configured_order() -> None:
    """Names become providers in the given order, the offline one passed through as is."""
    offline = Offline()
    built = build_geocoders(["nominatim", "offline", "ban"], offline=offline, user_agent=USER_AGENT)
    assert ([g.name for g in built], built[1] is offline) == (["nominatim", "offline", "ban"], True)


def test_build_geocoders_ban_on_given_domain(server: HttpFixture) -> None:
    """Domain and scheme reach the BAN provider."""
    server.route(
        "/search", fixture_reply("ban/search_rue_napoleon_limit5.json"), params=NAPOLEON_PARAMS
    )
    (built,) = build_geocoders(
        ["ban"],
        offline=None,
        user_agent=USER_AGENT,
        ban_domain=server.domain,
        ban_scheme="http",
        timeout=0.5,
        proxies={},
    )
    assert built.geocode("rue napoléon") == BAN_NAPOLEON


def test_build_geocoders_nominatim_on_given_domain(server: HttpFixture) -> None:
    """Domain, scheme and user agent reach the Nominatim provider."""
    server.route(
        "/search",
        fixture_reply("nominatim/search_rue_napoleon.json"),
        params={"q": "rue napoléon", **NOMINATIM_PARAMS},
    )
    (built,) = build_geocoders(
        ["nominatim"],
        offline=None,
        user_agent=USER_AGENT,
        nominatim_domain=server.domain,
        nominatim_scheme="http",
        timeout=0.5,
        nominatim_min_delay_seconds=0,
        error_wait_seconds=0,
        proxies={},
    )
    assert (built.geocode("rue napoléon"), server.requests[0].headers["User-Agent"]) == (
        NOMINATIM_NAPOLEON,
        USER_AGENT,
    )


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (
            ["offline", "google"],
            "Géocodeur inconnu : « google » (possibles : offline, ban, nominatim).",
        ),
        (["ban", "BAN"], "Le géocodeur « ban » est cité deux fois."),
        (["offline"], "Le géocodeur « offline » est demandé mais n'a pas été fourni."),
    ],
)
def test_build_geocoders_bad_names_refused(names: list[str], message: str) -> None:
    """An unknown or repeated name, or a missing offline geocoder, is refused in French."""
    with pytest.raises(ValueError, match=re.escape(message)):
        build_geocoders(names, offline=None, user_agent=USER_AGENT)
