"""Sessions as domain values: kinds, statuses, the booking the rules check, their verdicts.

These are plain frozen values; :mod:`planner.rules` judges them and :mod:`planner.db.booking`
loads and stores them. Times are aware datetimes; a session's wall-clock rules (the evening
window) are read in its own time zone (Europe/Paris, or an overseas zone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum


class SessionKind(StrEnum):
    """The kinds of outreach work."""

    NEIGHBOURHOOD_SESSION = "neighbourhood_session"
    EMPLOYER_FORUM = "employer_forum"
    HACKATHON = "hackathon"
    INFO_SESSION = "info_session"
    WORKSHOP = "workshop"
    """A workshop or creativity day: a day-long session (typically 9:00–17:00)."""


SESSION_KIND_LABELS = {
    SessionKind.NEIGHBOURHOOD_SESSION: "permanence de quartier en soirée",
    SessionKind.EMPLOYER_FORUM: "forum employeurs",
    SessionKind.HACKATHON: "hackathon",
    SessionKind.INFO_SESSION: "réunion d'information",
    SessionKind.WORKSHOP: "atelier ou journée de créativité",
}


class SessionStatus(StrEnum):
    """``draft`` → ``published`` → ``completed``, or ``cancelled`` (with a reason)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


HOLDING = frozenset({SessionStatus.DRAFT, SessionStatus.PUBLISHED, SessionStatus.COMPLETED})
"""Statuses that hold their staff and venue: only a cancellation releases them."""
PUBLIC = frozenset({SessionStatus.PUBLISHED, SessionStatus.COMPLETED})
"""Statuses the public may see (cancellations are shown only as such, in feeds)."""


class OrganisationKind(StrEnum):
    """The kinds of organisations that do or host outreach."""

    MISSION_LOCALE = "mission_locale"
    FRANCE_TRAVAIL = "france_travail"
    CENTRE_SOCIAL = "centre_social"
    CITESLAB = "citeslab"
    E2C = "e2c"
    EMPLOYER = "employer"
    ASSOCIATION = "association"
    COLLECTIVITE = "collectivite"
    OTHER = "other"


class Role(StrEnum):
    """What a staff member may do (see ``api/auth.py``)."""

    ADVISER = "adviser"
    COORDINATOR = "coordinator"
    MANAGER = "manager"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a session happens, as the rules need it."""

    venue_id: int
    lon: float | None
    lat: float | None
    """``None`` when the venue was never placed: such a session cannot be published."""
    qpv_code: str | None
    """The QPV the venue lies in, if any."""
    nearest_qpv_distance_m: float | None
    name: str = ""
    """The venue's name, for messages people read (its number when unknown)."""
    to_find: bool = False
    """A stand-in for a venue still to find in the QPV (a campaign's): never published."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """A staff member assigned to a session, with the organisation they belong to."""

    staff_id: int
    organisation_id: int
    name: str = ""
    """The person's name, for messages people read (their number when unknown)."""


@dataclass(frozen=True, slots=True)
class Booking:
    """A session as the booking rules see it (a new one has ``id=None``)."""

    id: int | None
    kind: SessionKind
    status: SessionStatus
    start: datetime
    end: datetime
    timezone: str
    """IANA zone of the session's wall clock, e.g. ``Europe/Paris``."""
    place: Place
    staff: tuple[Assignment, ...]
    qpv_codes: tuple[str, ...]
    """The QPVs the session serves (by default those its venue serves)."""
    organisation_id: int
    capacity: int | None = None


@dataclass(frozen=True, slots=True)
class EveningWindow:
    """The hours neighbourhood sessions may take, in the session's local time."""

    start: time = time(17, 0)
    end: time = time(22, 0)


def _default_durations() -> dict[SessionKind, tuple[timedelta, timedelta]]:
    return {
        SessionKind.NEIGHBOURHOOD_SESSION: (timedelta(hours=1), timedelta(hours=5)),
        SessionKind.EMPLOYER_FORUM: (timedelta(hours=1), timedelta(hours=10)),
        SessionKind.HACKATHON: (timedelta(hours=2), timedelta(hours=72)),
        SessionKind.INFO_SESSION: (timedelta(minutes=30), timedelta(hours=4)),
        SessionKind.WORKSHOP: (timedelta(hours=1), timedelta(hours=10)),
    }


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """The tunable parts of the booking rules."""

    durations: dict[SessionKind, tuple[timedelta, timedelta]] = field(
        default_factory=_default_durations
    )
    """Minimum and maximum duration per kind."""
    travel_speed_kmh: float = 20.0
    """Urban speed used to check two sessions of one person are reachable in time."""
    travel_margin: timedelta = timedelta(minutes=15)
    """Fixed margin added to every travel between two sessions."""
    max_evenings_per_week: int = 3
    """More evening sessions than this for one person in an ISO week is a warning."""
    qpv_revisit_days: int = 3
    """A QPV visited again within this many days is a warning."""
    serve_radius_m: float = 500.0
    """A venue farther than this from every QPV is a warning."""
    evening_window: EveningWindow = field(default_factory=EveningWindow)
    """Default window; an organisation may set its own."""
    horizon: timedelta = timedelta(days=730)
    """How far ahead a session may be booked: beyond, a date is a typing error (year 2062 for
    2026), not a plan."""


@dataclass(frozen=True, slots=True)
class Violation:
    """A hard rule broken: the booking is refused. ``session_id`` names the conflicting one."""

    code: str
    message: str
    session_id: int | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A soft rule broken: the booking is accepted and the notice returned with it."""

    code: str
    message: str
    session_id: int | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the rules say of a booking."""

    violations: tuple[Violation, ...] = ()
    notices: tuple[Notice, ...] = ()

    @property
    def accepted(self) -> bool:
        """No hard rule broken."""
        return not self.violations


OVERSEAS_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
}
"""Wall-clock zones of the overseas departments that have QPVs."""


def timezone_for(insee_code: str | None) -> str:
    """The IANA zone of a commune's wall clock: Europe/Paris, or the overseas department's."""
    if insee_code and insee_code.startswith("97"):
        return OVERSEAS_ZONES.get(insee_code[:3], "Europe/Paris")
    return "Europe/Paris"
