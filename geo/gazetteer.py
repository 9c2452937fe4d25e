"""The ``offline`` geocoder: communes, town halls and known address points, no network.

Everything is indexed once, at construction: communes by name (:func:`~geo.address.commune_key`)
and by postcode, and in each commune its streets by :func:`~geo.address.street_key`, each with
its numbered and unnumbered points. A query costs a handful of dictionary look-ups; fuzzy
matching (rapidfuzz) runs only when the exact look-ups fail, and over short lists: the streets of
the few communes the locality designates, or the commune names. No query scans every address.

The pieces: the points (:mod:`geo.address_entry`), the index (:mod:`geo.gazetteer_index`), the
reading of the locality (:mod:`geo.gazetteer_reading`) and the scores, meant to be read as
confidence (:mod:`geo.gazetteer_score`); this module places the street and the number.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from geo.address import parse_address, street_key_of
from geo.address_entry import AddressEntry, mairie_entries
from geo.gazetteer_index import GazetteerIndex, IndexedCommune, IndexedStreet
from geo.gazetteer_reading import Hypothesis, read_locality
from geo.gazetteer_score import Scored, share
from geo.geocoding import Candidate
from geo.reference import CommuneRecord

STREET_NOT_FOUND = 0.45
"""Factor of the commune's own point when the query names a street the commune lacks."""
NUMBER_NOT_FOUND = 0.75
"""Factor of a street point when the asked number is not on the street: never confident."""
_STREET_CUTOFF = 75.0


class OfflineGeocoder:
    """Geocodes French addresses against known communes and address points, without network.

    Communes are ``municipality`` candidates at their centroid; their town halls are address
    points (``source="mairie"``); more points (a BAN file, confirmed venues) come through
    ``addresses`` or :meth:`add_addresses`. Satisfies :class:`geo.geocoding.Geocoder`.
    """

    def __init__(
        self, communes: Sequence[CommuneRecord], addresses: Iterable[AddressEntry] = ()
    ) -> None:
        self._lock = threading.Lock()
        self._index = GazetteerIndex(communes)
        self.add_addresses(entry for record in communes for entry in mairie_entries(record))
        self.add_addresses(addresses)

    @property
    def name(self) -> str:
        """``offline``, as in ``ALLERVERS_GEOCODERS``."""
        return "offline"

    def add_addresses(self, addresses: Iterable[AddressEntry]) -> None:
        """Index more address points; each costs a few dictionary insertions.

        Street names, commune names and postcodes repeat from one point to the next (a BAN
        file lists a street's numbers in a row), so each is normalised once per call. Safe to
        call while another thread geocodes: both take the same lock.
        """
        with self._lock:
            self._index.add(addresses)

    def geocode(self, query: str, *, limit: int = 5) -> list[Candidate]:
        """Return at most ``limit`` candidates, best first; ``[]`` when nothing matches."""
        if limit <= 0:
            return []
        parsed = parse_address(query)
        found: dict[tuple[str | None, str], Scored] = {}
        with self._lock:
            for hypothesis in read_locality(
                self._index, parsed.housenumber, parsed.postcode, parsed.before, parsed.after
            ):
                for scored in self._match(hypothesis, parsed.postcode):
                    key = (scored.candidate.insee_code, scored.candidate.label)
                    if key not in found or found[key].raw < scored.raw:
                        found[key] = scored
        return share(list(found.values()))[:limit]

    # Matching streets and numbers -------------------------------------------------------------

    def _match(self, hypothesis: Hypothesis, postcode: str | None) -> list[Scored]:
        """Score the hypothesis's street in each of its communes (or the communes themselves)."""
        key = street_key_of(hypothesis.street)
        found: list[Scored] = []
        missing: list[str] = []
        if key:
            matches = [
                (insee, self._index.communes[insee].streets.get(key), 1.0)
                for insee in hypothesis.communes
            ]
            if not any(street for _, street, _ in matches):
                matches = [
                    (insee, street, score)
                    for insee in hypothesis.communes
                    for street, score in self._near_streets(self._index.communes[insee], key)
                ] or [(insee, None, 0.0) for insee in hypothesis.communes]
            for insee, street, score in matches:
                if street is None:
                    missing.append(insee)
                    continue
                commune = self._index.communes[insee]
                fit = hypothesis.communes[insee] * score**1.5
                found.append(self._point(commune, street, hypothesis.housenumber, fit, postcode))
        for insee in missing if key else hypothesis.communes:
            fit = hypothesis.communes[insee] * (STREET_NOT_FOUND if key else 1.0)
            if (
                scored := self._municipality(self._index.communes[insee], fit, postcode)
            ) is not None:
                found.append(scored)
        return found

    def _near_streets(self, commune: IndexedCommune, key: str) -> list[tuple[IndexedStreet, float]]:
        matches = process.extract(
            key, commune.street_keys, scorer=fuzz.ratio, score_cutoff=_STREET_CUTOFF, limit=2
        )
        return [(commune.streets[name], score / 100) for name, score, _ in matches]

    def _point(
        self,
        commune: IndexedCommune,
        street: IndexedStreet,
        number: str | None,
        fit: float,
        postcode: str | None,
    ) -> Scored:
        """Place the number on the street: exact, same number another repeat, or a street point."""
        precision = street.kind
        entry: AddressEntry | None = None
        if number is not None:
            entries = street.numbered.get(number)
            if entries:
                entry, precision = entries[0], "housenumber"
            elif base := self._same_number(street, number):
                entry, precision, fit = base, "housenumber", fit * 0.95
            elif street.numbered:
                entry, precision = self._nearest_number(street, number), "street"
                fit *= NUMBER_NOT_FOUND
            else:
                fit *= NUMBER_NOT_FOUND
        if entry is None:
            entry = street.unnumbered[0] if street.unnumbered else self._center(street)
        shown = entry.housenumber if precision == "housenumber" else None
        line = f"{shown} {street.name}" if shown else street.name
        code = entry.postcode or self._postcode(commune, postcode)
        label = " ".join(part for part in (line, code, entry.commune) if part)
        candidate = Candidate(
            label=label,
            lon=entry.lon,
            lat=entry.lat,
            score=0.0,
            provider="offline",
            precision=precision,
            insee_code=commune.insee_code,
            postcode=code,
            commune=entry.commune,
            street=line,
        )
        return Scored(fit, candidate, commune.population)

    @staticmethod
    def _same_number(street: IndexedStreet, number: str) -> AddressEntry | None:
        base = number.split()[0]
        return next(
            (entries[0] for key, entries in street.numbered.items() if key.split()[0] == base),
            None,
        )

    @staticmethod
    def _nearest_number(street: IndexedStreet, number: str) -> AddressEntry:
        """The point of the nearest number on the same side (same parity) when there is one."""
        wanted = int(number.split()[0])

        def distance(key: str) -> tuple[int, int]:
            value = int(key.split()[0])
            return ((value - wanted) % 2, abs(value - wanted))

        return street.numbered[min(street.numbered, key=distance)][0]

    @staticmethod
    def _center(street: IndexedStreet) -> AddressEntry:
        if street.center is None:
            points = [entries[0] for entries in street.numbered.values()]
            lon = sum(p.lon for p in points) / len(points)
            lat = sum(p.lat for p in points) / len(points)
            street.center = min(points, key=lambda p: (p.lon - lon) ** 2 + (p.lat - lat) ** 2)
        return street.center

    @staticmethod
    def _postcode(commune: IndexedCommune, postcode: str | None) -> str | None:
        if postcode in commune.postcodes:
            return postcode
        return commune.postcodes[0] if len(commune.postcodes) == 1 else None

    def _municipality(
        self, commune: IndexedCommune, fit: float, postcode: str | None
    ) -> Scored | None:
        if commune.point is None:
            return None
        code = self._postcode(commune, postcode)
        candidate = Candidate(
            label=f"{code} {commune.name}" if code else commune.name,
            lon=commune.point[0],
            lat=commune.point[1],
            score=0.0,
            provider="offline",
            precision="municipality",
            insee_code=commune.insee_code,
            postcode=code,
            commune=commune.name,
        )
        return Scored(fit, candidate, commune.population)
