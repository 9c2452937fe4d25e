"""HTML pages: one router per group of pages, each handler a few lines that call one service
and render a Jinja template of ``api/templates/`` (one base layout)."""

from __future__ import annotations

from api.pages import (
    account,
    agenda,
    booking,
    calendars,
    campaigns,
    eligibility,
    held,
    home,
    my_calendar,
    public_session,
    registrants,
    registration,
    session,
    signin,
    venues,
)

ROUTERS = [
    home.router,
    calendars.router,
    signin.router,
    account.router,
    booking.router,
    held.router,
    session.router,
    agenda.router,
    my_calendar.router,
    campaigns.router,
    venues.router,
    public_session.router,
    registration.router,
    registrants.router,
    eligibility.router,
]

__all__ = ["ROUTERS"]
