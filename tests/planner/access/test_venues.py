"""The venue policy: who creates, changes, hands over and deletes a venue, every role × owner."""

from __future__ import annotations

import pytest

from planner.access import Caller
from planner.access.venues import (
    VenueFacts,
    may_change_venue,
    may_create_venue,
    may_delete_venue,
    may_give_venue,
    require_venue_creator,
    require_venue_steward,
)
from planner.errors import AuthenticationError, PermissionDeniedError
from planner.session import Role

MINE, OTHER = 1, 2


def _caller(role: Role) -> Caller:
    return Caller(staff_id=10, organisation_id=MINE, role=role)


# role → (own organisation, other organisation, shared)
CREATE = {
    Role.ADVISER: (True, False, False),
    Role.COORDINATOR: (True, False, False),
    Role.MANAGER: (False, False, False),
    Role.ADMIN: (True, True, True),
}
CHANGE = {
    Role.ADVISER: (False, False, False),
    Role.COORDINATOR: (True, False, False),
    Role.MANAGER: (False, False, False),
    Role.ADMIN: (True, True, True),
}


@pytest.mark.parametrize("role", list(Role))
def test_may_create_venue_by_role_and_owner(role: Role) -> None:
    """Bookers create venues of their organisation; admins of any, or shared ones."""
    caller = _caller(role)
    assert tuple(may_create_venue(caller, o) for o in (MINE, OTHER, None)) == CREATE[role]


@pytest.mark.parametrize("role", list(Role))
def test_may_change_and_delete_venue_by_role_and_owner(role: Role) -> None:
    """The owner's coordinators and admins change and delete; shared venues: admins only."""
    caller = _caller(role)
    venues = [VenueFacts(MINE), VenueFacts(OTHER), VenueFacts(None)]
    assert (
        tuple(may_change_venue(caller, v) for v in venues),
        tuple(may_delete_venue(caller, v) for v in venues),
    ) == (CHANGE[role], CHANGE[role])


@pytest.mark.parametrize("role", list(Role))
def test_may_give_venue_admins_only(role: Role) -> None:
    """Only admins hand a venue to another organisation or make it shared."""
    caller = _caller(role)
    assert may_give_venue(caller, VenueFacts(MINE), None) is (role is Role.ADMIN)


def test_require_venue_creator_explains_refusals() -> None:
    """Anonymous: 401; a manager: the role; an adviser for another organisation: the owner."""
    with pytest.raises(AuthenticationError):
        require_venue_creator(None, MINE)
    with pytest.raises(PermissionDeniedError) as manager:
        require_venue_creator(_caller(Role.MANAGER), MINE)
    with pytest.raises(PermissionDeniedError) as adviser:
        require_venue_creator(_caller(Role.ADVISER), OTHER)
    assert (manager.value.message, adviser.value.message) == (
        "Votre rôle permet de consulter, pas de réserver ni de modifier.",
        "Vous ne pouvez créer que des lieux de votre organisation ; les lieux partagés et ceux "
        "d'autres organisations sont créés par un administrateur.",
    )


def test_require_venue_steward_names_shared_and_owned() -> None:
    """The refusal says whether the venue is shared or belongs to an organisation."""
    coordinator = _caller(Role.COORDINATOR)
    with pytest.raises(PermissionDeniedError) as shared:
        require_venue_steward(coordinator, VenueFacts(None), deleting=True)
    with pytest.raises(PermissionDeniedError) as owned:
        require_venue_steward(coordinator, VenueFacts(OTHER))
    assert (shared.value.message, owned.value.message) == (
        "Ce lieu est partagé : seuls les administrateurs peuvent le supprimer.",
        "Seuls les coordinateurs de l'organisation propriétaire du lieu et les administrateurs "
        "peuvent le modifier.",
    )
    assert require_venue_steward(coordinator, VenueFacts(MINE)) == coordinator
