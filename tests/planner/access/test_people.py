"""Who invites people, manages tokens and reads coverage: every role, own or other organisation."""

from __future__ import annotations

import pytest

from planner.access import Caller
from planner.access.people import (
    may_invite,
    may_manage_token,
    require_coverage_reader,
    token_owner_scope,
)
from planner.errors import AuthenticationError, PermissionDeniedError
from planner.session import Role

OWN, OTHER = 1, 2


def _caller(role: Role, staff_id: int = 10) -> Caller:
    return Caller(staff_id=staff_id, organisation_id=OWN, role=role)


def test_may_invite_by_role_and_organisation() -> None:
    """Admins invite anyone, coordinators their own organisation's people, nobody else."""
    table = {(role, org): may_invite(_caller(role), org) for role in Role for org in (OWN, OTHER)}
    assert table == {
        (Role.ADMIN, OWN): True,
        (Role.ADMIN, OTHER): True,
        (Role.COORDINATOR, OWN): True,
        (Role.COORDINATOR, OTHER): False,
        (Role.ADVISER, OWN): False,
        (Role.ADVISER, OTHER): False,
        (Role.MANAGER, OWN): False,
        (Role.MANAGER, OTHER): False,
    }


def test_tokens_are_their_owners_and_admins() -> None:
    """A token is managed by its owner or an admin; admins list everybody's, others their own."""
    managed = {role: (may_manage_token(_caller(role), 10), may_manage_token(_caller(role), 11))
               for role in Role}  # fmt: skip
    scopes = {role: token_owner_scope(_caller(role)) for role in Role}
    assert (managed, scopes) == (
        {role: (True, role is Role.ADMIN) for role in Role},
        {role: None if role is Role.ADMIN else 10 for role in Role},
    )


def test_coverage_readers() -> None:
    """Managers, coordinators and admins read coverage; advisers 403, anonymous 401."""
    for role in (Role.MANAGER, Role.COORDINATOR, Role.ADMIN):
        assert require_coverage_reader(_caller(role)) == _caller(role)
    with pytest.raises(PermissionDeniedError):
        require_coverage_reader(_caller(Role.ADVISER))
    with pytest.raises(AuthenticationError):
        require_coverage_reader(None)
