"""The campaign policy: who plans, with which organisations, and who reads a campaign."""

from __future__ import annotations

import pytest

from planner.access import Caller
from planner.access.campaigns import (
    CampaignFacts,
    may_plan,
    may_read_campaign,
    organisations_refused,
    plannable_organisations,
    require_partners,
    require_planner,
)
from planner.errors import PermissionDeniedError
from planner.session import Role

CAMPAIGN = CampaignFacts(
    organisation_id=1, organisations=frozenset({1, 2}), departments=frozenset({"80"}),
    epcis=frozenset({"200070993"}),
)  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
def test_may_plan_own_campaigns_only(role: Role) -> None:
    """Coordinators plan their own organisation's campaigns; admins any; others none."""
    caller = Caller(1, 1, role)
    assert (may_plan(caller, 1), may_plan(caller, 2)) == (
        role in {Role.COORDINATOR, Role.ADMIN},
        role is Role.ADMIN,
    )


def test_plannable_organisations_own_plus_partners_admin_any() -> None:
    """A coordinator: own organisation and active partners; an admin: anyone (None)."""
    assert (
        plannable_organisations(Caller(1, 1, Role.COORDINATOR), [3, 4]),
        plannable_organisations(Caller(1, 1, Role.ADMIN), []),
        organisations_refused(Caller(1, 1, Role.COORDINATOR), [1, 3, 5, 2], [3]),
        organisations_refused(Caller(1, 1, Role.ADMIN), [1, 3, 5, 2], []),
    ) == (frozenset({1, 3, 4}), None, [2, 5], [])


def test_require_partners_names_the_refused() -> None:
    """The refusal names each organisation outside the partners, by name or number."""
    with pytest.raises(PermissionDeniedError) as refused:
        require_partners(Caller(1, 1, Role.COORDINATOR), [1, 2, 7], [], {2: "Centre social"})
    assert refused.value.message == (
        "Vous ne pouvez planifier qu'avec votre organisation et ses partenaires actifs ; pas de "
        "partenariat actif avec : « Centre social », n° 7."
    )


@pytest.mark.parametrize(
    ("caller", "readable"),
    [
        (Caller(1, 1, Role.ADVISER), True),
        (Caller(1, 2, Role.ADVISER), True),
        (Caller(1, 2, Role.MANAGER), True),
        (Caller(1, 3, Role.ADVISER), False),
        (Caller(1, 3, Role.COORDINATOR), False),
        (Caller(1, 3, Role.ADMIN), True),
        (Caller(1, 3, Role.MANAGER, departments=frozenset({"80"})), True),
        (Caller(1, 3, Role.MANAGER, epcis=frozenset({"200070993"})), True),
        (Caller(1, 3, Role.MANAGER, departments=frozenset({"59"})), False),
        (Caller(1, 3, Role.ADVISER, departments=frozenset({"80"})), False),
    ],
)
def test_may_read_campaign(caller: Caller, readable: bool) -> None:
    """Participants' staff, admins, and managers whose territory meets the targets read it."""
    assert may_read_campaign(caller, CAMPAIGN) is readable


def test_require_planner_refusals() -> None:
    """An adviser is refused for the role, a coordinator for another organisation's campaign."""
    with pytest.raises(PermissionDeniedError) as adviser:
        require_planner(Caller(1, 1, Role.ADVISER))
    with pytest.raises(PermissionDeniedError) as other:
        require_planner(Caller(1, 1, Role.COORDINATOR), 2)
    assert (adviser.value.message, other.value.message) == (
        "Les campagnes sont préparées par les coordinateurs et les administrateurs.",
        "Vous ne pouvez préparer que les campagnes de votre organisation.",
    )
