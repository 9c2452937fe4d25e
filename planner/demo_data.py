"""The demonstration dataset, as values: drawn from the 2018 Hauts-de-France seminar.

Every organisation, venue, person and session is labelled « (démo) », people are fictitious
(« Conseillère A ») with ``@demo.invalid`` addresses (RFC 2606: a domain that never resolves),
and venues are placed by hand on points of the bundled reference data (a QPV polygon's
representative point, a town-hall point, or a point 250 m off a QPV's edge), with addresses that
say they are fictitious: never a real organisation's address. :mod:`planner.db.demo` loads it
through the services.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.booking_input import OutcomeInput
from planner.session import OrganisationKind, Role, SessionKind, SessionStatus
from planner.venue import VenueKind

MON, TUE, WED, THU, FRI, SAT = range(6)
NEIGHBOURHOOD, FORUM = SessionKind.NEIGHBOURHOOD_SESSION, SessionKind.EMPLOYER_FORUM
HACKATHON, INFO = SessionKind.HACKATHON, SessionKind.INFO_SESSION
WORKSHOP = SessionKind.WORKSHOP
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
VENUE_OWNERS = {
    "sables": "cs_cl",
    "ml_clermont": "ml",
    "ft_roubaix": "ft_rx",
    "etouvie": "cs_et",
    "ft_amiens": "ft_am",
    "amiens_nord": "cl",
    "e2c_lille": "e2c",
}
"""Each venue's owner, the organisation at home there; the Nouveau Roubaix hall is shared."""
PARTNERSHIPS = (
    ("cl", "ft_am"),
    ("cl", "cs_et"),
    ("ft_am", "cs_et"),
    ("cl", "ft_rx"),
    ("cl", "ml"),
    ("cl", "cs_cl"),
    ("cl", "e2c"),
)
"""Active partnerships: the Amiens partners plan campaigns together (README's example), and
CitésLab coordinates the regional week with the Roubaix, Clermont and Lille partners."""
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
    WORKSHOP: "Une journée pour imaginer des projets pour le quartier, en petits groupes, "
    "accompagnés par CitésLab. Données de démonstration.",
}

Slot = tuple[int, int, str, str, int]
"""Week offset from the current week, weekday, local start, local end, days the end is later."""


outcome = OutcomeInput
"""A past session's outcome: people met, new contacts, job offers, immersions, follow-ups."""


@dataclass(frozen=True, slots=True)
class Cancelled:
    """A session published, then cancelled the day before (or now, for a future one)."""

    reason: str


@dataclass(frozen=True, slots=True)
class AfterForum:
    """What followed a past employer forum: how many of its registrants came, and the
    immersions and hires (at its partner employers) that came of it."""

    attended: int
    immersions: int
    hires: int
    """Each under emplois francs (the demo's participants live in the QPV)."""


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
    registrants: int | None = None
    """``None``: walk-in; a number: the session takes registrations, and that many demo
    registrants (fictitious, phone numbers of the range reserved for fiction) hold places."""
    after: AfterForum | None = None
    """A past forum's attendance, immersions and hires."""


# where, venue, organisation, staff, partners, weekday, start, end, audiences
CAMPAIGN_WEEK = (
    ("Clermont, les Sables", "sables", "ml", ("a", "b", "d", "e"), ("cs_cl",),
     MON, "18:00", "22:00", ("jeunes-16-25",)),
    ("Amiens, Etouvie", "etouvie", "ft_am", ("h", "j"), ("cs_et",),
     TUE, "18:00", "21:30", ("tous-publics",)),
    ("Roubaix, Nouveau Roubaix", "nouveau_roubaix", "e2c", ("n", "g"), ("ft_rx",),
     WED, "18:00", "21:30", ("jeunes-16-25",)),
    ("Clermont, les Sables", "sables", "ml", ("b", "e"), ("cs_cl",),
     THU, "18:00", "21:30", ("jeunes-16-25",)),
    ("Lille-Sud", "e2c_lille", "e2c", ("o", "f"), ("ft_rx",),
     THU, "18:30", "21:30", ("jeunes-16-25",)),
    ("Amiens Nord", "amiens_nord", "cl", ("m", "k"), ("cs_et",),
     FRI, "18:00", "21:00", ("tous-publics",)),
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
          outcome(15, 6, 2, 0, 8)), ("cs_et",), ("tous-publics",), 30),
    Plan("Forum employeurs de l'agence Roubaix-Centre (démo)", FORUM, "ft_rx", "ft_roubaix",
         ("f", "g"), (-3, THU, "09:30", "12:30", 0),
         (outcome(48, 11, 15, 3, 14, "Trois immersions de 3 jours (PMSMP) proposées ; une "
                  "embauche en emploi franc en vue."),), ("emp_log", "emp_sap", "e2c"),
         ("demandeurs-emploi", "tous-publics"), 60, 52, AfterForum(41, 3, 1)),
    Plan("Journée de la créativité citoyenne (démo)", WORKSHOP, "cl", "amiens_nord", ("l", "m"),
         (-3, SAT, "09:00", "17:00", 0),
         (outcome(17, 8, 0, 0, 6, "Six idées de projet à accompagner."),), ("cs_et",),
         ("createurs", "tous-publics"), 40),
    Plan("Femmes au RSA : l'emploi près de chez soi (démo)", INFO, "ft_am", "etouvie",
         ("h", "j"), (-2, TUE, "14:00", "16:00", 0),
         (outcome(12, 7, 2, 1, 9, "Sept femmes jusque-là inconnues des services."),),
         ("cs_et",), ("femmes", "allocataires-rsa"), 15),
    # The demo adviser's own evenings: last week's, ended without its outcome (to fill in), and
    # next week's, in her agenda.
    Plan("Permanence emploi des Sables (démo)", NEIGHBOURHOOD, "ml", "sables", ("a", "d"),
         (-1, MON, "18:00", "21:00", 0), (PUBLISHED,), ("cs_cl",), ("jeunes-16-25",), 30),
    Plan("Permanence emploi des Sables (démo)", NEIGHBOURHOOD, "ml", "sables", ("a", "d"),
         (1, MON, "18:00", "21:00", 0), (PUBLISHED,), ("cs_cl",), ("jeunes-16-25",), 30),
    Plan("Prépa-apprentissage : réunion d'information (démo)", INFO, "e2c", "e2c_lille",
         ("n", "o"), (2, TUE, "14:00", "16:00", 0), (DRAFT,), ("ft_rx",), ("jeunes-16-25",), 25),
    *_week(f"{CAMPAIGN}, nouvelle édition", 3, (
        PUBLISHED, PUBLISHED, DRAFT, DRAFT, DRAFT,
        Cancelled("Salle prêtée pour la fête de quartier : séance annulée."),
    )),
    Plan("Permanence du mercredi soir à Etouvie (démo)", NEIGHBOURHOOD, "ft_am", "etouvie",
         ("i", "k"), (1, WED, "18:00", "21:00", 0), (PUBLISHED,) * 6, ("cs_et",),
         ("tous-publics",), 30),
    Plan("Femmes au RSA : l'emploi près de chez soi, 2e rencontre (démo)", INFO, "ft_am",
         "etouvie", ("h", "j"), (4, TUE, "14:00", "16:00", 0), (PUBLISHED,), ("cs_et",),
         ("femmes", "allocataires-rsa"), 15, 6),
    Plan("Forum employeurs de l'agence Roubaix-Centre (démo)", FORUM, "ft_rx", "ft_roubaix",
         ("f", "g"), (5, THU, "09:30", "12:30", 0), (PUBLISHED,), ("emp_log", "emp_sap", "e2c"),
         ("demandeurs-emploi", "tous-publics"), 80, 78),
    # Friday to Saturday: a weekend's DST change (early Sunday) never falls inside it.
    Plan("Hackathon du contrat de ville (démo)", HACKATHON, "cl", "amiens_nord", ("l", "m"),
         (6, FRI, "09:00", "18:00", 1), (PUBLISHED,), ("cs_et", "ft_am"), ("tous-publics",), 40,
         12),
)  # fmt: skip
