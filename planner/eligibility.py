"""Does this address lie in a QPV? — the emplois-francs question, answered only when a position
can say it.

Pure (no database): given the geocoder's best candidates and the QPV holding each point, the
answer is *in a QPV*, *not in a QPV*, or *cannot say* with the reason. Only a house-number or
street position answers yes or no: a commune-level position is the town hall's, a named place
(lieu-dit) is a point for an area; either is always *cannot say*, as is an unsure or ambiguous
match. Nothing here is stored: an adviser attaches the answer to a registration or a hire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

PRECISE = frozenset({"housenumber", "street"})
"""Positions precise enough to say whether an address lies in a QPV."""
CLOSE_SCORES = 0.05
"""Two candidates whose scores differ by less than this are equally likely."""


class Answer(StrEnum):
    """The three answers."""

    IN_QPV = "in_qpv"
    NOT_IN_QPV = "not_in_qpv"
    CANNOT_SAY = "cannot_say"


ANSWER_LABELS = {
    Answer.IN_QPV: "dans un quartier prioritaire",
    Answer.NOT_IN_QPV: "hors quartier prioritaire",
    Answer.CANNOT_SAY: "impossible à dire",
}


@dataclass(frozen=True, slots=True)
class Placed:
    """A geocoder's candidate, reduced to what the answer needs, with the QPV holding it."""

    label: str
    precision: str
    score: float
    provider: str
    qpv: str | None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer, why, the QPV when in one, and the position it rests on."""

    answer: Answer
    reason: str
    qpv: str | None = None
    position: Placed | None = None


def judge(candidates: Sequence[Placed], *, min_score: float) -> Verdict:
    """The answer for an address whose candidates are ``candidates`` (best first)."""
    if not candidates:
        return Verdict(Answer.CANNOT_SAY, "Adresse introuvable : vérifiez-la ou précisez-la.")
    best = candidates[0]
    if best.precision not in PRECISE:
        place = "de la commune" if best.precision == "municipality" else "d'un lieu-dit"
        return Verdict(
            Answer.CANNOT_SAY,
            f"Adresse placée seulement au niveau {place} ({best.label}) : ce point ne dit pas "
            "dans quel quartier se trouve la rue. Il faut une position au numéro ou à la rue "
            "(Base adresse nationale importée, ou service national d'adresses).",
            position=best,
        )
    if best.score < min_score:
        return Verdict(
            Answer.CANNOT_SAY,
            f"Adresse incertaine (meilleure proposition : {best.label}) : précisez-la.",
            position=best,
        )
    rivals = [
        c
        for c in candidates[1:]
        if c.precision in PRECISE and best.score - c.score < CLOSE_SCORES and c.qpv != best.qpv
    ]
    if rivals:
        return Verdict(
            Answer.CANNOT_SAY,
            f"Adresse ambiguë : « {best.label} » ou « {rivals[0].label} » ne donnent pas la "
            "même réponse ; précisez le numéro, le code postal ou la commune.",
            position=best,
        )
    at = "au numéro" if best.precision == "housenumber" else "à la rue (position de la voie)"
    if best.qpv is None:
        return Verdict(
            Answer.NOT_IN_QPV,
            f"Adresse placée {at} ({best.label}), hors de tout quartier prioritaire.",
            position=best,
        )
    return Verdict(
        Answer.IN_QPV,
        f"Adresse placée {at} ({best.label}), dans le quartier prioritaire {best.qpv}.",
        qpv=best.qpv,
        position=best,
    )
