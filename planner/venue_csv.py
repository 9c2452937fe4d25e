"""Reading a venues CSV (bulk import): columns, values, and one reason per rejected row.

Pure functions: the file's text in, domain values and rejected rows out. Headers may be French
or English (``nom``/``name``, ``adresse``/``street``…); the separator is ``;`` or ``,``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from geo.text import fold
from planner.errors import InvalidInputError
from planner.spreadsheet import read_cell, safe_cell
from planner.venue import KIND_LABELS, Address, VenueKind, check_venue

COLUMNS = {
    "name": ("nom", "name", "nom du lieu"),
    "kind": ("type", "kind", "type de lieu"),
    "street": ("adresse", "street", "voie", "adresse postale"),
    "postcode": ("code postal", "code_postal", "cp", "postcode"),
    "commune": ("commune", "ville", "city"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng"),
    "capacity": ("capacite", "capacity", "jauge"),
    "step_free": ("accessible", "acces pmr", "step_free", "accessibilite pmr"),
    "notes": ("notes", "remarques", "commentaire"),
}
REQUIRED = ("name", "kind", "street", "commune")
KIND_WORDS = {
    **{fold(kind.value): kind for kind in VenueKind},
    **{fold(label): kind for kind, label in KIND_LABELS.items()},
    "france travail": VenueKind.FRANCE_TRAVAIL,
    "pole emploi": VenueKind.FRANCE_TRAVAIL,
    "ecole": VenueKind.SCHOOL,
    "college": VenueKind.SCHOOL,
    "lycee": VenueKind.SCHOOL,
    "gymnase": VenueKind.SPORTS_HALL,
    "salle de sport": VenueKind.SPORTS_HALL,
    "hotel de ville": VenueKind.MAIRIE,
}
TRUE_WORDS = {"oui", "o", "yes", "true", "vrai", "1", "x"}
FALSE_WORDS = {"non", "n", "no", "false", "faux", "0"}


@dataclass(frozen=True, slots=True)
class VenueRow:
    """One accepted row of the file: its line number and the venue it describes."""

    line: int
    name: str
    kind: VenueKind
    address: Address
    lon: float | None
    lat: float | None
    capacity: int | None
    step_free: bool | None
    notes: str
    cells: dict[str, str]
    """The row as read, to write it back if it is rejected later (geocoding, duplicate)."""


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that cannot be imported, with its line number, the reason, and its cells."""

    line: int
    reason: str
    cells: dict[str, str]


def _columns(header: list[str]) -> dict[str, str]:
    """Map our field names to the file's column names; refuse a file without the essentials."""
    by_folded = {fold(name).replace("_", " "): name for name in header}
    found: dict[str, str] = {}
    for field, names in COLUMNS.items():
        for name in names:
            if fold(name).replace("_", " ") in by_folded:
                found[field] = by_folded[fold(name).replace("_", " ")]
                break
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in found]
    if missing:
        raise InvalidInputError(
            {
                "fichier": f"colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} ; "
                "en-tête attendu par exemple : nom;type;adresse;code_postal;commune"
            }
        )
    return found


def _number(text: str, label: str, kind: type[int] | type[float]) -> int | float | None:
    text = text.strip().replace(",", ".") if kind is float else text.strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"{label} « {text} » n'est pas un nombre") from None


def _row(line: int, cells: dict[str, str], columns: dict[str, str]) -> VenueRow:
    def cell(field: str) -> str:
        return (cells.get(columns[field]) or "").strip() if field in columns else ""

    kind = KIND_WORDS.get(fold(cell("kind")))
    if kind is None:
        raise ValueError(
            f"type de lieu « {cell('kind')} » inconnu ; attendu : "
            + ", ".join(KIND_LABELS[k] for k in VenueKind)
        )
    flag = fold(cell("step_free"))
    if flag and flag not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError(f"accessible « {cell('step_free')} » : répondez oui ou non")
    lat = _number(cell("lat"), "latitude", float)
    lon = _number(cell("lon"), "longitude", float)
    capacity = _number(cell("capacity"), "capacité", int)
    row = VenueRow(
        line=line,
        name=cell("name"),
        kind=kind,
        address=Address(
            street=cell("street"), postcode=cell("postcode") or None, commune=cell("commune")
        ),
        lon=float(lon) if lon is not None else None,
        lat=float(lat) if lat is not None else None,
        capacity=int(capacity) if capacity is not None else None,
        step_free=(flag in TRUE_WORDS) if flag else None,
        notes=cell("notes"),
        cells=cells,
    )
    check_venue(name=row.name, address=row.address, capacity=row.capacity, lon=row.lon, lat=row.lat)
    return row


def check_venue_file(text: str) -> int:
    """Refuse at once a file unusable as a whole (empty, required columns missing, a NUL
    character: not a text file, and no database text may hold one), as :func:`read_venue_rows`
    would; give how many lines follow the header (rows to read)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInputError({"fichier": "le fichier est vide"})
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InvalidInputError(
            {"fichier": f"caractère nul à la ligne {line} : ce n'est pas un fichier CSV texte"}
        )
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    _columns([name.strip() for name in header])
    return sum(1 for line in text.splitlines()[1:] if line.strip())


def read_venue_rows(text: str) -> tuple[list[str], list[VenueRow], list[RejectedRow]]:
    """Return the header, the accepted rows and the rejected rows (with reasons) of a CSV.

    Raises :class:`InvalidInputError` when the file as a whole is unusable (empty, no header,
    required columns missing).
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInputError({"fichier": "le fichier est vide"})
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    columns = _columns(header)
    accepted: list[VenueRow] = []
    rejected: list[RejectedRow] = []
    for line, raw in _records(reader):
        cells = {k: read_cell(v) for k, v in raw.items() if k is not None and v is not None}
        if not any(v.strip() for v in cells.values()):
            continue
        if None in raw:
            rejected.append(RejectedRow(line, "trop de colonnes sur cette ligne", cells))
            continue
        try:
            accepted.append(_row(line, cells, columns))
        except InvalidInputError as exc:
            reasons = "; ".join(f"{field} : {reason}" for field, reason in exc.errors.items())
            rejected.append(RejectedRow(line, reasons, cells))
        except ValueError as exc:
            rejected.append(RejectedRow(line, str(exc), cells))
    return header, accepted, rejected


def _records(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str | Any, Any]]]:
    """The reader's records with their line number; a file the csv module cannot read on
    (a field longer than its limit, a stray quote at the end) is refused as a whole."""
    line = 1
    while True:
        try:
            raw = next(reader)
            line += 1
        except StopIteration:
            return
        except csv.Error as exc:
            limit = csv.field_size_limit()
            reason = (
                f"un champ dépasse {limit:_} caractères".replace("_", "\u202f")
                if "field larger" in str(exc)
                else "guillemets mal fermés"
            )
            raise InvalidInputError({"fichier": f"ligne {line + 1} illisible : {reason}"}) from None
        yield line, raw


def rejected_csv(header: list[str], rejected: list[RejectedRow]) -> str:
    """The rejected rows as a CSV to fix and submit again: the original columns, the line
    number and the reason."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*(safe_cell(name) for name in header), "ligne", "erreur"])
    for row in rejected:
        cells = [safe_cell(row.cells.get(name, "")) for name in header]
        writer.writerow([*cells, row.line, safe_cell(row.reason)])
    return out.getvalue()
