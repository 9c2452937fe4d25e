"""Build organisations, staff, venues and sessions for tests, through the real services.

Plain functions, no factory library: each goes through what the application itself calls (the
``planner.db`` services, or the HTTP API through the Litestar test client), so that test data is
never a state the application could not reach. The ``team`` fixture (``tests/conftest.py``) is
:func:`make_team`; the other functions take it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import httpx
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from planner.access import Caller
from planner.booking_input import SessionInput
from planner.clock import PARIS
from planner.db import people
from planner.db.booking import book_session
from planner.db.engine import create_engine
from planner.db.tokens import issue_token, revoke_token
from planner.session import OrganisationKind, Role, RuleSettings, SessionKind
from tests.conftest import Team

Client = TestClient  # type: ignore[type-arg]
ETOUVIE = {"lat": 49.9151, "lon": 2.2502}
"""A point inside the Etouvie QPV (QN08001M), in Amiens."""


async def make_team(url: str, *, wide: bool = False) -> Team:
    """A mission locale and a centre social, their staff and a token each, in ``url``.

    ``admin``, ``adviser`` and ``manager`` (department 59, outside Amiens where test venues
    are) belong to the mission locale, ``partner`` (an adviser) to the centre social;
    ``revoked`` is a revoked token of the adviser. ``wide`` adds every kind of caller of the
    access policy: a ``coordinator`` and a ``manager_inside`` (department 80) of the mission
    locale (the ``wide_team`` fixture).
    """
    now = datetime.now(UTC)
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as s, s.begin():
            ml = await people.create_organisation(
                s,
                kind=OrganisationKind.MISSION_LOCALE,
                name="Mission Locale de test",
                actor_id=None,
                now=now,
            )
            cs = await people.create_organisation(
                s,
                kind=OrganisationKind.CENTRE_SOCIAL,
                name="Centre social de test",
                actor_id=None,
                now=now,
            )
            members = {
                "admin": (ml.id, Role.ADMIN, ()),
                "adviser": (ml.id, Role.ADVISER, ()),
                "partner": (cs.id, Role.ADVISER, ()),
                "manager": (ml.id, Role.MANAGER, ("59",)),
            }
            if wide:
                members["coordinator"] = (ml.id, Role.COORDINATOR, ())
                members["manager_inside"] = (ml.id, Role.MANAGER, ("80",))
            ids: dict[str, int] = {}
            tokens: dict[str, str] = {}
            for who, (org, role, departments) in members.items():
                staff = await people.create_staff(
                    s,
                    organisation_id=org,
                    name=f"Personne de test ({who})",
                    email=f"{who}@test.invalid",
                    role=role,
                    departments=departments,
                    actor_id=None,
                    now=now,
                )
                ids[who] = staff.id
                _, tokens[who] = await issue_token(
                    s, staff.id, name="tests", actor_id=None, now=now
                )
            revoked, tokens["revoked"] = await issue_token(
                s, ids["adviser"], name="révoqué", actor_id=None, now=now
            )
            await revoke_token(s, revoked.id, caller=None, actor_id=None, now=now)
        others = {who: ids[who] for who in ("coordinator", "manager_inside") if who in ids}
        return Team(
            ml.id,
            cs.id,
            ids["admin"],
            ids["adviser"],
            ids["partner"],
            ids["manager"],
            tokens,
            others,
        )
    finally:
        await engine.dispose()


def create_venue(
    client: httpx.Client,
    team: Team,
    name: str = "Centre social d'Etouvie (test)",
    *,
    step_free: bool | None = None,
    **point: float,
) -> int:
    """A venue created by the adviser through ``POST /api/venues`` (a test client or a client
    of a live server), at Etouvie unless ``point`` (``lat``, ``lon``) says otherwise; its id."""
    answer = client.post(
        "/api/venues",
        json={
            "name": name,
            "kind": "centre_social",
            "street": "Place Vauban",
            "postcode": "80080",
            "commune": "Amiens",
            **({} if step_free is None else {"step_free": step_free}),
            **(point or ETOUVIE),
        },
        headers=team.headers("adviser"),
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


async def book_evening_session(
    url: str,
    team: Team,
    venue: int,
    *,
    day: date,
    now: datetime,
    qpv_codes: tuple[str, ...] | None = None,
    publish: bool = True,
    partner_ids: tuple[int, ...] = (),
) -> int:
    """A neighbourhood session 18:00-21:00 (Paris) on ``day``, booked by the adviser as at ``now``.

    Goes through :func:`planner.db.booking.book_session`, which takes ``now``: the way to hold a
    session in the past, which the API (booking at the real present) refuses. Staffed by the
    adviser and the partner, with the partner organisations ``partner_ids``; ``qpv_codes``
    ``None`` lets the service take the venue's. Its id.
    """
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            booked = await book_session(
                session,
                SessionInput(
                    kind=SessionKind.NEIGHBOURHOOD_SESSION,
                    title="Permanence passée",
                    start=datetime.combine(day, time(18), tzinfo=PARIS),
                    end=datetime.combine(day, time(21), tzinfo=PARIS),
                    venue_id=venue,
                    organisation_id=team.mission_locale,
                    staff_ids=(team.adviser, team.partner),
                    qpv_codes=qpv_codes,
                    partner_ids=partner_ids,
                ),
                caller=Caller(team.adviser, team.mission_locale, Role.ADVISER),
                settings=RuleSettings(),
                now=now,
                publish=publish,
            )
            return booked.row.id
    finally:
        await engine.dispose()


def evening(days_ahead: int, start: str = "18:00", end: str = "21:30") -> tuple[str, str]:
    """An evening ``days_ahead`` days from today, in Paris time, as ISO strings with offset."""
    day = datetime.now(PARIS).date() + timedelta(days=days_ahead)
    return (
        datetime.combine(day, time.fromisoformat(start), tzinfo=PARIS).isoformat(),
        datetime.combine(day, time.fromisoformat(end), tzinfo=PARIS).isoformat(),
    )


async def add_staff(
    url: str, organisation_id: int, role: Role, who: str, *, name: str | None = None
) -> tuple[int, dict[str, str]]:
    """A staff member of ``organisation_id`` with ``role`` (e-mail ``who@test.invalid``), created
    through the people service with a token; their id and Authorization header.

    ``name`` creates a new organisation of that name first (``organisation_id`` is then ignored).
    """
    now = datetime.now(UTC)
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as s, s.begin():
            if name is not None:
                org = await people.create_organisation(
                    s, kind=OrganisationKind.OTHER, name=name, actor_id=None, now=now
                )
                organisation_id = org.id
            staff = await people.create_staff(
                s,
                organisation_id=organisation_id,
                name=f"Personne de test ({who})",
                email=f"{who}@test.invalid",
                role=role,
                actor_id=None,
                now=now,
            )
            _, token = await issue_token(s, staff.id, name="tests", actor_id=None, now=now)
        return staff.id, {"Authorization": f"Bearer {token}"}
    finally:
        await engine.dispose()


def book_forum(
    client: httpx.Client,
    team: Team,
    venue: int,
    *,
    capacity: int | None,
    days_ahead: int = 20,
    takes_registrations: bool = True,
) -> int:
    """A published employer forum 9:00–12:00 (Paris) ``days_ahead`` days from today, booked by
    the adviser with the partner through ``POST /api/sessions``, taking registrations; its id."""
    start, end = evening(days_ahead, "09:00", "12:00")
    answer = client.post(
        "/api/sessions",
        json={
            "kind": "employer_forum",
            "title": "Forum des métiers (test)",
            "start": start,
            "end": end,
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser, team.partner],
            "capacity": capacity,
            "takes_registrations": takes_registrations,
            "publish": True,
        },
        headers=team.headers("adviser"),
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["session"]["id"])
