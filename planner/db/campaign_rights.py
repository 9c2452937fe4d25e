"""Accepting a plan checks, for every proposed session, the rights of booking it by hand.

All or none (issue 12): before anything is booked, each session must pass
:func:`planner.access.require_session_editor` with the accepting caller, and every person's
organisation must be one the caller plans with — their own or an active partner
(:mod:`planner.access.campaigns`), so that a revoked partnership stops it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller, require_session_editor
from planner.access.campaigns import organisations_refused
from planner.db.models import Campaign, CampaignPlan
from planner.db.partnerships import active_partner_ids
from planner.errors import PermissionDeniedError
from planner.planning.campaign import TIMEZONE


def _when(proposed: dict[str, Any]) -> str:
    """A proposed session's start as a person reads it, in its local time."""
    start = datetime.fromisoformat(proposed["start"])
    local = start.astimezone(ZoneInfo(proposed.get("timezone", TIMEZONE)))
    return f"{local:%d/%m/%Y à %H:%M} au QPV {proposed['qpv_code']}"


async def check_plan_rights(
    session: AsyncSession, plan: CampaignPlan, campaign: Campaign, caller: Caller
) -> None:
    """Refuse the whole plan when the caller could not book one of its sessions by hand."""
    partners = await active_partner_ids(session, caller.organisation_id)
    for proposed in plan.sessions or []:
        staff = proposed["staff"]
        try:
            require_session_editor(
                caller,
                organisation_id=campaign.organisation_id,
                assigned=[p["staff_id"] for p in staff],
            )
        except PermissionDeniedError as denied:
            raise PermissionDeniedError(
                f"Plan non accepté, rien n'a été réservé : la séance du {_when(proposed)} "
                f"vous est refusée ({denied.message})"
            ) from denied
        outside = organisations_refused(caller, {p["organisation_id"] for p in staff}, partners)
        if outside:
            names = ", ".join(
                sorted(
                    {
                        f"« {p['organisation_name']} »"
                        for p in staff
                        if p["organisation_id"] in outside
                    }
                )
            )
            raise PermissionDeniedError(
                f"Plan non accepté, rien n'a été réservé : la séance du {_when(proposed)} "
                f"engage {names}, sans partenariat actif avec votre organisation."
            )
