"""Loads the demonstration dataset (:mod:`planner.demo_data`) into an empty database.

Everything goes through the services and their rules, as people would have done it: past
sessions are booked, published and given an outcome with the ``now`` they had then (booked two
weeks ahead, outcome the next morning); future ones are booked now. Organisations, staff and
venues are created three months before ``now``, before any of their bookings; each venue then
goes to the organisation at home there, and the Amiens partners are set as partners. Dates are
relative to ``now``: a slot is (week offset from the current week, weekday, start, end),
Europe/Paris. The caller commits or rolls back: the whole dataset is loaded in its transaction
or not at all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.booking_input import OutcomeInput, SessionInput
from planner.db import partnerships, people
from planner.db.accounts import invite
from planner.db.booking import book_series, book_session
from planner.db.funnel import record_hire, record_immersion
from planner.db.models import (
    Organisation,
    OutreachSession,
    SessionOutcome,
    SessionQpv,
    Staff,
    Venue,
)
from planner.db.registrants import list_registrations, mark_attendance
from planner.db.registrations import Links, register
from planner.db.session_changes import change_status, record_outcome
from planner.db.venues import VenueInput, VenuePlacer, create_venue, update_venue
from planner.demo_data import (
    DESCRIPTIONS,
    DRAFT,
    EMAIL_DOMAIN,
    EVENING_WINDOWS,
    ORGANISATIONS,
    PARTNERSHIPS,
    PLANS,
    PUBLISHED,
    STAFF,
    VENUE_OWNERS,
    VENUES,
    AfterForum,
    Cancelled,
    Plan,
    Slot,
)
from planner.errors import ConflictError
from planner.funnel import HireInput, ImmersionInput
from planner.registration import RegistrationInput, RegistrationRules
from planner.rules import series_starts
from planner.session import (
    Role,
    RuleSettings,
    SessionStatus,
    timezone_for,
)
from planner.venue import Address


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What the demonstration dataset holds once loaded."""

    organisations: int
    staff: int
    venues: int
    drafts: int
    published: int
    completed: int
    cancelled: int
    outcomes: int
    people_met: int
    job_offers: int
    immersions: int
    qpvs: int
    """QPVs served by at least one session that was not cancelled."""
    notices: int
    """Soft-rule warnings the bookings were accepted with (QPV revisits, busy weeks…)."""
    invited: tuple[str, ...] = ()
    """E-mails of the demo people who were sent an invitation to choose a password."""
    links: tuple[str, ...] = ()
    """Their invitation links, in the same order (demo accounts: printed for the newcomer)."""

    def lines(self) -> list[str]:
        """The report in French, for the command line and the server's start-up."""
        sessions = self.drafts + self.published + self.completed + self.cancelled
        return [
            f"Démonstration chargée : {self.organisations} organisations, {self.staff} membres "
            f"du personnel, {self.venues} lieux.",
            f"Séances : {sessions} — {self.drafts} brouillons, {self.published} publiées, "
            f"{self.completed} terminées, {self.cancelled} annulées ; {self.qpvs} QPV servis.",
            f"Bilans : {self.outcomes} — {self.people_met} personnes rencontrées, "
            f"{self.job_offers} offres d'emploi, {self.immersions} immersions.",
            f"Avertissements acceptés à la réservation : {self.notices}.",
            *(
                [f"Invitations (choix du mot de passe) envoyées à : {', '.join(self.invited)}."]
                if self.invited
                else []
            ),
            *(
                [
                    "Pour essayer, ouvrez un de ces liens (une seule fois), choisissez un mot de "
                    "passe et vous voilà connecté·e :",
                    *(
                        f"  {label} ({email}) : {link}"
                        for label, email, link in zip(
                            INVITED_LABELS, self.invited, self.links, strict=False
                        )
                    ),
                ]
                if self.links
                else []
            ),
            "Toutes les données portent la mention « (démo) ». Pour agir au nom d'une personne "
            f"de la démo : allervers create-token conseillere.a@{EMAIL_DOMAIN}",
        ]


async def has_data(session: AsyncSession) -> bool:
    """Whether the database holds any organisation (then the demonstration is not loaded)."""
    return await session.scalar(select(Organisation.id).limit(1)) is not None


def _moment(today: date, slot: Slot, zone: ZoneInfo, *, end: bool = False) -> datetime:
    """The local start (or end) of ``slot``, counted from the Monday of ``today``'s week."""
    week, weekday, start, finish, days = slot
    monday = today - timedelta(days=today.weekday())
    day = monday + timedelta(weeks=week, days=weekday + (days if end else 0))
    return datetime.combine(day, time.fromisoformat(finish if end else start), tzinfo=zone)


class _Loader:
    """Books the plans through the services, keeping the rows it created by key."""

    def __init__(self, session: AsyncSession, settings: RuleSettings, now: datetime) -> None:
        self.session, self.settings, self.now = session, settings, now
        self.venues: dict[str, Venue] = {}
        self.organisations: dict[str, int] = {}
        self.staff: dict[str, Staff] = {}
        self.notices = 0

    def caller(self, plan: Plan) -> Caller:
        """The first of the plan's staff from the organising organisation books it."""
        org = self.organisations[plan.organisation]
        lead = next(self.staff[k] for k in plan.staff if self.staff[k].organisation_id == org)
        return Caller(staff_id=lead.id, organisation_id=org, role=Role(lead.role))

    async def book(self, plan: Plan) -> None:
        """Book, publish, cancel and complete ``plan`` as its people would have, at the time."""
        venue = self.venues[plan.venue]
        zone = ZoneInfo(timezone_for(venue.insee_code))
        today = self.now.astimezone(zone).date()
        first = _moment(today, plan.slot, zone)
        data = SessionInput(
            kind=plan.kind,
            title=plan.title,
            start=first,
            end=_moment(today, plan.slot, zone, end=True),
            venue_id=venue.id,
            organisation_id=self.organisations[plan.organisation],
            staff_ids=tuple(self.staff[k].id for k in plan.staff),
            partner_ids=tuple(self.organisations[k] for k in plan.partners),
            audiences=plan.audiences,
            capacity=plan.capacity,
            takes_registrations=plan.registrants is not None,
            description=DESCRIPTIONS[plan.kind],
            internal_notes="Séance fictive du jeu de démonstration.",
        )
        starts = series_starts(first, count=len(plan.fates), timezone=zone.key)
        past = first < self.now
        if any((start < self.now) != past for start in starts):
            raise ValueError(f"{plan.title} : une série doit être toute passée ou toute à venir")
        # Past sessions were booked two weeks ahead and published two days later; future ones now.
        booked_at = first - timedelta(days=14) if past else self.now
        published_at = booked_at + timedelta(days=2) if past else self.now
        caller, rules, session = self.caller(plan), self.settings, self.session
        if len(starts) == 1:
            rows = [await book_session(session, data, caller=caller, settings=rules, now=booked_at)]
        else:
            rows = await book_series(
                session, data, starts, caller=caller, settings=rules, now=booked_at
            )
        for booked, fate in zip(rows, plan.fates, strict=True):
            if fate is DRAFT:
                self.notices += len(booked.notices)
                continue
            row = booked.row
            published = await change_status(
                session, row.id, PUBLISHED, caller=caller, settings=rules, now=published_at
            )
            self.notices += len(published.notices)  # the rules judged it again, with all around
            if plan.registrants:
                # residents register the day after publication (or now, for a future one)
                when = published_at + timedelta(days=1) if past else self.now
                await self.register(row.id, plan.registrants, now=when)
            if isinstance(fate, Cancelled):
                await change_status(
                    session,
                    row.id,
                    SessionStatus.CANCELLED,
                    caller=caller,
                    settings=rules,
                    now=row.start_at - timedelta(days=1) if past else self.now,
                    reason=fate.reason,
                )
            elif isinstance(fate, OutcomeInput):
                # The outcome is typed in the next morning (or now, if that is sooner).
                recorded_at = min(row.end_at + timedelta(hours=14), self.now)
                await record_outcome(session, row.id, fate, caller=caller, now=recorded_at)
                if plan.after is not None:
                    await self.follow_up(row, plan.after, plan.partners, caller, recorded_at)

    async def register(self, session_id: int, count: int, *, now: datetime) -> None:
        """``count`` fictitious residents register, by phone (no mail is sent to them)."""
        links = Links("", RegistrationRules())
        for number in range(1, count + 1):
            person = RegistrationInput(
                first_name=f"Participant·e de démonstration {number}",
                email=None,
                phone=f"063998{number:04d}",  # the range ARCEP reserves for fiction
                needs=None,
                consent=True,
            )
            await register(
                self.session, session_id, person, links=links, ics=lambda row: b"", now=now
            )

    async def follow_up(
        self,
        row: OutreachSession,
        after: AfterForum,
        partners: tuple[str, ...],
        caller: Caller,
        now: datetime,
    ) -> None:
        """The forum's attendance, then its immersions (a week later, three days each, ended in
        a hire for the first ones) and hires under emplois francs, at its partner employers."""
        people = await list_registrations(self.session, row.id, caller=caller)
        marks = {p.id: "present" if n < after.attended else "absent" for n, p in enumerate(people)}
        await mark_attendance(self.session, row.id, marks, caller=caller, now=now)
        employers = [self.organisations[k] for k in partners if k.startswith("emp_")]
        day = row.start_at.date()
        for n in range(after.immersions):
            first = day + timedelta(days=7 + n)
            data = ImmersionInput(
                employers[n % len(employers)],
                first,
                first + timedelta(days=2),
                people[n].id,
                "hire" if n < after.hires else None,
            )
            await record_immersion(self.session, row.id, data, caller=caller, now=now)
        for n in range(after.hires):
            hire = HireInput(
                employers[n % len(employers)], "cdi", day + timedelta(days=14), True, people[n].id
            )
            await record_hire(self.session, row.id, hire, caller=caller, now=now)


INVITED = ("a", "l", "p")
"""The demo's adviser, coordinator and manager: invited to choose a password, so a newcomer
signs in as each of them with the links printed at start-up (also in the mail outbox)."""
INVITED_LABELS = ("conseillère", "coordinateur", "manager")


async def load_demo(
    session: AsyncSession,
    *,
    placer: VenuePlacer,
    settings: RuleSettings,
    now: datetime,
    invitations: tuple[str, timedelta] | None = None,
) -> DemoReport:
    """Fill an empty database with the demonstration dataset; refuse one that holds organisations.

    Raises :class:`ConflictError` (nothing written) when an organisation exists; a refusal by
    the booking rules propagates too, and the caller's rollback leaves the database untouched.
    With ``invitations`` (the site's base URL, the links' validity), the demo's adviser,
    coordinator and manager are mailed an invitation (:data:`INVITED`).
    """
    if await has_data(session):
        raise ConflictError(
            "La base contient déjà des organisations : le jeu de démonstration ne se charge que "
            "dans une base vide. Rien n'a été écrit."
        )
    loader, founded = _Loader(session, settings, now), now - timedelta(days=90)
    for key, (name, kind, street, postcode, commune, lon, lat, capacity) in VENUES.items():
        data = VenueInput(
            name,
            kind,
            Address(street=street, postcode=postcode, commune=commune),
            lon=lon,
            lat=lat,
            capacity=capacity,
            notes="Lieu fictif du jeu de démonstration.",
        )
        loader.venues[key] = await create_venue(session, placer, data, now=founded, operator=True)
    for key, (org_kind, name, home) in ORGANISATIONS.items():
        window = EVENING_WINDOWS.get(key, (None, None))
        org = await people.create_organisation(
            session,
            kind=org_kind,
            name=name,
            home_venue_id=loader.venues[home].id if home else None,
            evening_start=window[0],
            evening_end=window[1],
            actor_id=None,
            now=founded,
        )
        loader.organisations[key] = org.id
    for key, owner in VENUE_OWNERS.items():
        await update_venue(
            session,
            placer,
            loader.venues[key].id,
            {"organisation_id": loader.organisations[owner]},
            now=founded,
            operator=True,
        )
    for key, (org_key, name, local, role, departments) in STAFF.items():
        loader.staff[key] = await people.create_staff(
            session,
            organisation_id=loader.organisations[org_key],
            name=name,
            email=f"{local}@{EMAIL_DOMAIN}",
            role=role,
            departments=departments,
            actor_id=None,
            now=founded,
        )
    for one, other in PARTNERSHIPS:
        await partnerships.set_partnership(
            session,
            loader.organisations[one],
            loader.organisations[other],
            caller=None,
            operator=True,
            now=founded,
        )
    for plan in PLANS:
        await loader.book(plan)
    report = await _report(session, notices=loader.notices)
    if invitations is None:
        return report
    base_url, ttl = invitations
    links = [
        await invite(
            session, loader.staff[key].id, caller=None, base_url=base_url, ttl=ttl, now=now
        )
        for key in INVITED
    ]
    return dataclasses.replace(
        report, invited=tuple(loader.staff[k].email for k in INVITED), links=tuple(links)
    )


async def _count(session: AsyncSession, model: type[Organisation | Staff | Venue]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _report(session: AsyncSession, *, notices: int) -> DemoReport:
    """Count what the database holds (it was empty: that is the dataset)."""
    by_status = select(OutreachSession.status, func.count()).group_by(OutreachSession.status)
    statuses = {status: int(count) for status, count in await session.execute(by_status)}
    sums = (SessionOutcome.people_met, SessionOutcome.job_offers, SessionOutcome.immersions)
    outcomes = (
        await session.execute(select(func.count(), *(func.coalesce(func.sum(c), 0) for c in sums)))
    ).one()
    qpvs = await session.scalar(
        select(func.count(distinct(SessionQpv.qpv_code)))
        .join(OutreachSession, OutreachSession.id == SessionQpv.session_id)
        .where(OutreachSession.status != SessionStatus.CANCELLED.value)
    )
    return DemoReport(
        organisations=await _count(session, Organisation),
        staff=await _count(session, Staff),
        venues=await _count(session, Venue),
        drafts=statuses.get(SessionStatus.DRAFT.value, 0),
        published=statuses.get(SessionStatus.PUBLISHED.value, 0),
        completed=statuses.get(SessionStatus.COMPLETED.value, 0),
        cancelled=statuses.get(SessionStatus.CANCELLED.value, 0),
        outcomes=int(outcomes[0]),
        people_met=int(outcomes[1]),
        job_offers=int(outcomes[2]),
        immersions=int(outcomes[3]),
        qpvs=int(qpvs or 0),
        notices=notices,
    )
