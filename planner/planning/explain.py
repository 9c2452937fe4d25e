"""Per target and period: the visits required and planned, and in French why a target is short.

The reasons are checked in the order a coordinator would look: no venue serves the QPV, no
evening of the period fits a session in the window, every venue serving it is taken, nobody can
pair up (two organisations, available, allowed there, within reach), the minimum gap between two
visits leaves too few evenings, or else the people who could go have reached their weekly maximum
or are better used for QPVs of higher priority.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from planner.planning.campaign import (
    CampaignProblem,
    Period,
    ProposedSession,
    Target,
    TargetOutcome,
    booked_visits,
    evenings,
    period_index,
    periods,
    too_close,
)
from planner.planning.slots import Slot

CAUSES = {
    "no_venue": "aucun lieu candidat ne dessert le QPV",
    "no_evening": "aucune soirée de la période n'accueille une séance de cette durée",
    "venues_taken": "les lieux qui le desservent sont déjà occupés",
    "no_pair": "aucun binôme de deux structures n'est disponible",
    "gap": "l'écart minimal entre deux visites ne laisse pas assez de soirées",
    "capacity": "la capacité des intervenants est épuisée",
}
"""Why a target is not met, by code (short French labels for summaries)."""

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def outcomes(
    problem: CampaignProblem, sessions: Sequence[ProposedSession], slots: Sequence[Slot]
) -> tuple[TargetOutcome, ...]:
    """Every target period, ordered by QPV code then date, with a reason when short."""
    spans = {t.qpv_code: t.period_weeks for t in problem.targets}
    planned = Counter(
        (s.qpv_code, period_index(problem, spans[s.qpv_code], problem.local_day(s.start)))
        for s in sessions
        if s.qpv_code in spans
    )
    by_period: dict[tuple[str, int], list[Slot]] = defaultdict(list)
    for slot in slots:
        by_period[(slot.qpv_code, period_index(problem, spans[slot.qpv_code], slot.day))].append(
            slot
        )
    served = {code for v in problem.venues for code in v.qpv_codes}
    days = [day for day, _, _ in evenings(problem)]
    booked = booked_visits(problem)
    found = []
    for target in sorted(problem.targets, key=lambda t: t.qpv_code):
        for period in periods(problem, target.period_weeks):
            count = planned[(target.qpv_code, period.index)]
            done = booked[(target.qpv_code, period.index)]
            cause = reason = None
            if done + count < target.min_visits:
                options = by_period[(target.qpv_code, period.index)]
                need = target.min_visits - done
                cause, reason = _reason(problem, target, period, options, served, days, need)
            found.append(
                TargetOutcome(
                    target.qpv_code,
                    period.first_day,
                    period.last_day,
                    target.min_visits,
                    count,
                    reason,
                    cause,
                    done,
                )
            )
    return tuple(found)


def french_day(day: date) -> str:
    """« 2 mars 2026 »."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def period_text(period: Period) -> str:
    """« du 2 mars 2026 au 8 mars 2026 », or « le 2 mars 2026 » for a one-day period."""
    if period.first_day == period.last_day:
        return f"le {french_day(period.first_day)}"
    return f"du {french_day(period.first_day)} au {french_day(period.last_day)}"


def _reason(
    problem: CampaignProblem,
    target: Target,
    period: Period,
    slots: Sequence[Slot],
    served: set[str],
    days: Sequence[date],
    need: int,
) -> tuple[str, str]:
    """The cause (a key of :data:`CAUSES`) and the full French reason; ``need`` is the visits
    still wanted once those already booked count."""
    code, when = target.qpv_code, period_text(period)
    window = f"{problem.window.start:%H:%M}–{problem.window.end:%H:%M}"
    if code not in served:
        return "no_venue", f"Aucun lieu candidat ne dessert le QPV {code}."
    if not any(period.holds(day) for day in days):
        return "no_evening", (
            f"Aucune soirée de la période ne peut accueillir une séance de "
            f"{int(problem.duration.total_seconds() // 60)} min dans le créneau {window} {when}."
        )
    if not slots:
        return (
            "venues_taken",
            f"Aucun lieu desservant le QPV {code} n'est libre sur le créneau {window} {when}.",
        )
    pairable = sorted({s.day for s in slots if s.pairable})
    if not pairable:
        return "no_pair", (
            f"Aucun binôme de deux structures différentes n'est disponible sur le créneau "
            f"{window} pour le QPV {code} {when}."
        )
    spaced, last = 0, None
    for day in pairable:
        if too_close(problem, code, day):
            continue
        if last is None or (day - last).days >= problem.min_gap_days:
            spaced, last = spaced + 1, day
    if spaced < need:
        done = target.min_visits - need
        already = f" en plus des {done} déjà réservée(s)" if done else ""
        return "gap", (
            f"Les soirées où un binôme est libre et l'écart minimal de {problem.min_gap_days} "
            f"jour(s) entre deux visites ne permettent que {spaced} visite(s) du QPV {code} "
            f"{when}{already} ({target.min_visits} demandée(s))."
        )
    return "capacity", (
        f"La capacité des intervenants est épuisée {when} : les binômes disponibles ont atteint "
        f"leur maximum de séances ou servent des QPV prioritaires."
    )
