"""How CP-SAT searches one phase of the optimiser, and how its progress is reported.

Each phase is a complete search first (which proves small campaigns optimal at once), followed,
when it did not, by large-neighbourhood search from its best plan (:func:`search_phase`). By
default the workers interleave and stop on deterministic time: the same answer every run
(:func:`new_solver`). :class:`Reporter` turns CP-SAT's solution callbacks into :class:`Progress`
for whoever follows the plan (the service's status endpoint, the command line's progress bar).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.planning.campaign import CampaignProblem

PROOF_SHARE = 0.3
"""Share of a phase's time given to CP-SAT's complete search before local search takes over."""


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the search is: its phase, seconds since planning started, the best coverage found
    and its proven bound so far (coverage phase), and the share of the time limit spent."""

    phase: str
    """``coverage`` (first phase) or ``balance`` (load and travel), then ``done``."""
    elapsed_s: float
    coverage: int | None
    bound: int | None
    fraction: float


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, slots=True)
class Searched:
    """What one phase's search gives: status, the solver holding its best solution, the bound
    the complete search proved, and the wall seconds both searches took."""

    status: cp_model.CpSolverStatus
    solver: cp_model.CpSolver
    bound: float
    """What the complete search proved; infinite (nothing proven) when it ended ``UNKNOWN``:
    CP-SAT then answers 0, which is no bound at all (a wall-clock run reported a plan
    "optimal" that a longer run beat because that 0 was read as a proof)."""
    seconds: float


def search_phase(
    model: cp_model.CpModel,
    problem: CampaignProblem,
    seconds: float,
    callback: cp_model.CpSolverSolutionCallback,
    proof_share: float = PROOF_SHARE,
) -> Searched:
    """A complete search for :data:`PROOF_SHARE` of the budget, which proves small campaigns
    optimal at once; when it does not, large-neighbourhood search from its best solution for
    the rest (on a Hauts-de-France campaign it finds markedly better plans than the complete
    search in the same time; it proves nothing, so the complete search's bound stands)."""
    complete = new_solver(problem, seconds * proof_share)
    status = complete.solve(model, callback)
    spent = complete.wall_time
    proven = proven_bound(model, status, complete)
    if status not in (cp_model.FEASIBLE, cp_model.UNKNOWN):
        return Searched(status, complete, proven, spent)
    if status == cp_model.FEASIBLE:  # start from its best solution (else from the hint)
        model.clear_hints()  # type: ignore[no-untyped-call]
        for index in range(len(model.proto.variables)):
            variable = model.get_int_var_from_proto_index(index)
            model.add_hint(variable, complete.value(variable))
    local = new_solver(problem, seconds * (1 - proof_share))
    local.parameters.use_lns_only = True
    found = local.solve(model, callback)
    spent += local.wall_time
    sign = -1 if model.proto.objective.scaling_factor < 0 else 1  # maximising: scaled by -1
    if found in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
        status == cp_model.UNKNOWN or sign * local.objective_value < sign * complete.objective_value
    ):
        return Searched(cp_model.FEASIBLE, local, proven, spent)
    return Searched(status, complete, proven, spent)


def proven_bound(
    model: cp_model.CpModel, status: cp_model.CpSolverStatus, solver: cp_model.CpSolver
) -> float:
    """The bound a complete search proved on the objective, or no bound (infinite, on the side
    of the objective's direction) when it ended without one (``UNKNOWN``, or not searched)."""
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE):
        return float(solver.best_objective_bound)
    maximising = model.proto.objective.scaling_factor < 0
    return float("inf") if maximising else float("-inf")


def new_solver(problem: CampaignProblem, seconds: float) -> cp_model.CpSolver:
    """A CP-SAT solver given ``seconds`` of search.

    With ``deterministic`` settings (the default) the workers interleave their search and stop
    on CP-SAT's deterministic time, so the same problem, seed and worker count give the same
    plan on any machine and any load; wall time then only caps a machine much slower than
    the deterministic clock (three times the budget)."""
    solver = cp_model.CpSolver()
    settings = problem.solver
    solver.parameters.random_seed = settings.seed
    solver.parameters.num_workers = settings.workers
    if settings.deterministic:
        solver.parameters.interleave_search = True
        solver.parameters.max_deterministic_time = max(0.0, seconds)
        solver.parameters.max_time_in_seconds = max(0.0, 3 * seconds)
    else:
        solver.parameters.max_time_in_seconds = max(0.0, seconds)
    return solver


class Reporter:
    """Turns CP-SAT's solution callbacks into :class:`Progress` and notes the first solution."""

    def __init__(self, started: float, limit: float, sink: ProgressCallback | None) -> None:
        self.started, self.limit, self.sink = started, limit, sink
        self.first_solution_s: float | None = None
        self.bound: int | None = None
        """The linear relaxation's bound on the coverage, when known."""

    def best_bound(self, solver_bound: float) -> int:
        """The tightest bound proven so far: CP-SAT's, the linear relaxation's."""
        found = int(solver_bound + 1e-6)
        self.bound = found if self.bound is None else min(found, self.bound)
        return self.bound

    def phase(self, name: str) -> cp_model.CpSolverSolutionCallback:
        """A solution callback for phase ``name`` reporting to this reporter."""
        reporter = self

        class Callback(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                elapsed = time.perf_counter() - reporter.started
                if reporter.first_solution_s is None:
                    reporter.first_solution_s = elapsed
                if reporter.sink is not None:
                    first = name == "coverage"
                    reporter.sink(
                        Progress(
                            name,
                            elapsed,
                            round(self.objective_value) if first else None,
                            reporter.best_bound(self.best_objective_bound) if first else None,
                            min(1.0, elapsed / reporter.limit) if reporter.limit > 0 else 1.0,
                        )
                    )

        return Callback()
