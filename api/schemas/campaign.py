"""Campaign schemas (msgspec); a campaign's plans are :mod:`api.schemas.campaign_plan`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from api.schemas import Id
from api.schemas.people import Clock, Department, Name, Siren
from planner.db.campaigns import venue_choices
from planner.db.models import Campaign
from planner.planning.campaign_input import (
    PERIOD_NAMES,
    CampaignInput,
    StaffInput,
    TargetInput,
    VenueChoice,
)
from planner.session import SessionKind

Per = Literal["week", "fortnight"]
QpvCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9]{6,16}$")]
Visits = Annotated[int, msgspec.Meta(ge=1, le=7)]
Weight = Annotated[int, msgspec.Meta(ge=1, le=10)]
IsoWeekday = Annotated[int, msgspec.Meta(ge=1, le=7)]


class TargetIn(msgspec.Struct, forbid_unknown_fields=True):
    """A QPV to visit: ``min_visits`` per ``per`` (week or fortnight); ``weight`` 1–10, by
    default from coverage (never reached 3, lapsed 2, reached 1)."""

    qpv_code: QpvCode
    min_visits: Visits | None = None
    per: Per | None = None
    weight: Weight | None = None


class StaffIn(msgspec.Struct, forbid_unknown_fields=True):
    """A person: ISO weekdays they are free in the evening (1 is Monday), dates off, own
    weekly maximum."""

    staff_id: Id
    weekdays: list[IsoWeekday] = msgspec.field(default_factory=lambda: [1, 2, 3, 4, 5])
    exceptions: list[date] = []
    max_sessions_per_week: Visits | None = None


class VenuesIn(msgspec.Struct, forbid_unknown_fields=True):
    """The venues chosen for one QPV (others use the venues serving them)."""

    qpv_code: QpvCode
    venue_ids: list[Id]


class CampaignCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new campaign: its territory (any set of ``departments`` and ``epcis``: a region's
    week is one campaign; ``department`` and ``epci`` add one each), period and participants."""

    name: Name
    first_day: date
    last_day: date
    organisations: list[Id]
    department: Department | None = None
    epci: Siren | None = None
    departments: Annotated[list[Department], msgspec.Meta(max_length=120)] = []
    epcis: Annotated[list[Siren], msgspec.Meta(max_length=1300)] = []
    organisation_id: Id | None = None
    targets: list[TargetIn] | None = None
    min_visits: Visits = 1
    per: Per = "week"
    staff: list[StaffIn] | None = None
    venues: list[VenuesIn] = []
    kind: SessionKind = SessionKind.NEIGHBOURHOOD_SESSION
    duration_minutes: Annotated[int, msgspec.Meta(ge=15, le=4320)] = 120
    window_start: Clock | None = None
    window_end: Clock | None = None
    max_sessions_per_week: Visits = 2
    min_gap_days: Annotated[int, msgspec.Meta(ge=1, le=14)] = 3
    max_travel_km: Annotated[float, msgspec.Meta(gt=0, le=300)] | None = None
    time_limit_s: Annotated[float, msgspec.Meta(ge=1, le=600)] = 10.0

    def to_input(self) -> CampaignInput:
        """The service's input."""
        values = {name: getattr(self, name) for name in self.__struct_fields__}
        return CampaignInput(**convert(values))


class CampaignPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Changes to a campaign (see the service for what a change of territory recomputes)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    first_day: date | msgspec.UnsetType = msgspec.UNSET
    last_day: date | msgspec.UnsetType = msgspec.UNSET
    organisations: list[Id] | msgspec.UnsetType = msgspec.UNSET
    department: Department | msgspec.UnsetType | None = msgspec.UNSET
    epci: Siren | msgspec.UnsetType | None = msgspec.UNSET
    departments: Annotated[list[Department], msgspec.Meta(max_length=120)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    epcis: Annotated[list[Siren], msgspec.Meta(max_length=1300)] | msgspec.UnsetType = msgspec.UNSET
    targets: list[TargetIn] | msgspec.UnsetType | None = msgspec.UNSET
    min_visits: Visits | msgspec.UnsetType = msgspec.UNSET
    per: Per | msgspec.UnsetType = msgspec.UNSET
    staff: list[StaffIn] | msgspec.UnsetType | None = msgspec.UNSET
    venues: list[VenuesIn] | msgspec.UnsetType = msgspec.UNSET
    kind: SessionKind | msgspec.UnsetType = msgspec.UNSET
    duration_minutes: Annotated[int, msgspec.Meta(ge=15, le=4320)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    window_start: Clock | msgspec.UnsetType = msgspec.UNSET
    window_end: Clock | msgspec.UnsetType = msgspec.UNSET
    max_sessions_per_week: Visits | msgspec.UnsetType = msgspec.UNSET
    min_gap_days: Annotated[int, msgspec.Meta(ge=1, le=14)] | msgspec.UnsetType = msgspec.UNSET
    max_travel_km: Annotated[float, msgspec.Meta(gt=0, le=300)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )
    time_limit_s: Annotated[float, msgspec.Meta(ge=1, le=600)] | msgspec.UnsetType = msgspec.UNSET


def convert(values: dict[str, Any]) -> dict[str, Any]:
    """Request values as the service's: lists to tuples, nested structs to its values."""
    out = dict(values)
    if {"department", "epci", "departments", "epcis"} & set(out):  # one territory, merged
        department, epci = out.pop("department", None), out.pop("epci", None)
        out["departments"] = tuple(
            sorted({*out.get("departments", ()), *([department] if department else [])})
        )
        out["epcis"] = tuple(sorted({*out.get("epcis", ()), *([epci] if epci else [])}))
    if out.get("organisations") is not None:
        out["organisations"] = tuple(out["organisations"])
    if out.get("targets") is not None:
        out["targets"] = tuple(
            TargetInput(t.qpv_code, t.min_visits, t.per, t.weight) for t in out["targets"]
        )
    if out.get("staff") is not None:
        out["staff"] = tuple(
            StaffInput(s.staff_id, tuple(s.weekdays), tuple(s.exceptions), s.max_sessions_per_week)
            for s in out["staff"]
        )
    if out.get("venues") is not None:
        out["venues"] = tuple(VenueChoice(v.qpv_code, tuple(v.venue_ids)) for v in out["venues"])
    return out


class TargetOut(msgspec.Struct, frozen=True):
    """A target as stored; ``weight_basis`` says where its weight came from."""

    qpv_code: str
    min_visits: int
    per: str
    weight: int
    weight_basis: str


class StaffOut(msgspec.Struct, frozen=True):
    """A person taking part."""

    staff_id: int
    weekdays: list[int]
    exceptions: list[str]
    max_sessions_per_week: int | None


class VenuesOut(msgspec.Struct, frozen=True):
    """Venues chosen for one QPV."""

    qpv_code: str
    venue_ids: list[int]


class CampaignOut(msgspec.Struct, frozen=True):
    """A campaign."""

    id: int
    name: str
    organisation_id: int
    departments: list[str]
    epcis: list[str]
    department: str | None
    """The territory's department when it is exactly one department (else ``None``)."""
    epci: str | None
    """The territory's EPCI when it is exactly one EPCI (else ``None``)."""
    first_day: date
    last_day: date
    organisations: list[int]
    targets: list[TargetOut]
    staff: list[StaffOut]
    venues: list[VenuesOut]
    kind: str
    duration_minutes: int
    window_start: str
    window_end: str
    max_sessions_per_week: int
    min_gap_days: int
    max_travel_km: float | None
    time_limit_s: float
    revision: int
    created_at: datetime
    updated_at: datetime


def campaign_out(row: Campaign) -> CampaignOut:
    """Present a campaign."""
    return CampaignOut(
        id=row.id,
        name=row.name,
        organisation_id=row.organisation_id,
        departments=list(row.departments),
        epcis=list(row.epcis),
        department=row.departments[0] if len(row.departments) == 1 and not row.epcis else None,
        epci=row.epcis[0] if len(row.epcis) == 1 and not row.departments else None,
        first_day=row.first_day,
        last_day=row.last_day,
        organisations=[o.organisation_id for o in row.organisations],
        targets=[
            TargetOut(
                t.qpv_code, t.min_visits, PERIOD_NAMES[t.period_weeks], t.weight, t.weight_basis
            )
            for t in row.targets
        ],
        staff=[
            StaffOut(s.staff_id, list(s.weekdays), list(s.exceptions), s.max_sessions_per_week)
            for s in row.staff
        ],
        venues=[VenuesOut(code, ids) for code, ids in venue_choices(row).items()],
        kind=row.kind,
        duration_minutes=row.duration_minutes,
        window_start=row.window_start,
        window_end=row.window_end,
        max_sessions_per_week=row.max_sessions_per_week,
        min_gap_days=row.min_gap_days,
        max_travel_km=row.max_travel_km,
        time_limit_s=row.time_limit_s,
        revision=row.revision,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
