"""Read the official BAN address export (``adresses-XX.csv``, optionally gzip) into entries.

The Base Adresse Nationale publishes one file per department at adresse.data.gouv.fr, in the
"BAN CSV" format: ``;``-separated, UTF-8, one address point per line, header ``id;id_fantoir;
numero;rep;nom_voie;code_postal;code_insee;nom_commune;…;lon;lat;…``. Only ``numero``, ``rep``,
``nom_voie``, ``code_postal``, ``code_insee``, ``nom_commune``, ``lon`` and ``lat`` are read.

A wrong file is refused whole with a :class:`~geo.errors.ReferenceDataError` whose French message
names the file, the line and the problem, as :mod:`geo.reference` does for the other files.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

from geo.address_entry import AddressEntry
from geo.errors import ReferenceDataError
from geo.reference_file import read_text

BAN_FIELDS = (
    "numero",
    "rep",
    "nom_voie",
    "code_postal",
    "code_insee",
    "nom_commune",
    "lon",
    "lat",
)
"""The columns read; the official export has more, which are ignored."""
NO_NUMBER = frozenset({"", "0", "99999"})
"""``numero`` values of a named place (lieu-dit) without a house number."""

_INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_POSTCODE = re.compile(r"^\d{5}$")
_NUMBER = re.compile(r"^\d{1,5}$")


def read_ban_file(path: Path) -> list[AddressEntry]:
    """Read a BAN ``adresses-XX.csv`` (or ``.csv.gz``) into address entries (``source="ban"``).

    ``numero`` 0 or 99999 marks a named place: its entry has no house number. The repeat
    (``rep``: ``bis``, ``ter``, a letter…) joins the number as ``"3 bis"`` or ``"12B"``.
    Raises :class:`ReferenceDataError` naming the first problem; nothing is returned for a partly
    wrong file.
    """
    text = read_text(path)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in next(reader, [])]
    missing = [name for name in BAN_FIELDS if name not in header]
    if missing:
        raise ReferenceDataError(
            f"{path.name} : colonne(s) manquante(s) {', '.join(missing)} ; "
            f"attendu le format BAN avec au moins {', '.join(BAN_FIELDS)}."
        )
    columns = [header.index(name) for name in BAN_FIELDS]
    entries: list[AddressEntry] = []
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise ReferenceDataError(
                f"{path.name}, ligne {line} : {len(row)} colonnes au lieu de {len(header)}."
            )
        numero, rep, street, postcode, insee, commune, lon, lat = (row[i].strip() for i in columns)
        entries.append(
            AddressEntry(
                housenumber=_housenumber(path, line, numero, rep),
                street=_required(path, line, "nom_voie", street),
                postcode=_postcode(path, line, postcode),
                insee_code=_insee(path, line, insee),
                commune=_required(path, line, "nom_commune", commune),
                lon=_coordinate(path, line, "lon", lon, 180),
                lat=_coordinate(path, line, "lat", lat, 90),
                source="ban",
            )
        )
    if not entries:
        raise ReferenceDataError(f"{path.name} ne contient aucune adresse.")
    return entries


def _housenumber(path: Path, line: int, numero: str, rep: str) -> str | None:
    if not _NUMBER.match(numero or "0"):
        raise ReferenceDataError(f"{path.name}, ligne {line} : numéro « {numero} » non entier.")
    if numero.lstrip("0") in NO_NUMBER:
        return None
    number = numero.lstrip("0")
    if not rep:
        return number
    return f"{number}{rep.upper()}" if len(rep) == 1 else f"{number} {rep.lower()}"


def _required(path: Path, line: int, field: str, value: str) -> str:
    if not value:
        raise ReferenceDataError(f"{path.name}, ligne {line} : {field} vide.")
    return value


def _postcode(path: Path, line: int, value: str) -> str | None:
    if value and not _POSTCODE.match(value):
        raise ReferenceDataError(f"{path.name}, ligne {line} : code postal « {value} » mal formé.")
    return value or None


def _insee(path: Path, line: int, value: str) -> str:
    code = value.upper()
    if not _INSEE_CODE.match(code):
        raise ReferenceDataError(f"{path.name}, ligne {line} : code INSEE « {value} » mal formé.")
    return code


def _coordinate(path: Path, line: int, field: str, value: str, bound: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ReferenceDataError(
            f"{path.name}, ligne {line} : {field} « {value} » non numérique."
        ) from None
    if not math.isfinite(number) or not -bound <= number <= bound:
        raise ReferenceDataError(
            f"{path.name}, ligne {line} : {field} {value} hors des bornes WGS84 "
            f"(±{bound:g}) — attendu longitude/latitude en degrés, pas x/y Lambert-93."
        )
    return number
