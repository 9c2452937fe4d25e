"""Request bodies with examples for the OpenAPI document (what a person would send)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import Body

from api.schemas.campaign import CampaignCreate
from api.schemas.people import OrganisationCreate, StaffCreate
from api.schemas.session import SeriesCreate, SessionCreate
from api.schemas.venue import VenueCreate

SESSION_EXAMPLE = Example(
    summary="Permanence du soir à Etouvie",
    value={
        "kind": "neighbourhood_session",
        "title": "Permanence emploi du mardi soir",
        "description": "Conseillers Mission Locale et centre social : emploi, formation, droits.",
        "internal_notes": "Prévoir les offres du secteur logistique.",
        "start": "2026-12-08T18:00:00+01:00",
        "end": "2026-12-08T21:30:00+01:00",
        "venue_id": 1,
        "organisation_id": 1,
        "staff_ids": [2, 3],
        "partner_ids": [2],
        "audiences": ["jeunes-16-25"],
        "capacity": 30,
        "publish": True,
    },
)
SERIES_EXAMPLE = Example(
    summary="Tous les mardis pendant six semaines",
    value={**(SESSION_EXAMPLE.value or {}), "count": 6, "interval_days": 7},
)
VENUE_EXAMPLE = Example(
    summary="Un centre social tapé comme on l'écrit",
    value={
        "name": "Centre social (exemple)",
        "kind": "centre_social",
        "street": "25 rue Léon Blum",
        "postcode": "59950",
        "commune": "Auby",
        "capacity": 40,
        "step_free": True,
    },
)
ORGANISATION_EXAMPLE = Example(
    summary="Une Mission Locale",
    value={"kind": "mission_locale", "name": "Mission Locale (exemple)", "siret": "12345678901234"},
)
STAFF_EXAMPLE = Example(
    summary="Une conseillère",
    value={
        "organisation_id": 1,
        "name": "Conseillère (exemple)",
        "email": "conseillere@exemple.fr",
        "role": "adviser",
    },
)
CAMPAIGN_EXAMPLE = Example(
    summary="Un mois de permanences dans les QPV de la Somme",
    value={
        "name": "Permanences de décembre (exemple)",
        "department": "80",
        "first_day": "2026-12-07",
        "last_day": "2026-12-20",
        "organisations": [1, 2],
        "per": "week",
        "min_visits": 1,
        "staff": [
            {"staff_id": 2, "weekdays": [2, 4], "exceptions": ["2026-12-10"]},
            {"staff_id": 3, "weekdays": [1, 2, 3, 4], "max_sessions_per_week": 1},
        ],
        "duration_minutes": 150,
        "window_start": "18:00",
        "window_end": "22:00",
        "max_sessions_per_week": 2,
        "min_gap_days": 3,
        "max_travel_km": 40,
        "time_limit_s": 10,
    },
)


def _json(example: Example) -> Any:
    """A JSON body marker carrying ``example`` for the OpenAPI document."""
    return Body(media_type=RequestEncodingType.JSON, examples=[example])


SessionBody = Annotated[SessionCreate, _json(SESSION_EXAMPLE)]
SeriesBody = Annotated[SeriesCreate, _json(SERIES_EXAMPLE)]
VenueBody = Annotated[VenueCreate, _json(VENUE_EXAMPLE)]
OrganisationBody = Annotated[OrganisationCreate, _json(ORGANISATION_EXAMPLE)]
StaffBody = Annotated[StaffCreate, _json(STAFF_EXAMPLE)]
CampaignBody = Annotated[CampaignCreate, _json(CAMPAIGN_EXAMPLE)]
