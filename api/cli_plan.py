"""``allervers plan CAMPAIGN``: compute a campaign's plan with a progress bar, print its figures.

The plan is computed by the service the API uses (:func:`planner.db.plan_service.compute_plan`),
waiting until it ends, and stored like one asked through the API
(``GET /api/campaigns/{id}/plans/{plan}`` shows it, and a coordinator may accept it there).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter

from sqlalchemy.ext.asyncio import async_sessionmaker
from tqdm import tqdm

from api.settings import Settings
from planner.clock import system_clock
from planner.db.engine import create_engine
from planner.db.plan_jobs import FAILED_MESSAGE, PlanJobs
from planner.db.plan_service import compute_plan
from planner.errors import DomainError
from planner.planning.campaign import Proposal, SolverSettings
from planner.planning.explain import CAUSES, french_day
from planner.planning.search import Progress, ProgressCallback

FAILED = "Le calcul a été interrompu depuis la ligne de commande."


def command_plan(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Compute and store a plan of campaign ``args.campaign``; the lines say how good it is."""
    return asyncio.run(_plan(settings, args))


async def _plan(settings: Settings, args: argparse.Namespace) -> list[str]:
    engine = create_engine(settings.database_url)
    bar = _ProgressBar()
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            run = await compute_plan(
                session,
                args.campaign,
                jobs=PlanJobs(engine),
                caller=None,
                settings=settings.rule_settings(),
                now=system_clock(),
                wait_seconds=None,
                workers=args.workers or settings.plan_workers,
                time_limit_s=args.time_limit,
                seed=args.seed,
                operator=True,
                follow=bar.open,
                interrupted=FAILED,
            )
        bar.finish()
        if run.proposal is None:
            raise DomainError(run.plan.message or FAILED_MESSAGE)  # logged with its traceback
        return _report(args.campaign, run.plan.id, run.campaign_name, run.proposal)
    finally:
        bar.close()
        await engine.dispose()


class _ProgressBar:
    """A progress bar over the plan's time limit, showing the best coverage and its bound;
    opened when the search starts (the time limit is known then)."""

    def __init__(self) -> None:
        self.bar: tqdm[None] | None = None

    def open(self, solver: SolverSettings) -> ProgressCallback:
        """Open the bar for this search; the callback moves it (from the worker thread)."""
        limit = solver.time_limit_s
        bar = self.bar = tqdm(total=round(limit, 1), unit="s", disable=None, desc="Plan")

        def report(progress: Progress) -> None:
            bar.n = round(min(progress.elapsed_s, limit), 1)
            if progress.coverage is not None:
                bar.set_postfix_str(f"couverture {progress.coverage} ≤ {progress.bound}")
            bar.refresh()

        return report

    def finish(self) -> None:
        """Fill the bar: the search has ended."""
        if self.bar is not None:
            self.bar.n = self.bar.total
            self.bar.refresh()

    def close(self) -> None:
        """Close the bar, if it was opened."""
        if self.bar is not None:
            self.bar.close()


def _report(campaign_id: int, plan_id: int, name: str, proposal: Proposal) -> list[str]:
    met = sum(o.met for o in proposal.outcomes)
    causes = Counter(o.cause for o in proposal.outcomes if o.cause is not None)
    gap = f"{proposal.gap * 100:.1f} %".replace(".", ",")  # French decimal comma
    lines = [
        f"Plan n° {plan_id} de la campagne n° {campaign_id} « {name} » : {proposal.status}.",
        f"  {len(proposal.sessions)} séance(s) proposée(s) ; périodes-cibles atteintes : "
        f"{met}/{len(proposal.outcomes)}.",
        f"  Couverture pondérée {proposal.coverage} (borne prouvée {proposal.coverage_bound}, "
        f"écart {gap}) ; charge maximale {proposal.score.max_load} séance(s) ; "
        f"{proposal.score.travel_km} km.",
    ]
    for session in proposal.sessions[:10]:
        local = session.start.astimezone(session.start.tzinfo)
        lines.append(
            f"  {french_day(local.date())} {local:%H:%M} — QPV {session.qpv_code}, lieu n° "
            f"{session.venue_id}, intervenants n° "
            + " et ".join(str(a.staff_id) for a in session.staff)
        )
    if len(proposal.sessions) > 10:
        lines.append(f"  … et {len(proposal.sessions) - 10} autre(s).")
    for cause, count in causes.most_common():
        lines.append(f"  Périodes non atteintes ({count}) : {CAUSES[cause]}.")
    lines.append(
        f"Détail et acceptation : GET/POST /api/campaigns/{campaign_id}/plans/{plan_id}(/accept)"
    )
    return lines
