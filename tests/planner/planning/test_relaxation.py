"""The linear relaxation's bound: exact on small models, never below the integer optimum."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model

from planner.planning.campaign import CampaignProblem
from planner.planning.model import CampaignModel
from planner.planning.relaxation import lp_bound
from planner.planning.slots import candidate_slots
from tests.planner.planning.test_optimiser import _campaigns


def test_lp_bound_of_a_small_model() -> None:
    """max 2x + 3y, x + y ≤ 1: the relaxation's optimum is 3; a half-integral one is found too."""
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add(x + y <= 1)
    model.maximize(2 * x + 3 * y)
    assert lp_bound(model) == 3.0
    odd = cp_model.CpModel()
    a, b, c = (odd.new_bool_var(n) for n in "abc")
    for first, second in ((a, b), (b, c), (a, c)):
        odd.add(first + second <= 1)
    odd.maximize(a + b + c)
    assert lp_bound(odd) == 1.5  # the triangle: integer optimum 1


def test_lp_bound_reads_negations_and_refuses_what_it_cannot_read() -> None:
    """A negated literal in an at-most-one counts as 1 − x; an enforced constraint gives None."""
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add_at_most_one([x, ~y])  # x ≤ y
    model.maximize(x - y)
    assert lp_bound(model) == 0.0
    model.add(x + y <= 1).only_enforce_if(x)
    assert lp_bound(model) is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_campaigns())
def test_lp_bound_is_never_below_the_optimum(problem: CampaignProblem) -> None:
    """On random small campaigns solved to optimality, the relaxation bounds the coverage."""
    model = CampaignModel(problem, candidate_slots(problem))
    model.model.maximize(model.coverage)
    bound = lp_bound(model.model)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10.0
    solver.parameters.num_workers = 1
    assert solver.solve(model.model) == cp_model.OPTIMAL
    assert bound is not None
    assert bound >= solver.objective_value - 1e-6
