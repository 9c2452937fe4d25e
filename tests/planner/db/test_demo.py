"""The demonstration dataset: loaded whole through the services, labelled, refused twice."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import build_placer
from api.cli import main
from api.settings import Settings
from planner.db import demo, people
from planner.db.demo import DemoReport, has_data, load_demo
from planner.db.engine import create_engine
from planner.db.funnel import count_funnel
from planner.db.models import (
    AuditEntry,
    Organisation,
    OutreachSession,
    SessionOutcome,
    Staff,
    Venue,
)
from planner.db.session_values import as_booking
from planner.errors import ConflictError
from planner.funnel import Funnel
from planner.rules import check_booking
from planner.session import EveningWindow, OrganisationKind, RuleSettings, SessionStatus

T = TypeVar("T")
RULES = RuleSettings()
EXPECTED = DemoReport(
    organisations=10,
    staff=16,
    venues=8,
    drafts=4,
    published=13,
    completed=12,
    cancelled=2,
    outcomes=12,
    people_met=197,
    job_offers=29,
    immersions=7,
    qpvs=7,
    notices=5,
)
REFUSAL = (
    "La base contient déjà des organisations : le jeu de démonstration ne se charge que dans "
    "une base vide. Rien n'a été écrit."
)
NOWS = [
    pytest.param(None, id="now"),
    pytest.param(datetime(2027, 3, 10, 9, 0, tzinfo=UTC), id="across-spring-dst"),
    pytest.param(datetime(2026, 10, 1, 23, 30, tzinfo=UTC), id="across-autumn-dst"),
]


def _in_session(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on ``url``: committed if it returns, else rolled back."""

    async def go() -> T:
        engine = create_engine(url)
        try:
            async with (
                async_sessionmaker(engine, expire_on_commit=False)() as session,
                session.begin(),
            ):
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _load(url: str, now: datetime | None = None) -> DemoReport:
    """Load the demonstration into ``url`` as the command does, with the placer it builds."""
    settings = Settings(database_url=url)

    async def go() -> DemoReport:
        engine = create_engine(url)
        placer = build_placer(settings, engine)
        try:
            async with (
                async_sessionmaker(engine, expire_on_commit=False)() as session,
                session.begin(),
            ):
                return await load_demo(
                    session, placer=placer, settings=RULES, now=now or datetime.now(UTC)
                )
        finally:
            await engine.dispose()

    return asyncio.run(go())


async def _row_counts(session: AsyncSession) -> dict[str, int]:
    models = (Organisation, Staff, Venue, OutreachSession, SessionOutcome, AuditEntry)
    return {
        model.__tablename__: int(await session.scalar(select(func.count()).select_from(model)) or 0)
        for model in models
    }


async def _sessions(session: AsyncSession) -> list[OutreachSession]:
    return list((await session.scalars(select(OutreachSession).order_by(OutreachSession.id))).all())


@pytest.mark.parametrize("now", NOWS)
def test_load_demo_into_empty_database_creates_the_dataset(
    database_url: str, now: datetime | None
) -> None:
    """Whatever the date (even around a DST change), the dataset has the same counts."""
    assert _in_session(database_url, has_data) is False
    assert _load(database_url, now) == EXPECTED
    assert _in_session(database_url, has_data) is True


def test_load_demo_sessions_pass_the_rules_and_have_their_lifecycle(database_url: str) -> None:
    """Past sessions are completed with an outcome, cancelled, or — one, the demo adviser's
    last evening — published and waiting for its outcome; future ones are drafts or published
    (or cancelled); every held session passes every hard rule as booked."""
    now = datetime.now(UTC)
    _load(database_url, now)

    async def check(session: AsyncSession) -> tuple[set[tuple[str, bool, bool]], list[str]]:
        rows = await _sessions(session)
        lifecycle = {(r.status, r.start_at < now, r.outcome is not None) for r in rows}
        held = [as_booking(r) for r in rows if r.status != SessionStatus.CANCELLED.value]
        broken = []
        for row, held_booking in zip(
            [r for r in rows if r.status != SessionStatus.CANCELLED.value], held, strict=True
        ):
            org = row.organisation
            window = EveningWindow(
                start=time.fromisoformat(org.evening_start or "17:00"),
                end=time.fromisoformat(org.evening_end or "22:00"),
            )
            verdict = check_booking(
                held_booking,
                others=held,
                now=row.start_at - timedelta(days=1),
                settings=RULES,
                window=window,
            )
            broken += [f"{row.id} {v.code}" for v in verdict.violations]
        return lifecycle, broken

    lifecycle, broken = _in_session(database_url, check)
    assert (lifecycle, broken) == (
        {
            ("completed", True, True),
            ("cancelled", True, False),
            ("published", True, False),
            ("draft", False, False),
            ("published", False, False),
            ("cancelled", False, False),
        },
        [],
    )


def test_load_demo_labels_everything_and_places_venues_by_qpvs(database_url: str) -> None:
    """Every name and title says « (démo) », every e-mail is @demo.invalid, and every venue lies
    in a QPV or within the 500 m a venue serves."""
    _load(database_url)

    async def look(session: AsyncSession) -> tuple[list[str], dict[str, tuple[str, ...]]]:
        names = [
            *(o.name for o in await session.scalars(select(Organisation))),
            *(s.name for s in await session.scalars(select(Staff))),
            *(v.name for v in await session.scalars(select(Venue))),
            *(r.title for r in await _sessions(session)),
        ]
        unlabelled = [n for n in names if not n.endswith("(démo)")]
        unlabelled += [
            s.email for s in await session.scalars(select(Staff))
            if not s.email.endswith("@demo.invalid")
        ]  # fmt: skip
        served = {
            v.name: tuple(sorted(q.qpv_code for q in v.served))
            for v in await session.scalars(select(Venue))
        }
        return unlabelled, served

    assert _in_session(database_url, look) == (
        [],
        {
            "Agence France Travail Amiens (démo)": ("QN08006M",),
            "Agence France Travail Roubaix-Centre (démo)": ("QN05980M",),
            "Centre social d'Etouvie (démo)": ("QN08001M",),
            "Centre social des Sables (démo)": ("QN06014M",),
            "Maison de quartier d'Amiens Nord (démo)": ("QN08003M",),
            "Mission Locale du Clermontois (démo)": ("QN06014M",),
            "Salle associative du Nouveau Roubaix (démo)": ("QN05969M", "QN05981M"),
            "École de la 2e chance Grand Lille, site de Lille-Sud (démo)": ("QN05972M",),
        },
    )


def test_load_demo_twice_is_refused_and_changes_nothing(database_url: str) -> None:
    """A second load raises the French refusal and writes nothing, not even an audit entry."""
    _load(database_url)
    before = _in_session(database_url, _row_counts)
    with pytest.raises(ConflictError) as refused:
        _load(database_url)
    assert (refused.value.message, _in_session(database_url, _row_counts)) == (REFUSAL, before)


def test_load_demo_refuses_a_database_with_one_organisation(database_url: str) -> None:
    """One organisation of anyone's is enough to refuse: the demo never mixes with real data."""

    async def add(session: AsyncSession) -> None:
        await people.create_organisation(
            session,
            kind=OrganisationKind.OTHER,
            name="Administration allervers",
            actor_id=None,
            now=datetime.now(UTC),
        )

    _in_session(database_url, add)
    with pytest.raises(ConflictError):
        _load(database_url)
    counts = _in_session(database_url, _row_counts)
    assert (counts["organisation"], counts["staff"], counts["venue"]) == (1, 0, 0)


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("ALLERVERS_DATABASE_URL", url)
    status = main(["load-demo"])
    out, err = capsys.readouterr()
    return status, out, err


def test_load_demo_command_prints_counts_then_refuses(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command prints the counts and whom it invited (exit 0); run again, it refuses in
    French (exit 1)."""
    invited = dataclasses.replace(EXPECTED, invited=DEMO_INVITED)
    status, out, err = _run(monkeypatch, capsys, database_url)
    lines = out.splitlines()
    links = [line for line in lines if "/invitation/" in line]
    assert (status, err) == (0, "")
    assert [line for line in lines if line not in links] == [
        *invited.lines()[:-1],
        "Pour essayer, ouvrez un de ces liens (une seule fois), choisissez un mot de passe et "
        "vous voilà connecté·e :",
        invited.lines()[-1],
    ]
    assert [re.sub(r"/invitation/[\w-]{43}$", "/invitation/…", line) for line in links] == [
        f"  {label} ({email}) : http://127.0.0.1:8000/invitation/…"
        for label, email in zip(demo.INVITED_LABELS, DEMO_INVITED, strict=True)
    ]
    assert _run(monkeypatch, capsys, database_url) == (1, "", f"allervers : {REFUSAL}\n")


def test_load_demo_command_writes_nothing_when_a_booking_is_refused(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One transaction: a plan the rules refuse (the first one twice) leaves the base empty."""
    monkeypatch.setattr(demo, "PLANS", (*demo.PLANS, replace(demo.PLANS[0], title="Doublon")))
    status, out, err = _run(monkeypatch, capsys, database_url)
    assert (status, out, err.startswith("allervers : Réservation refusée")) == (1, "", True)
    assert _in_session(database_url, _row_counts) == {
        "organisation": 0,
        "staff": 0,
        "venue": 0,
        "outreach_session": 0,
        "session_outcome": 0,
        "audit_entry": 0,
    }


DEMO_INVITED = (
    "conseillere.a@demo.invalid",
    "chef-de-projet.l@demo.invalid",
    "deleguee.p@demo.invalid",
)


def test_load_demo_command_queues_three_invitations(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's adviser, coordinator and manager each get one invitation mail, queued."""
    from sqlalchemy import select

    from planner.db.models import OutboxMail

    _run(monkeypatch, capsys, database_url)

    async def mail(s):  # type: ignore[no-untyped-def]
        rows = (await s.scalars(select(OutboxMail).order_by(OutboxMail.id))).all()
        return [(r.recipient, r.subject, r.sent_at) for r in rows]

    assert _in_session(database_url, mail) == [
        (email, "Invitation à allervers : choisissez votre mot de passe", None)
        for email in DEMO_INVITED
    ]


def test_load_demo_roubaix_forums_take_registrations(database_url: str) -> None:
    """The coming Roubaix forum has 2 of its 80 places left; the past one shows its chain:
    52 registered → 41 came → 3 immersions → 1 hire under emplois francs."""
    _load(database_url)

    async def forums(session: AsyncSession) -> list[tuple[Any, ...]]:
        rows = (
            await session.scalars(
                select(OutreachSession)
                .where(OutreachSession.title.like("Forum employeurs de l'agence Roubaix%"))
                .order_by(OutreachSession.start_at)
            )
        ).all()
        out: list[tuple[Any, ...]] = []
        for row in rows:
            chain = await count_funnel(
                session, select(OutreachSession.id).where(OutreachSession.id == row.id)
            )
            out.append((row.capacity, row.places_taken, row.takes_registrations, chain))
        return out

    assert _in_session(database_url, forums) == [
        (60, 52, True, Funnel(1, 52, 41, 3, 1, 1)),
        (80, 78, True, Funnel(1, 78, 0, 0, 0, 0)),
    ]
