"""SQLAlchemy 2 models. Alembic migrations (``planner/db/migrations``) own the schema.

Times are ``DateTimeUTC`` (advanced-alchemy): stored in UTC, always read back timezone-aware,
SQLite included. The tables live in one module per meaning (territory, venue, people, session,
campaign, partnership, signin, registration, funnel, open data, coverage's
session reach) over one declarative base
(:mod:`planner.db.models.base`); this package re-exports every model, so that
``from planner.db.models import Venue`` works and importing the package puts every table in the
metadata Alembic compares and creates.
"""

from planner.db.models.base import NAMING_CONVENTION, Base
from planner.db.models.campaign import (
    Campaign,
    CampaignOrganisation,
    CampaignPlan,
    CampaignStaff,
    CampaignTarget,
    CampaignVenue,
)
from planner.db.models.feed import FeedState, SessionFragment
from planner.db.models.funnel import Hire, Immersion
from planner.db.models.job import Job
from planner.db.models.open_data import OpenDataTerritory
from planner.db.models.partnership import Partnership
from planner.db.models.people import ApiToken, Organisation, Staff, StaffTerritory
from planner.db.models.reach import SessionReach
from planner.db.models.registration import Registration
from planner.db.models.session import (
    AuditEntry,
    OutreachSession,
    SessionAudience,
    SessionOutcome,
    SessionPartner,
    SessionQpv,
    SessionStaff,
)
from planner.db.models.signin import OutboxMail, SignInFailure, SignInLink, WebSession
from planner.db.models.territory import (
    BanAddress,
    Commune,
    CommunePostcode,
    GeocodeCacheEntry,
    Qpv,
    QpvCommune,
    QpvEpci,
)
from planner.db.models.venue import Venue, VenueQpv

__all__ = [
    "NAMING_CONVENTION",
    "ApiToken",
    "AuditEntry",
    "BanAddress",
    "Base",
    "Campaign",
    "CampaignOrganisation",
    "CampaignPlan",
    "CampaignStaff",
    "CampaignTarget",
    "CampaignVenue",
    "Commune",
    "CommunePostcode",
    "FeedState",
    "GeocodeCacheEntry",
    "Hire",
    "Immersion",
    "Job",
    "OpenDataTerritory",
    "Organisation",
    "OutboxMail",
    "OutreachSession",
    "Partnership",
    "Qpv",
    "QpvCommune",
    "QpvEpci",
    "Registration",
    "SessionAudience",
    "SessionFragment",
    "SessionOutcome",
    "SessionPartner",
    "SessionQpv",
    "SessionReach",
    "SessionStaff",
    "SignInFailure",
    "SignInLink",
    "Staff",
    "StaffTerritory",
    "Venue",
    "VenueQpv",
    "WebSession",
]
