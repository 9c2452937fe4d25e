"""Scores shared between places: an ambiguous query is never confident."""

from __future__ import annotations

from tests.geo.bundled import CONFIDENT, communes, geocoder


def test_geocode_postcode_shared_is_not_confident() -> None:
    """A postcode of many communes gives them largest first, each with an equal low score."""
    sharing = sorted(
        (r for r in communes() if "02200" in r.postcodes), key=lambda r: -(r.population or 0)
    )
    found = geocoder().geocode("02200", limit=3)
    assert [(c.insee_code, c.score) for c in found] == [
        (r.insee_code, round(1 / len(sharing), 4)) for r in sharing[:3]
    ]


def test_geocode_commune_left_out_ambiguous_is_not_confident() -> None:
    """ "place de la Mairie 02200" is in several communes: none of them is sure."""
    found = geocoder().geocode("place de la mairie 02200")
    assert (len(found) > 1, max(c.score for c in found) < CONFIDENT) == (True, True)
