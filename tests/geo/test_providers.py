"""The BAN and Nominatim geocoders: real geopy code against answers served on 127.0.0.1.

``tests/fixtures/ban/`` holds real answers of the address API, recorded by other public projects
(see ``shared/data/SOURCES.md``: the npm package ``@p-j/geocodejson-ban``, gip-inclusion/
les-emplois, a public Angular test mock; "BAN", ETALAB-2.0), served byte for byte for the query
(``q``) and ``limit`` they were recorded with. ``tests/fixtures/nominatim/`` is hand-made from
Nominatim's documented format (its README says why).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from geo.geocoding import Candidate, GeocoderUnavailableError
from geo.providers import BanGeocoder, NominatimGeocoder, build_geocoders
from tests.geo.httpfixture import (
    HttpFixture,
    Reply,
    closed_port,
    fixture_reply,
    json_reply,
    serve,
)

USER_AGENT = "allervers/0.1 (contact@example.org)"
NAPOLEON_PARAMS = {"q": "rue napoléon", "limit": "5"}

BAN_NAPOLEON = [
    Candidate(
        label="Rue napoléon 85100 Les Sables-d'Olonne",
        lon=-1.792213,
        lat=46.495502,
        score=0.9733772727272727,
        provider="ban",
        precision="street",
        insee_code="85194",
        postcode="85100",
        commune="Les Sables-d'Olonne",
        street="Rue napoléon",
    ),
    Candidate(
        label="Rue Napoleon 20200 Bastia",
        lon=9.449953,
        lat=42.698296,
        score=0.968470909090909,
        provider="ban",
        precision="street",
        insee_code="2B033",
        postcode="20200",
        commune="Bastia",
        street="Rue Napoleon",
    ),
    Candidate(
        label="Rue Napoléon 30100 Alès",
        lon=4.079564,
        lat=44.117731,
        score=0.9673172727272726,
        provider="ban",
        precision="street",
        insee_code="30007",
        postcode="30100",
        commune="Alès",
        street="Rue Napoléon",
    ),
    Candidate(
        label="Rue Napoléon 59220 Denain",
        lon=3.377516,
        lat=50.332984,
        score=0.96567,
        provider="ban",
        precision="street",
        insee_code="59172",
        postcode="59220",
        commune="Denain",
        street="Rue Napoléon",
    ),
    Candidate(
        label="Rue Napoléon 60200 Compiègne",
        lon=2.825544,
        lat=49.417104,
        score=0.9627745454545454,
        provider="ban",
        precision="street",
        insee_code="60159",
        postcode="60200",
        commune="Compiègne",
        street="Rue Napoléon",
    ),
]

BAN_HOUSENUMBER = Candidate(
    label="4 Rue du Général Leclerc 78000 Versailles",
    lon=2.124989,
    lat=48.799456,
    score=0.7592313152804641,
    provider="ban",
    precision="housenumber",
    insee_code="78646",
    postcode="78000",
    commune="Versailles",
    street="4 Rue du Général Leclerc",
)

NOMINATIM_NAPOLEON = [
    Candidate(
        label="Rue Napoléon, Denain, Valenciennes, Nord, Hauts-de-France, France métropolitaine, "
        "59220, France",
        lon=3.377516,
        lat=50.332984,
        score=0.7,
        provider="nominatim",
        precision="street",
        postcode="59220",
        commune="Denain",
        street="Rue Napoléon",
    ),
    Candidate(
        label="Rue Napoléon, Compiègne, Oise, Hauts-de-France, France métropolitaine, 60200, "
        "France",
        lon=2.825544,
        lat=49.417104,
        score=0.6,
        provider="nominatim",
        precision="street",
        postcode="60200",
        commune="Compiègne",
        street="Rue Napoléon",
    ),
    Candidate(
        label="Napoléon, Rue Napoléon, Denain, Valenciennes, Nord, Hauts-de-France, "
        "France métropolitaine, 59220, France",
        lon=3.378007,
        lat=50.333102,
        score=0.5,
        provider="nominatim",
        precision="locality",
        postcode="59220",
        commune="Denain",
        street="Rue Napoléon",
    ),
]


@pytest.fixture
def server() -> Iterator[HttpFixture]:
    """A canned-answer HTTP server on 127.0.0.1."""
    yield from serve()


def ban(server: HttpFixture, *, timeout: float = 0.5, max_retries: int = 0) -> BanGeocoder:
    """A BAN geocoder on the test server: short timeout, no delays, no system proxy."""
    return BanGeocoder(
        domain=server.domain,
        scheme="http",
        user_agent=USER_AGENT,
        timeout=timeout,
        min_delay_seconds=0,
        max_retries=max_retries,
        error_wait_seconds=0,
        proxies={},
    )


def nominatim(
    server: HttpFixture, *, timeout: float = 0.5, max_retries: int = 0, min_delay: float = 0
) -> NominatimGeocoder:
    """A Nominatim geocoder on the test server: short timeout, no system proxy."""
    return NominatimGeocoder(
        user_agent=USER_AGENT,
        domain=server.domain,
        scheme="http",
        timeout=timeout,
        min_delay_seconds=min_delay,
        max_retries=max_retries,
        error_wait_seconds=min_delay,
        proxies={},
    )


# --- BAN: answers -------------------------------------------------------------------------------


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


# --- Nominatim ----------------------------------------------------------------------------------

NOMINATIM_PARAMS = {
    "format": "json",
    "limit": "5",
    "countrycodes": "fr",
    "addressdetails": "1",
}


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


# --- build_geocoders ----------------------------------------------------------------------------


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
