"""The booking form's fields, read into the API's own request schema.

The form posts plain fields (a day and two clock times rather than ISO instants, ticked people
and audiences); :func:`read_booking_form` turns them into the same
:class:`~api.schemas.session.SeriesCreate` the API validates, so the form and the API refuse the
same values. Errors are keyed by form field, in French.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from api.pages.form_values import many, one
from api.schemas.session import SeriesCreate

FIELD_OF = {
    "start": "start_time",
    "end": "end_time",
    "staff": "staff_ids",
    "venue": "venue_id",
    "interval_days": "count",
}
"""Where a service or rule names a field differently from the form."""
FIELDS = (
    "kind",
    "title",
    "day",
    "start_time",
    "end_time",
    "venue_id",
    "staff_ids",
    "partner_ids",
    "audiences",
    "capacity",
    "takes_registrations",
    "description",
    "internal_notes",
    "count",
)
"""The form's fields, each with a place for its errors."""


def form_field(name: str | None) -> str:
    """The form field a service's or a rule's field name designates (``""``: the whole form)."""
    if name is None:
        return ""
    return FIELD_OF.get(name, name) if FIELD_OF.get(name, name) in FIELDS else ""


@dataclass
class BookingForm:
    """The values as typed (to show them again) and what they mean, once read."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    request: SeriesCreate | None = None


def _clock(text: str) -> time | None:
    try:
        return time.fromisoformat(text) if len(text) == 5 else None
    except ValueError:
        return None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def form_values(data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as typed, for showing the form again."""
    values: dict[str, Any] = {name: one(data, name) for name in FIELDS}
    values["staff_ids"] = many(data, "staff_ids")
    values["partner_ids"] = many(data, "partner_ids")
    values["audiences"] = many(data, "audiences")
    values["publish"] = one(data, "publish") == "oui"
    values["takes_registrations"] = one(data, "takes_registrations") == "oui"
    return values


def read_booking_form(data: dict[str, Any], *, organisation_id: int, zone: ZoneInfo) -> BookingForm:
    """Read the posted form: every error by field at once, or the request to book."""
    values = form_values(data)
    form = BookingForm(values)
    errors = form.errors
    day = _day(values["day"])
    start, end = _clock(values["start_time"]), _clock(values["end_time"])
    if day is None:
        errors["day"] = "indiquez le jour (JJ/MM/AAAA)"
    if start is None:
        errors["start_time"] = "indiquez l'heure de début (HH:MM)"
    if end is None:
        errors["end_time"] = "indiquez l'heure de fin (HH:MM)"
    if not values["title"]:
        errors["title"] = "le titre est obligatoire"
    venue = _number(values["venue_id"])
    if venue is None:
        errors["venue_id"] = "choisissez un lieu"
    staff = [_number(v) for v in values["staff_ids"]]
    if not staff:
        errors["staff_ids"] = "cochez au moins une personne"
    count = _number(values["count"] or "1")
    if count is None or not 1 <= count <= 60:
        errors["count"] = "de 1 à 60 séances"
    capacity = _number(values["capacity"]) if values["capacity"] else None
    if values["capacity"] and capacity is None:
        errors["capacity"] = "un nombre de places (0 ou plus)"
    if errors or day is None or start is None or end is None:
        return form
    raw = {
        "kind": values["kind"],
        "title": values["title"],
        "start": datetime.combine(day, start, tzinfo=zone).isoformat(),
        "end": datetime.combine(day, end, tzinfo=zone).isoformat(),
        "venue_id": venue,
        "organisation_id": organisation_id,
        "staff_ids": staff,
        "partner_ids": [_number(v) for v in values["partner_ids"]],
        "audiences": values["audiences"],
        "capacity": capacity,
        "takes_registrations": values["takes_registrations"],
        "description": values["description"],
        "internal_notes": values["internal_notes"],
        "publish": values["publish"],
        "count": count,
        "interval_days": 7,
    }
    try:
        form.request = msgspec.convert(raw, SeriesCreate)
    except msgspec.ValidationError as exc:
        where = str(exc).rsplit("$.", 1)[-1].split("[")[0] if "$." in str(exc) else ""
        errors[form_field(where) or "title"] = _french(where)
    return form


def _french(name: str) -> str:
    """What to say of a value the schema refused."""
    return {
        "kind": "choisissez un type de séance",
        "title": "un titre de 1 à 200 caractères",
        "audiences": "cochez des publics de la liste",
        "description": "5 000 caractères au plus",
        "internal_notes": "5 000 caractères au plus",
        "staff_ids": "de 1 à 20 personnes",
        "partner_ids": "une structure inconnue",
        "venue_id": "un lieu inconnu",
    }.get(name, "valeur refusée")
