"""A QPV's coverage status from the days since its last held session, decided once."""

from __future__ import annotations

from planner.coverage_status import DEFAULT_LAPSED_AFTER_DAYS, CoverageStatus, coverage_status


def test_coverage_status_reached_up_to_the_lapse_then_lapsed() -> None:
    """Held at most 30 days ago is reached, 31 is lapsed; a planned session does not matter."""
    statuses = [coverage_status(d, planned) for d in (0, 30, 31) for planned in (False, True)]
    assert DEFAULT_LAPSED_AFTER_DAYS == 30
    assert statuses == [CoverageStatus.REACHED] * 4 + [CoverageStatus.LAPSED] * 2


def test_coverage_status_never_held_is_planned_or_not_reached() -> None:
    """Never held: planned when a session is to come, else not reached."""
    assert [coverage_status(None, True), coverage_status(None)] == [
        CoverageStatus.PLANNED,
        CoverageStatus.NOT_REACHED,
    ]


def test_coverage_status_lapse_is_a_parameter() -> None:
    """The lapse can be asked for: 10 days held is lapsed past a 7-day lapse."""
    assert coverage_status(10, False, 7) == CoverageStatus.LAPSED
