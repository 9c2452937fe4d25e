"""The emplois-francs answer from candidates: only a precise, sure, unambiguous position says
yes or no."""

from __future__ import annotations

from planner.eligibility import Answer, Placed, judge


def _at(precision: str, qpv: str | None, score: float = 0.95, label: str = "x") -> Placed:
    return Placed(label, precision, score, "offline", qpv)


def test_answers() -> None:
    """House number in a QPV: yes; street outside: no; commune or named place, nothing found,
    unsure, or two equally likely streets with different answers: cannot say."""
    cases = [
        [_at("housenumber", "QN08001M")],
        [_at("street", None)],
        [_at("municipality", "QN05980M")],
        [_at("locality", "QN05980M")],
        [],
        [_at("housenumber", "QN08001M", score=0.5)],
        [_at("street", "QN08001M", 0.9, "a"), _at("street", None, 0.88, "b")],
        [_at("street", "QN08001M", 0.9, "a"), _at("street", None, 0.7, "b")],
        [_at("street", "QN08001M", 0.9, "a"), _at("municipality", None, 0.89, "b")],
    ]
    assert [(v.answer, v.qpv) for v in (judge(c, min_score=0.8) for c in cases)] == [
        (Answer.IN_QPV, "QN08001M"),
        (Answer.NOT_IN_QPV, None),
        (Answer.CANNOT_SAY, None),
        (Answer.CANNOT_SAY, None),
        (Answer.CANNOT_SAY, None),
        (Answer.CANNOT_SAY, None),
        (Answer.CANNOT_SAY, None),
        (Answer.IN_QPV, "QN08001M"),
        (Answer.IN_QPV, "QN08001M"),
    ]
