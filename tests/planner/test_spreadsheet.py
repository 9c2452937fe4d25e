"""CSV cells never run as spreadsheet formulas, and a file we wrote reads back unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.spreadsheet import read_cell, safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x.invalid","clic")', '\'=HYPERLINK("http://x.invalid","clic")'),
        ("+33 6 12", "'+33 6 12"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("\tx", "'\tx"),
        ("-2.35", "-2.35"),
        ("-2,35", "-2,35"),
        ("Salle Jean Jaurès", "Salle Jean Jaurès"),
        (-4, -4),
    ],
)
def test_safe_cell_neutralises_formulas_only(value: object, written: object) -> None:
    """Texts a spreadsheet would evaluate get an apostrophe; numbers and plain texts do not."""
    assert safe_cell(value) == written


@given(st.text())
def test_read_cell_undoes_safe_cell(text: str) -> None:
    """Any text written with ``safe_cell`` reads back as it was."""
    written = safe_cell(text)
    assert isinstance(written, str)
    assert read_cell(written) == text


@pytest.mark.parametrize("text", ["'=x", "''=x", "'-2", "'abc", "-2.35", "'"])
def test_read_cell_undoes_safe_cell_for_apostrophes(text: str) -> None:
    """Texts that already start with an apostrophe read back as they were."""
    assert read_cell(str(safe_cell(text))) == text
