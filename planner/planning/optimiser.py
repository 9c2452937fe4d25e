"""The campaign optimiser: CP-SAT over the candidate slots, never worse than the greedy plan.

Two phases make the lexicographic objective of :class:`planner.planning.campaign.Score` exact:
the first maximises the priority-weighted coverage; the bound reported on it is the tighter of
CP-SAT's and the model's linear relaxation's (:mod:`planner.planning.relaxation`, solved first);
the second keeps that coverage and minimises first the heaviest load, then travel (kilometres
from each person's base to the QPV's venues, averaged when the QPV has several), then the number
of sessions. The greedy plan hints the first phase, so CP-SAT starts from a full feasible plan;
the greedy plan is also the answer when CP-SAT finds nothing better in the time limit, so the
answer is never worse than the baseline. The model is :mod:`planner.planning.model`; how each
phase searches (complete, then large-neighbourhood search) is :mod:`planner.planning.search`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from planner.planning.campaign import (
    CampaignProblem,
    Proposal,
    ProposedSession,
    max_coverage,
    score,
)
from planner.planning.explain import outcomes
from planner.planning.greedy import greedy_sessions
from planner.planning.model import CampaignModel
from planner.planning.relaxation import lp_bound
from planner.planning.search import Progress, ProgressCallback, Reporter, search_phase
from planner.planning.slots import Slot, candidate_slots

__all__ = ["optimise", "plan"]

COVERAGE_SHARE = 0.6
"""Share of the time limit the coverage phase may use; fairness and travel get the rest."""


def plan(problem: CampaignProblem, on_progress: ProgressCallback | None = None) -> Proposal:
    """Plan the campaign with CP-SAT, falling back to the greedy plan when it finds nothing or
    nothing better on the objective."""
    started = time.perf_counter()
    slots = candidate_slots(problem)
    baseline = greedy_sessions(problem, slots)
    best = optimise(problem, slots=slots, hint=baseline, started=started, on_progress=on_progress)
    base_score = score(problem, baseline)
    if best is None or best.score.key < base_score.key:
        bound = max_coverage(problem) if best is None else best.coverage_bound
        best = Proposal(
            sessions=tuple(baseline),
            outcomes=outcomes(problem, baseline, slots),
            score=base_score,
            coverage_bound=max(bound, base_score.coverage),
            status="GREEDY",
            first_solution_s=None if best is None else best.first_solution_s,
            solve_s=None if best is None else best.solve_s,
        )
    if on_progress is not None:
        on_progress(
            Progress("done", time.perf_counter() - started, best.coverage, best.coverage_bound, 1)
        )
    return best


def coverage_bound(problem: CampaignProblem, searched: float, relaxed: float | None) -> int:
    """The tightest bound on the coverage that something proved: every target met, the
    complete search's bound (infinite when it proved nothing), the linear relaxation's. Only
    proofs count: the bound a solution callback reports while large-neighbourhood search runs
    is not taken (that search proves nothing)."""
    bound = max_coverage(problem)
    if math.isfinite(searched):
        bound = min(bound, int(searched + 1e-6))
    if relaxed is not None:
        bound = min(bound, int(relaxed + 1e-6))
    return bound


def optimise(
    problem: CampaignProblem,
    *,
    slots: Sequence[Slot] | None = None,
    hint: Sequence[ProposedSession] = (),
    started: float | None = None,
    on_progress: ProgressCallback | None = None,
) -> Proposal | None:
    """Solve the model over ``slots`` (default: every candidate slot); when no solution is
    found in the time limit, the ``hint`` with the relaxation's bound (``GREEDY``), or ``None``
    without a hint."""
    started = time.perf_counter() if started is None else started
    every = candidate_slots(problem) if slots is None else slots
    model = CampaignModel(problem, every)
    limit = problem.solver.time_limit_s
    reporter = Reporter(started, limit, on_progress)

    model.model.maximize(model.coverage)
    relaxed = lp_bound(model.model)
    reporter.bound = None if relaxed is None else int(relaxed + 1e-6)
    model.hint_sessions(hint)
    first = search_phase(model.model, problem, limit * COVERAGE_SHARE, reporter.phase("coverage"))
    if first.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if not hint or relaxed is None:
            return None
        # nothing found in the time: the hint stands, with the bound the relaxation proved
        return Proposal(
            sessions=tuple(hint),
            outcomes=outcomes(problem, hint, every),
            score=score(problem, hint),
            coverage_bound=max(coverage_bound(problem, math.inf, relaxed), 0),
            status="GREEDY",
            solve_s=first.seconds,
        )
    found = model.sessions(first.solver)
    covered = round(first.solver.objective_value)
    bound = coverage_bound(problem, first.bound, relaxed)
    proven = first.status == cp_model.OPTIMAL or covered >= bound

    model.model.add(model.coverage >= covered)
    model.model.minimize(model.balance)
    model.model.clear_hints()  # type: ignore[no-untyped-call]
    model.hint_sessions(found)
    second = search_phase(
        model.model, problem, limit * (1 - COVERAGE_SHARE), reporter.phase("balance")
    )
    if second.status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = model.sessions(second.solver)
    found.sort(key=lambda s: (s.start, s.qpv_code, s.venue_id))
    return Proposal(
        sessions=tuple(found),
        outcomes=outcomes(problem, found, every),
        score=score(problem, found),
        coverage_bound=covered if proven else max(bound, covered),
        status="OPTIMAL" if proven and second.status == cp_model.OPTIMAL else "FEASIBLE",
        first_solution_s=reporter.first_solution_s,
        solve_s=first.seconds + second.seconds,
    )
