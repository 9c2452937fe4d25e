"""The points a town hall gives: its address, and the named place "Mairie"."""

from __future__ import annotations

from geo.geocoding import Candidate
from tests.geo.bundled import commune, geocoder


def test_geocode_town_hall_by_name() -> None:
    """ "Mairie d'Acy" and "Hôtel de ville d'Amiens" are the town halls, as named places."""
    found = [geocoder().geocode(q, limit=1)[0] for q in ("mairie d'Acy", "Hôtel de Ville Amiens")]
    assert [(c.label, c.precision, c.score) for c in found] == [
        ("Mairie 02200 Acy", "locality", 1.0),
        ("Mairie 80000 Amiens", "locality", 1.0),
    ]


def test_geocode_housenumber_of_town_hall() -> None:
    """A town hall's address gives its point at house-number precision, fully sure."""
    acy = commune("02003")
    assert acy.mairie_point is not None
    assert geocoder().geocode("3 bis place de la Mairie 02200 Acy") == [
        Candidate(
            label="3 bis place de la Mairie 02200 Acy",
            lon=acy.mairie_point.lon,
            lat=acy.mairie_point.lat,
            score=1.0,
            provider="offline",
            precision="housenumber",
            insee_code="02003",
            postcode="02200",
            commune="Acy",
            street="3 bis place de la Mairie",
        )
    ]
