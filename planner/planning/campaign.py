"""Campaign planning as domain values: the problem the optimiser solves and the proposal it returns.

A campaign asks for evening visits to priority neighbourhoods (QPVs) over a period: each target
QPV wants a minimum number of visits per ISO week or per fortnight, weighed by priority. The
planner proposes sessions (QPV, venue, start, end, a pair of staff from two organisations) that
pass every hard booking rule of :mod:`planner.rules` against the existing bookings and each other
(issue 7).

The objective is lexicographic, as :class:`Score` orders it: first the priority-weighted
coverage (each target period counts its visits up to its minimum), then fairness (the heaviest
load of one person, down), then travel (kilometres from each person's base to the venue, down),
then fewer sessions. :mod:`planner.planning.slots` finds what may be planned,
:mod:`planner.planning.explain` says why a target is not met, :mod:`planner.planning.greedy` and
:mod:`planner.planning.optimiser` plan. No ORM, no web, no clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from geo.measure import geodesic_m
from planner.session import (
    Assignment,
    Booking,
    EveningWindow,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
)

TIMEZONE = "Europe/Paris"
"""Default wall clock of a campaign (metropolitan France; overseas campaigns give theirs)."""

Week = tuple[int, int]
"""An ISO (year, week number)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A QPV the campaign must visit at least ``min_visits`` times per ``period_weeks`` weeks."""

    qpv_code: str
    min_visits: int = 1
    weight: int = 1
    """Priority: lapsed or never-reached QPVs weigh more (a positive integer)."""
    period_weeks: int = 1
    """1: per ISO week; 2: per fortnight (weeks paired from the campaign's first week)."""


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
    base: tuple[float, float] | None = None
    """Where they set out from (lon, lat), e.g. their organisation's premises; travel is measured
    from here. ``None``: unknown, no travel counted and no distance limit."""
    qpv_codes: frozenset[str] | None = None
    """The QPVs they may be sent to; ``None``: any target."""


@dataclass(frozen=True, slots=True)
class SolverSettings:
    """CP-SAT's knobs: a fixed seed and worker count make its answer reproducible."""

    time_limit_s: float = 10.0
    """Search budget of CP-SAT, both phases (deterministic seconds when ``deterministic``)."""
    seed: int = 0
    workers: int = 2
    deterministic: bool = True
    """Interleaved workers and a deterministic time limit: the same answer on every run."""


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
    max_travel_km: float | None = None
    """Nobody is sent farther than this from their base (straight line); ``None``: no limit."""
    existing: tuple[Booking, ...] = ()
    """Bookings around the period; holding ones hold their staff and venue."""
    visits: tuple[tuple[str, date], ...] = ()
    """Visits to target QPVs already booked (QPV code, local day), e.g. the drafts of a plan
    accepted earlier: they count towards the targets and the minimum gap, so that planning
    again tops up and never books a QPV twice."""
    rules: RuleSettings = field(default_factory=RuleSettings)
    solver: SolverSettings = field(default_factory=SolverSettings)
    timezone: str = TIMEZONE
    """IANA zone of the territory's wall clock: evenings, weeks and days are read in it."""

    @property
    def zone(self) -> ZoneInfo:
        """The territory's wall clock."""
        return ZoneInfo(self.timezone)

    def local_day(self, moment: datetime) -> date:
        """The territory's calendar day of an instant."""
        return moment.astimezone(self.zone).date()

    @property
    def rule_settings(self) -> RuleSettings:
        """The booking rules' settings with the campaign's evening window."""
        return replace(self.rules, evening_window=self.window)


@dataclass(frozen=True, slots=True)
class Period:
    """One target period of a campaign: a week or a fortnight, clipped to the campaign."""

    index: int
    first_day: date
    last_day: date

    def holds(self, day: date) -> bool:
        """The day falls in this period."""
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True, slots=True)
class ProposedSession:
    """One proposed visit: times are aware datetimes in the campaign's zone."""

    qpv_code: str
    venue_id: int
    start: datetime
    end: datetime
    staff: tuple[Assignment, Assignment]


@dataclass(frozen=True, slots=True)
class TargetOutcome:
    """How one target fares in one period; ``reason`` (French) says why it is not met."""

    qpv_code: str
    first_day: date
    last_day: date
    required: int
    planned: int
    reason: str | None = None
    cause: str | None = None
    """The reason's code (see :data:`planner.planning.explain.CAUSES`)."""
    booked: int = 0
    """Visits already booked in the period (they count: see :attr:`CampaignProblem.visits`)."""

    @property
    def met(self) -> bool:
        """At least the required visits are booked or planned."""
        return self.booked + self.planned >= self.required


@dataclass(frozen=True, slots=True, order=True)
class Score:
    """A plan's objective, ordered so that a greater score is a better plan."""

    coverage: int
    """Priority-weighted visits, each target period counting at most its minimum."""
    max_load: int
    """Sessions of the most loaded person (lower is fairer)."""
    travel_km: int
    """Kilometres from each person's base to the venue, summed over the sessions."""
    sessions: int

    @property
    def key(self) -> tuple[int, int, int, int]:
        """The lexicographic order: coverage up, then load, travel and sessions down."""
        return (self.coverage, -self.max_load, -self.travel_km, -self.sessions)


@dataclass(frozen=True, slots=True)
class Proposal:
    """A plan and how good it is.

    ``coverage_bound`` is the solver's proven bound on the coverage (equal to the coverage when
    proven optimal; the greedy baseline proves nothing and reports every target met). ``status``
    is ``OPTIMAL`` or ``FEASIBLE`` (CP-SAT) or ``GREEDY`` (the baseline, or the fallback).
    """

    sessions: tuple[ProposedSession, ...]
    outcomes: tuple[TargetOutcome, ...]
    score: Score
    coverage_bound: int
    status: str
    first_solution_s: float | None = None
    """Seconds from the start of planning to CP-SAT's first solution."""
    solve_s: float | None = None
    """Seconds CP-SAT searched, both phases."""

    @property
    def coverage(self) -> int:
        """The primary objective (see :class:`Score`)."""
        return self.score.coverage

    @property
    def gap(self) -> float:
        """Relative gap between the coverage and its bound (0 when proven optimal)."""
        if self.coverage_bound <= 0:
            return 0.0
        return max(0, self.coverage_bound - self.coverage) / self.coverage_bound


def week_of(day: date) -> Week:
    """The ISO week of a day."""
    year, number, _ = day.isocalendar()
    return (year, number)


def evenings(problem: CampaignProblem) -> list[tuple[date, datetime, datetime]]:
    """The period's evenings a session fits in: starting at the window's start, local time, not
    before ``now``, ending the same day by the window's end."""
    found = []
    day = problem.first_day
    while day <= problem.last_day:
        start = datetime.combine(day, problem.window.start, tzinfo=problem.zone)
        end = (start.astimezone(ZoneInfo("UTC")) + problem.duration).astimezone(problem.zone)
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
        if week_of(day) not in found:
            found.append(week_of(day))
        day += timedelta(days=1)
    return found


def periods(problem: CampaignProblem, period_weeks: int) -> list[Period]:
    """The campaign cut in periods of ``period_weeks`` ISO weeks from its first week, clipped to
    its first and last days (a campaign starting on a Thursday has a short first week)."""
    span = max(1, period_weeks)
    monday = problem.first_day - timedelta(days=problem.first_day.weekday())
    found = []
    start, index = monday, 0
    while start <= problem.last_day:
        end = start + timedelta(days=7 * span - 1)
        found.append(Period(index, max(start, problem.first_day), min(end, problem.last_day)))
        start, index = end + timedelta(days=1), index + 1
    return found


def target_periods(problem: CampaignProblem) -> dict[str, list[Period]]:
    """Each target's periods, by QPV code."""
    return {t.qpv_code: periods(problem, t.period_weeks) for t in problem.targets}


def period_index(problem: CampaignProblem, period_weeks: int, day: date) -> int:
    """The index of the ``period_weeks``-week period holding ``day`` (see :func:`periods`)."""
    monday = problem.first_day - timedelta(days=problem.first_day.weekday())
    return (day - monday).days // (7 * max(1, period_weeks))


def booked_visits(problem: CampaignProblem) -> Counter[tuple[str, int]]:
    """The visits already booked per target period (QPV code, period index)."""
    spans = {t.qpv_code: t.period_weeks for t in problem.targets}
    return Counter(
        (code, period_index(problem, spans[code], day))
        for code, day in problem.visits
        if code in spans and problem.first_day <= day <= problem.last_day
    )


def too_close(problem: CampaignProblem, qpv_code: str, day: date) -> bool:
    """A visit booked to the QPV lies less than the minimum gap from ``day`` (either side)."""
    gap = max(1, problem.min_gap_days)
    return any(code == qpv_code and abs((day - seen).days) < gap for code, seen in problem.visits)


def weighted_coverage(problem: CampaignProblem, sessions: Iterable[ProposedSession]) -> int:
    """The primary objective: weight × min(visits, minimum) summed over target periods, the
    visits already booked included."""
    spans = {t.qpv_code: t.period_weeks for t in problem.targets}
    visits = booked_visits(problem) + Counter(
        (s.qpv_code, period_index(problem, spans[s.qpv_code], problem.local_day(s.start)))
        for s in sessions
        if s.qpv_code in spans
    )
    return sum(
        t.weight * min(visits[(t.qpv_code, p.index)], t.min_visits)
        for t in problem.targets
        for p in periods(problem, t.period_weeks)
    )


def max_coverage(problem: CampaignProblem) -> int:
    """The coverage if every target period were met."""
    return sum(
        t.weight * t.min_visits * len(periods(problem, t.period_weeks)) for t in problem.targets
    )


def travel_km(person: StaffMember, place: Place) -> int:
    """Whole kilometres (rounded) from a person's base to a venue; 0 when either is unplaced."""
    if person.base is None or place.lon is None or place.lat is None:
        return 0
    return round(geodesic_m(person.base[0], person.base[1], place.lon, place.lat) / 1000)


def score(problem: CampaignProblem, sessions: Iterable[ProposedSession]) -> Score:
    """The objective of a plan (see :class:`Score`)."""
    chosen = list(sessions)
    people = {p.staff_id: p for p in problem.staff}
    places = {v.place.venue_id: v.place for v in problem.venues}
    load = Counter(a.staff_id for s in chosen for a in s.staff)
    travel = sum(travel_km(people[a.staff_id], places[s.venue_id]) for s in chosen for a in s.staff)
    return Score(
        coverage=weighted_coverage(problem, chosen),
        max_load=max(load.values(), default=0),
        travel_km=travel,
        sessions=len(chosen),
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
            timezone=problem.timezone,
            place=places[s.venue_id],
            staff=s.staff,
            qpv_codes=(s.qpv_code,),
            organisation_id=problem.organisation_id,
        )
        for s in proposal.sessions
    ]
