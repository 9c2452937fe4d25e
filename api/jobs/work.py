"""What each kind of job does, run by a job runner in its own thread and event loop.

A runner hands :meth:`JobWork.run` a job's id: the row is claimed
(:func:`planner.db.jobs.claim_job`: never twice), the kind's work runs, and its result is stored
in the same transaction as what it wrote, so a job interrupted half-way leaves nothing
half-written and is retried or failed. The work has its own engine: the service's connections
belong to the service's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.feeds.service import FeedService
from api.jobs.plans import run_plan
from api.jobs.report import Reporter
from api.mail import MailSender
from api.settings import Settings
from planner.clock import Clock
from planner.db.jobs import (
    CAMPAIGN_PLAN,
    FAILED_MESSAGE,
    VENUE_IMPORT,
    claim_job,
    fail_job,
    finish_job,
    record_progress,
    requeue_job,
)
from planner.db.models import Job, Staff
from planner.db.registration_sweep import sweep
from planner.db.registrations import Ics, Links
from planner.db.tokens import caller_of
from planner.db.venue_import import import_venues
from planner.db.venues import VenuePlacer
from planner.errors import DomainError
from planner.session import RuleSettings

logger = logging.getLogger("allervers.jobs")
PROGRESS_EVERY_S = 1.0
"""A running job writes where it stands at most this often."""


class JobWork:
    """Runs jobs by kind; built once per runner, with the runner's engine."""

    def __init__(
        self,
        engine: AsyncEngine,
        placer: VenuePlacer,
        rules: RuleSettings,
        *,
        mail: MailSender,
        tending: Tending,
        clock: Clock,
    ) -> None:
        self.maker = async_sessionmaker(engine, expire_on_commit=False)
        self.placer = placer
        self.rules = rules
        self.mail = mail
        self.tending = tending
        self.clock = clock
        self.kinds: dict[str, Callable[[Job], Awaitable[None]]] = {
            VENUE_IMPORT: self._venue_import,
            CAMPAIGN_PLAN: lambda job: run_plan(self, job),
        }

    @classmethod
    def build(cls, settings: Settings, engine: AsyncEngine, *, clock: Clock) -> JobWork:
        """The work as the service composes it, on ``engine`` (the runner's, or a command's)."""
        from api.app import build_placer  # the service's composition

        placer = build_placer(settings, engine, clock=clock)
        mail = MailSender(settings, engine, clock=clock)
        tending = Tending(settings.registration_links(), FeedService(settings).public_ics)
        rules = settings.rule_settings()
        return cls(engine, placer, rules, mail=mail, tending=tending, clock=clock)

    async def run(self, job_id: int, *, retry: bool = False) -> None:
        """Claim and run one job (``retry``: its previous runner died); a failure is recorded
        on the job, never raised."""
        async with self.maker.begin() as session:
            job = await claim_job(session, job_id, now=self.clock(), retry=retry)
        if job is None:
            return
        logger.info("travail %d (%s) : essai %d", job.id, job.kind, job.attempts)
        try:
            await self.kinds[job.kind](job)
        except asyncio.CancelledError:  # the runner stops: the job is queued again
            with contextlib.suppress(Exception):
                async with self.maker.begin() as session:
                    await requeue_job(session, job.id, now=self.clock())
            raise
        except DomainError as exc:  # the input as a whole is unusable: say why
            async with self.maker.begin() as session:
                await fail_job(session, job.id, exc.message, now=self.clock())
        except Exception:
            logger.exception("travail %d (%s) en échec", job.id, job.kind)
            async with self.maker.begin() as session:
                await fail_job(session, job.id, FAILED_MESSAGE, now=self.clock())

    async def tend(self) -> None:
        """What the runner does when told and every ``ALLERVERS_MAIL_POLL_SECONDS``: the
        registrations' timed steps (offers passing on, reminders, changes told, erasure), then
        the due mail. A failure is logged; the next round tries again."""
        tending = self.tending
        try:
            await sweep(self.maker, links=tending.links, ics=tending.ics, now=self.clock())
        except Exception:
            logger.exception("les étapes des inscriptions n'ont pas pu être faites")
        try:
            await self.mail.flush()
        except Exception:
            logger.exception("le facteur n'a pas pu lire la file des messages")

    async def _venue_import(self, job: Job) -> None:
        async with self.maker.begin() as session:
            caller = None
            if job.staff_id is not None:
                staff = await session.get(Staff, job.staff_id)
                if staff is None or not staff.active:
                    raise LookupError(f"personne n° {job.staff_id} inconnue ou désactivée")
                caller = caller_of(staff)
            count = {"done": 0}

            async def write(session: AsyncSession, done: int) -> None:
                await record_progress(session, job.id, done)

            reporter = Reporter(self.maker, write, every=PROGRESS_EVERY_S)

            def advance(units: int) -> None:
                count["done"] += units
                reporter.report(count["done"])

            report = await import_venues(
                session,
                self.placer,
                job.payload or "",
                now=self.clock(),
                caller=caller,
                progress=advance,
            )
            await reporter.drain()
            row = await session.get_one(Job, job.id, populate_existing=True)
            finish_job(row, report_result(report), now=self.clock())


@dataclass(frozen=True, slots=True)
class Tending:
    """What the registrations' timed steps need: links and rules, the sessions' calendars."""

    links: Links
    ics: Ics


def report_result(report: Any) -> dict[str, Any]:
    """A venue import's report as the job's result (what ``GET /api/jobs/{id}`` shows)."""
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": [{"line": r.line, "reason": r.reason} for r in report.rejected],
        "rejected_csv": report.rejected_csv,
    }
