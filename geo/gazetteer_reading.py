"""Reading a query's locality: which communes it designates, and which words name the street.

A parsed query (:func:`~geo.address.parse_address`) gives house number, postcode and the words
before and after the postcode. :func:`read_locality` reads them into :class:`Hypothesis` values,
each a set of communes with how well the locality designates each (its fit, 0–1): the postcode's
communes, a commune name after the postcode, ending the words or starting them, exact first and
within a typo (rapidfuzz, over the few communes the postcode designates or over commune names)
only when nothing exact was found.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from geo.address import (
    STREET_TYPES,
    commune_key_of,
    expand,
    street_key_of,
    take_housenumber,
)
from geo.gazetteer_index import GazetteerIndex

_COMMUNE_CUTOFF = 85.0
_COMMUNE_IN_POSTCODE_CUTOFF = 60.0
_LINKING = frozenset({"de", "du", "des", "d", "l", "la", "le", "les", "a", "au", "aux", "en"})
SAINTS = frozenset({"saint", "sainte", "saints", "saintes"})


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One reading of a query: these street words, in these communes (insee → locality fit)."""

    housenumber: str | None
    street: tuple[str, ...]
    communes: dict[str, float]


def names_the_street(street: tuple[str, ...]) -> bool:
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


def read_locality(
    index: GazetteerIndex,
    number: str | None,
    postcode: str | None,
    before: tuple[str, ...],
    after: tuple[str, ...],
) -> list[Hypothesis]:
    """Read the locality: the postcode's communes, a commune name after it or ending it."""
    known = index.by_postcode.get(postcode, []) if postcode else []
    if postcode and after:
        return [Hypothesis(number, before, _named(index, commune_key_of(after), known))]
    hypotheses: list[Hypothesis] = []
    clean_in_postcode = False
    for split, communes in _suffixes(index, before).items():
        fits: dict[str, float] = {}
        linked = names_the_street(before[:split])
        for insee, fit in communes.items():
            if linked:
                fit *= 0.5
            if known and insee not in known:
                fit *= 0.6
            elif postcode and not known:
                fit *= 0.9  # a postcode we do not know: trust the name, a little less
            clean_in_postcode |= insee in known and not linked
            fits[insee] = fit
        hypotheses.append(Hypothesis(number, before[:split], fits))
    if known:
        fit = 0.5 if clean_in_postcode else 1.0
        hypotheses.append(Hypothesis(number, before, dict.fromkeys(known, fit)))
        if not clean_in_postcode:
            hypotheses.extend(_fuzzy_suffixes(index, number, before, known))
    if hypotheses:
        return hypotheses
    hypotheses = _prefixes(index, before)
    if not hypotheses:
        hypotheses = _fuzzy_suffixes(index, number, before, None)
    if not hypotheses and (owners := index.by_street.get(street_key_of(before))):
        hypotheses = [Hypothesis(number, before, dict.fromkeys(owners, 0.5))]
    return hypotheses


def _named(index: GazetteerIndex, key: str, known: list[str]) -> dict[str, float]:
    """Communes a name written after a postcode designates, and how well (insee → fit)."""
    exact = index.by_name.get(key, [])
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
                index.communes[insee].keys,
                scorer=fuzz.WRatio,
                score_cutoff=_COMMUNE_IN_POSTCODE_CUTOFF,
            )
            if match is not None:
                fits[insee] = 0.5 + match[1] / 200
    if not fits:
        fits = {insee: 0.8 * score for insee, score in _fuzzy_names(index, key, None)}
    other = 0.35 if fits else 0.6
    for insee in known:
        fits.setdefault(insee, other)
    return fits


def _suffixes(index: GazetteerIndex, tokens: tuple[str, ...]) -> dict[int, dict[str, float]]:
    """Communes whose name ends the words exactly, by where the name starts."""
    found: dict[int, dict[str, float]] = {}
    seen: set[str] = set()
    for split in range(max(0, len(tokens) - index.name_words), len(tokens)):
        for insee in index.by_name.get(commune_key_of(tokens[split:]), ()):
            if insee not in seen:
                seen.add(insee)
                found.setdefault(split, {})[insee] = 1.0
    return found


def _prefixes(index: GazetteerIndex, tokens: tuple[str, ...]) -> list[Hypothesis]:
    """Communes written first (``"Amiens, 12 rue X"``), followed by a number or street type."""
    if not tokens or tokens[0] in STREET_TYPES:
        return []
    hypotheses = []
    for split in range(1, min(len(tokens), index.name_words + 1)):
        rest = expand(list(tokens[split:]))
        if not (rest[0].isdigit() or rest[0] in STREET_TYPES):
            continue
        owners = index.by_name.get(commune_key_of(tokens[:split]))
        if owners:
            number, street = take_housenumber(rest)
            hypotheses.append(Hypothesis(number, tuple(street), dict.fromkeys(owners, 1.0)))
    return hypotheses


def _fuzzy_suffixes(
    index: GazetteerIndex, number: str | None, tokens: tuple[str, ...], among: list[str] | None
) -> list[Hypothesis]:
    """Communes whose name nearly ends the words (a typo), among ``among`` or all."""
    hypotheses = []
    for split in range(max(0, len(tokens) - index.name_words), len(tokens)):
        if names_the_street(tokens[:split]):
            continue
        key = commune_key_of(tokens[split:])
        if len(key) < 4:
            continue
        fits = dict(_fuzzy_names(index, key, among))
        if fits:
            hypotheses.append(Hypothesis(number, tokens[:split], fits))
    return hypotheses


def _fuzzy_names(
    index: GazetteerIndex, key: str, among: list[str] | None
) -> list[tuple[str, float]]:
    """Communes whose name is within a typo of ``key`` (ratio ≥ 85), with fit = ratio."""
    if among is None:
        choices = index.name_keys
    else:
        choices = [k for insee in among for k in index.communes[insee].keys]
    matches = process.extract(
        key, choices, scorer=fuzz.ratio, score_cutoff=_COMMUNE_CUTOFF, limit=3
    )
    return [
        (insee, score / 100)
        for name, score, _ in matches
        for insee in index.by_name[name]
        if among is None or insee in among
    ]
