"""The ``offline`` geocoder: communes, town halls and known address points, no network.

Everything is indexed once, at construction: communes by name (:func:`~geo.address.commune_key`)
and by postcode, and in each commune its streets by :func:`~geo.address.street_key`, each with
its numbered and unnumbered points. A query costs a handful of dictionary look-ups; fuzzy
matching (rapidfuzz) runs only when the exact look-ups fail, and over short lists: the streets of
the few communes the locality designates, or the commune names. No query scans every address.

Scores are meant to be read as confidence. A candidate's raw score multiplies how well the
locality designates its commune, how well the street matches and whether the house number was
found; it is then shared with the candidates at other places in proportion to
``raw ** SHARPNESS``, so two equally good answers in different communes get about 0.5 each and
an ambiguous query never looks confident.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from geo.address import (
    STREET_TYPES,
    commune_key,
    commune_key_of,
    expand,
    housenumber_key,
    is_street_name,
    parse_address,
    split_housenumber,
    street_key,
    street_key_of,
    take_housenumber,
)
from geo.geocoding import Candidate
from geo.reference import CommuneRecord

SOURCE_RANK = {"confirmed": 0, "ban": 1, "mairie": 2}
"""Which point wins for the same number on the same street: a person's confirmation, then the
BAN, then the town-hall directory; any other source comes last."""
SHARPNESS = 10
"""Exponent of the share: 1.0 against 0.9 elsewhere gives 0.74, against 0.5 gives 0.999."""
STREET_NOT_FOUND = 0.45
"""Factor of the commune's own point when the query names a street the commune lacks."""
NUMBER_NOT_FOUND = 0.75
"""Factor of a street point when the asked number is not on the street: never confident."""
SAME_PLACE_M = 150.0
"""Candidates closer than this are one answer, not competitors."""
_STREET_CUTOFF = 75.0
_COMMUNE_CUTOFF = 85.0
_COMMUNE_IN_POSTCODE_CUTOFF = 60.0
_MIN_RAW = 0.25
_MIN_SCORE = 0.01
_LINKING = frozenset({"de", "du", "des", "d", "l", "la", "le", "les", "a", "au", "aux", "en"})
SAINTS = frozenset({"saint", "sainte", "saints", "saintes"})


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


@dataclass(slots=True)
class _Street:
    name: str
    rank: int
    kind: str
    """``street``, or ``locality`` for a named place (no street type in the name)."""
    numbered: dict[str, list[AddressEntry]] = field(default_factory=dict)
    unnumbered: list[AddressEntry] = field(default_factory=list)
    center: AddressEntry | None = None
    """The numbered point nearest the mean of the street's points, computed when first asked."""


@dataclass(slots=True)
class _Commune:
    insee_code: str
    name: str
    point: tuple[float, float] | None
    population: int
    postcodes: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    streets: dict[str, _Street] = field(default_factory=dict)
    street_keys: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Hypothesis:
    """One reading of a query: these street words, in these communes (insee → locality fit)."""

    housenumber: str | None
    street: tuple[str, ...]
    communes: dict[str, float]


@dataclass(frozen=True, slots=True)
class _Scored:
    raw: float
    candidate: Candidate
    population: int


def _rank(entry: AddressEntry) -> int:
    return SOURCE_RANK.get(entry.source, len(SOURCE_RANK))


def _insert(entries: list[AddressEntry], entry: AddressEntry) -> None:
    """Insert before entries of the same or a lower rank: the newest of a rank wins."""
    rank = _rank(entry)
    position = next((i for i, e in enumerate(entries) if _rank(e) >= rank), len(entries))
    entries.insert(position, entry)


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


def _names_the_street(street: tuple[str, ...]) -> bool:
    """Whether a commune name after these words is rather the street's (``"rue de Cambrai"``).

    So it is when the words before end in ``saint``, or are a street type and linking words
    ending in one (``"rue de"``): the "commune" then completes the street's name.
    """
    if not street:
        return False
    if street[-1] in SAINTS:
        return True
    key = street_key_of(street)
    return street[-1] in _LINKING and all(word in STREET_TYPES for word in key.split())


def _distance_m(a: Candidate, b: Candidate) -> float:
    """Equirectangular distance: exact enough to tell 150 m from a few metres."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6_371_000 * math.hypot(x, y)


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
        self._communes: dict[str, _Commune] = {}
        self._by_name: dict[str, list[str]] = {}
        self._official: set[str] = set()
        self._name_keys: list[str] = []
        self._by_postcode: dict[str, list[str]] = {}
        self._by_street: dict[str, list[str]] = {}
        self._name_words = 1
        for record in sorted(communes, key=lambda r: (-(r.population or 0), r.insee_code)):
            point = record.centroid or record.inside_point
            commune = _Commune(
                record.insee_code,
                record.name,
                (point.lon, point.lat) if point else None,
                record.population or 0,
            )
            self._communes[record.insee_code] = commune
            self._index_name(commune, record.name, official=True)
            for postcode in record.postcodes:
                self._index_postcode(commune, postcode)
        for record in communes:
            if postal := postal_name(record):
                self._index_name(self._communes[record.insee_code], postal, official=False)
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
            self._add(addresses)

    def _add(self, addresses: Iterable[AddressEntry]) -> None:
        street_keys: dict[str, str] = {}
        seen: set[tuple[str, str, str | None]] = set()
        for entry in addresses:
            key = street_keys.get(entry.street)
            if key is None:
                key = street_keys[entry.street] = street_key(entry.street)
            if not key:
                continue
            commune = self._communes.get(entry.insee_code)
            locality = (entry.insee_code, entry.commune, entry.postcode)
            if commune is None or locality not in seen:
                seen.add(locality)
                commune = self._index_commune(entry, commune)
            street = commune.streets.get(key)
            if street is None:
                kind = "street" if is_street_name(key) else "locality"
                street = commune.streets[key] = _Street(entry.street, _rank(entry), kind)
                commune.street_keys.append(key)
                self._by_street.setdefault(key, []).append(commune.insee_code)
            elif _rank(entry) < street.rank:
                street.name, street.rank = entry.street, _rank(entry)
            number = housenumber_key(entry.housenumber)
            if number is None:
                _insert(street.unnumbered, entry)
            else:
                _insert(street.numbered.setdefault(number, []), entry)
                street.center = None

    def geocode(self, query: str, *, limit: int = 5) -> list[Candidate]:
        """Return at most ``limit`` candidates, best first; ``[]`` when nothing matches."""
        if limit <= 0:
            return []
        parsed = parse_address(query)
        found: dict[tuple[str | None, str], _Scored] = {}
        with self._lock:
            for hypothesis in self._hypotheses(
                parsed.housenumber, parsed.postcode, parsed.before, parsed.after
            ):
                for scored in self._match(hypothesis, parsed.postcode):
                    key = (scored.candidate.insee_code, scored.candidate.label)
                    if key not in found or found[key].raw < scored.raw:
                        found[key] = scored
        return self._share(list(found.values()))[:limit]

    # Indexing -------------------------------------------------------------------------------

    def _index_commune(self, entry: AddressEntry, commune: _Commune | None) -> _Commune:
        """Index the commune name and postcode of an entry; a commune not yet known is added."""
        if commune is None:
            commune = _Commune(entry.insee_code, entry.commune, None, 0)
            self._communes[entry.insee_code] = commune
            self._index_name(commune, entry.commune, official=True)
        else:
            self._index_name(commune, entry.commune, official=False)
        if entry.postcode:
            self._index_postcode(commune, entry.postcode)
        return commune

    def _index_name(self, commune: _Commune, name: str, *, official: bool) -> None:
        """Index a commune's name; another name (postal, BAN) only if no other commune's own."""
        key = commune_key(name)
        if not key or key in commune.keys:
            return
        if official:
            self._official.add(key)
        elif key in self._official:
            return
        commune.keys.append(key)
        owners = self._by_name.setdefault(key, [])
        if not owners:
            self._name_keys.append(key)
        owners.append(commune.insee_code)
        self._name_words = max(self._name_words, key.count(" ") + 2)  # + a leading article

    def _index_postcode(self, commune: _Commune, postcode: str) -> None:
        if postcode not in commune.postcodes:
            commune.postcodes.append(postcode)
            self._by_postcode.setdefault(postcode, []).append(commune.insee_code)

    # Reading the query ------------------------------------------------------------------------

    def _hypotheses(
        self,
        number: str | None,
        postcode: str | None,
        before: tuple[str, ...],
        after: tuple[str, ...],
    ) -> list[_Hypothesis]:
        """Read the locality: the postcode's communes, a commune name after it or ending it."""
        known = self._by_postcode.get(postcode, []) if postcode else []
        if postcode and after:
            return [_Hypothesis(number, before, self._named(commune_key_of(after), known))]
        hypotheses: list[_Hypothesis] = []
        clean_in_postcode = False
        for split, communes in self._suffixes(before).items():
            fits: dict[str, float] = {}
            linked = _names_the_street(before[:split])
            for insee, fit in communes.items():
                if linked:
                    fit *= 0.5
                if known and insee not in known:
                    fit *= 0.6
                elif postcode and not known:
                    fit *= 0.9  # a postcode we do not know: trust the name, a little less
                clean_in_postcode |= insee in known and not linked
                fits[insee] = fit
            hypotheses.append(_Hypothesis(number, before[:split], fits))
        if known:
            fit = 0.5 if clean_in_postcode else 1.0
            hypotheses.append(_Hypothesis(number, before, dict.fromkeys(known, fit)))
            if not clean_in_postcode:
                hypotheses.extend(self._fuzzy_suffixes(number, before, known))
        if hypotheses:
            return hypotheses
        hypotheses = self._prefixes(before)
        if not hypotheses:
            hypotheses = self._fuzzy_suffixes(number, before, None)
        if not hypotheses and (owners := self._by_street.get(street_key_of(before))):
            hypotheses = [_Hypothesis(number, before, dict.fromkeys(owners, 0.5))]
        return hypotheses

    def _named(self, key: str, known: list[str]) -> dict[str, float]:
        """Communes a name written after a postcode designates, and how well (insee → fit)."""
        exact = self._by_name.get(key, [])
        fits: dict[str, float] = {}
        if consistent := [insee for insee in exact if insee in known]:
            fits = {insee: 1.0 if insee in consistent else 0.5 for insee in exact}
        else:
            # A wrong or unknown postcode, or a typo that spells another commune ("achy" for
            # Bachy): the postcode's communes near the name compete with the exact name.
            fits = dict.fromkeys(exact, 0.9)
            for insee in known:
                match = process.extractOne(
                    key,
                    self._communes[insee].keys,
                    scorer=fuzz.WRatio,
                    score_cutoff=_COMMUNE_IN_POSTCODE_CUTOFF,
                )
                if match is not None:
                    fits[insee] = 0.5 + match[1] / 200
        if not fits:
            fits = {insee: 0.8 * score for insee, score in self._fuzzy_names(key, None)}
        other = 0.35 if fits else 0.6
        for insee in known:
            fits.setdefault(insee, other)
        return fits

    def _suffixes(self, tokens: tuple[str, ...]) -> dict[int, dict[str, float]]:
        """Communes whose name ends the words exactly, by where the name starts."""
        found: dict[int, dict[str, float]] = {}
        seen: set[str] = set()
        for split in range(max(0, len(tokens) - self._name_words), len(tokens)):
            for insee in self._by_name.get(commune_key_of(tokens[split:]), ()):
                if insee not in seen:
                    seen.add(insee)
                    found.setdefault(split, {})[insee] = 1.0
        return found

    def _prefixes(self, tokens: tuple[str, ...]) -> list[_Hypothesis]:
        """Communes written first (``"Amiens, 12 rue X"``), followed by a number or street type."""
        if not tokens or tokens[0] in STREET_TYPES:
            return []
        hypotheses = []
        for split in range(1, min(len(tokens), self._name_words + 1)):
            rest = expand(list(tokens[split:]))
            if not (rest[0].isdigit() or rest[0] in STREET_TYPES):
                continue
            owners = self._by_name.get(commune_key_of(tokens[:split]))
            if owners:
                number, street = take_housenumber(rest)
                hypotheses.append(_Hypothesis(number, tuple(street), dict.fromkeys(owners, 1.0)))
        return hypotheses

    def _fuzzy_suffixes(
        self, number: str | None, tokens: tuple[str, ...], among: list[str] | None
    ) -> list[_Hypothesis]:
        """Communes whose name nearly ends the words (a typo), among ``among`` or all."""
        hypotheses = []
        for split in range(max(0, len(tokens) - self._name_words), len(tokens)):
            if _names_the_street(tokens[:split]):
                continue
            key = commune_key_of(tokens[split:])
            if len(key) < 4:
                continue
            fits = dict(self._fuzzy_names(key, among))
            if fits:
                hypotheses.append(_Hypothesis(number, tokens[:split], fits))
        return hypotheses

    def _fuzzy_names(self, key: str, among: list[str] | None) -> list[tuple[str, float]]:
        """Communes whose name is within a typo of ``key`` (ratio ≥ 85), with fit = ratio."""
        if among is None:
            choices = self._name_keys
        else:
            choices = [k for insee in among for k in self._communes[insee].keys]
        matches = process.extract(
            key, choices, scorer=fuzz.ratio, score_cutoff=_COMMUNE_CUTOFF, limit=3
        )
        return [
            (insee, score / 100)
            for name, score, _ in matches
            for insee in self._by_name[name]
            if among is None or insee in among
        ]

    # Matching streets and numbers -------------------------------------------------------------

    def _match(self, hypothesis: _Hypothesis, postcode: str | None) -> list[_Scored]:
        """Score the hypothesis's street in each of its communes (or the communes themselves)."""
        key = street_key_of(hypothesis.street)
        found: list[_Scored] = []
        missing: list[str] = []
        if key:
            matches = [
                (insee, self._communes[insee].streets.get(key), 1.0)
                for insee in hypothesis.communes
            ]
            if not any(street for _, street, _ in matches):
                matches = [
                    (insee, street, score)
                    for insee in hypothesis.communes
                    for street, score in self._near_streets(self._communes[insee], key)
                ] or [(insee, None, 0.0) for insee in hypothesis.communes]
            for insee, street, score in matches:
                if street is None:
                    missing.append(insee)
                    continue
                commune = self._communes[insee]
                fit = hypothesis.communes[insee] * score**1.5
                found.append(self._point(commune, street, hypothesis.housenumber, fit, postcode))
        for insee in missing if key else hypothesis.communes:
            fit = hypothesis.communes[insee] * (STREET_NOT_FOUND if key else 1.0)
            if (scored := self._municipality(self._communes[insee], fit, postcode)) is not None:
                found.append(scored)
        return found

    def _near_streets(self, commune: _Commune, key: str) -> list[tuple[_Street, float]]:
        matches = process.extract(
            key, commune.street_keys, scorer=fuzz.ratio, score_cutoff=_STREET_CUTOFF, limit=2
        )
        return [(commune.streets[name], score / 100) for name, score, _ in matches]

    def _point(
        self,
        commune: _Commune,
        street: _Street,
        number: str | None,
        fit: float,
        postcode: str | None,
    ) -> _Scored:
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
        return _Scored(fit, candidate, commune.population)

    @staticmethod
    def _same_number(street: _Street, number: str) -> AddressEntry | None:
        base = number.split()[0]
        return next(
            (entries[0] for key, entries in street.numbered.items() if key.split()[0] == base),
            None,
        )

    @staticmethod
    def _nearest_number(street: _Street, number: str) -> AddressEntry:
        """The point of the nearest number on the same side (same parity) when there is one."""
        wanted = int(number.split()[0])

        def distance(key: str) -> tuple[int, int]:
            value = int(key.split()[0])
            return ((value - wanted) % 2, abs(value - wanted))

        return street.numbered[min(street.numbered, key=distance)][0]

    @staticmethod
    def _center(street: _Street) -> AddressEntry:
        if street.center is None:
            points = [entries[0] for entries in street.numbered.values()]
            lon = sum(p.lon for p in points) / len(points)
            lat = sum(p.lat for p in points) / len(points)
            street.center = min(points, key=lambda p: (p.lon - lon) ** 2 + (p.lat - lat) ** 2)
        return street.center

    @staticmethod
    def _postcode(commune: _Commune, postcode: str | None) -> str | None:
        if postcode in commune.postcodes:
            return postcode
        return commune.postcodes[0] if len(commune.postcodes) == 1 else None

    def _municipality(self, commune: _Commune, fit: float, postcode: str | None) -> _Scored | None:
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
        return _Scored(fit, candidate, commune.population)

    # Scores -----------------------------------------------------------------------------------

    @staticmethod
    def _share(found: list[_Scored]) -> list[Candidate]:
        """Turn raw fits into scores: each shares with the best candidate of every other place.

        A place is a commune, or in the candidate's own commune any point farther than
        :data:`SAME_PLACE_M`: two answers a street apart are the same answer.
        """
        kept = [s for s in found if s.raw >= _MIN_RAW]
        by_commune: dict[str | None, list[_Scored]] = {}
        for scored in kept:
            by_commune.setdefault(scored.candidate.insee_code, []).append(scored)
        weights = {
            insee: max(s.raw for s in group) ** SHARPNESS for insee, group in by_commune.items()
        }
        total = sum(weights.values())
        ranked = []
        for scored in kept:
            own = scored.raw**SHARPNESS
            insee = scored.candidate.insee_code
            elsewhere_here = max(
                (
                    other.raw**SHARPNESS
                    for other in by_commune[insee]
                    if _distance_m(other.candidate, scored.candidate) > SAME_PLACE_M
                ),
                default=0.0,
            )
            rivals = total - weights[insee] + elsewhere_here
            score = round(scored.raw * own / (own + rivals), 4)
            ranked.append((scored, score))
        ranked = [(scored, score) for scored, score in ranked if score >= _MIN_SCORE]
        ranked.sort(key=lambda item: (-item[1], -item[0].population, item[0].candidate.label))
        return [replace(scored.candidate, score=score) for scored, score in ranked]
