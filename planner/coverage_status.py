"""How well outreach reaches a QPV: reached, lapsed, planned or not reached, decided in one place.

The coverage figures (:mod:`planner.db.coverage`) and a campaign's default target weights
(:mod:`planner.planning.campaign_input`) both classify a QPV by the days since its last held
session: at most :data:`DEFAULT_LAPSED_AFTER_DAYS` days is ``reached``, more is ``lapsed``; a QPV
where nothing was held is ``planned`` (« prévu ») when something is planned there — coverage
asks for the period: a published session still to come, or a draft the reader may see — else
``not_reached``. Pure: the caller counts the days (from its own reference day) and says whether
a session is planned.
"""

from __future__ import annotations

from enum import StrEnum

DEFAULT_LAPSED_AFTER_DAYS = 30
"""Days after its last held session past which a QPV counts as ``lapsed`` rather than reached."""


class CoverageStatus(StrEnum):
    """How well outreach reaches a QPV over the period."""

    REACHED = "reached"
    LAPSED = "lapsed"
    PLANNED = "planned"
    """Nothing held, something planned (« prévu »)."""
    NOT_REACHED = "not_reached"


def coverage_status(
    days_since_last: int | None,
    planned: bool = False,
    lapsed_after_days: int = DEFAULT_LAPSED_AFTER_DAYS,
) -> CoverageStatus:
    """A QPV's status from the days since its last held session (``None``: never held) and
    whether a session is planned there (only read when none was held)."""
    if days_since_last is not None:
        if days_since_last <= lapsed_after_days:
            return CoverageStatus.REACHED
        return CoverageStatus.LAPSED
    return CoverageStatus.PLANNED if planned else CoverageStatus.NOT_REACHED
