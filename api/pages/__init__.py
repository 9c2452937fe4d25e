"""HTML pages: one router per group of pages, each handler a few lines that call one service
and render a Jinja template of ``api/templates/`` (one base layout)."""

from __future__ import annotations

from api.pages import account, booking, calendars, home, signin

ROUTERS = [home.router, calendars.router, signin.router, account.router, booking.router]

__all__ = ["ROUTERS"]
