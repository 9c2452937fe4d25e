"""The partnership policy: when a partnership is active, and who agrees, sets or revokes it."""

from __future__ import annotations

import itertools

import pytest

from planner.access import Caller
from planner.access.partnerships import (
    PartnershipFacts,
    active_partners,
    may_agree_for,
    may_revoke_partnership,
    may_set_partnership,
    partnership_active,
    require_agreeing,
)
from planner.errors import PermissionDeniedError
from planner.session import Role


@pytest.mark.parametrize(
    ("first", "second", "admin", "revoked"), list(itertools.product([False, True], repeat=4))
)
def test_partnership_active_every_state(
    first: bool, second: bool, admin: bool, revoked: bool
) -> None:
    """Active exactly when not revoked and (set by an admin, or agreed by both sides)."""
    facts = PartnershipFacts(1, 2, first, second, admin, revoked)
    assert partnership_active(facts) is ((not revoked) and (admin or (first and second)))


def test_active_partners_of_one_organisation() -> None:
    """Only active partnerships count, from either side of the pair."""
    partnerships = [
        PartnershipFacts(1, 2, True, True),
        PartnershipFacts(1, 3, True, False),
        PartnershipFacts(0, 1, set_by_admin=True),
        PartnershipFacts(1, 4, True, True, revoked=True),
        PartnershipFacts(5, 6, set_by_admin=True),
    ]
    assert active_partners(1, partnerships) == frozenset({0, 2})


@pytest.mark.parametrize("role", list(Role))
def test_rights_by_role(role: Role) -> None:
    """Coordinators agree for and revoke their own side; admins do anything; others nothing."""
    caller = Caller(staff_id=1, organisation_id=1, role=role)
    mine, theirs = PartnershipFacts(1, 2), PartnershipFacts(2, 3)
    admin, coordinator = role is Role.ADMIN, role is Role.COORDINATOR
    assert (
        may_agree_for(caller, 1),
        may_agree_for(caller, 2),
        may_set_partnership(caller),
        may_revoke_partnership(caller, mine),
        may_revoke_partnership(caller, theirs),
    ) == (admin or coordinator, admin, admin, admin or coordinator, admin)


def test_require_agreeing_for_another_organisation_is_refused() -> None:
    """A coordinator cannot commit another organisation."""
    with pytest.raises(PermissionDeniedError) as refused:
        require_agreeing(Caller(1, 1, Role.COORDINATOR), 2)
    assert refused.value.message == (
        "Seuls les coordinateurs de l'organisation et les administrateurs peuvent engager "
        "l'organisation dans un partenariat."
    )
