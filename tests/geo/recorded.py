"""Recorded provider answers and the BAN and Nominatim geocoders set up on the test server.

``tests/fixtures/ban/`` holds real answers of the address API, recorded by other public projects
(see ``shared/data/SOURCES.md``: the npm package ``@p-j/geocodejson-ban``, gip-inclusion/
les-emplois, a public Angular test mock; "BAN", ETALAB-2.0), served byte for byte for the query
(``q``) and ``limit`` they were recorded with. ``tests/fixtures/nominatim/`` is hand-made from
Nominatim's documented format (its README says why).
"""

from __future__ import annotations

from geo.ban import BanGeocoder
from geo.geocoding import Candidate
from geo.nominatim import NominatimGeocoder
from tests.geo.httpfixture import HttpFixture

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


NOMINATIM_PARAMS = {
    "format": "json",
    "limit": "5",
    "countrycodes": "fr",
    "addressdetails": "1",
}
