"""Residents' registrations as values: what a registration asks, the checks on it, and the
places left as a resident reads them.

Pure (no database): :mod:`planner.db.registrations` stores and serialises registrations, and
:mod:`planner.registration_mail` writes what registrants receive. A
registration asks for a first name or a pseudonym, one contact (an e-mail or a phone number),
optional accessibility needs and consent to the stated use — nothing else (PEERS.md: Mobilizon).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from planner.errors import InvalidInputError
from planner.session import SessionKind


class RegistrationStatus(StrEnum):
    """Where a registration stands."""

    CONFIRMED = "confirmed"
    OFFERED = "offered"
    """A freed place is held for them until ``offered_until``; they take it or it passes on."""
    WAITING = "waiting"
    CANCELLED = "cancelled"


HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
"""Statuses that hold a place."""
STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: "inscription confirmée",
    RegistrationStatus.OFFERED: "une place vous est proposée",
    RegistrationStatus.WAITING: "sur liste d'attente",
    RegistrationStatus.CANCELLED: "inscription annulée",
}
ATTENDANCE = {"present": "présent(e)", "absent": "absent(e)", "excused": "excusé(e)"}
"""Attendance marks after the session, and their French labels."""
WALK_IN_KINDS = frozenset({SessionKind.NEIGHBOURHOOD_SESSION})
"""Kinds that never take registrations: one comes as one is."""
NAME_MAX, NEEDS_MAX = 60, 500
EMAIL = re.compile(r"^[^@\s<>\"',;\x00-\x1f\x7f]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
FRENCH_PHONE = re.compile(r"^0[1-9]\d{8}$")
INTERNATIONAL_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class RegistrationRules:
    """How registrations behave in this deployment (``ALLERVERS_REGISTRATION_*``)."""

    offer_hours: int = 48
    """How long a freed place is held for the first person waiting."""
    erase_after_days: int = 90
    """Names and contacts are erased this long after the session."""
    reminder_hours: int = 48
    """Registrants are reminded this long before the session."""

    @property
    def erase_after_months(self) -> int:
        """The retention as residents read it (in whole months, at least one)."""
        return max(round(self.erase_after_days / 30), 1)


@dataclass(frozen=True, slots=True)
class RegistrationInput:
    """What a resident gives to register (checked by :func:`check_registration`)."""

    first_name: str
    email: str | None
    phone: str | None
    needs: str | None
    consent: bool


def check_registration(data: RegistrationInput) -> RegistrationInput:
    """The input cleaned (spaces trimmed, phone numbers written one way), or every problem at
    once as :class:`InvalidInputError`."""
    errors: dict[str, str] = {}
    name = " ".join(data.first_name.split())
    if not name:
        errors["first_name"] = "indiquez un prénom ou un pseudonyme"
    elif len(name) > NAME_MAX or CONTROL.search(name):
        errors["first_name"] = f"un prénom ou un pseudonyme de {NAME_MAX} caractères au plus"
    email = (data.email or "").strip() or None
    phone = PHONE_SEPARATORS.sub("", data.phone or "") or None
    if email is None and phone is None:
        errors["email"] = "indiquez un courriel ou un numéro de téléphone pour être prévenu(e)"
    elif email is not None and phone is not None:
        errors["phone"] = "un seul moyen de contact suffit : un courriel ou un téléphone"
    if email is not None and (len(email) > 254 or not EMAIL.match(email)):
        errors["email"] = "une adresse de courriel comme prenom@exemple.fr"
    if phone is not None:
        if phone.startswith("0033"):
            phone = "+" + phone[2:]
        if phone.startswith("+33") and len(phone) == 12:  # a French number, written one way
            phone = "0" + phone[3:]
        if not (FRENCH_PHONE.match(phone) or INTERNATIONAL_PHONE.match(phone)):
            errors["phone"] = "un numéro comme 06 12 34 56 78 ou +33 6 12 34 56 78"
    needs = (data.needs or "").strip() or None
    if needs is not None and (len(needs) > NEEDS_MAX or CONTROL.search(needs)):
        errors["needs"] = f"{NEEDS_MAX} caractères au plus"
    if not data.consent:
        errors["consent"] = "l'inscription demande votre accord pour cet usage de vos données"
    if errors:
        raise InvalidInputError(errors)
    domain = email.rsplit("@", 1) if email else None
    return RegistrationInput(
        first_name=name,
        email=f"{domain[0]}@{domain[1].lower()}" if domain else None,
        phone=phone,
        needs=needs,
        consent=True,
    )


def places_left(capacity: int | None, taken: int) -> int | None:
    """Places still free (``None``: no limit)."""
    return None if capacity is None else max(capacity - taken, 0)


def places_text(capacity: int | None, taken: int) -> str:
    """The places left as residents read them: "12 places restantes", "complet"…"""
    left = places_left(capacity, taken)
    if left is None:
        return "places sans limite"
    if left == 0:
        return "complet (liste d'attente ouverte)"
    return "1 place restante" if left == 1 else f"{left} places restantes"
