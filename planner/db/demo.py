"""A demonstration dataset drawn from the 2018 Hauts-de-France seminar, for an empty database.

Every organisation, venue, person and session is labelled « (démo) », people are fictitious
(« Conseillère A ») with ``@demo.invalid`` addresses (RFC 2606: a domain that never resolves),
and venues are placed by hand on points of the bundled reference data (a QPV polygon's
representative point, a town-hall point, or a point 250 m off a QPV's edge), with addresses that
say they are fictitious: never a real organisation's address.

Everything goes through the services and their rules, as people would have done it: past
sessions are booked, published and given an outcome with the ``now`` they had then (booked two
weeks ahead, outcome the next morning); future ones are booked now. Organisations, staff and
venues are created three months before ``now``, before any of their bookings. Dates are relative to
``now``: a slot is (week offset from the current week, weekday, start, end), Europe/Paris.
The caller commits or rolls back: the whole dataset is loaded in its transaction or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.booking_input import OutcomeInput, SessionInput
from planner.db import people
from planner.db.booking import book_series, book_session
from planner.db.models import (
    Organisation,
    OutreachSession,
    SessionOutcome,
    SessionQpv,
    Staff,
    Venue,
)
from planner.db.session_changes import change_status, record_outcome
from planner.db.venues import VenueInput, VenuePlacer, create_venue
from planner.errors import ConflictError
from planner.rules import series_starts
from planner.session import (
    OrganisationKind,
    Role,
    RuleSettings,
    SessionKind,
    SessionStatus,
    timezone_for,
)
from planner.venue import Address, VenueKind

MON, TUE, WED, THU, FRI, SAT = range(6)
NEIGHBOURHOOD, FORUM = SessionKind.NEIGHBOURHOOD_SESSION, SessionKind.EMPLOYER_FORUM
HACKATHON, INFO = SessionKind.HACKATHON, SessionKind.INFO_SESSION
PUBLISHED, DRAFT = SessionStatus.PUBLISHED, SessionStatus.DRAFT
CAMPAIGN = "Laisse pas traîner ton futur"
"""The seminar's regional week of evening sessions (week of 17 September 2018)."""

# key: name, kind, street (honestly fictitious), postcode, commune, lon, lat, capacity
VENUES = {
    "sables": ("Centre social des Sables (démo)", VenueKind.CENTRE_SOCIAL,
               "Quartier des Sables (adresse de démonstration)", "60600", "Clermont",
               2.39935, 49.38533, 40),  # representative point of QN06014M Les Sables
    "ml_clermont": ("Mission Locale du Clermontois (démo)", VenueKind.MISSION_LOCALE,
                    "Centre-ville (adresse de démonstration)", "60600", "Clermont",
                    2.40678, 49.38383, 25),  # 259 m from QN06014M, towards the town hall
    "ft_roubaix": ("Agence France Travail Roubaix-Centre (démo)", VenueKind.FRANCE_TRAVAIL,
                   "Centre-ville (adresse de démonstration)", "59100", "Roubaix",
                   3.17404, 50.69121, 120),  # Roubaix town hall point, in QN05980M
    "nouveau_roubaix": ("Salle associative du Nouveau Roubaix (démo)", VenueKind.ASSOCIATION,
                        "Quartier du Nouveau Roubaix (adresse de démonstration)", "59100",
                        "Roubaix", 3.18816, 50.67374, 50),  # representative point of QN05981M
    "etouvie": ("Centre social d'Etouvie (démo)", VenueKind.CENTRE_SOCIAL,
                "Quartier d'Etouvie (adresse de démonstration)", "80080", "Amiens",
                2.25017, 49.91513, 60),  # representative point of QN08001M Etouvie
    "ft_amiens": ("Agence France Travail Amiens (démo)", VenueKind.FRANCE_TRAVAIL,
                  "Centre-ville (adresse de démonstration)", "80000", "Amiens",
                  2.29856, 49.89577, 80),  # 250 m from QN08006M, towards the town hall
    "amiens_nord": ("Maison de quartier d'Amiens Nord (démo)", VenueKind.ASSOCIATION,
                    "Quartier Nord (adresse de démonstration)", "80080", "Amiens",
                    2.30482, 49.91037, 80),  # representative point of QN08003M Amiens Nord
    "e2c_lille": ("École de la 2e chance Grand Lille, site de Lille-Sud (démo)", VenueKind.SCHOOL,
                  "Lille-Sud (adresse de démonstration)", "59000", "Lille",
                  3.05885, 50.61572, 60),  # representative point of QN05972M Secteur Sud
}  # fmt: skip

# key: kind, name, home venue
ORGANISATIONS = {
    "ml": (OrganisationKind.MISSION_LOCALE, "Mission Locale du Clermontois (démo)", "ml_clermont"),
    "cs_cl": (OrganisationKind.CENTRE_SOCIAL, "Centre social de Clermont (démo)", "sables"),
    "ft_rx": (OrganisationKind.FRANCE_TRAVAIL, "France Travail Roubaix-Centre (démo)",
              "ft_roubaix"),
    "ft_am": (OrganisationKind.FRANCE_TRAVAIL, "France Travail Amiens (démo)", "ft_amiens"),
    "cs_et": (OrganisationKind.CENTRE_SOCIAL, "Centre social d'Etouvie (démo)", "etouvie"),
    "cl": (OrganisationKind.CITESLAB, "CitésLab Amiens (démo)", "amiens_nord"),
    "e2c": (OrganisationKind.E2C, "E2C Grand Lille (démo)", "e2c_lille"),
    "emp_log": (OrganisationKind.EMPLOYER, "Entreprise de logistique (démo)", None),
    "emp_sap": (OrganisationKind.EMPLOYER, "Entreprise de services à la personne (démo)", None),
    "pref": (OrganisationKind.OTHER, "Délégués du préfet, Hauts-de-France (démo)", None),
}  # fmt: skip
EVENING_WINDOWS = {"ml": ("18:00", "22:00")}
"""The Mission Locale's own window: the seminar's slots "until 22:00" (others: the default)."""

# key: organisation, name, e-mail (before @demo.invalid), role, departments overseen
STAFF = {
    "a": ("ml", "Conseillère A (démo)", "conseillere.a", Role.ADVISER, ()),
    "b": ("ml", "Conseiller B (démo)", "conseiller.b", Role.ADVISER, ()),
    "c": ("ml", "Directrice C (démo)", "directrice.c", Role.MANAGER, ("60",)),
    "d": ("cs_cl", "Animatrice D (démo)", "animatrice.d", Role.ADVISER, ()),
    "e": ("cs_cl", "Animateur E (démo)", "animateur.e", Role.ADVISER, ()),
    "f": ("ft_rx", "Conseillère F (démo)", "conseillere.f", Role.ADVISER, ()),
    "g": ("ft_rx", "Conseiller G (démo)", "conseiller.g", Role.COORDINATOR, ()),
    "h": ("ft_am", "Conseillère H (démo)", "conseillere.h", Role.ADVISER, ()),
    "i": ("ft_am", "Conseiller I (démo)", "conseiller.i", Role.ADVISER, ()),
    "j": ("cs_et", "Animatrice J (démo)", "animatrice.j", Role.ADVISER, ()),
    "k": ("cs_et", "Référente familles K (démo)", "referente.k", Role.ADVISER, ()),
    "l": ("cl", "Chef de projet L (démo)", "chef-de-projet.l", Role.COORDINATOR, ()),
    "m": ("cl", "Chargée de mission M (démo)", "chargee.m", Role.ADVISER, ()),
    "n": ("e2c", "Formatrice N (démo)", "formatrice.n", Role.ADVISER, ()),
    "o": ("e2c", "Chargé de relations entreprises O (démo)", "charge.o", Role.ADVISER, ()),
    "p": ("pref", "Déléguée du préfet P (démo)", "deleguee.p", Role.MANAGER, ("59", "60", "80")),
}
EMAIL_DOMAIN = "demo.invalid"

DESCRIPTIONS = {
    NEIGHBOURHOOD: "Des conseillers viennent dans le quartier, en soirée : emploi, formation, "
    "droits, sans rendez-vous. Données de démonstration.",
    FORUM: "Des employeurs présentent leurs postes ; venez avec ou sans CV. Une immersion de "
    "trois jours peut suivre. Données de démonstration.",
    HACKATHON: "Les habitants relèvent les défis du contrat de ville et imaginent des projets, "
    "accompagnés par CitésLab. Données de démonstration.",
    INFO: "Réunion d'information ouverte à toutes et tous. Données de démonstration.",
}

Slot = tuple[int, int, str, str, int]
"""Week offset from the current week, weekday, local start, local end, days the end is later."""


outcome = OutcomeInput
"""A past session's outcome: people met, new contacts, job offers, immersions, follow-ups."""


@dataclass(frozen=True, slots=True)
class Cancelled:
    """A session published, then cancelled the day before (or now, for a future one)."""

    reason: str


Fate = OutcomeInput | SessionStatus | Cancelled
"""What becomes of a session: an outcome (completed), draft, published, or a cancellation."""


@dataclass(frozen=True, slots=True)
class Plan:
    """One session (or a weekly series: one fate per occurrence) of the dataset."""

    title: str
    kind: SessionKind
    organisation: str
    venue: str
    staff: tuple[str, ...]
    slot: Slot
    fates: tuple[Fate, ...]
    partners: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    capacity: int | None = None


# where, venue, organisation, staff, partners, weekday, start, end, audiences
CAMPAIGN_WEEK = (
    ("Clermont, les Sables", "sables", "ml", ("a", "b", "d", "e"), ("cs_cl",),
     MON, "18:00", "22:00", ("16-25",)),
    ("Amiens, Etouvie", "etouvie", "ft_am", ("h", "j"), ("cs_et",),
     TUE, "18:00", "21:30", ("tous",)),
    ("Roubaix, Nouveau Roubaix", "nouveau_roubaix", "e2c", ("n", "g"), ("ft_rx",),
     WED, "18:00", "21:30", ("16-25",)),
    ("Clermont, les Sables", "sables", "ml", ("b", "e"), ("cs_cl",),
     THU, "18:00", "21:30", ("16-25",)),
    ("Lille-Sud", "e2c_lille", "e2c", ("o", "f"), ("ft_rx",),
     THU, "18:30", "21:30", ("16-25",)),
    ("Amiens Nord", "amiens_nord", "cl", ("m", "k"), ("cs_et",),
     FRI, "18:00", "21:00", ("tous",)),
)  # fmt: skip
"""A campaign week of evening sessions in pairs (the seminar's Clermont team goes at four)."""


def _week(title: str, week: int, fates: tuple[Fate, ...]) -> tuple[Plan, ...]:
    """The campaign week ``week`` weeks from now, one fate per evening of :data:`CAMPAIGN_WEEK`."""
    return tuple(
        Plan(f"{title} — {where} (démo)", NEIGHBOURHOOD, org, venue, staff,
             (week, day, start, end, 0), (fate,), partners, audiences, 30)
        for (where, venue, org, staff, partners, day, start, end, audiences), fate
        in zip(CAMPAIGN_WEEK, fates, strict=True)
    )  # fmt: skip


PLANS: tuple[Plan, ...] = (
    *_week(CAMPAIGN, -5, (
        outcome(23, 9, 4, 1, 12, "Trois jeunes sont repartis avec une offre d'emploi."),
        outcome(14, 6, 1, 0, 7),
        outcome(18, 7, 2, 1, 9, "Deux inscriptions en prépa-apprentissage."),
        outcome(11, 3, 1, 0, 5),
        Cancelled("Salle indisponible (dégât des eaux) : séance reportée."),
        outcome(9, 5, 0, 0, 4),
    )),
    Plan("Permanence du mercredi soir à Etouvie (démo)", NEIGHBOURHOOD, "ft_am", "etouvie",
         ("i", "k"), (-7, WED, "18:00", "21:00", 0),
         (outcome(8, 4, 0, 0, 3), outcome(12, 5, 1, 0, 6), outcome(10, 2, 1, 1, 4),
          outcome(15, 6, 2, 0, 8)), ("cs_et",), ("tous",), 30),
    Plan("Forum employeurs de l'agence Roubaix-Centre (démo)", FORUM, "ft_rx", "ft_roubaix",
         ("f", "g"), (-3, THU, "09:30", "12:30", 0),
         (outcome(48, 11, 15, 3, 14, "Trois immersions de 3 jours (PMSMP) proposées ; une "
                  "embauche en emploi franc en vue."),), ("emp_log", "emp_sap", "e2c"),
         ("demandeurs-emploi", "tous"), 60),
    Plan("Journée de la créativité citoyenne (démo)", INFO, "cl", "amiens_nord", ("l", "m"),
         (-3, SAT, "10:00", "13:00", 0),
         (outcome(17, 8, 0, 0, 6, "Six idées de projet à accompagner."),), ("cs_et",),
         ("createurs", "tous"), 40),
    Plan("Femmes au RSA : l'emploi près de chez soi (démo)", INFO, "ft_am", "etouvie",
         ("h", "j"), (-2, TUE, "14:00", "16:00", 0),
         (outcome(12, 7, 2, 1, 9, "Sept femmes jusque-là inconnues des services."),),
         ("cs_et",), ("femmes", "rsa"), 15),
    Plan("Prépa-apprentissage : réunion d'information (démo)", INFO, "e2c", "e2c_lille",
         ("n", "o"), (2, TUE, "14:00", "16:00", 0), (DRAFT,), ("ft_rx",), ("16-25",), 25),
    *_week(f"{CAMPAIGN}, nouvelle édition", 3, (
        PUBLISHED, PUBLISHED, DRAFT, DRAFT, DRAFT,
        Cancelled("Salle prêtée pour la fête de quartier : séance annulée."),
    )),
    Plan("Permanence du mercredi soir à Etouvie (démo)", NEIGHBOURHOOD, "ft_am", "etouvie",
         ("i", "k"), (1, WED, "18:00", "21:00", 0), (PUBLISHED,) * 6, ("cs_et",), ("tous",), 30),
    Plan("Femmes au RSA : l'emploi près de chez soi, 2e rencontre (démo)", INFO, "ft_am",
         "etouvie", ("h", "j"), (4, TUE, "14:00", "16:00", 0), (PUBLISHED,), ("cs_et",),
         ("femmes", "rsa"), 15),
    Plan("Forum employeurs de l'agence Roubaix-Centre (démo)", FORUM, "ft_rx", "ft_roubaix",
         ("f", "g"), (5, THU, "09:30", "12:30", 0), (PUBLISHED,), ("emp_log", "emp_sap", "e2c"),
         ("demandeurs-emploi", "tous"), 80),
    # Friday to Saturday: a weekend's DST change (early Sunday) never falls inside it.
    Plan("Hackathon du contrat de ville (démo)", HACKATHON, "cl", "amiens_nord", ("l", "m"),
         (6, FRI, "09:00", "18:00", 1), (PUBLISHED,), ("cs_et", "ft_am"), ("tous",), 40),
)  # fmt: skip


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


async def load_demo(
    session: AsyncSession, *, placer: VenuePlacer, settings: RuleSettings, now: datetime
) -> DemoReport:
    """Fill an empty database with the demonstration dataset; refuse one that holds organisations.

    Raises :class:`ConflictError` (nothing written) when an organisation exists; a refusal by
    the booking rules propagates too, and the caller's rollback leaves the database untouched.
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
        loader.venues[key] = await create_venue(session, placer, data, now=founded)
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
    for plan in PLANS:
        await loader.book(plan)
    return await _report(session, notices=loader.notices)


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
