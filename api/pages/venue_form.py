"""The « nouveau lieu » form read into the venue service's input, every error by its field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.pages.form_values import one
from planner.db.venues import VenueInput
from planner.venue import KIND_LABELS, Address, VenueKind

FIELDS = ("name", "kind", "street", "postcode", "commune", "capacity", "step_free", "notes")
PLACE = "candidat"
"""The field choosing where the venue goes: a geocoder's proposal (its label) or the map."""
ON_MAP = "carte"
"""The value of :data:`PLACE` when the person placed the venue on the map."""
LIMITS = {"name": 200, "street": 300, "commune": 200, "notes": 5000}
STEP_FREE = {"oui": True, "non": False, "": None}


def kinds() -> list[tuple[str, str]]:
    """The venue kinds a person chooses from: value and French name."""
    return [(kind.value, label.capitalize()) for kind, label in KIND_LABELS.items()]


def blank() -> dict[str, str]:
    """The empty form's values."""
    return {
        **dict.fromkeys(FIELDS, ""),
        "kind": VenueKind.OTHER.value,
        PLACE: "",
        "lat": "",
        "lon": "",
    }


@dataclass
class VenueForm:
    """The values as typed (to show them again), the errors by field, and the input when the
    form is complete."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    venue: VenueInput | None = None


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def read_venue_form(data: dict[str, Any]) -> VenueForm:
    """Read and check the posted form; the venue rules themselves are the service's."""
    values = {name: one(data, name) for name in (*FIELDS, PLACE, "lat", "lon")}
    form = VenueForm(values)
    errors = form.errors
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = f"{limit} caractères au plus"
    kind = next((k for k in VenueKind if k.value == values["kind"]), None)
    if kind is None:
        errors["kind"] = "choisissez un type de lieu dans la liste"
    capacity = None
    if values["capacity"]:
        text = values["capacity"]
        if not (text.isascii() and text.isdigit() and int(text) <= 100_000):
            errors["capacity"] = "un nombre entier de places entre 0 et 100 000"
        else:
            capacity = int(text)
    if values["step_free"] not in STEP_FREE:
        errors["step_free"] = "répondez oui, non ou je ne sais pas"
    lon = lat = None
    if values[PLACE] == ON_MAP:
        lon, lat = _number(values["lon"]), _number(values["lat"])
        if lon is None or lat is None:
            errors[PLACE] = "touchez la carte à l'endroit du lieu, ou choisissez une proposition"
    if errors or kind is None:
        return form
    form.venue = VenueInput(
        name=values["name"],
        kind=kind,
        address=Address(
            street=values["street"], postcode=values["postcode"] or None, commune=values["commune"]
        ),
        lon=lon,
        lat=lat,
        capacity=capacity,
        step_free=STEP_FREE[values["step_free"]],
        notes=values["notes"],
        candidate=values[PLACE] if values[PLACE] not in ("", ON_MAP) else None,
    )
    return form


def field_of(name: str) -> str:
    """The form field showing the service's error about ``name``."""
    return PLACE if name in ("lat", "lon") else name if name in FIELDS else ""
