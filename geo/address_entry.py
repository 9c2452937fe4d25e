"""The address points the offline geocoder knows, and those a commune's town hall gives.

A point comes from the town-hall directory (``mairie``), the BAN (``ban``) or a person who
confirmed a venue (``confirmed``); :data:`SOURCE_RANK` says which wins for the same number on
the same street. :func:`mairie_entries` and :func:`postal_name` read a commune's town-hall
address (``mairie_adresse``) into points and into the commune name people write.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.address import split_housenumber, street_key
from geo.reference import CommuneRecord

SOURCE_RANK = {"confirmed": 0, "ban": 1, "mairie": 2}
"""Which point wins for the same number on the same street: a person's confirmation, then the
BAN, then the town-hall directory; any other source comes last."""


@dataclass(frozen=True, slots=True)
class AddressEntry:
    """One known address point."""

    housenumber: str | None
    """``"12"``, ``"3 bis"``, ``"12B"``; ``None`` for a street-level point or a named place."""
    street: str
    """``"Place de la Mairie"``, or a named place (``"Mairie"``, a lieu-dit)."""
    postcode: str | None
    insee_code: str
    commune: str
    """Commune name."""
    lon: float
    lat: float
    source: str
    """``"mairie"``, ``"ban"`` or ``"confirmed"`` (see :data:`SOURCE_RANK`)."""


def source_rank(entry: AddressEntry) -> int:
    """The entry's place in :data:`SOURCE_RANK`, lower wins; an unknown source comes last."""
    return SOURCE_RANK.get(entry.source, len(SOURCE_RANK))


def mairie_entries(record: CommuneRecord) -> list[AddressEntry]:
    """Return the town hall of a commune as address points: its postal address, and "Mairie".

    ``mairie_address`` reads ``"3 bis place de la Mairie | 02200 Acy"``; a ``Cedex`` postcode is
    kept (the town hall's own). The named place ``"Mairie"`` answers "mairie d'Acy". A commune
    without a town-hall point gives nothing.
    """
    if record.mairie_point is None:
        return []
    line, _, locality = (record.mairie_address or "").partition("|")
    postcode = next((w for w in locality.split() if len(w) == 5 and w.isdigit()), None)
    if postcode is None and len(record.postcodes) == 1:
        postcode = record.postcodes[0]
    lon, lat = record.mairie_point.lon, record.mairie_point.lat

    def entry(number: str | None, street: str) -> AddressEntry:
        return AddressEntry(
            number, street, postcode, record.insee_code, record.name, lon, lat, "mairie"
        )

    entries = [entry(None, "Mairie")]
    number, street = split_housenumber(line.strip().rstrip(",;").strip())
    if street_key(street):
        entries.append(entry(number, street))
    return entries


def postal_name(record: CommuneRecord) -> str | None:
    """The commune as its town hall's postal address writes it, without postcode and Cedex.

    Postal names are the names people write: ``"Breteuil-sur-Noye"`` for the commune of
    Breteuil, ``"Cahon-Gouy"`` for Cahon, ``"Barisis"`` for Barisis-aux-Bois.
    """
    _, _, locality = (record.mairie_address or "").partition("|")
    kept = [w for w in locality.split() if not (len(w) == 5 and w.isdigit())]
    if kept and kept[-1].casefold() == "cedex":
        kept.pop()
    return " ".join(kept) or None
