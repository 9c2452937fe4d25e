"""A stored campaign as the problem the engine solves (a
:class:`planner.planning.campaign.CampaignProblem`).

:func:`load_problem` reads the people with their organisation's premises as base, the candidate
venues, every holding session of these people and venues around the period (they block people
and venues), the stand-in venues of QPVs no venue serves (:func:`venues_to_find`), and the
visits to the targets already booked (:func:`booked_visits`: they count towards the targets and
the minimum gap, so that planning again after accepting tops up).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.clock import PARIS
from planner.db.campaign_resolution import target_zones
from planner.db.models import (
    Campaign,
    Organisation,
    OutreachSession,
    Qpv,
    SessionQpv,
    SessionStaff,
    Staff,
    Venue,
    VenueQpv,
)
from planner.db.session_values import as_booking, venue_place
from planner.db.venues_to_find import TO_FIND
from planner.planning.campaign import (
    TIMEZONE,
    CampaignProblem,
    CandidateVenue,
    SolverSettings,
    StaffMember,
    Target,
)
from planner.session import (
    Booking,
    EveningWindow,
    Place,
    RuleSettings,
    SessionKind,
    SessionStatus,
)


async def load_problem(
    session: AsyncSession,
    campaign: Campaign,
    *,
    settings: RuleSettings,
    now: datetime,
    solver: SolverSettings | None = None,
) -> CampaignProblem:
    """The campaign as the engine's problem (see the module docstring)."""
    codes = [t.qpv_code for t in campaign.targets]
    chosen: dict[str, set[int]] = {}
    for choice in campaign.venues:
        chosen.setdefault(choice.qpv_code, set()).add(choice.venue_id)
    serving = (
        await session.execute(
            select(VenueQpv.venue_id, VenueQpv.qpv_code)
            .join(Venue, Venue.id == VenueQpv.venue_id)
            .where(VenueQpv.qpv_code.in_([c for c in codes if c not in chosen]))
            .where(Venue.to_find.is_(False))
        )
    ).all()
    for venue_id, code in serving:
        chosen.setdefault(code, set()).add(venue_id)
    venue_ids = {v for ids in chosen.values() for v in ids}
    venues = {v.id: v for v in await session.scalars(select(Venue).where(Venue.id.in_(venue_ids)))}
    candidates = tuple(
        CandidateVenue(
            venue_place(venues[v]),
            frozenset(code for code, ids in chosen.items() if v in ids),
        )
        for v in sorted(venues)
    ) + await venues_to_find(session, [c for c in codes if c not in chosen])
    people = {p.staff_id: p for p in campaign.staff}
    staff = list(await session.scalars(select(Staff).where(Staff.id.in_(people))))
    org_ids = {s.organisation_id for s in staff}
    homes = {
        org: (lon, lat)
        for org, lon, lat in (
            await session.execute(
                select(Organisation.id, Venue.lon, Venue.lat)
                .join(Venue, Venue.id == Organisation.home_venue_id)
                .where(Organisation.id.in_(org_ids))
            )
        ).all()
    }
    members = tuple(
        StaffMember(
            staff_id=s.id,
            organisation_id=s.organisation_id,
            weekdays=frozenset(d - 1 for d in people[s.id].weekdays),
            exceptions=frozenset(date.fromisoformat(d) for d in people[s.id].exceptions),
            max_sessions_per_week=people[s.id].max_sessions_per_week
            or campaign.max_sessions_per_week,
            base=homes.get(s.organisation_id),
        )
        for s in sorted(staff, key=lambda s: s.id)
        if s.active
    )
    zones = await target_zones(session, codes)
    zone = zones.pop() if len(zones) == 1 else TIMEZONE
    window = EveningWindow(
        time.fromisoformat(campaign.window_start), time.fromisoformat(campaign.window_end)
    )
    return CampaignProblem(
        targets=tuple(
            Target(t.qpv_code, t.min_visits, t.weight, t.period_weeks) for t in campaign.targets
        ),
        venues=candidates,
        staff=members,
        first_day=campaign.first_day,
        last_day=campaign.last_day,
        now=now,
        organisation_id=campaign.organisation_id,
        kind=SessionKind(campaign.kind),
        duration=timedelta(minutes=campaign.duration_minutes),
        window=window,
        min_gap_days=campaign.min_gap_days,
        max_travel_km=campaign.max_travel_km,
        existing=await _existing(session, campaign, venue_ids, set(people)),
        visits=await booked_visits(session, campaign, codes, zone),
        rules=settings,
        solver=solver or SolverSettings(time_limit_s=campaign.time_limit_s),
        timezone=zone,
    )


async def _existing(
    session: AsyncSession, campaign: Campaign, venue_ids: set[int], staff_ids: set[int]
) -> tuple[Booking, ...]:
    """Holding sessions of these people or venues from the day before to the day after."""
    start = datetime.combine(campaign.first_day - timedelta(days=1), time.min, tzinfo=PARIS)
    end = datetime.combine(campaign.last_day + timedelta(days=2), time.min, tzinfo=PARIS)
    rows = await session.scalars(
        select(OutreachSession)
        .where(OutreachSession.status != SessionStatus.CANCELLED.value)
        .where(OutreachSession.start_at < end, OutreachSession.end_at > start)
        .where(
            or_(
                OutreachSession.venue_id.in_(venue_ids),
                exists().where(
                    SessionStaff.session_id == OutreachSession.id,
                    SessionStaff.staff_id.in_(staff_ids),
                ),
            )
        )
        .order_by(OutreachSession.id)
    )
    return tuple(as_booking(row) for row in rows)


async def venues_to_find(session: AsyncSession, codes: list[str]) -> tuple[CandidateVenue, ...]:
    """A stand-in venue for each QPV no venue serves, at the QPV's centroid (travel is counted
    to the QPV), numbered below zero: the plan proposes the evening and the pair there, and its
    session waits for a real venue (:mod:`planner.db.venues_to_find`)."""
    rows = await session.execute(
        select(Qpv.code, Qpv.centroid_lon, Qpv.centroid_lat)
        .where(Qpv.code.in_(codes))
        .order_by(Qpv.code)
    )
    return tuple(
        CandidateVenue(
            Place(-n, lon, lat, code, 0.0, name=TO_FIND, to_find=True), frozenset({code})
        )
        for n, (code, lon, lat) in enumerate(rows.all(), start=1)
    )


async def booked_visits(
    session: AsyncSession, campaign: Campaign, codes: list[str], zone: str
) -> tuple[tuple[str, date], ...]:
    """Visits to the targets already booked in the period, as (QPV code, local day): sessions
    of the campaign's kind serving them, published or held by anyone, or drafts of the
    campaign's organisations (those of a plan accepted earlier, or booked by hand). Those just
    before or after the period come too: they count for the minimum gap, not the targets."""
    local = ZoneInfo(zone)
    margin = timedelta(days=campaign.min_gap_days)
    start = datetime.combine(campaign.first_day - margin, time.min, tzinfo=local)
    end = datetime.combine(campaign.last_day + timedelta(days=1) + margin, time.min, tzinfo=local)
    ours = [o.organisation_id for o in campaign.organisations] or [campaign.organisation_id]
    rows = await session.execute(
        select(SessionQpv.qpv_code, OutreachSession.start_at)
        .join(OutreachSession, OutreachSession.id == SessionQpv.session_id)
        .where(SessionQpv.qpv_code.in_(codes))
        .where(OutreachSession.kind == campaign.kind)
        .where(OutreachSession.start_at >= start, OutreachSession.start_at < end)
        .where(
            or_(
                OutreachSession.status.in_(
                    [SessionStatus.PUBLISHED.value, SessionStatus.COMPLETED.value]
                ),
                (OutreachSession.status == SessionStatus.DRAFT.value)
                & OutreachSession.organisation_id.in_(ours),
            )
        )
        .order_by(SessionQpv.qpv_code, OutreachSession.start_at)
    )
    return tuple((code, at.astimezone(local).date()) for code, at in rows.all())
