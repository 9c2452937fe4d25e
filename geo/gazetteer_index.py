"""The offline geocoder's index: communes by name and postcode, their streets and points.

Built once from the reference communes, then grown by :meth:`GazetteerIndex.add` (town halls, a
BAN file, confirmed venues). Every look-up a query needs is a dictionary access: a commune's name
(:func:`~geo.address.commune_key`) or postcode gives its INSEE codes, and in a commune a
:func:`~geo.address.street_key` gives the street with its numbered and unnumbered points.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from geo.address import commune_key, housenumber_key, is_street_name, street_key
from geo.address_entry import AddressEntry, postal_name, source_rank
from geo.reference import CommuneRecord


@dataclass(slots=True)
class IndexedStreet:
    """A street (or a named place) of a commune, with its points by house number."""

    name: str
    rank: int
    kind: str
    """``street``, or ``locality`` for a named place (no street type in the name)."""
    numbered: dict[str, list[AddressEntry]] = field(default_factory=dict)
    unnumbered: list[AddressEntry] = field(default_factory=list)
    center: AddressEntry | None = None
    """The numbered point nearest the mean of the street's points, computed when first asked."""


@dataclass(slots=True)
class IndexedCommune:
    """A commune: its point, names, postcodes and streets by :func:`~geo.address.street_key`."""

    insee_code: str
    name: str
    point: tuple[float, float] | None
    population: int
    postcodes: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    streets: dict[str, IndexedStreet] = field(default_factory=dict)
    street_keys: list[str] = field(default_factory=list)


def _insert(entries: list[AddressEntry], entry: AddressEntry) -> None:
    """Insert before entries of the same or a lower rank: the newest of a rank wins."""
    rank = source_rank(entry)
    position = next((i for i, e in enumerate(entries) if source_rank(e) >= rank), len(entries))
    entries.insert(position, entry)


class GazetteerIndex:
    """Communes and address points indexed for the offline geocoder; not thread-safe by itself.

    Names a commune goes by (official, postal, as a BAN file writes it) map to its INSEE code; a
    name other than the official one is indexed only when it is no other commune's own.
    """

    def __init__(self, communes: Sequence[CommuneRecord]) -> None:
        self.communes: dict[str, IndexedCommune] = {}
        """By INSEE code."""
        self.by_name: dict[str, list[str]] = {}
        """:func:`~geo.address.commune_key` → INSEE codes."""
        self.official: set[str] = set()
        """Name keys that are a commune's official name."""
        self.name_keys: list[str] = []
        """Every name key, once: the choices of fuzzy matching."""
        self.by_postcode: dict[str, list[str]] = {}
        """Postcode → INSEE codes."""
        self.by_street: dict[str, list[str]] = {}
        """:func:`~geo.address.street_key` → INSEE codes of the communes with that street."""
        self.name_words = 1
        """Words of the longest commune name, plus one for a leading article."""
        for record in sorted(communes, key=lambda r: (-(r.population or 0), r.insee_code)):
            point = record.centroid or record.inside_point
            commune = IndexedCommune(
                record.insee_code,
                record.name,
                (point.lon, point.lat) if point else None,
                record.population or 0,
            )
            self.communes[record.insee_code] = commune
            self._index_name(commune, record.name, official=True)
            for postcode in record.postcodes:
                self._index_postcode(commune, postcode)
        for record in communes:
            if postal := postal_name(record):
                self._index_name(self.communes[record.insee_code], postal, official=False)

    def add(self, addresses: Iterable[AddressEntry]) -> None:
        """Index address points; a commune not yet known is added (see
        :meth:`geo.gazetteer.OfflineGeocoder.add_addresses`)."""
        street_keys: dict[str, str] = {}
        seen: set[tuple[str, str, str | None]] = set()
        for entry in addresses:
            key = street_keys.get(entry.street)
            if key is None:
                key = street_keys[entry.street] = street_key(entry.street)
            if not key:
                continue
            commune = self.communes.get(entry.insee_code)
            locality = (entry.insee_code, entry.commune, entry.postcode)
            if commune is None or locality not in seen:
                seen.add(locality)
                commune = self._index_commune(entry, commune)
            street = commune.streets.get(key)
            if street is None:
                kind = "street" if is_street_name(key) else "locality"
                street = commune.streets[key] = IndexedStreet(
                    entry.street, source_rank(entry), kind
                )
                commune.street_keys.append(key)
                self.by_street.setdefault(key, []).append(commune.insee_code)
            elif source_rank(entry) < street.rank:
                street.name, street.rank = entry.street, source_rank(entry)
            number = housenumber_key(entry.housenumber)
            if number is None:
                _insert(street.unnumbered, entry)
            else:
                _insert(street.numbered.setdefault(number, []), entry)
                street.center = None

    def _index_commune(self, entry: AddressEntry, commune: IndexedCommune | None) -> IndexedCommune:
        """Index the commune name and postcode of an entry; a commune not yet known is added."""
        if commune is None:
            commune = IndexedCommune(entry.insee_code, entry.commune, None, 0)
            self.communes[entry.insee_code] = commune
            self._index_name(commune, entry.commune, official=True)
        else:
            self._index_name(commune, entry.commune, official=False)
        if entry.postcode:
            self._index_postcode(commune, entry.postcode)
        return commune

    def _index_name(self, commune: IndexedCommune, name: str, *, official: bool) -> None:
        """Index a commune's name; another name (postal, BAN) only if no other commune's own."""
        key = commune_key(name)
        if not key or key in commune.keys:
            return
        if official:
            self.official.add(key)
        elif key in self.official:
            return
        commune.keys.append(key)
        owners = self.by_name.setdefault(key, [])
        if not owners:
            self.name_keys.append(key)
        owners.append(commune.insee_code)
        self.name_words = max(self.name_words, key.count(" ") + 2)  # + a leading article

    def _index_postcode(self, commune: IndexedCommune, postcode: str) -> None:
        if postcode not in commune.postcodes:
            commune.postcodes.append(postcode)
            self.by_postcode.setdefault(postcode, []).append(commune.insee_code)
