"""French postal addresses as people type them: normalised words, house number, postcode.

Normalisation is applied alike to the gazetteer's addresses and to queries, so an abbreviation
expanded by mistake is expanded on both sides and still matches: ``"r. du Gal-de-Gaulle"``,
``"Rue du Général de Gaulle"`` and ``"RUE DU GENERAL DE GAULLE"`` give the same words. The
abbreviations are those of the AFNOR NF Z10-011 postal standard and of everyday writing; the
ones that are also words or initials (``r``, ``lot``, ``qu``, ``ch``…) are expanded only where a
street type stands, at the start of the street.

Parsing never guesses where the street ends and the commune begins when no postcode separates
them: :class:`ParsedAddress` keeps the words in order, and the gazetteer tries the splits
against the communes it knows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"\d+|[a-z]+")
_RAW_NUMBER = re.compile(
    r"^\s*(\d{1,4})(?!\d)(?:\s*[-/]\s*\d{1,4}(?!\d))*\s*"
    r"(?:(bis|ter|quater|quinquies|[a-h])(?![a-z]))?\s*,?\s*(?=\S)",
    re.IGNORECASE,
)
_REPEATS = {"b": "bis", "t": "ter", "q": "quater"}
_REPEAT_WORDS = frozenset({"bis", "ter", "quater", "quinquies"})
_REPEAT_LETTERS = frozenset("abcdefgh")

ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "bd": ("boulevard",),
    "bld": ("boulevard",),
    "bvd": ("boulevard",),
    "boul": ("boulevard",),
    "av": ("avenue",),
    "ave": ("avenue",),
    "aven": ("avenue",),
    "pl": ("place",),
    "st": ("saint",),
    "ste": ("sainte",),
    "sts": ("saints",),
    "stes": ("saintes",),
    "chem": ("chemin",),
    "imp": ("impasse",),
    "all": ("allee",),
    "rte": ("route",),
    "fg": ("faubourg",),
    "fbg": ("faubourg",),
    "faub": ("faubourg",),
    "sq": ("square",),
    "crs": ("cours",),
    "chs": ("chaussee",),
    "chee": ("chaussee",),
    "prom": ("promenade",),
    "esp": ("esplanade",),
    "gal": ("general",),
    "gen": ("general",),
    "mal": ("marechal",),
    "pdt": ("president",),
    "cdt": ("commandant",),
    "cne": ("capitaine",),
    "lt": ("lieutenant",),
    "dr": ("docteur",),
    "mgr": ("monseigneur",),
    "nd": ("notre", "dame"),
    "s": ("sur",),
    "ss": ("sous",),
    "lez": ("les",),
}
"""Abbreviations safe anywhere in an address (NF Z10-011 and common use), folded."""

STREET_TYPE_ABBREVIATIONS: dict[str, str] = {
    "r": "rue",
    "qu": "quai",
    "lot": "lotissement",
    "pte": "porte",
    "res": "residence",
    "resid": "residence",
    "ch": "chemin",
    "che": "chemin",
    "mte": "montee",
    "pass": "passage",
    "ham": "hameau",
    "sen": "sente",
    "vla": "villa",
}
"""Abbreviations that are also words or initials, expanded only as the street's first word."""

STREET_TYPES = frozenset(
    {
        "rue",
        "ruelle",
        "place",
        "placette",
        "avenue",
        "boulevard",
        "chemin",
        "route",
        "impasse",
        "allee",
        "square",
        "cours",
        "quai",
        "faubourg",
        "chaussee",
        "sente",
        "sentier",
        "passage",
        "promenade",
        "esplanade",
        "parvis",
        "voie",
        "residence",
        "cite",
        "lotissement",
        "porte",
        "montee",
        "villa",
        "cour",
        "venelle",
        "rond",
        "carrefour",
        "grand",
        "grande",
    }
)
"""Words that make an unnumbered name a street (precision ``street``), not a named place."""

ARTICLES = frozenset({"le", "la", "les", "l"})
_STOP_WORDS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "a", "au", "aux", "en"})
_DROPPED = frozenset({"cedex", "bp", "cs", "tsa"})
_TOWN_HALL_KEYS = {"mairie": "mairie", "hotel ville": "mairie", "mairie annexe": "mairie"}


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """A query cut where it can be without a gazetteer: number, postcode, the words around it.

    ``before`` holds the normalised words before the postcode (all words when there is none):
    the street, perhaps followed by the commune. ``after`` holds the words after the postcode,
    which are the commune when present.
    """

    housenumber: str | None
    """Canonical house number (:func:`housenumber_key`), e.g. ``"3 bis"``."""
    postcode: str | None
    before: tuple[str, ...]
    after: tuple[str, ...]


def words(text: str) -> list[str]:
    """Fold ``text`` (case, accents, ligatures) and cut it into words of letters or of digits.

    Punctuation, apostrophes and hyphens separate words; ``"14bis"`` gives ``["14", "bis"]``.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("œ", "oe").replace("æ", "ae")
    return _WORD.findall(stripped)


def expand(tokens: list[str], *, street_start: bool = True) -> list[str]:
    """Expand abbreviations in folded words; street types only at the first word if asked."""
    expanded: list[str] = []
    for position, token in enumerate(tokens):
        if position == 0 and street_start and token in STREET_TYPE_ABBREVIATIONS:
            expanded.append(STREET_TYPE_ABBREVIATIONS[token])
        else:
            expanded.extend(ABBREVIATIONS.get(token, (token,)))
    return expanded


def normalize(text: str) -> str:
    """Return ``text`` folded, abbreviations expanded, words separated by single spaces.

    ``"3 bis, Pl. de l'Église"`` gives ``"3 bis place de l eglise"``.
    """
    tokens = words(text)
    start = 1 if tokens and tokens[0].isdigit() else 0
    return " ".join(tokens[:start] + expand(tokens[start:]))


def street_key(text: str) -> str:
    """Return the form street names (without number) are matched on: normalised, without
    articles or prepositions.

    ``"Rue de l'Église"`` and ``"r eglise"`` both give ``"rue eglise"``; ``"Grand'Rue"`` and
    ``"Grande Rue"`` both give ``"grande rue"``; a town hall (``"Hôtel de Ville"``) is
    ``"mairie"``.
    """
    return street_key_of(expand(words(text)))


def street_key_of(tokens: list[str] | tuple[str, ...]) -> str:
    """Return :func:`street_key` of words already normalised."""
    kept = ["grande" if t == "grand" else t for t in tokens if t not in _STOP_WORDS]
    key = " ".join(kept)
    return _TOWN_HALL_KEYS.get(key, key)


def commune_key(text: str) -> str:
    """Return the form commune names are matched on: normalised, without a leading article.

    ``"Le Cateau-Cambrésis"``, ``"cateau cambresis"`` and ``"Pernes-lez-Boulogne"`` /
    ``"Pernes-lès-Boulogne"`` pair up: official and postal names differ in just these ways.
    """
    return commune_key_of(expand(words(text), street_start=False))


def commune_key_of(tokens: list[str] | tuple[str, ...]) -> str:
    """Return :func:`commune_key` of words already normalised."""
    start = 1 if len(tokens) > 1 and tokens[0] in ARTICLES else 0
    return " ".join(tokens[start:])


def is_street_name(key: str) -> bool:
    """Say whether an unnumbered name is a street (it holds a street type) or a named place."""
    return any(word in STREET_TYPES for word in key.split())


def housenumber_key(number: str | None) -> str | None:
    """Return the canonical form of a house number: digits without leading zeros and a repeat.

    ``"3bis"``, ``"3 B"``, ``"03 bis"`` give ``"3 bis"``; ``"12t"`` gives ``"12 ter"``; a letter
    other than b/t/q stays a letter (``"2A"`` → ``"2 a"``). BAN's ``0`` and ``99999`` mean "no
    number" (a named place) and give ``None``, as do an empty or number-less text.
    """
    if number is None:
        return None
    if number.isascii() and number.isdigit():  # most numbers: no repeat, no words to split
        digits = number.lstrip("0")
        return digits if digits and digits != "99999" else None
    tokens = words(number)
    if not tokens or not tokens[0].isdigit():
        return None
    digits = tokens[0].lstrip("0")
    if not digits or digits == "99999":
        return None
    repeat = next((t for t in tokens[1:] if not t.isdigit()), None)
    if repeat is None:
        return digits
    return f"{digits} {_REPEATS.get(repeat, repeat)}"


def split_housenumber(street_line: str) -> tuple[str | None, str]:
    """Split a written street line into its house number (as written, tidied) and its street.

    ``"3 bis place de la Mairie"`` → ``("3 bis", "place de la Mairie")``; ``"14bis Rue X"`` →
    ``("14 bis", "Rue X")``; ``"20B rue X"`` → ``("20B", "rue X")``; a range ``"3-5 rue X"``
    keeps its first number. A line without a leading number is all street.
    """
    match = _RAW_NUMBER.match(street_line)
    if match is None:
        return None, street_line.strip()
    digits, repeat = match.group(1), match.group(2)
    rest = street_line[match.end() :].strip()
    if repeat is None:
        number = digits
    elif len(repeat) == 1:
        number = digits + repeat.upper()
    else:
        number = f"{digits} {repeat.lower()}"
    return number, rest


def parse_address(text: str) -> ParsedAddress:
    """Cut a free-text address into house number, postcode and the normalised words around it.

    The postcode is the last five-digit word; ``cedex`` and postal boxes (``BP 12``, ``CS
    30001``) are dropped. A house number is the first word when it has one to four digits and
    more words follow; a range (``3-5``) keeps its first number; a repeat (``bis``, ``ter``,
    ``quater``, or a letter ``b``/``t``/``q``/``a``…) right after it is part of it. A trailing
    ``France`` is dropped.
    """
    tokens = _without_postal_boxes(words(text))
    if tokens and tokens[-1] == "france":
        tokens.pop()
    postcode_at = next(
        (i for i in range(len(tokens) - 1, -1, -1) if len(tokens[i]) == 5 and tokens[i].isdigit()),
        None,
    )
    postcode = tokens[postcode_at] if postcode_at is not None else None
    before = tokens if postcode_at is None else tokens[:postcode_at]
    after = [] if postcode_at is None else tokens[postcode_at + 1 :]
    number, before = take_housenumber(before)
    return ParsedAddress(
        housenumber=number,
        postcode=postcode,
        before=tuple(expand(before)),
        after=tuple(expand(after, street_start=False)),
    )


def _without_postal_boxes(tokens: list[str]) -> list[str]:
    kept: list[str] = []
    skip_number = False
    for token in tokens:
        if token in _DROPPED:
            skip_number = True
            continue
        if skip_number and token.isdigit() and len(token) != 5:
            skip_number = False
            continue
        skip_number = False
        kept.append(token)
    return kept


def take_housenumber(tokens: list[str]) -> tuple[str | None, list[str]]:
    """Take a leading house number (with its range and repeat) off folded words, if any."""
    if len(tokens) < 2 or not tokens[0].isdigit() or len(tokens[0]) > 4:
        return None, tokens
    position = 1
    while position < len(tokens) - 1 and tokens[position].isdigit() and len(tokens[position]) <= 4:
        position += 1  # a range, "3-5": the first number stands for the building
    repeat = None
    if position < len(tokens) - 1 and (
        tokens[position] in _REPEAT_WORDS or tokens[position] in _REPEAT_LETTERS
    ):
        repeat = tokens[position]
        position += 1
    number = tokens[0] if repeat is None else f"{tokens[0]} {repeat}"
    return housenumber_key(number), tokens[position:]
