"""The partner finder: for an evening at a venue, who from another organisation is free and
can get there in time, nearest first — so a pair is formed in two clicks.

"Free" and "in time" are the booking rules' own verdicts (rule 2, one session at a time; rule
3, travel between two sessions), asked of each person alone against the sessions around them:
nobody is proposed whom the booking would then refuse for these reasons.

"Nearest" measures from where the person will be: the venue of their last session ending before
the evening starts, the same day; otherwise their organisation's home venue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.measure import geodesic_m
from planner.db.booking_conflicts import sessions_around
from planner.db.models import Organisation, Staff, Venue
from planner.db.partnerships import active_partner_ids
from planner.db.session_values import venue_place
from planner.errors import InvalidInputError
from planner.rules import check_booking
from planner.session import (
    Assignment,
    Booking,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
    timezone_for,
)

PERSONAL = frozenset({"intervenant-deja-pris", "trajet-impossible"})
"""The rules that make a person unavailable (the others concern the session as a whole)."""
TIRED = "trop-de-soirees"
"""The soft rule of a person's weekly evenings: they stay proposed, after the others, with the
rule's own words."""
BOOKING_ROLES = ("adviser", "coordinator")


@dataclass(frozen=True, slots=True)
class Candidate:
    """Someone free for the evening: who, from where, and how far their base is."""

    staff_id: int
    name: str
    organisation_id: int
    organisation: str
    partner: bool
    """Whether their organisation is an active partner of the one booking."""
    distance_m: float | None
    """From where they come to the venue (``None``: nowhere known)."""
    from_session: bool = False
    """Whether they come from their previous session that day (else from their organisation's
    home venue)."""
    warning: str | None = None
    """The weekly-evenings rule's notice when this evening takes them beyond it."""


def previous_place(theirs: list[Booking], start: datetime, zone: ZoneInfo) -> Place | None:
    """Where a person is just before ``start``: the placed venue of their last session ending
    by then the same local day (``None``: no such session)."""
    day = start.astimezone(zone).date()
    before = [
        b
        for b in theirs
        if b.end <= start
        and b.end.astimezone(zone).date() == day
        and b.place.lon is not None
        and b.place.lat is not None
    ]
    return max(before, key=lambda b: b.end).place if before else None


async def free_partners(
    session: AsyncSession,
    *,
    venue_id: int,
    start: datetime,
    end: datetime,
    organisation_id: int,
    settings: RuleSettings,
    now: datetime,
) -> list[Candidate]:
    """Active advisers and coordinators of other organisations free from ``start`` to ``end``
    and able to reach the venue from their sessions around: partners first, then those the
    evening keeps within the weekly evenings advised, then nearest."""
    venue = await session.get(Venue, venue_id)
    if venue is None:
        raise InvalidInputError({"venue_id": f"aucun lieu n° {venue_id}"})
    if not start < end:
        raise InvalidInputError({"end": "la fin doit suivre le début"})
    rows = (
        await session.execute(
            select(Staff, Organisation)
            .join(Organisation, Organisation.id == Staff.organisation_id)
            .where(
                Staff.active.is_(True),
                Staff.role.in_(BOOKING_ROLES),
                Staff.organisation_id != organisation_id,
            )
            .order_by(Staff.name, Staff.id)
        )
    ).all()
    if not rows:
        return []
    place = venue_place(venue)

    def alone(people: tuple[Assignment, ...]) -> Booking:
        return Booking(
            id=None,
            kind=SessionKind.INFO_SESSION,
            status=SessionStatus.DRAFT,
            start=start,
            end=end,
            timezone=timezone_for(venue.insee_code),
            place=place,
            staff=people,
            qpv_codes=(),
            organisation_id=organisation_id,
        )

    people = {s.id: Assignment(s.id, s.organisation_id, s.name) for s, _ in rows}
    around = await sessions_around(session, alone(tuple(people.values())))
    partners = await active_partner_ids(session, organisation_id)
    homes = {
        v.id: v
        for v in await session.scalars(
            select(Venue).where(Venue.id.in_({o.home_venue_id for _, o in rows if o.home_venue_id}))
        )
    }
    zone = ZoneInfo(timezone_for(venue.insee_code))
    found = []
    for staff, organisation in rows:
        theirs = [b for b in around if any(a.staff_id == staff.id for a in b.staff)]
        verdict = check_booking(
            alone((people[staff.id],)), others=theirs, now=now, settings=settings
        )
        if any(v.code in PERSONAL for v in verdict.violations):
            continue
        previous = previous_place(theirs, start, zone)
        home = homes.get(organisation.home_venue_id or -1)
        origin = previous or (venue_place(home) if home is not None else None)
        distance = (
            geodesic_m(origin.lon, origin.lat, venue.lon, venue.lat)
            if origin is not None
            and origin.lon is not None
            and origin.lat is not None
            and venue.lon is not None
            and venue.lat is not None
            else None
        )
        found.append(
            Candidate(
                staff.id,
                staff.name,
                organisation.id,
                organisation.name,
                organisation.id in partners,
                distance,
                from_session=previous is not None,
                warning=next((n.message for n in verdict.notices if n.code == TIRED), None),
            )
        )
    return sorted(
        found,
        key=lambda c: (
            not c.partner,
            c.warning is not None,
            c.distance_m is None,
            c.distance_m or 0.0,
            c.name,
        ),
    )
