"""The BAN geocoder: real geopy code against answers served on 127.0.0.1.

``tests/fixtures/ban/`` holds real answers of the address API, recorded by other public projects
(see ``shared/data/SOURCES.md``: the npm package ``@p-j/geocodejson-ban``, gip-inclusion/
les-emplois, a public Angular test mock; "BAN", ETALAB-2.0), served byte for byte for the query
(``q``) and ``limit`` they were recorded with.
"""

from __future__ import annotations

import pytest

from geo.geocoding import Candidate
from tests.geo.httpfixture import (
    HttpFixture,
    fixture_reply,
)
from tests.geo.recorded import (
    BAN_HOUSENUMBER,
    BAN_NAPOLEON,
    NAPOLEON_PARAMS,
    USER_AGENT,
    ban,
)


def test_ban_geocode_five_results_in_score_order(server: HttpFixture) -> None:
    """The recorded five answers for "rue napoléon" become five candidates, best score first."""
    server.route(
        "/search", fixture_reply("ban/search_rue_napoleon_limit5.json"), params=NAPOLEON_PARAMS
    )
    assert ban(server).geocode("rue napoléon", limit=5) == BAN_NAPOLEON


def test_ban_geocode_sends_query_limit_and_user_agent(server: HttpFixture) -> None:
    """geopy asks ``/search`` with ``q`` and ``limit`` only, under our User-Agent."""
    server.route("/search", fixture_reply("ban/search_rue_napoleon_limit5.json"))
    ban(server).geocode("  rue napoléon ", limit=5)
    (request,) = server.requests
    assert (request.path, request.params, request.headers["User-Agent"]) == (
        "/search",
        NAPOLEON_PARAMS,
        USER_AGENT,
    )


@pytest.mark.parametrize(
    ("fixture", "query", "expected"),
    [
        (
            "search_housenumber.json",
            "4 Rue du Général Leclerc, 78000 Versailles, France",
            BAN_HOUSENUMBER,
        ),
        (
            # recorded with a postcode filter (75015), which our client does not send
            "search_housenumber_postcode_filter.json",
            "10 PL 5 MARTYRS LYCEE BUFFON",
            Candidate(
                label="10 Place des Cinq Martyrs du Lycée Buffon 75015 Paris",
                lon=2.316754,
                lat=48.838411,
                score=0.5197687103594081,
                provider="ban",
                precision="housenumber",
                insee_code="75115",
                postcode="75015",
                commune="Paris",
                street="10 Place des Cinq Martyrs du Lycée Buffon",
            ),
        ),
        (
            "search_street.json",
            "place de la république paris",
            Candidate(
                label="Place de la République 75011 Paris",
                lon=2.365475,
                lat=48.867039,
                score=0.9670254545454545,
                provider="ban",
                precision="street",
                insee_code="75111",
                postcode="75011",
                commune="Paris",
                street="Place de la République",
            ),
        ),
        (
            "search_locality.json",
            "Pré Rura 05240 La Salle-les-Alpes",
            Candidate(
                label="Pré Rura 05240 La Salle-les-Alpes",
                lon=6.566823,
                lat=44.938617,
                score=0.9387145454545454,
                provider="ban",
                precision="locality",
                insee_code="05161",
                postcode="05240",
                commune="La Salle-les-Alpes",
            ),
        ),
        (
            "search_municipality.json",
            "Paris",
            Candidate(
                label="Paris",
                lon=2.347,
                lat=48.859,
                score=0.9704590909090908,
                provider="ban",
                precision="municipality",
                insee_code="75056",
                postcode="75001",
                commune="Paris",
            ),
        ),
    ],
)
def test_ban_geocode_each_precision(
    server: HttpFixture, fixture: str, query: str, expected: Candidate
) -> None:
    """Each BAN result type maps to its precision, with INSEE code, postcode and commune."""
    server.route("/search", fixture_reply(f"ban/{fixture}"), params={"q": query, "limit": "1"})
    assert ban(server).geocode(query, limit=1) == [expected]


def test_ban_geocode_no_result_empty(server: HttpFixture) -> None:
    """An answer without features is "nothing matches", not an error."""
    server.route(
        "/search",
        fixture_reply("ban/search_no_result.json"),
        params={"q": "10 PL 5 ANATOLE", "limit": "1"},
    )
    assert ban(server).geocode("10 PL 5 ANATOLE", limit=1) == []


def test_ban_geocode_more_than_limit_cut(server: HttpFixture) -> None:
    """A server answering more results than asked is cut to ``limit``, best first."""
    server.route("/search", fixture_reply("ban/search_rue_napoleon_limit5.json"))
    assert ban(server).geocode("rue napoléon", limit=2) == BAN_NAPOLEON[:2]


@pytest.mark.parametrize(("query", "limit"), [("   ", 5), ("rue napoléon", 0)])
def test_ban_geocode_blank_query_or_zero_limit_asks_nothing(
    server: HttpFixture, query: str, limit: int
) -> None:
    """Nothing to look for: ``[]`` without a request."""
    assert (ban(server).geocode(query, limit=limit), server.request_count) == ([], 0)
