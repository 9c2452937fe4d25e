"""Reading the BAN address export, and refusing wrong files with a message that says why."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from geo.address_entry import AddressEntry
from geo.ban_file import read_ban_file
from geo.errors import ReferenceDataError
from geo.gazetteer import OfflineGeocoder
from geo.reference import BUNDLED_COMMUNES, bundled_path, read_communes_csv

HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;"
    "libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;"
    "cad_parcelles"
)
# Hand-made rows in the official layout (not copied from a BAN file): repeats as a word and as
# a letter, a plain number, a lieu-dit (numero 99999) and a numero 0, in two communes. Acy's
# town hall is "3 bis place de la Mairie" in the bundled directory, at 3.41333, 49.3456.
ROWS = (
    "02003_0010_00003_bis;02003_0010;3;bis;Place de la Mairie;02200;02003;Acy;;;728000.1;6917000.2;"
    "3.41336;49.34562;entrée;;;ACY;PLACE DE LA MAIRIE;commune;commune;1;020030000A0001",
    "02003_0020_00012_bis;02003_0020;12;bis;Rue des Écoles;02200;02003;Acy;;;728100.0;"
    "6917100.0;3.41400;49.34600;entrée;;;ACY;RUE DES ECOLES;commune;commune;1;",
    "02003_0020_00014_a;02003_0020;14;a;Rue des Écoles;02200;02003;Acy;;;728100.0;6917100.0;"
    "3.41402;49.34602;entrée;;;ACY;RUE DES ECOLES;commune;commune;0;",
    "02003_b001_99999;02003_b001;99999;;Le Moulin;02200;02003;Acy;;;728500.0;6917500.0;"
    "3.42000;49.35000;segment;;Le Moulin;ACY;LE MOULIN;cadastre;cadastre;0;",
    "80021_3333_00000;80021_3333;0;;Hortillonnages;80000;80021;Amiens;;;650000.0;6980000.0;"
    "2.31000;49.90000;segment;;;AMIENS;HORTILLONNAGES;cadastre;cadastre;0;",
)
EXPECTED = [
    AddressEntry("3 bis", "Place de la Mairie", "02200", "02003", "Acy", 3.41336, 49.34562, "ban"),
    AddressEntry("12 bis", "Rue des Écoles", "02200", "02003", "Acy", 3.414, 49.346, "ban"),
    AddressEntry("14A", "Rue des Écoles", "02200", "02003", "Acy", 3.41402, 49.34602, "ban"),
    AddressEntry(None, "Le Moulin", "02200", "02003", "Acy", 3.42, 49.35, "ban"),
    AddressEntry(None, "Hortillonnages", "80000", "80021", "Amiens", 2.31, 49.9, "ban"),
]


def _write(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\n".join((header, *rows)) + "\n", "utf-8")
    return path


def _replaced(row: str, column: str, value: str) -> str:
    cells = row.split(";")
    cells[HEADER.split(";").index(column)] = value
    return ";".join(cells)


def test_read_ban_file_rows(tmp_path: Path) -> None:
    """Numbers, repeats, lieux-dits (99999) and numero 0 become entries as written."""
    assert read_ban_file(_write(tmp_path / "adresses-02.csv", *ROWS)) == EXPECTED


def test_read_ban_file_reads_gzip(tmp_path: Path) -> None:
    """A gzip-compressed export reads like the plain one."""
    path = tmp_path / "adresses-02.csv.gz"
    path.write_bytes(gzip.compress(("\n".join((HEADER, *ROWS)) + "\n").encode()))
    assert read_ban_file(path) == EXPECTED


def test_read_ban_file_feeds_gazetteer_at_housenumber_precision(tmp_path: Path) -> None:
    """The BAN's point of the town hall's number beats the directory's; BAN numbers are found."""
    entries = read_ban_file(_write(tmp_path / "adresses-02.csv", *ROWS))
    gazetteer = OfflineGeocoder(read_communes_csv(bundled_path(BUNDLED_COMMUNES)), entries)
    found = [
        gazetteer.geocode(q, limit=1)[0]
        for q in (
            "3 bis place de la Mairie 02200 Acy",
            "12 b rue des ecoles acy",
            "14a r des ecoles acy",
            "le moulin, acy",
        )
    ]
    assert [(c.label, c.precision, c.lon, c.lat) for c in found] == [
        ("3 bis Place de la Mairie 02200 Acy", "housenumber", 3.41336, 49.34562),
        ("12 bis Rue des Écoles 02200 Acy", "housenumber", 3.414, 49.346),
        ("14A Rue des Écoles 02200 Acy", "housenumber", 3.41402, 49.34602),
        ("Le Moulin 02200 Acy", "locality", 3.42, 49.35),
    ]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("lon", "abc", "adresses.csv, ligne 3 : lon « abc » non numérique."),
        (
            "lat",
            "6917100.0",
            "adresses.csv, ligne 3 : lat 6917100.0 hors des bornes WGS84 (±90) — attendu "
            "longitude/latitude en degrés, pas x/y Lambert-93.",
        ),
        (
            "lon",
            "nan",
            "adresses.csv, ligne 3 : lon nan hors des bornes WGS84 (±180) — attendu "
            "longitude/latitude en degrés, pas x/y Lambert-93.",
        ),
        ("code_insee", "2003", "adresses.csv, ligne 3 : code INSEE « 2003 » mal formé."),
        ("code_postal", "2200", "adresses.csv, ligne 3 : code postal « 2200 » mal formé."),
        ("numero", "douze", "adresses.csv, ligne 3 : numéro « douze » non entier."),
        ("nom_voie", "", "adresses.csv, ligne 3 : nom_voie vide."),
    ],
)
def test_read_ban_file_rejects_bad_value(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    """A bad value is reported with the file, its line and what is wrong."""
    path = _write(tmp_path / "adresses.csv", ROWS[0], _replaced(ROWS[1], column, value))
    with pytest.raises(ReferenceDataError) as caught:
        read_ban_file(path)
    assert caught.value.message == message


def test_read_ban_file_rejects_missing_columns(tmp_path: Path) -> None:
    """A file without the BAN columns is refused, naming the missing ones."""
    path = _write(tmp_path / "adresses.csv", "1;Amiens", header="numero;nom_commune")
    with pytest.raises(ReferenceDataError) as caught:
        read_ban_file(path)
    assert caught.value.message == (
        "adresses.csv : colonne(s) manquante(s) rep, nom_voie, code_postal, code_insee, lon, "
        "lat ; attendu le format BAN avec au moins numero, rep, nom_voie, code_postal, "
        "code_insee, nom_commune, lon, lat."
    )


def test_read_ban_file_rejects_short_row(tmp_path: Path) -> None:
    """A row with missing cells is refused with its line number."""
    path = _write(tmp_path / "adresses.csv", ROWS[0], "02003_x;02003;5;;Rue")
    with pytest.raises(ReferenceDataError) as caught:
        read_ban_file(path)
    assert caught.value.message == "adresses.csv, ligne 3 : 5 colonnes au lieu de 23."


def test_read_ban_file_rejects_empty(tmp_path: Path) -> None:
    """A header without rows is not an address file."""
    with pytest.raises(ReferenceDataError) as caught:
        read_ban_file(_write(tmp_path / "adresses.csv"))
    assert caught.value.message == "adresses.csv ne contient aucune adresse."


def test_read_ban_file_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is named."""
    with pytest.raises(ReferenceDataError) as caught:
        read_ban_file(tmp_path / "absent.csv")
    assert caught.value.message == f"Fichier introuvable : {tmp_path / 'absent.csv'}."
