"""The bundled communes, and one offline geocoder built from them, shared by the gazetteer tests."""

from __future__ import annotations

from functools import cache

from geo.address_entry import AddressEntry
from geo.gazetteer import OfflineGeocoder
from geo.reference import BUNDLED_COMMUNES, CommuneRecord, bundled_path, read_communes_csv

CONFIDENT = 0.8
"""The score from which the lead's chain takes an answer as sure."""


@cache
def communes() -> tuple[CommuneRecord, ...]:
    return tuple(read_communes_csv(bundled_path(BUNDLED_COMMUNES)))


@cache
def geocoder() -> OfflineGeocoder:
    return OfflineGeocoder(communes())


def commune(insee: str) -> CommuneRecord:
    return next(r for r in communes() if r.insee_code == insee)


def amiens_entry(number: str | None, street: str, source: str, lon: float = 2.3) -> AddressEntry:
    """A point of Amiens (80021, 80000) at latitude 49.89."""
    return AddressEntry(number, street, "80000", "80021", "Amiens", lon, 49.89, source)
