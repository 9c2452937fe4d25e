"""The gazetteer's index: address points added, which source wins, communes not yet known."""

from __future__ import annotations

from geo.address_entry import AddressEntry
from geo.gazetteer import OfflineGeocoder
from tests.geo.bundled import amiens_entry, communes


def test_add_addresses_makes_address_findable() -> None:
    """A confirmed venue address is found at house-number precision once added."""
    gazetteer = OfflineGeocoder(communes())
    before = gazetteer.geocode("12 rue des Lilas 80000 Amiens", limit=1)
    gazetteer.add_addresses([amiens_entry("12", "Rue des Lilas", "confirmed")])
    after = gazetteer.geocode("12 r. des lilas amiens", limit=1)
    assert [(c.label, c.precision, c.score) for c in before + after] == [
        ("80000 Amiens", "municipality", 0.45),
        ("12 Rue des Lilas 80000 Amiens", "housenumber", 1.0),
    ]


def test_geocode_prefers_ban_over_town_hall_then_confirmed() -> None:
    """For the same number: a confirmed point beats the BAN's, which beats the directory's."""
    mairie = amiens_entry("3", "Rue des Tilleuls", "mairie", lon=2.1)
    ban = amiens_entry("3", "Rue des Tilleuls", "ban", lon=2.2)
    confirmed = amiens_entry("3", "Rue des Tilleuls", "confirmed", lon=2.3)
    gazetteer = OfflineGeocoder(communes(), [mairie, ban])
    first = gazetteer.geocode("3 rue des tilleuls amiens", limit=1)
    gazetteer.add_addresses([confirmed])
    second = gazetteer.geocode("3 rue des tilleuls amiens", limit=1)
    assert [(c.precision, c.lon) for c in first + second] == [
        ("housenumber", 2.2),
        ("housenumber", 2.3),
    ]


def test_add_addresses_unknown_commune_is_findable() -> None:
    """Points of a commune outside the reference list are found by its name and postcode."""
    gazetteer = OfflineGeocoder(
        communes(),
        [AddressEntry("8", "Rue Napoléon", "59220", "99001", "Testville", 3.4, 50.3, "ban")],
    )
    found = [
        gazetteer.geocode(q, limit=1)[0]
        for q in ("8 rue Napoleon Testville", "8 rue napoleon 59220")
    ]
    assert [(c.insee_code, c.precision) for c in found] == [
        ("99001", "housenumber"),
        ("99001", "housenumber"),
    ]
