"""A campaign's plan schemas (msgspec): progress, proposed sessions, target periods, figures."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from planner.db.models import CampaignPlan
from planner.db.plan_service import plan_progress


class ProgressOut(msgspec.Struct, frozen=True):
    """Where a running plan is: phase, seconds, best coverage and its bound, share of time."""

    phase: str
    elapsed_s: float
    coverage: int | None
    bound: int | None
    fraction: float


class PlannedPerson(msgspec.Struct, frozen=True):
    """One of the pair of a proposed session."""

    staff_id: int
    name: str
    organisation_id: int
    organisation_name: str


class ProposedSessionOut(msgspec.Struct, frozen=True):
    """A proposed session: QPV, venue (or a venue to find), times (with the offset of the
    territory's ``timezone``) and the pair."""

    qpv_code: str
    qpv_name: str
    venue_id: int | None
    """``None`` when no registered venue serves the QPV: see ``to_find``."""
    venue_name: str
    timezone: str
    start: datetime
    end: datetime
    staff: list[PlannedPerson]
    venue_lat: float | None = None
    """Where the venue is (WGS84), for a map; absent from plans stored before it was kept; the
    QPV's centroid when the venue is to find."""
    venue_lon: float | None = None
    to_find: bool = False
    """No registered venue serves the QPV: the evening and the pair are proposed "lieu à
    trouver dans le quartier"; accepted, the session waits as a draft for its venue."""


class TargetPeriodOut(msgspec.Struct, frozen=True):
    """A target over one week or fortnight: visits required, booked already and planned, and
    when short, the cause (``no_venue``, ``no_evening``, ``venues_taken``, ``no_pair``,
    ``gap``, ``capacity``) and the reason in French."""

    qpv_code: str
    qpv_name: str
    first_day: date
    last_day: date
    required: int
    planned: int
    met: bool
    reason: str | None
    cause: str | None
    booked: int = 0
    """Visits already booked in the period (accepted earlier, or by hand): they count."""


class PlanSummary(msgspec.Struct, frozen=True):
    """The plan's figures in a few numbers."""

    sessions: int
    target_periods: int
    target_periods_met: int
    qpvs_fully_met: int
    qpvs: int


class PlanOut(msgspec.Struct, frozen=True):
    """A plan: its status and, once done, its figures, sessions and per-target outcomes.

    ``coverage`` is the priority-weighted visits planned (each target period counting at most
    its minimum), ``coverage_bound`` the solver's proven bound on it, ``gap`` their relative
    difference; ``max_coverage`` the coverage if every target were met. ``solver_status`` is
    ``OPTIMAL`` or ``FEASIBLE`` (CP-SAT), or ``GREEDY`` (the baseline, kept when CP-SAT found
    nothing better in the time limit)."""

    id: int
    campaign_id: int
    campaign_revision: int
    status: str
    progress: ProgressOut | None
    message: str | None
    solver_status: str | None
    coverage: int | None
    coverage_bound: int | None
    max_coverage: int | None
    gap: float | None
    max_load: int | None
    travel_km: int | None
    first_solution_s: float | None
    solve_s: float | None
    summary: PlanSummary | None
    sessions: list[ProposedSessionOut] | None
    targets: list[TargetPeriodOut] | None
    accepted_session_ids: list[int] | None
    created_at: datetime
    finished_at: datetime | None
    accepted_at: datetime | None


def plan_out(plan: CampaignPlan) -> PlanOut:
    """Present a plan (with the live progress of a running one)."""
    progress = plan_progress(plan)
    outcomes = plan.outcomes
    summary = None
    if outcomes is not None:
        qpvs: dict[str, bool] = {}
        for o in outcomes:
            qpvs[o["qpv_code"]] = qpvs.get(o["qpv_code"], True) and o["met"]
        summary = PlanSummary(
            sessions=len(plan.sessions or []),
            target_periods=len(outcomes),
            target_periods_met=sum(o["met"] for o in outcomes),
            qpvs_fully_met=sum(qpvs.values()),
            qpvs=len(qpvs),
        )
    gap = None
    if plan.coverage is not None and plan.coverage_bound:
        gap = round(max(0, plan.coverage_bound - plan.coverage) / plan.coverage_bound, 4)
    elif plan.coverage is not None:
        gap = 0.0
    return PlanOut(
        id=plan.id,
        campaign_id=plan.campaign_id,
        campaign_revision=plan.campaign_revision,
        status=plan.status,
        progress=(
            ProgressOut(
                progress.phase,
                round(progress.elapsed_s, 2),
                progress.coverage,
                progress.bound,
                round(progress.fraction, 3),
            )
            if progress is not None
            else None
        ),
        message=plan.message,
        solver_status=plan.solver_status,
        coverage=plan.coverage,
        coverage_bound=plan.coverage_bound,
        max_coverage=plan.max_coverage,
        gap=gap,
        max_load=plan.max_load,
        travel_km=plan.travel_km,
        first_solution_s=plan.first_solution_s,
        solve_s=plan.solve_s,
        summary=summary,
        sessions=None
        if plan.sessions is None
        else msgspec.convert(plan.sessions, list[ProposedSessionOut]),
        targets=None if outcomes is None else msgspec.convert(outcomes, list[TargetPeriodOut]),
        accepted_session_ids=plan.accepted_session_ids,
        created_at=plan.created_at,
        finished_at=plan.finished_at,
        accepted_at=plan.accepted_at,
    )
