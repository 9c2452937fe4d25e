"""Coverage schemas: a GeoJSON FeatureCollection (RFC 7946) for the map, and a CSV for sheets.

Polygons are simplified for display only (Douglas-Peucker keeping topology, ~30 m) and their
coordinates rounded to 5 decimals (~1 m): the whole region stays well under 1 MB, while the
figures were computed on the exact data.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any, Literal

import msgspec
import numpy as np
import shapely
from shapely.geometry import mapping

from api.schemas.funnel import FunnelOut, funnel_out
from planner.clock import PARIS
from planner.coverage_status import CoverageStatus
from planner.db.coverage_values import (
    Coverage,
    Figures,
    OrganisationShare,
    Planned,
    QpvCoverage,
)
from planner.spreadsheet import spreadsheet_csv

DISPLAY_TOLERANCE_DEG = 0.0003
"""Simplification tolerance in degrees (about 30 m east-west, 33 m north-south here)."""
DISPLAY_DECIMALS = 5

STATUS_LABELS = {
    CoverageStatus.REACHED: "atteint",
    CoverageStatus.LAPSED: "plus visité depuis longtemps",
    CoverageStatus.PLANNED: "prévu",
    CoverageStatus.NOT_REACHED: "non atteint",
}


class OrganisationSessions(msgspec.Struct, frozen=True):
    """An organisation that led, staffed or partnered sessions held in the QPV, and how many."""

    id: int
    name: str
    sessions: int


class CoverageProperties(msgspec.Struct, frozen=True):
    """A QPV's figures over the period (held sessions; a session counts for each QPV served),
    and what is planned there in the period."""

    code: str
    name: str
    department: str
    communes: list[str]
    status: str
    status_label: str
    sessions: int
    session_hours: float
    staff_hours: float
    organisations: int
    first_session: date | None
    last_session: date | None
    days_since_last: int | None
    next_session: datetime | None
    people_met: int
    new_contacts: int
    job_offers: int
    immersions: int
    planned_sessions: int
    """Sessions planned in the period, not held yet: published ones and drafts."""
    planned_drafts: int
    """Of which drafts (only those the caller may see)."""
    by_organisation: list[OrganisationSessions]
    """The ``organisations``, most sessions first."""
    planned_by_organisation: list[OrganisationSessions] = []
    """The organisations of the planned sessions (lead, staff, partners), most first."""


class CoverageFeature(msgspec.Struct, frozen=True):
    """A QPV as a GeoJSON Feature with a polygon simplified for display."""

    id: str
    geometry: dict[str, Any]
    properties: CoverageProperties
    type: Literal["Feature"] = "Feature"


class FiguresOut(msgspec.Struct, frozen=True):
    """Sums over held sessions."""

    sessions: int
    session_hours: float
    staff_hours: float
    people_met: int
    new_contacts: int
    job_offers: int
    immersions: int


class Period(msgspec.Struct, frozen=True):
    """The days covered (inclusive) and the day days-since-last are counted at."""

    start: date
    end: date
    reference_day: date
    lapsed_after_days: int


class PlannedOut(msgspec.Struct, frozen=True):
    """Sessions planned in the period, each counted once: published ones and drafts."""

    sessions: int
    drafts: int


class DepartmentOut(msgspec.Struct, frozen=True):
    """A department of the caller's territory."""

    code: str
    name: str


class CoverageSummaryOut(msgspec.Struct, frozen=True):
    """Totals, share reached and gaps; ``totals`` counts each session once."""

    period: Period
    qpvs: int
    by_status: dict[str, int]
    reached_share: float
    totals: FiguresOut
    sessions_distinct: int
    sessions_per_qpv_sum: int
    organisations: int
    gaps: list[str]
    double_counting: str
    forums: FunnelOut
    """After the employer forums held: registered, attended, immersions, hires (counts)."""
    planned: PlannedOut
    departments: list[DepartmentOut]
    """Every department of the caller's territory, whatever the filters: the department
    filter's choices."""


class CoverageCollection(msgspec.Struct, frozen=True):
    """Every QPV of the territory asked, reached or not, and the summary."""

    features: list[CoverageFeature]
    summary: CoverageSummaryOut
    type: Literal["FeatureCollection"] = "FeatureCollection"


def _figures(figures: Figures) -> FiguresOut:
    return FiguresOut(
        figures.sessions,
        figures.session_hours,
        figures.staff_hours,
        figures.people_met,
        figures.new_contacts,
        figures.job_offers,
        figures.immersions,
    )


@functools.lru_cache(maxsize=4096)
def _display_geometry(wkb: bytes) -> dict[str, Any]:
    exact = shapely.from_wkb(wkb)
    simple = shapely.simplify(exact, DISPLAY_TOLERANCE_DEG, preserve_topology=True)
    rounded = shapely.transform(simple, lambda xy: np.round(xy, DISPLAY_DECIMALS))
    return dict(mapping(rounded))


def display_geometries(wkbs: list[bytes]) -> list[dict[str, Any]]:
    """GeoJSON geometries simplified for display (topology kept) with rounded coordinates.

    Remembered by exact polygon: the reference data rarely changes, the map is asked often.
    The dicts returned are shared: encode them, never change them.
    """
    return [_display_geometry(wkb) for wkb in wkbs]


def _shares(shares: tuple[OrganisationShare, ...]) -> list[OrganisationSessions]:
    return [OrganisationSessions(s.id, s.name, s.sessions) for s in shares]


def _planned(planned: Planned) -> PlannedOut:
    return PlannedOut(planned.sessions, planned.drafts)


def _properties(qpv: QpvCoverage) -> CoverageProperties:
    f = qpv.figures
    return CoverageProperties(
        code=qpv.code,
        name=qpv.name,
        department=qpv.department_code,
        communes=list(qpv.communes),
        status=qpv.status.value,
        status_label=STATUS_LABELS[qpv.status],
        sessions=f.sessions,
        session_hours=f.session_hours,
        staff_hours=f.staff_hours,
        organisations=qpv.organisations,
        first_session=qpv.first_session,
        last_session=qpv.last_session,
        days_since_last=qpv.days_since_last,
        next_session=qpv.next_session,
        people_met=f.people_met,
        new_contacts=f.new_contacts,
        job_offers=f.job_offers,
        immersions=f.immersions,
        planned_sessions=qpv.planned.sessions,
        planned_drafts=qpv.planned.drafts,
        by_organisation=_shares(qpv.by_organisation),
        planned_by_organisation=_shares(qpv.planned_by_organisation),
    )


def coverage_collection(coverage: Coverage) -> CoverageCollection:
    """The coverage as a GeoJSON FeatureCollection with a ``summary`` member."""
    geometries = display_geometries([q.geometry_wkb for q in coverage.qpvs])
    summary = coverage.summary
    return CoverageCollection(
        features=[
            CoverageFeature(id=q.code, geometry=g, properties=_properties(q))
            for q, g in zip(coverage.qpvs, geometries, strict=True)
        ],
        summary=CoverageSummaryOut(
            period=Period(
                coverage.filters.first_day,
                coverage.filters.last_day,
                coverage.reference_day,
                coverage.filters.lapsed_after_days,
            ),
            qpvs=summary.qpvs,
            by_status=summary.by_status,
            reached_share=summary.reached_share,
            totals=_figures(summary.totals),
            sessions_distinct=summary.totals.sessions,
            sessions_per_qpv_sum=summary.sessions_per_qpv_sum,
            organisations=summary.organisations,
            gaps=list(summary.gaps),
            double_counting=summary.note,
            forums=funnel_out(summary.funnel),
            planned=_planned(summary.planned),
            departments=[DepartmentOut(d.code, d.name) for d in coverage.departments],
        ),
    )


CSV_COLUMNS = (
    "code_qpv",
    "nom_qpv",
    "departement",
    "communes",
    "statut",
    "seances",
    "heures_de_seance",
    "heures_intervenants",
    "organisations",
    "premiere_seance",
    "derniere_seance",
    "jours_depuis_derniere_seance",
    "prochaine_seance",
    "personnes_rencontrees",
    "nouveaux_contacts",
    "offres_remises",
    "immersions",
    "seances_prevues",
    "dont_brouillons",
    "organisations_detail",
)


def _decimal(value: float) -> str:
    """A number as French spreadsheets read it: a decimal comma."""
    return f"{value:g}".replace(".", ",")


def _text(value: date | datetime | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def coverage_csv(coverage: Coverage) -> bytes:
    """The per-QPV table as ``;``-separated UTF-8 with a byte-order mark (for spreadsheets)."""
    return spreadsheet_csv(CSV_COLUMNS, (_csv_row(q) for q in coverage.qpvs))


def _csv_row(q: QpvCoverage) -> tuple[object, ...]:
    f = q.figures
    return (
        q.code,
        q.name,
        q.department_code,
        ", ".join(q.communes),
        STATUS_LABELS[q.status],
        f.sessions,
        _decimal(f.session_hours),
        _decimal(f.staff_hours),
        q.organisations,
        _text(q.first_session),
        _text(q.last_session),
        _text(q.days_since_last),
        q.next_session.astimezone(PARIS).isoformat(timespec="minutes") if q.next_session else "",
        f.people_met,
        f.new_contacts,
        f.job_offers,
        f.immersions,
        q.planned.sessions,
        q.planned.drafts,
        ", ".join(f"{share.name} ({share.sessions})" for share in q.by_organisation),
    )
