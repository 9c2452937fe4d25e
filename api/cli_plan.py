"""``allervers plan CAMPAIGN``: compute a campaign's plan with a progress bar, print its figures.

The plan is stored like one asked through the API (``GET /api/campaigns/{id}/plans/{plan}``
shows it, and a coordinator may accept it there).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from tqdm import tqdm

from api.settings import Settings
from planner.db.campaign_plans import fail_plan, finish_plan, load_problem, start_plan
from planner.db.engine import create_engine
from planner.planning.campaign import CampaignProblem, Proposal, SolverSettings
from planner.planning.explain import CAUSES, french_day
from planner.planning.optimiser import plan
from planner.planning.search import Progress

FAILED = "Le calcul a été interrompu depuis la ligne de commande."


def command_plan(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Compute and store a plan of campaign ``args.campaign``; the lines say how good it is."""
    return asyncio.run(_plan(settings, args))


async def _plan(settings: Settings, args: argparse.Namespace) -> list[str]:
    engine = create_engine(settings.database_url)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    try:
        now = datetime.now(UTC)
        async with maker() as session, session.begin():
            campaign, row = await start_plan(
                session, args.campaign, caller=None, now=now, operator=True
            )
            solver = SolverSettings(
                time_limit_s=args.time_limit or campaign.time_limit_s,
                seed=args.seed,
                workers=args.workers or settings.plan_workers,
            )
            problem = await load_problem(
                session, campaign, settings=settings.rule_settings(), now=now, solver=solver
            )
            plan_id, name = row.id, campaign.name
        try:
            proposal = await asyncio.to_thread(_solve, problem)
        except BaseException:
            async with maker() as session, session.begin():
                await fail_plan(session, plan_id, FAILED, now=datetime.now(UTC))
            raise
        async with maker() as session, session.begin():
            await finish_plan(session, plan_id, problem, proposal, now=datetime.now(UTC))
        return _report(args.campaign, plan_id, name, proposal)
    finally:
        await engine.dispose()


def _solve(problem: CampaignProblem) -> Proposal:
    """Plan with a progress bar over the time limit, showing the best coverage and its bound."""
    limit = problem.solver.time_limit_s
    with tqdm(total=round(limit, 1), unit="s", disable=None, desc="Plan") as bar:

        def report(progress: Progress) -> None:
            bar.n = round(min(progress.elapsed_s, limit), 1)
            if progress.coverage is not None:
                bar.set_postfix_str(f"couverture {progress.coverage} ≤ {progress.bound}")
            bar.refresh()

        proposal = plan(problem, on_progress=report)
        bar.n = bar.total
        bar.refresh()
    return proposal


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
