"""A proven bound for a CP-SAT model from its linear relaxation, solved by GLOP (OR-Tools).

With two workers CP-SAT spends its time finding solutions; the bound it proves on the campaign's
coverage barely moves from the trivial one (every target met), which says nothing of how good a
plan is. The model holds only linear and at-most-one constraints over integer variables, so
relaxing integrality gives a linear programme whose optimum bounds the integer optimum: solved
by GLOP (a simplex), it takes about two seconds at Hauts-de-France size and is typically within
a few percent of the best plan.
"""

from __future__ import annotations

from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

_HUGE = 2**62
"""CP-SAT writes unbounded sides of a linear constraint as (nearly) the int64 limits."""


def lp_bound(model: cp_model.CpModel) -> float | None:
    """The optimum of the model's linear relaxation, in the objective's own terms (an upper
    bound for a maximisation, a lower one for a minimisation); ``None`` when the model holds a
    constraint this relaxation does not read, or GLOP does not reach its optimum."""
    proto = model.proto
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        return None
    infinity = solver.infinity()
    columns = []
    for variable in proto.variables:
        domain = list(variable.domain)  # the proto's repeated fields know no negative index
        columns.append(solver.NumVar(float(domain[0]), float(domain[-1]), ""))

    def add(row: Any, ref: int, coefficient: float) -> float:
        """Add ``coefficient × literal`` to ``row``; returns the constant a negation brings."""
        column = columns[ref if ref >= 0 else -ref - 1]
        sign = 1.0 if ref >= 0 else -1.0
        row.SetCoefficient(column, row.GetCoefficient(column) + sign * coefficient)
        return 0.0 if ref >= 0 else coefficient

    for constraint in proto.constraints:
        if constraint.enforcement_literal:
            return None
        if constraint.has_linear():
            domain = list(constraint.linear.domain)
            if len(domain) != 2:
                return None
            low = -infinity if domain[0] <= -_HUGE else float(domain[0])
            high = infinity if domain[1] >= _HUGE else float(domain[1])
            row = solver.Constraint(low, high)
            for ref, coefficient in zip(
                constraint.linear.vars, constraint.linear.coeffs, strict=True
            ):
                add(row, ref, float(coefficient))
        elif constraint.has_at_most_one():
            row = solver.Constraint(-infinity, 1.0)
            shift = sum(add(row, ref, 1.0) for ref in constraint.at_most_one.literals)
            row.SetBounds(-infinity, 1.0 - shift)
        else:
            return None
    objective = solver.Objective()
    shift = 0.0
    for ref, coefficient in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        shift += add(objective, ref, float(coefficient))
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    scale = proto.objective.scaling_factor or 1.0
    return float((objective.Value() + shift + proto.objective.offset) * scale)
