"""Who may act on people, their tokens and the coverage figures (the access policy, pure).

- an admin invites anyone; a coordinator invites the people of their own organisation;
- a token is created, listed and revoked by its owner or an admin (for others it does not
  exist: 404, so token numbers are not revealed);
- coverage figures are read by managers, coordinators and admins (the people who plan).
"""

from __future__ import annotations

from planner.access.caller import Caller, require_caller
from planner.errors import PermissionDeniedError
from planner.session import Role

COVERAGE_READERS = frozenset({Role.MANAGER, Role.COORDINATOR, Role.ADMIN})


def may_invite(caller: Caller, organisation_id: int) -> bool:
    """Whether ``caller`` may send a sign-in invitation to a person of ``organisation_id``."""
    return caller.role is Role.ADMIN or (
        caller.role is Role.COORDINATOR and caller.organisation_id == organisation_id
    )


def require_inviter(caller: Caller | None, organisation_id: int) -> Caller:
    """A caller who may invite a person of ``organisation_id``, or the error saying why not."""
    known = require_caller(caller)
    if not may_invite(known, organisation_id):
        raise PermissionDeniedError(
            "Seuls l'administration et la coordination de son organisation invitent une personne."
        )
    return known


def may_manage_token(caller: Caller, owner_staff_id: int) -> bool:
    """Whether ``caller`` may create, see or revoke a token of ``owner_staff_id``."""
    return caller.role is Role.ADMIN or caller.staff_id == owner_staff_id


def token_owner_scope(caller: Caller) -> int | None:
    """Whose tokens ``caller`` lists: ``None`` for everybody's (admins), else their own id."""
    return None if caller.role is Role.ADMIN else caller.staff_id


def may_read_coverage(role: Role) -> bool:
    """Whether a person of ``role`` reads the coverage of the QPVs."""
    return role in COVERAGE_READERS


def require_coverage_reader(caller: Caller | None) -> Caller:
    """A manager, coordinator or admin: the people who plan campaigns."""
    known = require_caller(caller)
    if not may_read_coverage(known.role):
        raise PermissionDeniedError(
            "La couverture des QPV est réservée aux managers, coordinateurs et administrateurs."
        )
    return known
