"""QPV coverage as plain values: what is asked for (:class:`CoverageFilter`) and what
:func:`planner.db.coverage.compute_coverage` answers (per QPV, and summed over the territory)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from planner.coverage_status import DEFAULT_LAPSED_AFTER_DAYS, CoverageStatus
from planner.funnel import Funnel
from planner.session import SessionKind

DOUBLE_COUNTING_NOTE = (
    "Une séance compte pour chaque QPV qu'elle dessert : la somme des chiffres par QPV peut "
    "dépasser les totaux, qui comptent chaque séance une seule fois."
)


@dataclass(frozen=True, slots=True)
class CoverageFilter:
    """What coverage is asked for: a period (days, inclusive) and optional narrowing."""

    first_day: date
    last_day: date
    kind: SessionKind | None = None
    organisation: int | None = None
    """Lead or partner organisation of the sessions counted."""
    department: str | None = None
    epci: str | None = None
    lapsed_after_days: int = DEFAULT_LAPSED_AFTER_DAYS


@dataclass(frozen=True, slots=True)
class Figures:
    """Sums over held sessions: per QPV, or over distinct sessions for the totals."""

    sessions: int = 0
    session_hours: float = 0.0
    staff_hours: float = 0.0
    people_met: int = 0
    new_contacts: int = 0
    job_offers: int = 0
    immersions: int = 0


@dataclass(frozen=True, slots=True)
class Planned:
    """Sessions of the period not held yet: published ones starting from now, and drafts (what
    an accepted campaign plan books) the caller may see; counts only."""

    sessions: int = 0
    """Published sessions and drafts together."""
    drafts: int = 0
    """Of which drafts."""


@dataclass(frozen=True, slots=True)
class OrganisationShare:
    """An organisation that led, staffed or partnered sessions held, and how many of them."""

    id: int
    name: str
    sessions: int


@dataclass(frozen=True, slots=True)
class Department:
    """A department the caller may ask coverage for (what the department filter offers)."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class QpvCoverage:
    """One QPV of the territory asked, reached or not, with its polygon (exact, as WKB)."""

    code: str
    name: str
    department_code: str
    department_name: str
    communes: tuple[str, ...]
    geometry_wkb: bytes
    figures: Figures
    organisations: int
    """Distinct organisations that led, staffed (their staff's organisation) or partnered a
    session held there."""
    first_session: date | None
    last_session: date | None
    days_since_last: int | None
    next_session: datetime | None
    """The first published session from now on, in the period or after it."""
    status: CoverageStatus
    planned: Planned = field(default_factory=Planned)
    by_organisation: tuple[OrganisationShare, ...] = ()
    planned_by_organisation: tuple[OrganisationShare, ...] = ()
    """The organisations of the sessions planned in the period (lead, staff, partners)."""
    """The ``organisations``, most sessions first, then by name."""


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    """Totals over the territory, the share reached and the gaps, nearest-forgotten first."""

    qpvs: int
    by_status: dict[str, int]
    reached_share: float
    """QPVs with a held session (``reached`` or ``lapsed``) over all QPVs, from 0 to 1."""
    totals: Figures
    """Each session counted once, however many QPVs it serves."""
    sessions_per_qpv_sum: int
    """The per-QPV session counts added up: more than ``totals.sessions`` when sessions serve
    several QPVs."""
    organisations: int
    """Distinct organisations that led, staffed or partnered a session held in the territory."""
    gaps: tuple[str, ...]
    """QPVs not ``reached``, never-reached first, then by days since the last session (most
    first), then by code."""
    funnel: Funnel = field(default_factory=Funnel)
    """After the employer forums held in the territory and period: registered, attended,
    immersions, hires (counts only)."""
    planned: Planned = field(default_factory=Planned)
    """Sessions planned in the territory, each counted once."""
    note: str = DOUBLE_COUNTING_NOTE


@dataclass(frozen=True, slots=True)
class Coverage:
    """Coverage of a territory over a period."""

    filters: CoverageFilter
    reference_day: date
    qpvs: tuple[QpvCoverage, ...]
    summary: CoverageSummary
    departments: tuple[Department, ...] = ()
    """Every department of the caller's territory, whatever the filters: the choices offered."""
