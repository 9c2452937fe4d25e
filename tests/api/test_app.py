"""The application factory: what ``create_app`` is given reaches the handlers."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import Team


def test_create_app_clock_is_the_now_of_requests(settings: Settings, team: Team) -> None:
    """Handlers read the clock given to ``create_app``: the default coverage period is judged on
    its day in Paris (22:30 UTC on 6 May is already 7 May there), and reaches four weeks past
    it."""
    instant = datetime(2031, 5, 6, 22, 30, tzinfo=UTC)
    with TestClient(app=create_app(settings, clock=lambda: instant)) as client:
        answer = client.get("/api/coverage", headers=team.headers("manager"))
    period = answer.json()["summary"]["period"]
    assert (answer.status_code, period["start"], period["end"], period["reference_day"]) == (
        200,
        "2030-05-08",
        "2031-06-04",
        "2031-05-07",
    )
