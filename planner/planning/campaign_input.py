"""What a campaign is made of, as given, and the checks that need no database.

A request is refused once with every reason: each check adds its problems to one ``errors``
mapping (field → French message). :mod:`planner.db.campaign_resolution` checks the rest against
the database (known QPVs, people and venues) and fills in the defaults the coordinator did not
give; :mod:`planner.db.campaigns` stores the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from planner.coverage_status import CoverageStatus
from planner.session import RuleSettings, SessionKind

PERIODS = {"week": 1, "fortnight": 2}
"""A target's period, by name, in weeks."""
PERIOD_NAMES = {weeks: name for name, weeks in PERIODS.items()}
WEIGHTS = {CoverageStatus.NOT_REACHED: 3, CoverageStatus.LAPSED: 2, CoverageStatus.REACHED: 1}
"""A target's default weight from its QPV's coverage before the campaign: the less reached, the
heavier."""
MAX_DAYS = 92
"""A campaign lasts at most a quarter: longer ones are planned quarter by quarter."""
WEEKDAYS = (1, 2, 3, 4, 5)
"""A person's default evenings (ISO weekdays): Monday to Friday."""


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
    """Everything a campaign is made of (see :mod:`planner.db.campaigns` for the defaults)."""

    name: str
    first_day: date
    last_day: date
    organisations: tuple[int, ...]
    departments: tuple[str, ...] = ()
    """The territory: any set of departments (codes) and EPCIs (SIRENs), e.g. a region's five
    departments; the targets default to every QPV of it."""
    epcis: tuple[str, ...] = ()
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
    """``HH:MM`` as a time (``None`` stays ``None``); a malformed one is noted under ``field``."""
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        errors[field] = "une heure HH:MM est attendue (ex. 17:30)"
        return None


def check_numbers(data: CampaignInput, settings: RuleSettings, errors: dict[str, str]) -> None:
    """The campaign's own fields: name, period, territory given, frequencies and limits."""
    if not data.name.strip():
        errors["name"] = "le nom est obligatoire"
    if data.last_day < data.first_day:
        errors["last_day"] = "le dernier jour précède le premier"
    elif (data.last_day - data.first_day).days >= MAX_DAYS:
        errors["last_day"] = f"une campagne dure au plus {MAX_DAYS} jours"
    if not data.departments and not data.epcis and data.targets is None:
        errors["department"] = (
            "donnez au moins un département ou un EPCI (ou la liste des QPV visés)"
        )
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


def target_problems(
    given: tuple[TargetInput, ...], codes: list[str], errors: dict[str, str]
) -> list[str]:
    """What is wrong with the targets given (``codes``: their QPV codes, upper case), short of
    whether each QPV is known: a QPV cited twice, none at all (unless the territory already
    failed), a frequency, period or weight out of range."""
    problems = []
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
    return problems


def person_problems(person: StaffInput, first_day: date, last_day: date) -> list[str]:
    """What is wrong with one person's availability, short of who they are: weekdays outside
    1–7 (or none), a date off outside the campaign, a weekly maximum out of range."""
    problems = []
    if not person.weekdays or not set(person.weekdays) <= set(range(1, 8)):
        problems.append(f"intervenant n° {person.staff_id} : jours de 1 (lundi) à 7")
    outside = [d for d in person.exceptions if not first_day <= d <= last_day]
    if outside:
        problems.append(
            f"intervenant n° {person.staff_id} : exception hors de la période "
            f"({outside[0].isoformat()})"
        )
    most = person.max_sessions_per_week
    if most is not None and not 1 <= most <= 7:
        problems.append(f"intervenant n° {person.staff_id} : entre 1 et 7 séances")
    return problems
