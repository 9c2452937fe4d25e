"""Campaign planning as domain values: the problem the optimiser solves and the proposal it returns.

A campaign asks for evening visits to priority neighbourhoods (QPVs) over a period: each target
QPV wants a minimum number of visits per ISO week, weighed by priority. The planner proposes
sessions (QPV, venue, start, end, a pair of staff from two organisations) that pass every hard
booking rule of :mod:`planner.rules` against the existing bookings and each other (issue 7).

This module also holds what the greedy baseline (:mod:`planner.greedy`) and the CP-SAT model
(:mod:`planner.optimiser`) share: the candidate slots, each with the people free for it, and the
per-target outcomes with a French reason for every target not met. No ORM, no web, no clock.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from geo.measure import geodesic_m
from planner.rules import travel_time
from planner.session import (
    HOLDING,
    Assignment,
    Booking,
    EveningWindow,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
)

TIMEZONE = "Europe/Paris"
"""Wall clock of every proposed session."""
PARIS = ZoneInfo(TIMEZONE)

Week = tuple[int, int]
"""An ISO (year, week number)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A QPV the campaign must visit at least ``min_visits_per_week`` times per ISO week."""

    qpv_code: str
    min_visits_per_week: int = 1
    weight: int = 1
    """Priority: lapsed or never-reached QPVs weigh more (a positive integer)."""


@dataclass(frozen=True, slots=True)
class CandidateVenue:
    """A venue the campaign may use, with the QPVs it serves."""

    place: Place
    qpv_codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A person taking part, with their weekly evening pattern and their exceptions."""

    staff_id: int
    organisation_id: int
    weekdays: frozenset[int]
    """Evenings they are available, as ``date.weekday()`` numbers (0 is Monday)."""
    exceptions: frozenset[date] = frozenset()
    """Dates they are not available despite the pattern."""
    max_sessions_per_week: int = 3
    """Sessions per ISO week at most, existing holding bookings included."""


@dataclass(frozen=True, slots=True)
class SolverSettings:
    """CP-SAT's knobs: a fixed seed and worker count make its answer reproducible."""

    time_limit_s: float = 10.0
    seed: int = 0
    workers: int = 2


@dataclass(frozen=True, slots=True)
class CampaignProblem:
    """Everything the planner needs, as values; ``now`` is injected, never read from the clock."""

    targets: tuple[Target, ...]
    venues: tuple[CandidateVenue, ...]
    staff: tuple[StaffMember, ...]
    first_day: date
    last_day: date
    """The period, both days included."""
    now: datetime
    organisation_id: int
    """The organisation coordinating the campaign (owner of the proposed bookings)."""
    kind: SessionKind = SessionKind.NEIGHBOURHOOD_SESSION
    duration: timedelta = timedelta(hours=2)
    window: EveningWindow = field(default_factory=EveningWindow)
    min_gap_days: int = 1
    """Two visits to one QPV are at least this many days apart (1: one per evening)."""
    existing: tuple[Booking, ...] = ()
    """Bookings around the period; holding ones hold their staff and venue."""
    rules: RuleSettings = field(default_factory=RuleSettings)
    solver: SolverSettings = field(default_factory=SolverSettings)

    @property
    def rule_settings(self) -> RuleSettings:
        """The booking rules' settings with the campaign's evening window."""
        return replace(self.rules, evening_window=self.window)


@dataclass(frozen=True, slots=True)
class ProposedSession:
    """One proposed visit: times are aware datetimes in Europe/Paris."""

    qpv_code: str
    venue_id: int
    start: datetime
    end: datetime
    staff: tuple[Assignment, Assignment]


@dataclass(frozen=True, slots=True)
class TargetOutcome:
    """How one target fares in one ISO week; ``reason`` (French) says why it is not met."""

    qpv_code: str
    week: Week
    required: int
    planned: int
    reason: str | None = None

    @property
    def met(self) -> bool:
        """At least the required visits are planned."""
        return self.planned >= self.required


@dataclass(frozen=True, slots=True)
class Proposal:
    """A plan and how good it is.

    ``coverage`` is the primary objective: the priority-weighted visits planned, each target week
    counting at most its minimum. ``coverage_bound`` is the solver's proven bound on it (equal to
    ``coverage`` when proven optimal; the greedy baseline proves nothing and reports the total
    of the weights times the minimums). ``objective``/``best_bound`` are CP-SAT's raw figures.
    """

    sessions: tuple[ProposedSession, ...]
    outcomes: tuple[TargetOutcome, ...]
    coverage: int
    coverage_bound: int
    status: str
    """``OPTIMAL`` or ``FEASIBLE`` (CP-SAT), ``GREEDY`` (the baseline, or the fallback)."""
    objective: float | None = None
    best_bound: float | None = None

    @property
    def gap(self) -> float:
        """Relative gap between the coverage and its bound (0 when proven optimal)."""
        if self.coverage_bound <= 0:
            return 0.0
        return max(0, self.coverage_bound - self.coverage) / self.coverage_bound


@dataclass(frozen=True, slots=True)
class Slot:
    """A candidate visit: a QPV at a free venue on one evening, with the people free for it."""

    day: date
    week: Week
    qpv_code: str
    venue: CandidateVenue
    start: datetime
    end: datetime
    people: tuple[StaffMember, ...]
    """Available that evening and clear of their existing bookings (overlap and travel)."""

    @property
    def pairable(self) -> bool:
        """At least two people from two organisations are free."""
        return len({p.organisation_id for p in self.people}) >= 2


def evenings(problem: CampaignProblem) -> list[tuple[date, datetime, datetime]]:
    """The period's evenings a session fits in: starting at the window's start, local time, not
    before ``now``, ending the same day by the window's end."""
    found = []
    day = problem.first_day
    while day <= problem.last_day:
        start = datetime.combine(day, problem.window.start, tzinfo=PARIS)
        end = (start.astimezone(UTC) + problem.duration).astimezone(PARIS)
        fits = end.date() == day and end.time() <= problem.window.end and start < end
        if fits and start >= problem.now:
            found.append((day, start, end))
        day += timedelta(days=1)
    return found


def weeks(problem: CampaignProblem) -> list[Week]:
    """The ISO weeks the period touches, in order."""
    found: list[Week] = []
    day = problem.first_day
    while day <= problem.last_day:
        week = _week(day)
        if week not in found:
            found.append(week)
        day += timedelta(days=1)
    return found


def candidate_slots(problem: CampaignProblem) -> list[Slot]:
    """Every (evening, QPV, venue serving it) whose venue is free, in a deterministic order."""
    holding = [b for b in problem.existing if b.status in HOLDING]
    settings = problem.rule_settings
    wanted = {t.qpv_code for t in problem.targets}
    slots = []
    for day, start, end in evenings(problem):
        people = tuple(
            p
            for p in sorted(problem.staff, key=lambda s: s.staff_id)
            if day.weekday() in p.weekdays and day not in p.exceptions
        )
        for venue in sorted(problem.venues, key=lambda v: v.place.venue_id):
            if any(_venue_taken(venue.place, start, end, b) for b in holding):
                continue
            free = tuple(
                p
                for p in people
                if not any(
                    _person_blocked(p, venue.place, start, end, b, settings) for b in holding
                )
            )
            for code in sorted(venue.qpv_codes & wanted):
                slots.append(Slot(day, _week(day), code, venue, start, end, free))
    return slots


def remaining_capacity(problem: CampaignProblem) -> dict[tuple[int, Week], int]:
    """Sessions each person may still take per ISO week, once their holding bookings count."""
    taken: Counter[tuple[int, Week]] = Counter()
    for booking in problem.existing:
        if booking.status in HOLDING:
            local = booking.start.astimezone(ZoneInfo(booking.timezone))
            for a in booking.staff:
                taken[(a.staff_id, _week(local.date()))] += 1
    return {
        (p.staff_id, w): max(0, p.max_sessions_per_week - taken[(p.staff_id, w)])
        for p in problem.staff
        for w in weeks(problem)
    }


def weighted_coverage(problem: CampaignProblem, sessions: Iterable[ProposedSession]) -> int:
    """The primary objective: weight × min(visits, minimum) summed over target weeks."""
    planned = Counter((s.qpv_code, _week(s.start.astimezone(PARIS).date())) for s in sessions)
    return sum(
        t.weight * min(planned[(t.qpv_code, w)], t.min_visits_per_week)
        for t in problem.targets
        for w in weeks(problem)
    )


def max_coverage(problem: CampaignProblem) -> int:
    """The coverage if every target week were met."""
    return sum(t.weight * t.min_visits_per_week for t in problem.targets) * len(weeks(problem))


def outcomes(
    problem: CampaignProblem, sessions: Sequence[ProposedSession], slots: Sequence[Slot]
) -> tuple[TargetOutcome, ...]:
    """Per target and ISO week: visits required and planned, and why when short (French)."""
    planned = Counter((s.qpv_code, _week(s.start.astimezone(PARIS).date())) for s in sessions)
    by_target: dict[tuple[str, Week], list[Slot]] = defaultdict(list)
    for slot in slots:
        by_target[(slot.qpv_code, slot.week)].append(slot)
    served = {code for v in problem.venues for code in v.qpv_codes}
    evening_weeks = {_week(day) for day, _, _ in evenings(problem)}
    found = []
    for target in sorted(problem.targets, key=lambda t: t.qpv_code):
        for week in weeks(problem):
            count = planned[(target.qpv_code, week)]
            reason = None
            if count < target.min_visits_per_week:
                reason = _reason(
                    problem, target, week, by_target[(target.qpv_code, week)], served, evening_weeks
                )
            found.append(
                TargetOutcome(target.qpv_code, week, target.min_visits_per_week, count, reason)
            )
    return tuple(found)


def _reason(
    problem: CampaignProblem,
    target: Target,
    week: Week,
    slots: Sequence[Slot],
    served: set[str],
    evening_weeks: set[Week],
) -> str:
    code, (year, number) = target.qpv_code, week
    when = f"la semaine {number} de {year}"
    window = f"{problem.window.start:%H:%M}–{problem.window.end:%H:%M}"
    if code not in served:
        return f"Aucun lieu candidat ne dessert le QPV {code}."
    if week not in evening_weeks:
        return (
            f"Aucune soirée de la période ne peut accueillir une séance de "
            f"{int(problem.duration.total_seconds() // 60)} min dans le créneau {window} {when}."
        )
    if not slots:
        return f"Aucun lieu desservant le QPV {code} n'est libre sur le créneau {window} {when}."
    pairable = sorted({s.day for s in slots if s.pairable})
    if not pairable:
        return (
            f"Aucun binôme de deux structures différentes n'est disponible sur le créneau "
            f"{window} pour le QPV {code} {when}."
        )
    spaced, last = 0, None
    for day in pairable:
        if last is None or (day - last).days >= problem.min_gap_days:
            spaced, last = spaced + 1, day
    if spaced < target.min_visits_per_week:
        return (
            f"Les soirées où un binôme est libre et l'écart minimal de {problem.min_gap_days} "
            f"jour(s) entre deux visites ne permettent que {spaced} visite(s) du QPV {code} "
            f"{when} ({target.min_visits_per_week} demandée(s))."
        )
    return (
        f"La capacité des intervenants est épuisée {when} : les binômes disponibles ont atteint "
        f"leur maximum de séances ou servent des QPV prioritaires."
    )


def proposal_bookings(problem: CampaignProblem, proposal: Proposal) -> list[Booking]:
    """The proposed sessions as draft bookings, ready for :func:`planner.rules.check_booking`."""
    places = {v.place.venue_id: v.place for v in problem.venues}
    return [
        Booking(
            id=None,
            kind=problem.kind,
            status=SessionStatus.DRAFT,
            start=s.start,
            end=s.end,
            timezone=TIMEZONE,
            place=places[s.venue_id],
            staff=s.staff,
            qpv_codes=(s.qpv_code,),
            organisation_id=problem.organisation_id,
        )
        for s in proposal.sessions
    ]


def session_for(slot: Slot, first: StaffMember, second: StaffMember) -> ProposedSession:
    """A proposed session from a slot and two people (ordered by staff id)."""
    a, b = sorted((first, second), key=lambda p: p.staff_id)
    return ProposedSession(
        qpv_code=slot.qpv_code,
        venue_id=slot.venue.place.venue_id,
        start=slot.start,
        end=slot.end,
        staff=(
            Assignment(a.staff_id, a.organisation_id),
            Assignment(b.staff_id, b.organisation_id),
        ),
    )


def _week(day: date) -> Week:
    year, number, _ = day.isocalendar()
    return (year, number)


def _overlap(start: datetime, end: datetime, booking: Booking) -> bool:
    """Half-open intervals meet (instants, compared in UTC)."""
    return max(start, booking.start) < min(end, booking.end)


def _venue_taken(place: Place, start: datetime, end: datetime, booking: Booking) -> bool:
    """Rule 2: the venue hosts an overlapping holding booking."""
    return booking.place.venue_id == place.venue_id and _overlap(start, end, booking)


def _person_blocked(
    person: StaffMember,
    place: Place,
    start: datetime,
    end: datetime,
    booking: Booking,
    settings: RuleSettings,
) -> bool:
    """Rules 2 and 3: the person is in an overlapping booking, or cannot travel in time."""
    if person.staff_id not in {a.staff_id for a in booking.staff}:
        return False
    if _overlap(start, end, booking):
        return True
    there = booking.place
    if (
        there.venue_id == place.venue_id
        or place.lon is None
        or place.lat is None
        or there.lon is None
        or there.lat is None
    ):
        return False
    needed = travel_time(geodesic_m(place.lon, place.lat, there.lon, there.lat), settings)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    other_start, other_end = booking.start.astimezone(UTC), booking.end.astimezone(UTC)
    gap = start - other_end if other_end <= start else other_start - end
    return gap < needed
