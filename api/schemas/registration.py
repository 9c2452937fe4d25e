"""Registration schemas (msgspec): what a resident sends to register or change it, what they
read back through their link, and the organisers' list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from planner.clock import PARIS
from planner.db.models import OutreachSession, Registration
from planner.registration import (
    ATTENDANCE,
    NAME_MAX,
    NEEDS_MAX,
    STATUS_LABELS,
    RegistrationInput,
    RegistrationStatus,
    places_left,
)
from planner.spreadsheet import spreadsheet_csv

Status = Literal["confirmed", "offered", "waiting", "cancelled"]
FirstName = Annotated[str, msgspec.Meta(max_length=NAME_MAX * 2)]
Contact = Annotated[str, msgspec.Meta(max_length=254)]
Needs = Annotated[str, msgspec.Meta(max_length=NEEDS_MAX * 2)]


class RegistrationIn(msgspec.Struct, forbid_unknown_fields=True):
    """A registration: a first name or pseudonym, one contact (``email`` or ``phone``),
    optional accessibility needs, and ``consent`` to the stated use (required, ``true``)."""

    first_name: FirstName
    consent: bool
    email: Contact | None = None
    phone: Contact | None = None
    needs: Needs | None = None

    def to_input(self) -> RegistrationInput:
        """The pure value the service checks."""
        return RegistrationInput(self.first_name, self.email, self.phone, self.needs, self.consent)


class RegistrationPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """What a registrant may change: the name given and the needs (empty: none)."""

    first_name: FirstName | None = None
    needs: Needs | None = None


Attendance = Literal["present", "absent", "excused"]


class AttendanceMark(msgspec.Struct, forbid_unknown_fields=True):
    """Whether one registrant came (``null`` clears the mark)."""

    registration_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    attendance: Attendance | None


class AttendanceIn(msgspec.Struct, forbid_unknown_fields=True):
    """Attendance marks after the session."""

    marks: Annotated[list[AttendanceMark], msgspec.Meta(max_length=2000)]


class Registered(msgspec.Struct, frozen=True):
    """The answer to a registration. A new one: its ``status`` and personal ``link`` (keep it:
    it sees, changes or cancels the registration). The same e-mail again: nothing added,
    ``again`` true, the link sent again to that address (and neither shown here)."""

    again: bool
    message: str
    status: Status | None = None
    link: str | None = None


class SessionBrief(msgspec.Struct, frozen=True):
    """The session a registration is for."""

    id: int
    title: str
    start: datetime
    end: datetime
    venue: str
    status: str
    places_left: int | None


class MyRegistration(msgspec.Struct, frozen=True):
    """A registration as its registrant sees it through their link."""

    status: Status
    status_label: str
    first_name: str | None
    email: str | None
    phone: str | None
    needs: str | None
    offered_until: datetime | None
    session: SessionBrief


class RegistrantOut(msgspec.Struct, frozen=True):
    """One registrant, for the session's organisers."""

    id: int
    status: Status
    first_name: str | None
    email: str | None
    phone: str | None
    needs: str | None
    registered_at: datetime
    attendance: str | None


def session_brief(row: OutreachSession) -> SessionBrief:
    """What a registrant's page says of the session."""
    return SessionBrief(
        id=row.id,
        title=row.title,
        start=row.start_at,
        end=row.end_at,
        venue=", ".join(p for p in (row.venue.name, row.venue.street, row.venue.commune_name) if p),
        status=row.status,
        places_left=places_left(row.capacity, row.places_taken),
    )


def my_registration(row: Registration, outreach: OutreachSession) -> MyRegistration:
    """The registrant's view of their registration."""
    return MyRegistration(
        status=row.status,  # type: ignore[arg-type]
        status_label=STATUS_LABELS[RegistrationStatus(row.status)],
        first_name=row.first_name,
        email=row.email,
        phone=row.phone,
        needs=row.needs,
        offered_until=row.offered_until,
        session=session_brief(outreach),
    )


CSV_COLUMNS = (
    "Prénom ou pseudonyme",
    "Courriel",
    "Téléphone",
    "Besoins d'accessibilité",
    "État",
    "Inscrit(e) le",
    "Présence",
)


def registrants_csv(rows: Sequence[Registration]) -> bytes:
    """The organisers' list for a spreadsheet (formulas neutralised)."""
    return spreadsheet_csv(
        CSV_COLUMNS,
        (
            (
                row.first_name or "",
                row.email or "",
                row.phone or "",
                row.needs or "",
                STATUS_LABELS[RegistrationStatus(row.status)],
                row.created_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"),
                ATTENDANCE.get(row.attendance or "", ""),
            )
            for row in rows
        ),
    )


def registrant_out(row: Registration) -> RegistrantOut:
    """One line of the organisers' list."""
    return RegistrantOut(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]
        first_name=row.first_name,
        email=row.email,
        phone=row.phone,
        needs=row.needs,
        registered_at=row.created_at,
        attendance=row.attendance,
    )
