"""What a campaign is made of, as given, and how each part is checked and completed.

:mod:`planner.db.campaigns` stores campaigns; this module reads the input: every problem is
collected in one ``errors`` mapping (field → French message), so that a request is refused once
with every reason, and the defaults the coordinator did not give are filled in (targets of the
territory, weights from coverage, people of the organisations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db.models import (
    CampaignStaff,
    CampaignTarget,
    CampaignVenue,
    OutreachSession,
    Qpv,
    QpvEpci,
    SessionQpv,
    Staff,
    Venue,
)
from planner.session import OVERSEAS_ZONES, PUBLIC, Role, RuleSettings, SessionKind

PERIODS = {"week": 1, "fortnight": 2}
PERIOD_NAMES = {weeks: name for name, weeks in PERIODS.items()}
WEIGHTS = {"not_reached": 3, "lapsed": 2, "reached": 1}
LAPSED_AFTER_DAYS = 30
MAX_DAYS = 92
"""A campaign lasts at most a quarter: longer ones are planned quarter by quarter."""
WEEKDAYS = (1, 2, 3, 4, 5)
PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True, slots=True)
class TargetInput:
    """A QPV to visit; ``None`` fields take the campaign's defaults."""

    qpv_code: str
    min_visits: int | None = None
    per: str | None = None
    weight: int | None = None


@dataclass(frozen=True, slots=True)
class StaffInput:
    """A person taking part: ISO weekdays (1 is Monday), dates off, own weekly maximum."""

    staff_id: int
    weekdays: tuple[int, ...] = WEEKDAYS
    exceptions: tuple[date, ...] = ()
    max_sessions_per_week: int | None = None


@dataclass(frozen=True, slots=True)
class VenueChoice:
    """The venues the coordinator chose for one QPV."""

    qpv_code: str
    venue_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CampaignInput:
    """Everything a campaign is made of (see the module docstring for the defaults)."""

    name: str
    first_day: date
    last_day: date
    organisations: tuple[int, ...]
    department: str | None = None
    epci: str | None = None
    organisation_id: int | None = None
    """The coordinating organisation; ``None``: the caller's."""
    targets: tuple[TargetInput, ...] | None = None
    min_visits: int = 1
    per: str = "week"
    staff: tuple[StaffInput, ...] | None = None
    venues: tuple[VenueChoice, ...] = ()
    kind: SessionKind = SessionKind.NEIGHBOURHOOD_SESSION
    duration_minutes: int = 120
    window_start: str | None = None
    window_end: str | None = None
    """``None``: the coordinating organisation's evening window."""
    max_sessions_per_week: int = 2
    min_gap_days: int = 3
    max_travel_km: float | None = None
    time_limit_s: float = 10.0


def parse_time(value: str | None, field: str, errors: dict[str, str]) -> time | None:
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        errors[field] = "une heure HH:MM est attendue (ex. 17:30)"
        return None


def check_numbers(data: CampaignInput, settings: RuleSettings, errors: dict[str, str]) -> None:
    if not data.name.strip():
        errors["name"] = "le nom est obligatoire"
    if data.last_day < data.first_day:
        errors["last_day"] = "le dernier jour précède le premier"
    elif (data.last_day - data.first_day).days >= MAX_DAYS:
        errors["last_day"] = f"une campagne dure au plus {MAX_DAYS} jours"
    if (data.department is None) == (data.epci is None) and data.targets is None:
        errors["department"] = "donnez un département ou un EPCI (ou la liste des QPV visés)"
    if data.per not in PERIODS:
        errors["per"] = "« week » (par semaine) ou « fortnight » (par quinzaine)"
    if not 1 <= data.min_visits <= 7:
        errors["min_visits"] = "entre 1 et 7 visites"
    shortest, longest = settings.durations[data.kind]
    minutes = timedelta(minutes=data.duration_minutes)
    if not shortest <= minutes <= longest:
        errors["duration_minutes"] = (
            f"entre {int(shortest.total_seconds() // 60)} et {int(longest.total_seconds() // 60)}"
            " minutes pour ce type de séance"
        )
    if not 1 <= data.max_sessions_per_week <= 7:
        errors["max_sessions_per_week"] = "entre 1 et 7 séances par semaine"
    if not 1 <= data.min_gap_days <= 14:
        errors["min_gap_days"] = "entre 1 et 14 jours"
    if data.max_travel_km is not None and not 0 < data.max_travel_km <= 300:
        errors["max_travel_km"] = "entre 0 et 300 km"
    if not 1 <= data.time_limit_s <= 600:
        errors["time_limit_s"] = "entre 1 et 600 secondes"
    if len(set(data.organisations)) < 2:
        errors["organisations"] = "au moins deux organisations (les binômes en mêlent deux)"


async def territory_codes(
    session: AsyncSession, data: CampaignInput, errors: dict[str, str]
) -> list[str]:
    """The QPV codes of the campaign's department or EPCI."""
    if data.department is not None:
        query = select(Qpv.code).where(Qpv.department_code == data.department.upper())
        field, label = "department", f"aucun QPV chargé dans le département {data.department}"
    elif data.epci is not None:
        query = select(QpvEpci.qpv_code).where(QpvEpci.siren == data.epci)
        field, label = "epci", f"aucun QPV chargé pour l'EPCI {data.epci}"
    else:
        return []
    codes = sorted(set(await session.scalars(query)))
    if not codes:
        errors[field] = label
    return codes


async def resolve_targets(
    session: AsyncSession, data: CampaignInput, territory: list[str], errors: dict[str, str]
) -> list[CampaignTarget]:
    """The targets given, completed with the defaults (weights are set by :func:`_weighted`)."""
    given = data.targets
    if given is None:
        given = tuple(TargetInput(code) for code in territory)
    codes = [t.qpv_code.upper() for t in given]
    known = set(await session.scalars(select(Qpv.code).where(Qpv.code.in_(codes))))
    problems = []
    if unknown := sorted(set(codes) - known):
        problems.append("QPV inconnu(s) : " + ", ".join(unknown))
    if len(set(codes)) < len(codes):
        problems.append("un QPV est cité deux fois")
    if not given and "department" not in errors and "epci" not in errors:
        problems.append("au moins un QPV visé")
    for t in given:
        if t.min_visits is not None and not 1 <= t.min_visits <= 7:
            problems.append(f"{t.qpv_code} : entre 1 et 7 visites")
        if t.per is not None and t.per not in PERIODS:
            problems.append(f"{t.qpv_code} : « week » ou « fortnight »")
        if t.weight is not None and not 1 <= t.weight <= 10:
            problems.append(f"{t.qpv_code} : un poids entre 1 et 10")
    if problems:
        errors["targets"] = " ; ".join(problems)
        return []
    return [
        CampaignTarget(
            qpv_code=t.qpv_code.upper(),
            min_visits=t.min_visits or data.min_visits,
            period_weeks=PERIODS.get(t.per or data.per, 1),
            weight=t.weight or 0,
            weight_basis="given" if t.weight is not None else "",
        )
        for t in given
    ]


async def weighted(
    session: AsyncSession, targets: list[CampaignTarget], first_day: date, now: datetime
) -> list[CampaignTarget]:
    """Fill in default weights from each QPV's last visit before the campaign (or now): the
    latest published or completed session serving it (drafts never reached anyone)."""
    missing = [t.qpv_code for t in targets if t.weight_basis != "given"]
    if not missing:
        return targets
    cutoff = min(now, datetime.combine(first_day, time.min, tzinfo=PARIS))
    last = dict(
        (
            await session.execute(
                select(SessionQpv.qpv_code, func.max(OutreachSession.start_at))
                .join(OutreachSession, OutreachSession.id == SessionQpv.session_id)
                .where(SessionQpv.qpv_code.in_(missing))
                .where(OutreachSession.status.in_([s.value for s in PUBLIC]))
                .where(OutreachSession.start_at < cutoff)
                .group_by(SessionQpv.qpv_code)
            )
        ).all()
    )
    for target in targets:
        if target.weight_basis == "given":
            continue
        seen = last.get(target.qpv_code)
        if seen is None:
            basis = "not_reached"
        elif (cutoff - seen).days > LAPSED_AFTER_DAYS:
            basis = "lapsed"
        else:
            basis = "reached"
        target.weight, target.weight_basis = WEIGHTS[basis], basis
    return targets


async def resolve_staff(
    session: AsyncSession, data: CampaignInput, errors: dict[str, str]
) -> list[CampaignStaff]:
    """The people given (checked), or every active adviser and coordinator of the organisations."""
    orgs = set(data.organisations)
    if data.staff is None:
        rows = await session.scalars(
            select(Staff)
            .where(Staff.organisation_id.in_(orgs), Staff.active.is_(True))
            .where(Staff.role.in_([Role.ADVISER.value, Role.COORDINATOR.value]))
            .order_by(Staff.id)
        )
        return [CampaignStaff(staff_id=s.id, weekdays=list(WEEKDAYS), exceptions=[]) for s in rows]
    ids = [s.staff_id for s in data.staff]
    found = {s.id: s for s in await session.scalars(select(Staff).where(Staff.id.in_(ids)))}
    problems = []
    for person in data.staff:
        staff = found.get(person.staff_id)
        if staff is None:
            problems.append(f"intervenant n° {person.staff_id} inconnu")
        elif not staff.active:
            problems.append(f"intervenant n° {person.staff_id} désactivé")
        elif staff.organisation_id not in orgs:
            problems.append(f"intervenant n° {person.staff_id} : son organisation ne participe pas")
        if not person.weekdays or not set(person.weekdays) <= set(range(1, 8)):
            problems.append(f"intervenant n° {person.staff_id} : jours de 1 (lundi) à 7")
        outside = [d for d in person.exceptions if not data.first_day <= d <= data.last_day]
        if outside:
            problems.append(
                f"intervenant n° {person.staff_id} : exception hors de la période "
                f"({outside[0].isoformat()})"
            )
        most = person.max_sessions_per_week
        if most is not None and not 1 <= most <= 7:
            problems.append(f"intervenant n° {person.staff_id} : entre 1 et 7 séances")
    if len(set(ids)) < len(ids):
        problems.append("un intervenant est cité deux fois")
    if problems:
        errors["staff"] = " ; ".join(problems)
        return []
    return [
        CampaignStaff(
            staff_id=p.staff_id,
            weekdays=sorted(set(p.weekdays)),
            exceptions=sorted({d.isoformat() for d in p.exceptions}),
            max_sessions_per_week=p.max_sessions_per_week,
        )
        for p in data.staff
    ]


async def resolve_venues(
    session: AsyncSession, data: CampaignInput, errors: dict[str, str]
) -> list[CampaignVenue]:
    """The venues chosen per QPV, each known."""
    ids = {v for choice in data.venues for v in choice.venue_ids}
    known = set(await session.scalars(select(Venue.id).where(Venue.id.in_(ids))))
    if unknown := sorted(ids - known):
        errors["venues"] = "lieu(x) inconnu(s) : " + ", ".join(map(str, unknown))
        return []
    return [
        CampaignVenue(qpv_code=choice.qpv_code.upper(), venue_id=v)
        for choice in data.venues
        for v in sorted(set(choice.venue_ids))
    ]


async def target_zones(session: AsyncSession, codes: list[str]) -> set[str]:
    """The wall-clock zones (IANA) of the departments of these QPVs."""
    departments = set(await session.scalars(select(Qpv.department_code).where(Qpv.code.in_(codes))))
    return {OVERSEAS_ZONES.get(d, "Europe/Paris") for d in departments}
