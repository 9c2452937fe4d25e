"""What a campaign may plan: candidate slots (an evening, a QPV, a free venue serving it, the
people free for it) and each person's weekly capacity left once their bookings count.

The greedy baseline and the CP-SAT model both plan only from these slots, so the hard booking
rules that involve existing bookings (a person or a venue in two places at once, travel between
two sessions) are settled here once; the rules between proposed sessions are kept by each planner.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from planner.planning.campaign import (
    CampaignProblem,
    CandidateVenue,
    ProposedSession,
    StaffMember,
    Week,
    evenings,
    travel_km,
    week_of,
    weeks,
)
from planner.rules_travel import travel_shortfall
from planner.session import HOLDING, Assignment, Booking, Place, RuleSettings


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
    """Available that evening, allowed in this QPV and within reach of their base, clear of their
    existing bookings (overlap and travel)."""

    @property
    def pairable(self) -> bool:
        """At least two people from two organisations are free."""
        return len({p.organisation_id for p in self.people}) >= 2


def candidate_slots(problem: CampaignProblem) -> list[Slot]:
    """Every (evening, QPV, venue serving it) whose venue is free, in a deterministic order."""
    holding = [b for b in problem.existing if b.status in HOLDING]
    settings = problem.rule_settings
    wanted = {t.qpv_code for t in problem.targets}
    staff = sorted(problem.staff, key=lambda s: s.staff_id)
    venues = sorted(problem.venues, key=lambda v: v.place.venue_id)
    reach = {
        (p.staff_id, v.place.venue_id): _within_reach(problem, p, v.place)
        for p in staff
        for v in venues
    }
    by_venue: dict[int, list[Booking]] = defaultdict(list)
    by_person: dict[int, list[Booking]] = defaultdict(list)
    for booking in holding:
        by_venue[booking.place.venue_id].append(booking)
        for a in booking.staff:
            by_person[a.staff_id].append(booking)
    slots = []
    for day, start, end in evenings(problem):
        present = [p for p in staff if day.weekday() in p.weekdays and day not in p.exceptions]
        for venue in venues:
            place = venue.place
            if any(_overlap(start, end, b) for b in by_venue[place.venue_id]):
                continue  # rule 2: the venue hosts an overlapping holding booking
            free = [
                p
                for p in present
                if reach[(p.staff_id, place.venue_id)]
                and not any(
                    _person_blocked(place, start, end, b, settings) for b in by_person[p.staff_id]
                )
            ]
            for code in sorted(venue.qpv_codes & wanted):
                people = tuple(p for p in free if p.qpv_codes is None or code in p.qpv_codes)
                slots.append(Slot(day, week_of(day), code, venue, start, end, people))
    return slots


def remaining_capacity(problem: CampaignProblem) -> dict[tuple[int, Week], int]:
    """Sessions each person may still take per ISO week, once their holding bookings count."""
    taken: Counter[tuple[int, Week]] = Counter()
    for booking in problem.existing:
        if booking.status in HOLDING:
            local = booking.start.astimezone(ZoneInfo(booking.timezone))
            for a in booking.staff:
                taken[(a.staff_id, week_of(local.date()))] += 1
    return {
        (p.staff_id, w): max(0, p.max_sessions_per_week - taken[(p.staff_id, w)])
        for p in problem.staff
        for w in weeks(problem)
    }


def _within_reach(problem: CampaignProblem, person: StaffMember, place: Place) -> bool:
    """The venue is within the campaign's travel limit from the person's base."""
    if problem.max_travel_km is None:
        return True
    return travel_km(person, place) <= problem.max_travel_km


def _overlap(start: datetime, end: datetime, booking: Booking) -> bool:
    """Half-open intervals meet (instants, compared in UTC)."""
    return max(start, booking.start) < min(end, booking.end)


def _person_blocked(
    place: Place,
    start: datetime,
    end: datetime,
    booking: Booking,
    settings: RuleSettings,
) -> bool:
    """Rules 2 and 3: the person's booking overlaps, or leaves no time to travel."""
    if _overlap(start, end, booking):
        return True
    shortfall = travel_shortfall(
        place, start, end, booking.place, booking.start, booking.end, settings
    )
    return shortfall is not None


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
