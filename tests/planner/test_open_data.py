"""Which territory and which period open data publishes."""

from __future__ import annotations

from datetime import date

import pytest

from planner.errors import InvalidInputError
from planner.open_data import Territory, TerritoryKind, open_data_period, parse_territory


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 4), (date(2025, 12, 1), date(2026, 11, 30))),
        (date(2026, 1, 1), (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2024, 3, 31), (date(2023, 3, 1), date(2024, 2, 29))),
    ],
)
def test_open_data_period_default_twelve_complete_months(
    today: date, expected: tuple[date, date]
) -> None:
    """Without a year, the twelve whole months before the current one."""
    assert open_data_period(None, today=today) == expected


def test_open_data_period_of_a_year() -> None:
    """A past year whole, the current one up to today; a year to come or before 2000 refused."""
    today = date(2026, 12, 4)
    assert (open_data_period(2024, today=today), open_data_period(2026, today=today)) == (
        (date(2024, 1, 1), date(2024, 12, 31)),
        (date(2026, 1, 1), today),
    )
    for year in (2027, 1999):
        with pytest.raises(InvalidInputError) as caught:
            open_data_period(year, today=today)
        assert caught.value.errors == {"annee": "une année de 2000 à 2026"}


def test_parse_territory() -> None:
    """A department code, Corsica's and overseas' included, or a SIREN; anything else refused."""
    parsed = [parse_territory(text) for text in ("59", "2a", "974", "200093201")]
    assert parsed == [
        Territory(TerritoryKind.DEPARTMENT, "59"),
        Territory(TerritoryKind.DEPARTMENT, "2A"),
        Territory(TerritoryKind.DEPARTMENT, "974"),
        Territory(TerritoryKind.EPCI, "200093201"),
    ]
    assert [(t.label, t.named) for t in parsed[::3]] == [
        ("département 59", "le département 59"),
        ("EPCI 200093201", "l'EPCI 200093201"),
    ]
    for text in ("5", "590", "2C", "12345678"):
        with pytest.raises(InvalidInputError):
            parse_territory(text)
