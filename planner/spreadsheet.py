"""Cells of the CSV files people open in a spreadsheet: a text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is a formula to Excel and LibreOffice (CSV injection,
OWASP), so it is written after an apostrophe, which spreadsheets show as plain text. Numbers
(``-2.35``) are left as they are; a file we wrote can be read back (:func:`read_cell`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_STARTS = "=+-@\t\r"
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
FORMULA = re.compile(r"'*[" + re.escape(FORMULA_STARTS) + "]")
"""A formula, or a formula we already escaped (apostrophes before it)."""


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet shows it without evaluating it: texts only are changed, and a
    text that already looks escaped gets one more apostrophe, so reading it back is exact."""
    if isinstance(value, str) and FORMULA.match(value) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Iterable[object]]) -> bytes:
    """A table as French spreadsheets open it: ``;``-separated, UTF-8 with a byte-order mark,
    every cell through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows((safe_cell(cell) for cell in row) for row in rows)
    return out.getvalue().encode("utf-8-sig")


def read_cell(text: str) -> str:
    """A cell as it was before :func:`safe_cell` (a file we wrote, imported again)."""
    return text[1:] if text.startswith("'") and FORMULA.match(text) else text
