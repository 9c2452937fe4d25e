"""Reading a venues CSV: French or English headers, one reason per rejected row."""

from __future__ import annotations

import pytest

from planner.errors import InvalidInputError
from planner.venue import Address, VenueKind
from planner.venue_csv import RejectedRow, VenueRow, read_venue_rows, rejected_csv

GOOD = (
    "nom;type;adresse;code_postal;commune;capacité;accessible\n"
    "Centre social d'Etouvie;centre social;Place Vauban;80080;Amiens;40;oui\n"
)


def test_read_venue_rows_french_header() -> None:
    """A French header and French kind names give the venue."""
    header, rows, rejected = read_venue_rows(GOOD)
    cells = dict(zip(header, GOOD.splitlines()[1].split(";"), strict=True))
    assert (rows, rejected) == (
        [
            VenueRow(
                line=2,
                name="Centre social d'Etouvie",
                kind=VenueKind.CENTRE_SOCIAL,
                address=Address("Place Vauban", "80080", "Amiens"),
                lon=None,
                lat=None,
                capacity=40,
                step_free=True,
                notes="",
                cells=cells,
            )
        ],
        [],
    )


def test_read_venue_rows_rejects_each_bad_row_with_reason() -> None:
    """Bad rows are rejected one by one with their line; good rows are kept."""
    text = (
        "name,kind,street,postcode,commune,lat,lon,capacity\n"
        "Gymnase,gymnase,1 rue A,80000,Amiens,,,\n"
        "Nulle,piscine,1 rue B,80000,Amiens,,,\n"
        "Trop,mairie,1 rue C,8000,Amiens,,,abc\n"
        "Moitié,mairie,1 rue D,80000,Amiens,49.9,,\n"
    )
    _, rows, rejected = read_venue_rows(text)
    assert [r.line for r in rows] == [2]
    assert [(r.line, r.reason) for r in rejected] == [
        (
            3,
            "type de lieu « piscine » inconnu ; attendu : centre social, Mission Locale, agence "
            "France Travail, mairie, établissement scolaire, salle de sport, entreprise, "
            "association, autre",
        ),
        (4, "capacité « abc » n'est pas un nombre"),
        (5, "lon : donnez la latitude et la longitude ensemble"),
    ]


def test_read_venue_rows_missing_columns_refuses_file() -> None:
    """Without the essential columns nothing is read and the file is refused, naming them."""
    with pytest.raises(InvalidInputError) as caught:
        read_venue_rows("nom;ville\nX;Amiens\n")
    assert caught.value.errors == {
        "fichier": "colonne(s) obligatoire(s) absente(s) : type, adresse ; en-tête attendu par "
        "exemple : nom;type;adresse;code_postal;commune"
    }


def test_rejected_csv_round_trips_to_the_reader() -> None:
    """The rejected rows' CSV has the original columns plus line and reason, readable again."""
    header = ["nom", "type", "adresse", "commune"]
    rejected = [
        RejectedRow(
            3, "type inconnu", dict(zip(header, ["A", "piscine", "1 rue B", "Albert"], strict=True))
        )
    ]
    text = rejected_csv(header, rejected)
    assert (
        text
        == "nom;type;adresse;commune;ligne;erreur\r\nA;piscine;1 rue B;Albert;3;type inconnu\r\n"
    )
    assert [r.reason for r in read_venue_rows(text)[2]] == [
        "type de lieu « piscine » inconnu ; attendu : centre social, Mission Locale, agence "
        "France Travail, mairie, établissement scolaire, salle de sport, entreprise, "
        "association, autre"
    ]


def test_rejected_csv_neutralises_formulas_and_reads_back() -> None:
    """A formula typed as a venue name is written after an apostrophe (a spreadsheet shows it,
    never runs it) and the file read again gives the name as typed."""
    header = ["nom", "type", "adresse", "commune"]
    cells = dict(zip(header, ['=HYPERLINK("x")', "piscine", "1 rue B", "Albert"], strict=True))
    text = rejected_csv(header, [RejectedRow(3, "type inconnu", cells)])
    assert text.splitlines()[1] == '"\'=HYPERLINK(""x"")";piscine;1 rue B;Albert;3;type inconnu'
    assert [r.cells["nom"] for r in read_venue_rows(text)[2]] == ['=HYPERLINK("x")']
