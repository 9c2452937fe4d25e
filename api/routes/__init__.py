"""HTTP routes, one module per subject; each handler validates, makes one service call, answers.

Each module groups its handlers in Litestar routers (the path prefix and OpenAPI tag of the
resource); :data:`ROUTERS` lists them all for :func:`api.app.create_app`.
"""

from __future__ import annotations

from litestar import Router

from api.routes import (
    audit,
    availability,
    campaigns,
    communes,
    coverage,
    eligibility,
    feeds,
    funnel,
    geocode,
    health,
    held,
    jobs,
    open_data,
    partnerships,
    people,
    registrations,
    sessions,
    territory,
    venues,
)

ROUTERS: list[Router] = [
    health.router,
    territory.router,
    communes.router,
    geocode.router,
    eligibility.router,
    venues.router,
    jobs.router,
    people.organisations_router,
    availability.router,
    people.staff_router,
    people.tokens_router,
    partnerships.router,
    sessions.sessions_router,
    registrations.sessions_router,
    registrations.router,
    funnel.router,
    sessions.series_router,
    held.router,
    audit.router,
    campaigns.router,
    coverage.router,
    open_data.admin_router,
    open_data.files_router,
    feeds.router,
    feeds.token_router,
]
"""Every API and feed router, in the order of the OpenAPI document."""
