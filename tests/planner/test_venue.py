"""Venue rules: validation, identity, and when a geocoding candidate may be used without asking."""

from __future__ import annotations

import pytest

from geo.geocoding import Candidate
from planner.errors import AddressNotFoundError, AmbiguousAddressError, InvalidInputError
from planner.venue import Address, address_key, check_venue, choose_candidate

ETOUVIE = Address(street="Place Vauban", postcode="80080", commune="Amiens")


def _candidate(
    score: float, *, lon: float = 2.2502, lat: float = 49.9151, insee: str = "80021"
) -> Candidate:
    return Candidate(
        label=f"candidat {score}",
        lon=lon,
        lat=lat,
        score=score,
        provider="offline",
        precision="street",
        insee_code=insee,
        commune="Amiens",
    )


def test_address_line_joins_the_parts() -> None:
    """The geocoder gets street, postcode and commune on one line; no postcode, no gap."""
    assert (ETOUVIE.line(), Address("1 rue X", None, "Albert").line()) == (
        "Place Vauban, 80080 Amiens",
        "1 rue X, Albert",
    )


def test_address_key_ignores_case_accents_and_spacing() -> None:
    """The same venue typed twice differently has one identity."""
    assert address_key("Centre social Étouvie", ETOUVIE) == address_key(
        "centre  social etouvie", Address("place vauban", "80080", "AMIENS")
    )


def test_check_venue_lists_every_broken_field() -> None:
    """All problems are reported at once, each on its field."""
    with pytest.raises(InvalidInputError) as caught:
        check_venue(name=" ", address=Address("", "8008", "Amiens"), capacity=-1, lon=2.3, lat=None)
    assert caught.value.errors == {
        "name": "le nom du lieu est obligatoire",
        "street": "l'adresse (numéro et voie) est obligatoire",
        "postcode": "code postal « 8008 » invalide : 5 chiffres attendus",
        "capacity": "la capacité ne peut pas être négative",
        "lat": "donnez la latitude et la longitude ensemble",
    }


def test_choose_candidate_confident_single() -> None:
    """One confident candidate is used."""
    best = _candidate(0.92)
    assert choose_candidate("x", [_candidate(0.5, lon=3.0), best], min_score=0.8) == best


def test_choose_candidate_same_place_twice_is_not_ambiguous() -> None:
    """Two close candidates at the same place (e.g. two providers) are one answer."""
    best = _candidate(0.93)
    assert choose_candidate("x", [best, _candidate(0.92, lon=2.2503)], min_score=0.8) == best


def test_choose_candidate_nothing_found() -> None:
    """No candidate: the person is told the address was not found."""
    with pytest.raises(AddressNotFoundError) as caught:
        choose_candidate("1 rue Nulle, Nullepart", [], min_score=0.8)
    assert caught.value.message == (
        "Adresse introuvable : « 1 rue Nulle, Nullepart ». Vérifiez la voie et la commune, ou "
        "donnez les coordonnées du lieu."
    )


def test_choose_candidate_low_score_lists_candidates() -> None:
    """A best score under the threshold is not guessed: the candidates go back to the person."""
    low = [_candidate(0.7), _candidate(0.4, lon=3.0)]
    with pytest.raises(AmbiguousAddressError) as caught:
        choose_candidate("rue X", low, min_score=0.8)
    assert caught.value.candidates == low


def test_choose_candidate_rival_in_other_commune_is_ambiguous() -> None:
    """An equally plausible place in another commune makes the address ambiguous."""
    best, rival = _candidate(0.9), _candidate(0.88, lon=3.29, lat=49.85, insee="02691")
    with pytest.raises(AmbiguousAddressError) as caught:
        choose_candidate("rue Napoléon", [best, rival, _candidate(0.5, lon=1.0)], min_score=0.8)
    assert caught.value.candidates == [best, rival]
