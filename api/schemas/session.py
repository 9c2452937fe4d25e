"""Session schemas (msgspec): booking, series, changes, outcome, and the two views of a session.

The public view carries what a poster on the social centre's door would say; the staff view
adds the assigned staff, internal notes and the outcome.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from api.schemas import Id
from api.schemas.territory import Point
from planner.audiences import Audience
from planner.booking_input import OutcomeInput, SessionInput
from planner.db.booking_check import Verdict
from planner.db.models import OutreachSession
from planner.errors import NotFoundError
from planner.registration import places_left
from planner.session import SESSION_KIND_LABELS, Notice, SessionKind, SessionStatus, Violation

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]
Moment = Annotated[
    datetime,
    msgspec.Meta(tz=True, description="Date et heure avec fuseau, ex. 2026-12-01T18:00:00+01:00"),
]
Count = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
StaffIds = Annotated[list[Id], msgspec.Meta(min_length=1, max_length=20)]


class SessionCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A session to book; ``publish`` books it published at once (else a draft)."""

    kind: SessionKind
    title: Title
    start: Moment
    end: Moment
    venue_id: Id
    organisation_id: Id
    staff_ids: StaffIds
    partner_ids: list[Id] = []
    qpv_codes: list[str] | None = None
    audiences: Annotated[list[Audience], msgspec.Meta(max_length=len(Audience))] = []
    capacity: Annotated[int, msgspec.Meta(ge=0)] | None = None
    description: Text = ""
    internal_notes: Text = ""
    takes_registrations: bool = False
    """Residents register on its public page (forums, hackathons, info sessions, workshops)."""
    publish: bool = False

    def to_input(self) -> SessionInput:
        """The domain value."""
        return SessionInput(
            kind=self.kind,
            title=self.title,
            start=self.start,
            end=self.end,
            venue_id=self.venue_id,
            organisation_id=self.organisation_id,
            staff_ids=tuple(self.staff_ids),
            partner_ids=tuple(self.partner_ids),
            qpv_codes=tuple(self.qpv_codes) if self.qpv_codes is not None else None,
            audiences=tuple(self.audiences),
            capacity=self.capacity,
            description=self.description,
            internal_notes=self.internal_notes,
            takes_registrations=self.takes_registrations,
        )


class SeriesCreate(SessionCreate, forbid_unknown_fields=True):
    """A series: the first session, then ``count`` occurrences every ``interval_days`` days at
    the same local time (e.g. every Tuesday 18:00–21:30 for six weeks)."""

    count: Annotated[int, msgspec.Meta(ge=1, le=60)] = 1
    interval_days: Annotated[int, msgspec.Meta(ge=1, le=31)] = 7


class SessionPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Changes to a session; only the fields given change."""

    kind: SessionKind | msgspec.UnsetType = msgspec.UNSET
    title: Title | msgspec.UnsetType = msgspec.UNSET
    start: Moment | msgspec.UnsetType = msgspec.UNSET
    end: Moment | msgspec.UnsetType = msgspec.UNSET
    venue_id: Id | msgspec.UnsetType = msgspec.UNSET
    organisation_id: Id | msgspec.UnsetType = msgspec.UNSET
    staff_ids: StaffIds | msgspec.UnsetType = msgspec.UNSET
    partner_ids: list[Id] | msgspec.UnsetType = msgspec.UNSET
    qpv_codes: list[str] | msgspec.UnsetType = msgspec.UNSET
    audiences: (
        Annotated[list[Audience], msgspec.Meta(max_length=len(Audience))] | msgspec.UnsetType
    ) = msgspec.UNSET
    capacity: Annotated[int, msgspec.Meta(ge=0)] | msgspec.UnsetType | None = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    internal_notes: Text | msgspec.UnsetType = msgspec.UNSET
    takes_registrations: bool | msgspec.UnsetType = msgspec.UNSET


class Cancellation(msgspec.Struct, forbid_unknown_fields=True):
    """Why a session is cancelled (shown to the public)."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class OutcomeIn(msgspec.Struct, forbid_unknown_fields=True):
    """What a session achieved."""

    people_met: Count
    new_contacts: Count
    job_offers: Count
    immersions: Count
    follow_ups: Count
    remarks: Text = ""

    def to_input(self) -> OutcomeInput:
        """The domain value."""
        return OutcomeInput(**msgspec.structs.asdict(self))


class VenueRef(msgspec.Struct, frozen=True):
    """Where a session happens."""

    id: int
    name: str
    street: str
    postcode: str | None
    commune: str
    point: Point
    insee_code: str | None
    qpv: str | None


class OrganisationRef(msgspec.Struct, frozen=True):
    """An organisation by id and name."""

    id: int
    name: str


class StaffRef(msgspec.Struct, frozen=True):
    """An assigned staff member (staff view only)."""

    id: int
    name: str
    organisation_id: int


class OutcomeOut(msgspec.Struct, frozen=True):
    """A session's outcome (staff view only)."""

    people_met: int
    new_contacts: int
    job_offers: int
    immersions: int
    follow_ups: int
    remarks: str


class SessionOut(msgspec.Struct, frozen=True, omit_defaults=True):
    """A session. ``internal_notes``, ``staff`` and ``outcome`` appear for staff only."""

    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    start: datetime
    end: datetime
    timezone: str
    venue: VenueRef
    organisation: OrganisationRef
    partners: list[OrganisationRef]
    qpvs: list[str]
    audiences: list[str]
    capacity: int | None
    takes_registrations: bool
    places_left: int | None
    """Places not yet taken by registrants (``None``: no limit); 0: full, a waiting list."""
    status: str
    cancel_reason: str | None
    revision: int
    series_id: str | None
    updated_at: datetime
    internal_notes: str | None = None
    staff: list[StaffRef] | None = None
    outcome: OutcomeOut | None = None


def session_number(ref: str) -> int:
    """The session number in a path: ASCII digits within any id (and a database integer), else
    404 as for a missing one — one URL per session (``٣`` is not session 3)."""
    if not (ref.isascii() and ref.isdigit()) or len(ref) > 9:
        raise NotFoundError(f"Aucune séance « {ref} ».")
    return int(ref)


def session_out(row: OutreachSession, *, private: bool) -> SessionOut:
    """Present a session: the public view, or the staff view when ``private``."""
    venue = row.venue
    outcome = row.outcome
    return SessionOut(
        id=row.id,
        kind=row.kind,
        kind_label=SESSION_KIND_LABELS[SessionKind(row.kind)],
        title=row.title,
        description=row.description,
        start=row.start_at,
        end=row.end_at,
        timezone=row.timezone,
        venue=VenueRef(
            id=venue.id,
            name=venue.name,
            street=venue.street,
            postcode=venue.postcode,
            commune=venue.commune_name,
            point=Point(lat=venue.lat, lon=venue.lon),
            insee_code=venue.insee_code,
            qpv=venue.qpv_code,
        ),
        organisation=OrganisationRef(row.organisation.id, row.organisation.name),
        partners=[OrganisationRef(p.organisation.id, p.organisation.name) for p in row.partners],
        qpvs=[q.qpv_code for q in row.qpvs],
        audiences=[a.tag for a in row.audiences],
        capacity=row.capacity,
        takes_registrations=row.takes_registrations,
        places_left=places_left(row.capacity, row.places_taken),
        status=row.status,
        cancel_reason=row.cancel_reason,
        revision=row.revision,
        series_id=row.series_id,
        updated_at=row.updated_at,
        internal_notes=row.internal_notes if private else None,
        staff=[StaffRef(s.staff_id, s.member.name, s.organisation_id) for s in row.staff]
        if private
        else None,
        outcome=OutcomeOut(
            outcome.people_met,
            outcome.new_contacts,
            outcome.job_offers,
            outcome.immersions,
            outcome.follow_ups,
            outcome.remarks,
        )
        if private and outcome is not None
        else None,
    )


class NoticeOut(msgspec.Struct, frozen=True):
    """A soft rule broken: the booking was accepted anyway."""

    code: str
    message: str
    session_id: int | None


class BookingOut(msgspec.Struct, frozen=True):
    """A booked or changed session, with the warnings it was accepted with."""

    session: SessionOut
    notices: list[NoticeOut]


def notices_out(notices: tuple[Notice, ...]) -> list[NoticeOut]:
    """Present notices."""
    return [NoticeOut(n.code, n.message, n.session_id) for n in notices]


class SessionPage(msgspec.Struct, frozen=True):
    """One page of sessions and how many match in all."""

    total: int
    limit: int
    offset: int
    items: list[SessionOut]


def violation_out(violation: Violation) -> dict[str, object]:
    """A violation as it appears in a refusal problem."""
    return {
        "code": violation.code,
        "message": violation.message,
        "session_id": violation.session_id,
        "field": violation.field,
    }


STATUS_VALUES = [s.value for s in SessionStatus]


class ViolationOut(msgspec.Struct, frozen=True):
    """A hard rule a booking would break, with the form field it concerns (``None``: the
    booking as a whole)."""

    code: str
    message: str
    session_id: int | None
    field: str | None


class FieldErrorOut(msgspec.Struct, frozen=True):
    """A refused value of the request, by field."""

    field: str
    detail: str


class VerdictOut(msgspec.Struct, frozen=True):
    """What booking would say, nothing being booked: ``ok`` when it would be made."""

    ok: bool
    errors: list[FieldErrorOut]
    violations: list[ViolationOut]
    notices: list[NoticeOut]


def verdict_out(verdict: Verdict) -> VerdictOut:
    """Present a verdict."""
    return VerdictOut(
        ok=verdict.ok,
        errors=[FieldErrorOut(f, d) for f, d in verdict.errors.items()],
        violations=[
            ViolationOut(v.code, v.message, v.session_id, v.field) for v in verdict.violations
        ],
        notices=notices_out(verdict.notices),
    )
