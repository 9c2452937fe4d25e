"""Normalising and parsing French addresses as people write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.address import (
    ParsedAddress,
    commune_key,
    housenumber_key,
    is_street_name,
    normalize,
    parse_address,
    split_housenumber,
    street_key,
)

# Letters, digits and the punctuation of French addresses, accented letters included.
ADDRESS_TEXT = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "éèêëàâäîïôöùûüçœÉÈÊÀÂÎÔÙÛÇŒ '’-.,/|",
    max_size=60,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 bis, Pl. de l'Église", "3 bis place de l eglise"),
        ("R. du Gal-de-Gaulle", "rue du general de gaulle"),
        ("BD VICTOR HUGO", "boulevard victor hugo"),
        ("Av. du Mal Foch", "avenue du marechal foch"),
        ("Chem. des Prés", "chemin des pres"),
        ("Imp. Ste-Thérèse", "impasse sainte therese"),
        ("Fbg d’Isle", "faubourg d isle"),
        ("Rte de Bray s/ Somme", "route de bray sur somme"),
        ("14bis Rue Principale", "14 bis rue principale"),
        ("Pernes-lez-Boulogne", "pernes les boulogne"),
        ("Cœur  de   Ville", "coeur de ville"),
    ],
)
def test_normalize_expands_abbreviations(text: str, expected: str) -> None:
    """Case, accents, punctuation and the usual abbreviations are normalised away."""
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lot. du Bois", "lotissement du bois"),
        ("Rue du Lot", "rue du lot"),
        ("Qu. de la Somme", "quai de la somme"),
        ("Rue qu Marché", "rue qu marche"),
        ("12 r Pasteur", "12 rue pasteur"),
    ],
)
def test_normalize_expands_street_types_only_first(text: str, expected: str) -> None:
    """Abbreviations that are also words (lot, qu, r) are street types only at the start."""
    assert normalize(text) == expected


@given(ADDRESS_TEXT)
def test_normalize_is_idempotent(text: str) -> None:
    """Normalising a normalised text changes nothing: index and query meet in one form."""
    once = normalize(text)
    assert normalize(once) == once


@given(ADDRESS_TEXT)
def test_street_key_ignores_case(text: str) -> None:
    """Upper and lower case give the same street key."""
    assert street_key(text.upper()) == street_key(text.lower())


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Rue de l'Église", "r eglise"),
        ("Place du Général-de-Gaulle", "pl gal de gaulle"),
        ("Grand'Rue", "Grande Rue"),
        ("Hôtel de Ville", "Mairie"),
        ("Avenue du Maréchal-Leclerc", "av. mal leclerc"),
    ],
)
def test_street_key_matches_typed_forms(written: str, typed: str) -> None:
    """A street written in full and as typed in a hurry share one key."""
    assert street_key(written) == street_key(typed)


@pytest.mark.parametrize(
    ("official", "written"),
    [
        ("Le Cateau-Cambrésis", "cateau cambresis"),
        ("Saint-Quentin", "ST QUENTIN"),
        ("Pernes-lès-Boulogne", "Pernes-lez-Boulogne"),
        ("L'Échelle-Saint-Aurin", "Echelle St Aurin"),
    ],
)
def test_commune_key_matches_written_forms(official: str, written: str) -> None:
    """Articles, saints, lès/lez and accents do not separate a commune from its name."""
    assert commune_key(official) == commune_key(written)


def test_commune_key_keeps_a_lone_article_name() -> None:
    """A name that is only an article word is kept, not emptied."""
    assert commune_key("Les") == "les"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("12", "12"),
        ("007", "7"),
        ("3bis", "3 bis"),
        ("3 B", "3 bis"),
        ("12t", "12 ter"),
        ("24 quater", "24 quater"),
        ("2A", "2 a"),
        ("0", None),
        ("99999", None),
        ("", None),
        ("bis", None),
        (None, None),
    ],
)
def test_housenumber_key_canonical(number: str | None, expected: str | None) -> None:
    """House numbers compare on digits and repeat; BAN's 0 and 99999 mean no number."""
    assert housenumber_key(number) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Street lines as the town-hall directory writes them (geo/data/communes_hdf.csv).
        ("3 bis place de la Mairie", ("3 bis", "place de la Mairie")),
        ("14bis Rue Principale", ("14 bis", "Rue Principale")),
        ("20B rue de la Vallée", ("20B", "rue de la Vallée")),
        ("24 quater rue Paul-Dubois", ("24 quater", "rue Paul-Dubois")),
        ("3-5 place du Général-de-Gaulle", ("3", "place du Général-de-Gaulle")),
        ("5-5 bis rue Léo-Lagrange", ("5 bis", "rue Léo-Lagrange")),
        ("11Grande Rue", ("11", "Grande Rue")),
        ("1, rue d'Arras", ("1", "rue d'Arras")),
        ("Place du 29-Août-1944", (None, "Place du 29-Août-1944")),
        ("Rue du 8-Mai-1945", (None, "Rue du 8-Mai-1945")),
    ],
)
def test_split_housenumber_real_lines(line: str, expected: tuple[str | None, str]) -> None:
    """The number, its range and repeat come off the street, which keeps its spelling."""
    assert split_housenumber(line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "3 bis, Pl. de l'Église 02200 Acy",
            ParsedAddress("3 bis", "02200", ("place", "de", "l", "eglise"), ("acy",)),
        ),
        (
            "Place Jean-Jaurès 62503 Saint-Omer CEDEX",
            ParsedAddress(None, "62503", ("place", "jean", "jaures"), ("saint", "omer")),
        ),
        (
            "12 rue X, BP 42, 80000 Amiens, France",
            ParsedAddress("12", "80000", ("rue", "x"), ("amiens",)),
        ),
        (
            "3-5 r de l eglise 80400",
            ParsedAddress("3", "80400", ("rue", "de", "l", "eglise"), ()),
        ),
        ("st quentin", ParsedAddress(None, None, ("saint", "quentin"), ())),
        ("12 Grande-Rue", ParsedAddress("12", None, ("grande", "rue"), ())),
        ("", ParsedAddress(None, None, (), ())),
    ],
)
def test_parse_address_cuts_number_and_postcode(text: str, expected: ParsedAddress) -> None:
    """Number, postcode, and the words before and after the postcode, normalised."""
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Place de la Mairie", True), ("Grand'Rue", True), ("Mairie", False), ("Le Village", False)],
)
def test_is_street_name_by_street_type(name: str, expected: bool) -> None:
    """A name with a street type is a street; otherwise a named place."""
    assert is_street_name(street_key(name)) is expected
