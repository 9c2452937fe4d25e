"""What a person gives to book, change, list or close a session, and the checks on it alone.

Plain frozen values and pure checks (no database): :mod:`planner.db.booking` and
:mod:`planner.db.session_changes` resolve the references and apply the booking rules; the API
builds these values from its request schemas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from planner.errors import InvalidInputError
from planner.registration import WALK_IN_KINDS
from planner.session import SessionKind, SessionStatus


@dataclass(frozen=True, slots=True)
class SessionInput:
    """What a person gives to book a session."""

    kind: SessionKind
    title: str
    start: datetime
    end: datetime
    venue_id: int
    organisation_id: int
    staff_ids: tuple[int, ...]
    partner_ids: tuple[int, ...] = ()
    qpv_codes: tuple[str, ...] | None = None
    """``None``: the QPVs the venue serves."""
    audiences: tuple[str, ...] = ()
    capacity: int | None = None
    description: str = ""
    internal_notes: str = ""
    takes_registrations: bool = False
    """Residents register on its public page (never for walk-in kinds)."""


FIRST_YEAR, LAST_YEAR = 2000, 2999
"""Years a session can be in at all: outside, a date is a typing error, and date arithmetic
near year 1 or 9999 overflows (the booking horizon, a rule, is much nearer)."""


def check_session_input(data: SessionInput) -> None:
    """Refuse a session without title or staff, or with times lacking their zone."""
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "le titre est obligatoire"
    if not data.staff_ids:
        errors["staff_ids"] = "au moins un intervenant est nécessaire"
    if data.start.tzinfo is None or data.end.tzinfo is None:
        errors["start"] = "donnez l'heure avec son fuseau (ex. 2026-12-01T18:00:00+01:00)"
    for name, moment in (("start", data.start), ("end", data.end)):
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            errors[name] = (
                f"année {moment.year} hors des années possibles ({FIRST_YEAR}–{LAST_YEAR})"
            )
    if data.takes_registrations and data.kind in WALK_IN_KINDS:
        errors["takes_registrations"] = (
            "les permanences de quartier restent sans inscription : on y vient comme on est"
        )
    if errors:
        raise InvalidInputError(errors)


def check_capacity(capacity: int | None, venue_capacity: int | None) -> str | None:
    """Why ``capacity`` does not fit the venue (French), or ``None``."""
    if capacity is not None and venue_capacity is not None and capacity > venue_capacity:
        return f"le lieu accueille {venue_capacity} personnes au plus"
    return None


def check_days(**days: date | None) -> None:
    """Refuse days of a query (``from``, ``to``…) outside the possible years, by name."""
    errors = {
        name.rstrip("_"): f"année {day.year} hors des années possibles ({FIRST_YEAR}–{LAST_YEAR})"
        for name, day in days.items()
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR
    }
    if errors:
        raise InvalidInputError(errors)


@dataclass(frozen=True, slots=True)
class OutcomeInput:
    """What a session achieved."""

    people_met: int
    new_contacts: int
    job_offers: int
    immersions: int
    follow_ups: int
    remarks: str = ""


def check_outcome_input(data: OutcomeInput) -> None:
    """Refuse negative counts, and more new contacts than people met."""
    errors = {
        name: "doit être un nombre positif ou nul"
        for name in ("people_met", "new_contacts", "job_offers", "immersions", "follow_ups")
        if getattr(data, name) < 0
    }
    if data.new_contacts > data.people_met:
        errors["new_contacts"] = "ne peut dépasser le nombre de personnes rencontrées"
    if errors:
        raise InvalidInputError(errors)


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Filters of the session list; dates select sessions overlapping [start, end)."""

    start: datetime | None = None
    end: datetime | None = None
    qpv: str | None = None
    commune: str | None = None
    kind: SessionKind | None = None
    organisation: int | None = None
    staff: int | None = None
    statuses: frozenset[SessionStatus] | None = None
