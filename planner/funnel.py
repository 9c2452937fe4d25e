"""What follows an employer forum, as values: immersions (PMSMP) and hires, the checks on what
an adviser records, and the chain registered → attended → immersions → hires.

Pure (no database): :mod:`planner.db.funnel` stores them and counts. Only counts ever leave the
organisation (coverage, exports); who did an immersion stays with the forum's organisers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.errors import InvalidInputError

CONTRACTS = {"cdi": "CDI", "cdd": "CDD", "alternance": "alternance"}
IMMERSION_OUTCOMES = {
    "hire": "embauche",
    "training": "formation",
    "none": "sans suite",
}
LONGEST_IMMERSION_DAYS = 31
"""A PMSMP lasts at most a month (renewable once: recorded as a second one)."""


@dataclass(frozen=True, slots=True)
class ImmersionInput:
    """An immersion after a forum."""

    employer_id: int
    first_day: date
    last_day: date
    registration_id: int | None = None
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class HireInput:
    """A hire after a forum."""

    employer_id: int
    contract: str
    first_day: date
    emplois_francs: bool
    registration_id: int | None = None


def check_immersion(data: ImmersionInput, *, forum_day: date) -> None:
    """Refuse an immersion before the forum, ending before it starts, or over a month long."""
    errors: dict[str, str] = {}
    if data.first_day < forum_day:
        errors["first_day"] = "une immersion issue du forum commence le jour du forum ou après"
    if data.last_day < data.first_day:
        errors["last_day"] = "le dernier jour suit le premier"
    elif (data.last_day - data.first_day).days >= LONGEST_IMMERSION_DAYS:
        errors["last_day"] = f"une immersion dure {LONGEST_IMMERSION_DAYS} jours au plus"
    if data.outcome is not None and data.outcome not in IMMERSION_OUTCOMES:
        errors["outcome"] = "embauche (hire), formation (training) ou sans suite (none)"
    if errors:
        raise InvalidInputError(errors)


def check_hire(data: HireInput, *, forum_day: date) -> None:
    """Refuse a hire starting before the forum, or an unknown contract."""
    errors: dict[str, str] = {}
    if data.contract not in CONTRACTS:
        errors["contract"] = "CDI (cdi), CDD (cdd) ou alternance (alternance)"
    if data.first_day < forum_day:
        errors["first_day"] = "une embauche issue du forum commence le jour du forum ou après"
    if errors:
        raise InvalidInputError(errors)


@dataclass(frozen=True, slots=True)
class Funnel:
    """The chain after employer forums (one forum, or summed over a territory and a period)."""

    forums: int = 0
    registered: int = 0
    """Registrations that held a place (confirmed, or offered when the forum began)."""
    attended: int = 0
    immersions: int = 0
    hires: int = 0
    emplois_francs: int = 0
    """Hires under the emplois-francs scheme."""
