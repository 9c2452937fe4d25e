"""Reading the locality of a query: communes by name, postcode, article, saint or typo."""

from __future__ import annotations

import pytest

from geo.geocoding import Candidate
from tests.geo.bundled import commune, geocoder


@pytest.mark.parametrize(
    "query",
    [
        "3B PL. DE LA MAIRIE, ACY",
        "3 b pl mairie acy",
        "Acy, 3 bis place de la Mairie",
        "3 bis place de la mairie acy france",
        "3 bis place de la Mairie 02200 Acy Cedex",
    ],
)
def test_geocode_same_answer_however_written(query: str) -> None:
    """Case, abbreviations, order, a missing postcode or a Cedex lead to the same point."""
    (expected,) = geocoder().geocode("3 bis place de la Mairie 02200 Acy")
    assert geocoder().geocode(query, limit=1) == [expected]


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("1 rue Victor-Hugo 59360 Le Cateau-Cambrésis", "1 rue Victor-Hugo 59360 Cateau-Cambrésis"),
        ("1 r victor hugo le cateau cambresis", "1 rue Victor-Hugo 59360 Cateau-Cambrésis"),
        ("9 rue du Gal Augereau, Le Catelet", "9 rue du Général-Augereau 02420 Catelet"),
        (
            "2 rue de la Haie-Menneresse st souplet",
            "2 rue de la Haie-Menneresse 59360 Saint-Souplet",
        ),
    ],
)
def test_geocode_commune_articles_and_saints(query: str, label: str) -> None:
    """Leading articles and "st" do not stop a commune from being found."""
    (best,) = geocoder().geocode(query, limit=1)
    assert (best.label, best.precision, best.score) == (label, "housenumber", 1.0)


def test_geocode_commune_only_is_municipality() -> None:
    """A commune's name alone gives the commune at its centroid."""
    saint_quentin = commune("02691")
    assert saint_quentin.centroid is not None
    expected = Candidate(
        label="02100 Saint-Quentin",
        lon=saint_quentin.centroid.lon,
        lat=saint_quentin.centroid.lat,
        score=1.0,
        provider="offline",
        precision="municipality",
        insee_code="02691",
        postcode="02100",
        commune="Saint-Quentin",
    )
    assert [geocoder().geocode(q, limit=1) for q in ("Saint-Quentin", "st quentin")] == [
        [expected],
        [expected],
    ]


def test_geocode_postcode_of_one_commune_is_municipality() -> None:
    """A postcode that only Amiens has gives Amiens, sure."""
    (best,) = geocoder().geocode("80000")
    assert (best.label, best.precision, best.insee_code, best.score) == (
        "80000 Amiens",
        "municipality",
        "80021",
        1.0,
    )


def test_geocode_typo_in_commune_with_postcode() -> None:
    """A misspelt commune is found among its postcode's communes, less surely."""
    (best,) = geocoder().geocode("3 bis place de la Mairie 02200 Acx", limit=1)
    assert (best.insee_code, best.precision, 0.5 < best.score < 1.0) == (
        "02003",
        "housenumber",
        True,
    )


def test_geocode_wrong_postcode_trusts_the_name() -> None:
    """A postcode of another town does not hide the named commune's street."""
    (best,) = geocoder().geocode("3 bis place de la Mairie 80000 Acy", limit=1)
    assert (best.insee_code, best.precision) == ("02003", "housenumber")
