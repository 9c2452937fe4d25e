"""``allervers plan CAMPAIGN``: compute a campaign's plan with a progress bar, print its figures.

The plan is computed by the service the API uses (:func:`planner.db.plan_service.compute_plan`),
as a job this process runs in the foreground (:class:`api.jobs.work.JobWork`, as a service's job
runner would), waiting until it ends, and stored like one asked through the API
(``GET /api/campaigns/{id}/plans/{plan}`` shows it, and a coordinator may accept it there).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from tqdm import tqdm

from api.jobs.work import JobWork
from api.settings import Settings
from planner.clock import system_clock
from planner.db.campaign_plans import DONE
from planner.db.engine import create_engine
from planner.db.jobs import FAILED_MESSAGE
from planner.db.models import CampaignPlan
from planner.db.plan_service import compute_plan, plan_progress
from planner.errors import DomainError
from planner.planning.explain import CAUSES, french_day

FAILED = "Le calcul a été interrompu depuis la ligne de commande."


def command_plan(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Compute and store a plan of campaign ``args.campaign``; the lines say how good it is."""
    return asyncio.run(_plan(settings, args))


async def _plan(settings: Settings, args: argparse.Namespace) -> list[str]:
    engine = create_engine(settings.database_url)
    work = JobWork.build(settings, engine, clock=system_clock)
    running: set[asyncio.Task[None]] = set()

    async def run_here(job_id: int) -> None:  # this process computes it, in the foreground
        running.add(asyncio.ensure_future(work.run(job_id)))

    bar = _ProgressBar()
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            run = await compute_plan(
                session,
                args.campaign,
                submit=run_here,
                caller=None,
                now=system_clock(),
                wait_seconds=None,
                workers=args.workers or settings.plan_workers,
                time_limit_s=args.time_limit,
                seed=args.seed,
                operator=True,
                watch=bar.watch,
                interrupted=FAILED,
            )
        await asyncio.gather(*running)
        bar.finish()
        if run.plan.status != DONE:
            raise DomainError(run.plan.message or FAILED_MESSAGE)  # logged with its traceback
        return _report(args.campaign, run.plan, run.campaign_name)
    finally:
        for task in running:
            task.cancel()
        bar.close()
        await engine.dispose()


class _ProgressBar:
    """A progress bar over the plan's time limit (in per cent), showing the best coverage and
    its bound; opened when the search first reports."""

    def __init__(self) -> None:
        self.bar: tqdm[None] | None = None

    def watch(self, plan: CampaignPlan) -> None:
        """Move the bar to the plan's latest progress."""
        progress = plan_progress(plan)
        if progress is None:
            return
        if self.bar is None:
            self.bar = tqdm(total=100, unit="%", disable=None, desc="Plan")
        self.bar.n = round(min(progress.fraction, 1.0) * 100)
        if progress.coverage is not None:
            self.bar.set_postfix_str(f"couverture {progress.coverage} ≤ {progress.bound}")
        self.bar.refresh()

    def finish(self) -> None:
        """Fill the bar: the search has ended."""
        if self.bar is not None:
            self.bar.n = self.bar.total
            self.bar.refresh()

    def close(self) -> None:
        """Close the bar, if it was opened."""
        if self.bar is not None:
            self.bar.close()


def _report(campaign_id: int, plan: CampaignPlan, name: str) -> list[str]:
    outcomes = plan.outcomes or []
    sessions = plan.sessions or []
    met = sum(bool(o["met"]) for o in outcomes)
    causes = Counter(o["cause"] for o in outcomes if o["cause"] is not None)
    coverage, bound = plan.coverage or 0, plan.coverage_bound or 0
    gap = max(0, bound - coverage) / bound if bound > 0 else 0.0
    shown_gap = f"{gap * 100:.1f} %".replace(".", ",")  # French decimal comma
    lines = [
        f"Plan n° {plan.id} de la campagne n° {campaign_id} « {name} » : {plan.solver_status}.",
        f"  {len(sessions)} séance(s) proposée(s) ; périodes-cibles atteintes : "
        f"{met}/{len(outcomes)}.",
        f"  Couverture pondérée {coverage} (borne prouvée {bound}, "
        f"écart {shown_gap}) ; charge maximale {plan.max_load} séance(s) ; "
        f"{plan.travel_km} km.",
    ]
    for session in sessions[:10]:
        local = datetime.fromisoformat(session["start"])
        venue = (
            "lieu à trouver"
            if session.get("venue_id") is None
            else f"lieu n° {session['venue_id']}"
        )
        lines.append(
            f"  {french_day(local.date())} {local:%H:%M} — QPV {session['qpv_code']}, {venue}, "
            "intervenants n° " + " et ".join(str(a["staff_id"]) for a in session["staff"])
        )
    if len(sessions) > 10:
        lines.append(f"  … et {len(sessions) - 10} autre(s).")
    for cause, count in causes.most_common():
        lines.append(f"  Périodes non atteintes ({count}) : {CAUSES[cause]}.")
    lines.append(
        f"Détail et acceptation : GET/POST /api/campaigns/{campaign_id}/plans/{plan.id}(/accept)"
    )
    return lines
