"""The offline gazetteer: real town-hall addresses written the ways people write them.

The accuracy test rewrites each bundled town-hall address (``mairie_adresse``) in the forms
people type (lower case without accents, abbreviations, hyphens dropped, a one-letter typo, the
postcode or the commune left out) with a seeded generator, geocodes every form and measures the
geodesic distance from the best candidate to the town hall's published point.

The gazetteer is built from the same bundled file: it knows each town hall's address and the
commune name that address writes (``Breteuil-sur-Noye`` for Breteuil). What is measured is the
reading of the written forms and the honesty of the scores, not the discovery of unseen places.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo.gazetteer import AddressEntry, OfflineGeocoder
from geo.geocoding import PRECISIONS, Candidate, Geocoder
from geo.reference import BUNDLED_COMMUNES, CommuneRecord, bundled_path, read_communes_csv
from geo.text import fold

SEED = 2024
CONFIDENT = 0.8
"""The score from which the lead's chain takes an answer as sure."""
WGS84 = Geod(ellps="WGS84")

_ABBREVIATIONS = {
    "rue": "r",
    "place": "pl",
    "avenue": "av",
    "boulevard": "bd",
    "chemin": "chem",
    "impasse": "imp",
    "allée": "all",
    "route": "rte",
    "faubourg": "fbg",
    "square": "sq",
    "cours": "crs",
    "quai": "qu",
    "résidence": "res",
    "chaussée": "chs",
    "saint": "st",
    "sainte": "ste",
    "général": "gal",
    "maréchal": "mal",
    "bis": "b",
    "ter": "t",
}
_TITLES = frozenset({"saint", "sainte", "général", "maréchal"})
_ABBREVIATION_WORD = re.compile(
    r"\b(" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class TownHall:
    """A bundled town hall whose address has a street: the reference of the accuracy test."""

    insee_code: str
    street_line: str
    postcode: str
    commune: str
    """The commune as the address writes it (postal name, sometimes with ``Cedex``)."""
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class Query:
    """One way of writing a town hall's address."""

    kind: str
    text: str
    town_hall: TownHall


@cache
def communes() -> tuple[CommuneRecord, ...]:
    return tuple(read_communes_csv(bundled_path(BUNDLED_COMMUNES)))


def town_halls() -> list[TownHall]:
    """Every bundled town hall with a street line in its address (3,757 of 3,782 communes)."""
    halls = []
    for record in communes():
        if record.mairie_point is None or record.mairie_address is None:
            continue
        line, _, locality = record.mairie_address.partition("|")
        postcode, _, name = locality.strip().partition(" ")
        if line.strip():
            halls.append(
                TownHall(
                    record.insee_code,
                    line.strip(),
                    postcode,
                    name.strip(),
                    record.mairie_point.lon,
                    record.mairie_point.lat,
                )
            )
    return halls


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _abbreviate(text: str, *, titles_only: bool = False) -> str:
    """Abbreviate titles everywhere, street types where they stand alone (not in Grande-Rue)."""

    def shorten(match: re.Match[str]) -> str:
        word = match.group(1)
        inside = match.start() > 0 and text[match.start() - 1] in "-'’"
        if (inside or titles_only) and word.lower() not in _TITLES:
            return word
        return _ABBREVIATIONS[word.lower()]

    return _ABBREVIATION_WORD.sub(shorten, text)


def _abbreviated(hall: TownHall, *, postcode: bool) -> str:
    """The street line abbreviated, and the commune's titles only (the commune Rue stays Rue)."""
    street = _abbreviate(hall.street_line)
    commune = _abbreviate(hall.commune, titles_only=True)
    return f"{street} {hall.postcode} {commune}" if postcode else f"{street} {commune}"


def _unhyphenate(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("-", " "))


def _typo(text: str, rng: random.Random) -> str:
    """One letter inserted, deleted, replaced or swapped with the next, in a word of 4+ letters."""
    spans = [m.span() for m in re.finditer(r"[^\W\d_]{4,}", text)]
    start, end = rng.choice(spans)
    at = rng.randrange(start, end - 1)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    kind = rng.choice(("insert", "delete", "replace", "swap"))
    if kind == "insert":
        return text[:at] + letter + text[at:]
    if kind == "delete":
        return text[:at] + text[at + 1 :]
    if kind == "replace" and letter != text[at].lower():
        return text[:at] + letter + text[at + 1 :]
    if kind == "swap" and text[at] != text[at + 1]:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text[:at] + text[at + 1 :]


VARIANTS: dict[str, Callable[[TownHall, random.Random], str]] = {
    "as_written": lambda h, _: f"{h.street_line}, {h.postcode} {h.commune}",
    "lower_no_accents": lambda h, _: _plain(f"{h.street_line} {h.postcode} {h.commune}"),
    "abbreviated": lambda h, _: _abbreviated(h, postcode=True),
    "no_hyphens": lambda h, _: _unhyphenate(f"{h.street_line} {h.postcode} {h.commune}"),
    "typo": lambda h, rng: _typo(f"{h.street_line}, {h.postcode} {h.commune}", rng),
    "no_postcode": lambda h, _: f"{h.street_line}, {h.commune}",
    "no_commune": lambda h, _: f"{h.street_line} {h.postcode}",
    "phone": lambda h, _: _plain(_unhyphenate(_abbreviated(h, postcode=False))),
}
"""The ways of writing an address; ``phone`` is all at once, lower case, no postcode."""


def queries(kinds: tuple[str, ...]) -> Iterator[Query]:
    """Each kind of writing for every town hall, typos drawn from a generator seeded per kind."""
    halls = town_halls()
    for kind in kinds:
        rng = random.Random(f"{SEED}-{kind}")  # noqa: S311 (seeded test data, not secrets)
        for hall in halls:
            yield Query(kind, VARIANTS[kind](hall, rng), hall)


def shared_town_halls() -> dict[str, frozenset[str]]:
    """Communes whose town halls have the very same written address, by INSEE code.

    Plessis-Patte-d'Oie's town hall is "435 rue de l'Église | 60640 Berlancourt", as is
    Berlancourt's: that text designates either commune, so either is a right answer.
    """
    by_text: dict[tuple[str, str, str], set[str]] = {}
    for hall in town_halls():
        key = (fold(hall.street_line), hall.postcode, fold(hall.commune))
        by_text.setdefault(key, set()).add(hall.insee_code)
    return {
        insee: frozenset(group) for group in by_text.values() for insee in group if len(group) > 1
    }


@dataclass(frozen=True, slots=True)
class Accuracy:
    """What the gazetteer made of every query: per kind, and the confident wrong answers."""

    queries: Counter[str]
    within_100_m: Counter[str]
    confident_right: Counter[str]
    confident_wrong: tuple[tuple[Query, Candidate], ...]

    def share(self, counter: Counter[str], kind: str | None = None) -> float:
        if kind is None:
            return sum(counter.values()) / sum(self.queries.values())
        return counter[kind] / self.queries[kind]

    def report(self) -> str:
        """Per kind: queries, share within 100 m, share confident and right."""
        return "; ".join(
            f"{kind}: {self.queries[kind]} requêtes, {self.share(self.within_100_m, kind):.2%} "
            f"à moins de 100 m, {self.share(self.confident_right, kind):.2%} sûres et justes"
            for kind in self.queries
        )


def measure(geocoder: Geocoder, chosen: list[Query]) -> Accuracy:
    """Geocode each query; measure the best candidate against the town hall's point."""
    shared = shared_town_halls()
    best = [next(iter(geocoder.geocode(q.text, limit=1)), None) for q in chosen]
    answered = [(q, c) for q, c in zip(chosen, best, strict=True) if c is not None]
    _, _, distances = WGS84.inv(
        [c.lon for _, c in answered],
        [c.lat for _, c in answered],
        [q.town_hall.lon for q, _ in answered],
        [q.town_hall.lat for q, _ in answered],
    )
    within = Counter(q.kind for (q, _), d in zip(answered, distances, strict=True) if d <= 100)
    right, wrong = Counter[str](), []
    for q, c in answered:
        if c.score >= CONFIDENT:
            accepted = shared.get(q.town_hall.insee_code, {q.town_hall.insee_code})
            if c.insee_code in accepted:
                right[q.kind] += 1
            else:
                wrong.append((q, c))
    return Accuracy(Counter(q.kind for q in chosen), within, right, tuple(wrong))


@cache
def geocoder() -> OfflineGeocoder:
    return OfflineGeocoder(communes())


@cache
def accuracy() -> Accuracy:
    """Every kind of writing of every town hall: 8 × 3,757 queries, about 3 s."""
    return measure(geocoder(), list(queries(tuple(VARIANTS))))


def commune(insee: str) -> CommuneRecord:
    return next(r for r in communes() if r.insee_code == insee)


def test_geocode_town_halls_within_100_m() -> None:
    """At least 98 % of all the ways of writing town-hall addresses land within 100 m."""
    result = accuracy()
    overall = result.share(result.within_100_m)
    assert overall >= 0.98, f"{overall:.2%} à moins de 100 m — {result.report()}"


def test_geocode_town_halls_within_100_m_for_each_writing() -> None:
    """Every way of writing lands within 100 m at least 95 % of the time.

    Leaving the commune out is the hardest: a postcode serves up to 40 communes and many of
    them have a "place de la Mairie"; the other ways reach 99 %.
    """
    result = accuracy()
    worst = min(result.queries, key=lambda kind: result.share(result.within_100_m, kind))
    assert result.share(result.within_100_m, worst) >= 0.95, result.report()
    others = [kind for kind in result.queries if kind != "no_commune"]
    assert min(result.share(result.within_100_m, kind) for kind in others) >= 0.99, result.report()


def test_geocode_town_halls_never_confident_in_wrong_commune() -> None:
    """No query gets a confident (≥ 0.8) best candidate in another commune than its own."""
    wrong = [
        (q.kind, q.text, q.town_hall.insee_code, c.label, c.insee_code, c.score)
        for q, c in accuracy().confident_wrong
    ]
    assert wrong == []


def test_geocode_town_halls_confident_when_written_whole() -> None:
    """Complete addresses, however typed, are confidently right 99 % of the time."""
    result = accuracy()
    whole = ("as_written", "lower_no_accents", "abbreviated", "no_hyphens", "typo")
    shares = {kind: result.share(result.confident_right, kind) for kind in whole}
    assert min(shares.values()) >= 0.99, result.report()


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


@pytest.mark.parametrize(
    "query",
    [
        "3B PL. DE LA MAIRIE, ACY",
        "3 b pl mairie acy",
        "Acy, 3 bis place de la Mairie",
        "3 bis place de la mairie acy france",
        "3 bis place de la Mairie 02200 Acy Cedex",
    ],
)
def test_geocode_same_answer_however_written(query: str) -> None:
    """Case, abbreviations, order, a missing postcode or a Cedex lead to the same point."""
    (expected,) = geocoder().geocode("3 bis place de la Mairie 02200 Acy")
    assert geocoder().geocode(query, limit=1) == [expected]


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("1 rue Victor-Hugo 59360 Le Cateau-Cambrésis", "1 rue Victor-Hugo 59360 Cateau-Cambrésis"),
        ("1 r victor hugo le cateau cambresis", "1 rue Victor-Hugo 59360 Cateau-Cambrésis"),
        ("9 rue du Gal Augereau, Le Catelet", "9 rue du Général-Augereau 02420 Catelet"),
        (
            "2 rue de la Haie-Menneresse st souplet",
            "2 rue de la Haie-Menneresse 59360 Saint-Souplet",
        ),
    ],
)
def test_geocode_commune_articles_and_saints(query: str, label: str) -> None:
    """Leading articles and "st" do not stop a commune from being found."""
    (best,) = geocoder().geocode(query, limit=1)
    assert (best.label, best.precision, best.score) == (label, "housenumber", 1.0)


def test_geocode_commune_only_is_municipality() -> None:
    """A commune's name alone gives the commune at its centroid."""
    saint_quentin = commune("02691")
    assert saint_quentin.centroid is not None
    expected = Candidate(
        label="02100 Saint-Quentin",
        lon=saint_quentin.centroid.lon,
        lat=saint_quentin.centroid.lat,
        score=1.0,
        provider="offline",
        precision="municipality",
        insee_code="02691",
        postcode="02100",
        commune="Saint-Quentin",
    )
    assert [geocoder().geocode(q, limit=1) for q in ("Saint-Quentin", "st quentin")] == [
        [expected],
        [expected],
    ]


def test_geocode_postcode_of_one_commune_is_municipality() -> None:
    """A postcode that only Amiens has gives Amiens, sure."""
    (best,) = geocoder().geocode("80000")
    assert (best.label, best.precision, best.insee_code, best.score) == (
        "80000 Amiens",
        "municipality",
        "80021",
        1.0,
    )


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


def test_geocode_unknown_number_is_street_precision() -> None:
    """A number not on a known street gives the street's point, not confident."""
    acy = commune("02003")
    assert acy.mairie_point is not None
    (best,) = geocoder().geocode("99 place de la Mairie 02200 Acy", limit=1)
    assert (best.label, best.precision, best.lon, best.lat, best.score < CONFIDENT) == (
        "place de la Mairie 02200 Acy",
        "street",
        acy.mairie_point.lon,
        acy.mairie_point.lat,
        True,
    )


def test_geocode_town_hall_by_name() -> None:
    """ "Mairie d'Acy" and "Hôtel de ville d'Amiens" are the town halls, as named places."""
    found = [geocoder().geocode(q, limit=1)[0] for q in ("mairie d'Acy", "Hôtel de Ville Amiens")]
    assert [(c.label, c.precision, c.score) for c in found] == [
        ("Mairie 02200 Acy", "locality", 1.0),
        ("Mairie 80000 Amiens", "locality", 1.0),
    ]


def test_geocode_typo_in_commune_with_postcode() -> None:
    """A misspelt commune is found among its postcode's communes, less surely."""
    (best,) = geocoder().geocode("3 bis place de la Mairie 02200 Acx", limit=1)
    assert (best.insee_code, best.precision, 0.5 < best.score < 1.0) == (
        "02003",
        "housenumber",
        True,
    )


def test_geocode_wrong_postcode_trusts_the_name() -> None:
    """A postcode of another town does not hide the named commune's street."""
    (best,) = geocoder().geocode("3 bis place de la Mairie 80000 Acy", limit=1)
    assert (best.insee_code, best.precision) == ("02003", "housenumber")


@pytest.mark.parametrize(
    "query", ["", "   ", "!!!", "qwerty asdfgh", "12 rue de nulle part", "99999", "12"]
)
def test_geocode_garbage_is_empty(query: str) -> None:
    """Text that designates no known place gives no candidate rather than a guess."""
    assert geocoder().geocode(query) == []


@pytest.mark.parametrize("limit", [0, 1, 2, 7])
def test_geocode_respects_limit(limit: int) -> None:
    """Never more candidates than asked."""
    assert len(geocoder().geocode("02200", limit=limit)) == limit


def test_name_is_offline() -> None:
    """The provider's name is ``offline``, as in ALLERVERS_GEOCODERS and in candidates."""
    chosen: Geocoder = geocoder()
    assert (chosen.name, {c.provider for c in chosen.geocode("Amiens")}) == (
        "offline",
        {"offline"},
    )


@st.composite
def address_like(draw: st.DrawFn) -> str:
    """A town-hall address in some writing, maybe cut or with stray text, or random text."""
    halls = town_halls()
    hall = halls[draw(st.integers(0, len(halls) - 1))]
    written = VARIANTS[draw(st.sampled_from(sorted(VARIANTS)))](hall, random.Random(0))  # noqa: S311 (seeded)
    words = written.split()
    start = draw(st.integers(0, len(words)))
    end = draw(st.integers(start, len(words)))
    noise = draw(st.text(max_size=12))
    return draw(st.sampled_from([written, " ".join(words[start:end]) + noise, noise]))


@settings(max_examples=300, deadline=None)
@given(address_like(), st.integers(0, 8))
def test_geocode_candidates_well_formed(query: str, limit: int) -> None:
    """Any text gives at most ``limit`` offline candidates, best first, scores in 0–1."""
    found = geocoder().geocode(query, limit=limit)
    assert len(found) <= limit
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert all(0 <= c.score <= 1 for c in found)
    assert {(c.provider, c.precision in PRECISIONS) for c in found} <= {("offline", True)}


def _entry(number: str | None, street: str, source: str, lon: float = 2.3) -> AddressEntry:
    return AddressEntry(number, street, "80000", "80021", "Amiens", lon, 49.89, source)


def test_add_addresses_makes_address_findable() -> None:
    """A confirmed venue address is found at house-number precision once added."""
    gazetteer = OfflineGeocoder(communes())
    before = gazetteer.geocode("12 rue des Lilas 80000 Amiens", limit=1)
    gazetteer.add_addresses([_entry("12", "Rue des Lilas", "confirmed")])
    after = gazetteer.geocode("12 r. des lilas amiens", limit=1)
    assert [(c.label, c.precision, c.score) for c in before + after] == [
        ("80000 Amiens", "municipality", 0.45),
        ("12 Rue des Lilas 80000 Amiens", "housenumber", 1.0),
    ]


def test_geocode_prefers_ban_over_town_hall_then_confirmed() -> None:
    """For the same number: a confirmed point beats the BAN's, which beats the directory's."""
    mairie = _entry("3", "Rue des Tilleuls", "mairie", lon=2.1)
    ban = _entry("3", "Rue des Tilleuls", "ban", lon=2.2)
    confirmed = _entry("3", "Rue des Tilleuls", "confirmed", lon=2.3)
    gazetteer = OfflineGeocoder(communes(), [mairie, ban])
    first = gazetteer.geocode("3 rue des tilleuls amiens", limit=1)
    gazetteer.add_addresses([confirmed])
    second = gazetteer.geocode("3 rue des tilleuls amiens", limit=1)
    assert [(c.precision, c.lon) for c in first + second] == [
        ("housenumber", 2.2),
        ("housenumber", 2.3),
    ]


def test_geocode_missing_number_takes_nearest_on_same_side() -> None:
    """Number 7 of a street known at 1, 5, 6 and 13 is placed at 5, at street precision."""
    numbers = {"1": 2.31, "5": 2.35, "6": 2.36, "13": 2.43}
    gazetteer = OfflineGeocoder(
        communes(), [_entry(n, "Rue Jules-Verne", "ban", lon) for n, lon in numbers.items()]
    )
    (best,) = gazetteer.geocode("7 rue Jules Verne 80000 Amiens", limit=1)
    assert (best.label, best.precision, best.lon, best.score < CONFIDENT) == (
        "Rue Jules-Verne 80000 Amiens",
        "street",
        2.35,
        True,
    )


def test_geocode_street_without_number_is_street_precision() -> None:
    """A street asked without number is placed at its middle point, sure."""
    numbers = {"1": 2.31, "3": 2.33, "5": 2.35, "7": 2.37, "9": 2.39}
    gazetteer = OfflineGeocoder(
        communes(), [_entry(n, "Rue Jules-Verne", "ban", lon) for n, lon in numbers.items()]
    )
    (best,) = gazetteer.geocode("rue jules verne, amiens", limit=1)
    assert replace(best, lat=0.0) == Candidate(
        label="Rue Jules-Verne 80000 Amiens",
        lon=2.35,
        lat=0.0,
        score=1.0,
        provider="offline",
        precision="street",
        insee_code="80021",
        postcode="80000",
        commune="Amiens",
        street="Rue Jules-Verne",
    )


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
