"""Open data a territory publishes about outreach (issue 17): which territory, and which period.

A territory is a department (``59``, ``2A``, ``974``) or an EPCI (its 9-digit SIREN). The
period published is a whole calendar year asked for (``annee``), or by default the last twelve
complete months: a figure that does not move every day, so that a published map, a cache and a
citation agree for a month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from planner.errors import InvalidInputError

DEPARTMENT = re.compile(r"^(?:\d{2}|2[AB]|97\d)$")
SIREN = re.compile(r"^\d{9}$")
TERRITORY_PATTERN = r"^(\d{2}|2[ABab]|97\d|\d{9})$"
"""A territory as it appears in a URL (a route validates it with this before any query)."""
FIRST_YEAR = 2000


class TerritoryKind(StrEnum):
    """What a published territory is."""

    DEPARTMENT = "department"
    EPCI = "epci"


KIND_LABELS = {TerritoryKind.DEPARTMENT: "département", TerritoryKind.EPCI: "EPCI"}


@dataclass(frozen=True, slots=True)
class Territory:
    """A department or an EPCI whose open data may be published."""

    kind: TerritoryKind
    code: str

    @property
    def label(self) -> str:
        """The territory in French: « département 59 », « EPCI 200093201 »."""
        return f"{KIND_LABELS[self.kind]} {self.code}"

    @property
    def named(self) -> str:
        """The label with its article: « le département 59 », « l'EPCI 200093201 »."""
        article = "le " if self.kind is TerritoryKind.DEPARTMENT else "l'"
        return article + self.label


def parse_territory(text: str) -> Territory:
    """The territory ``text`` names, or :class:`InvalidInputError` (field ``territory``)."""
    code = text.strip().upper()
    if DEPARTMENT.match(code):
        return Territory(TerritoryKind.DEPARTMENT, code)
    if SIREN.match(code):
        return Territory(TerritoryKind.EPCI, code)
    raise InvalidInputError(
        {"territory": "un code de département (ex. 59) ou le SIREN d'un EPCI (9 chiffres)"}
    )


def open_data_period(year: int | None, *, today: date) -> tuple[date, date]:
    """First and last day (inclusive) of the period published on ``today``.

    Without ``year``: the twelve complete months before the current one. With ``year``: that
    calendar year, up to ``today`` when it is the current one; a year to come, or before
    2000, is refused (:class:`InvalidInputError`, field ``annee``).
    """
    if year is None:
        last = today.replace(day=1) - timedelta(days=1)
        month = last.year * 12 + last.month - 1 - 11  # the eleventh month before last's
        return date(month // 12, month % 12 + 1, 1), last
    if not FIRST_YEAR <= year <= today.year:
        raise InvalidInputError({"annee": f"une année de {FIRST_YEAR} à {today.year}"})
    return date(year, 1, 1), min(date(year, 12, 31), today)
