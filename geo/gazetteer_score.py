"""Scores of the offline geocoder's candidates, meant to be read as confidence.

A candidate's raw score multiplies how well the locality designates its commune, how well the
street matches and whether the house number was found; :func:`share` then shares it with the
candidates at other places in proportion to ``raw ** SHARPNESS``, so two equally good answers in
different communes get about 0.5 each and an ambiguous query never looks confident.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from geo.geocoding import Candidate

SHARPNESS = 10
"""Exponent of the share: 1.0 against 0.9 elsewhere gives 0.74, against 0.5 gives 0.999."""
SAME_PLACE_M = 150.0
"""Candidates closer than this are one answer, not competitors."""
_MIN_RAW = 0.25
_MIN_SCORE = 0.01


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate before sharing: its raw fit and its commune's population (ties)."""

    raw: float
    candidate: Candidate
    population: int


def _distance_m(a: Candidate, b: Candidate) -> float:
    """Equirectangular distance: exact enough to tell 150 m from a few metres."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6_371_000 * math.hypot(x, y)


def share(found: list[Scored]) -> list[Candidate]:
    """Turn raw fits into scores: each shares with the best candidate of every other place.

    A place is a commune, or in the candidate's own commune any point farther than
    :data:`SAME_PLACE_M`: two answers a street apart are the same answer.
    """
    kept = [s for s in found if s.raw >= _MIN_RAW]
    by_commune: dict[str | None, list[Scored]] = {}
    for scored in kept:
        by_commune.setdefault(scored.candidate.insee_code, []).append(scored)
    weights = {insee: max(s.raw for s in group) ** SHARPNESS for insee, group in by_commune.items()}
    total = sum(weights.values())
    ranked = []
    for scored in kept:
        own = scored.raw**SHARPNESS
        insee = scored.candidate.insee_code
        elsewhere_here = max(
            (
                other.raw**SHARPNESS
                for other in by_commune[insee]
                if _distance_m(other.candidate, scored.candidate) > SAME_PLACE_M
            ),
            default=0.0,
        )
        rivals = total - weights[insee] + elsewhere_here
        score = round(scored.raw * own / (own + rivals), 4)
        ranked.append((scored, score))
    ranked = [(scored, score) for scored, score in ranked if score >= _MIN_SCORE]
    ranked.sort(key=lambda item: (-item[1], -item[0].population, item[0].candidate.label))
    return [replace(scored.candidate, score=score) for scored, score in ranked]
