"""Who may plan, read and accept a campaign, and with which organisations (issue 12).

- coordinators plan campaigns of their own organisation, with their own organisation plus the
  organisations in an active partnership with it; admins plan any campaign, with anyone;
- a campaign is read by the staff of its participating organisations (the coordinating one
  included), by the admins, and by managers whose territory (departments or EPCIs) meets the
  campaign's targets; anyone else is told it does not exist, so that ids are not revealed;
- accepting a plan needs the right to plan the campaign, and for every proposed session the
  same rights as booking it by hand (checked by the service with
  :func:`planner.access.require_session_editor`), all or none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from planner.access.caller import Caller, require_caller
from planner.errors import PermissionDeniedError
from planner.session import Role

PLANNERS = frozenset({Role.COORDINATOR, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class CampaignFacts:
    """What the policy needs to know of a campaign."""

    organisation_id: int
    """The coordinating organisation."""
    organisations: frozenset[int]
    """The participating organisations."""
    departments: frozenset[str] = frozenset()
    """Departments of the targeted QPVs."""
    epcis: frozenset[str] = frozenset()
    """EPCIs (SIREN) of the targeted QPVs."""


def may_plan(caller: Caller, organisation_id: int) -> bool:
    """Whether ``caller`` may plan (create, change, compute, accept) a campaign coordinated by
    ``organisation_id``: its coordinators and admins."""
    if caller.role is Role.ADMIN:
        return True
    return caller.role is Role.COORDINATOR and caller.organisation_id == organisation_id


def plannable_organisations(caller: Caller, partners: Iterable[int]) -> frozenset[int] | None:
    """The organisations ``caller`` may plan with: their own and its active ``partners``;
    ``None`` for an admin (any organisation)."""
    if caller.role is Role.ADMIN:
        return None
    return frozenset({caller.organisation_id, *partners})


def organisations_refused(
    caller: Caller, organisations: Iterable[int], partners: Iterable[int]
) -> list[int]:
    """The organisations of ``organisations`` that ``caller`` may not plan with, sorted."""
    allowed = plannable_organisations(caller, partners)
    if allowed is None:
        return []
    return sorted(set(organisations) - allowed)


def may_read_campaign(caller: Caller, campaign: CampaignFacts) -> bool:
    """Whether ``caller`` may read ``campaign`` (see the module docstring)."""
    if caller.role is Role.ADMIN:
        return True
    if caller.organisation_id in campaign.organisations | {campaign.organisation_id}:
        return True
    if caller.role is Role.MANAGER:
        return bool(caller.departments & campaign.departments or caller.epcis & campaign.epcis)
    return False


def require_planner(caller: Caller | None, organisation_id: int | None = None) -> Caller:
    """A coordinator (of ``organisation_id`` when given) or an admin, or the error saying why."""
    known = require_caller(caller)
    if known.role not in PLANNERS:
        raise PermissionDeniedError(
            "Les campagnes sont préparées par les coordinateurs et les administrateurs."
        )
    if organisation_id is not None and not may_plan(known, organisation_id):
        raise PermissionDeniedError(
            "Vous ne pouvez préparer que les campagnes de votre organisation."
        )
    return known


def require_partners(
    caller: Caller, organisations: Iterable[int], partners: Iterable[int], names: dict[int, str]
) -> None:
    """Refuse (403) a campaign with organisations ``caller`` may not plan with, naming them;
    ``names`` gives each organisation's name (its number when unknown)."""
    refused = organisations_refused(caller, organisations, partners)
    if refused:
        listed = ", ".join(f"« {names[o]} »" if o in names else f"n° {o}" for o in refused)
        raise PermissionDeniedError(
            "Vous ne pouvez planifier qu'avec votre organisation et ses partenaires actifs ; "
            f"pas de partenariat actif avec : {listed}."
        )
