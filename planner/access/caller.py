"""Who the caller is, and the route-level checks on their role.

- advisers and coordinators book and edit sessions of their own organisation and those they
  are assigned to; which sessions they read is :mod:`planner.access.sessions`;
- coordinators also plan campaigns;
- managers read, within their territory (departments or EPCIs), and change nothing;
- admins manage organisations, staff and tokens, and may do everything;
- anonymous callers read what the public sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from planner.access.levels import Access
from planner.errors import AuthenticationError, PermissionDeniedError
from planner.session import Role

BOOKERS = frozenset({Role.ADVISER, Role.COORDINATOR, Role.ADMIN})
READERS_OF_AUDIT = frozenset({Role.MANAGER, Role.ADMIN})
PLANNERS = frozenset({Role.COORDINATOR, Role.ADMIN})
ROLES_OF = {
    Access.STAFF: frozenset(Role),
    Access.BOOKER: BOOKERS,
    Access.PLANNER: PLANNERS,
    Access.AUDIT: READERS_OF_AUDIT,
    Access.ADMIN: frozenset({Role.ADMIN}),
}
"""The roles that reach each route-level access (``ANYONE`` and ``SELF``: every caller)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated staff member making a request."""

    staff_id: int
    organisation_id: int
    role: Role
    departments: frozenset[str] = frozenset()
    epcis: frozenset[str] = frozenset()


def allows(access: Access, role: Role) -> bool:
    """Whether a signed-in caller of ``role`` reaches a route declaring ``access``."""
    return access in (Access.ANYONE, Access.SELF) or role in ROLES_OF[access]


def require_caller(caller: Caller | None) -> Caller:
    """The caller, or :class:`AuthenticationError` for an anonymous request."""
    if caller is None:
        raise AuthenticationError(
            "Authentification requise : connectez-vous, ou envoyez votre jeton dans l'en-tête "
            "« Authorization: Bearer … »."
        )
    return caller


def require_admin(caller: Caller | None) -> Caller:
    """An admin caller, or the error saying why not."""
    known = require_caller(caller)
    if known.role is not Role.ADMIN:
        raise PermissionDeniedError("Réservé aux administrateurs.")
    return known


def require_booker(caller: Caller | None) -> Caller:
    """A caller who may book (adviser, coordinator, admin)."""
    known = require_caller(caller)
    if known.role not in BOOKERS:
        raise PermissionDeniedError(
            "Votre rôle permet de consulter, pas de réserver ni de modifier."
        )
    return known


def require_audit_reader(caller: Caller | None) -> Caller:
    """A manager or an admin."""
    known = require_caller(caller)
    if known.role not in READERS_OF_AUDIT:
        raise PermissionDeniedError(
            "Le journal d'audit est réservé aux managers et administrateurs."
        )
    return known


def require_session_editor(
    caller: Caller | None, *, organisation_id: int, assigned: Iterable[int]
) -> Caller:
    """A caller who may change a session of ``organisation_id`` with staff ``assigned``."""
    known = require_booker(caller)
    if known.role is Role.ADMIN or known.organisation_id == organisation_id:
        return known
    if known.staff_id in set(assigned):
        return known
    raise PermissionDeniedError(
        "Vous ne pouvez réserver ou modifier que les séances de votre organisation ou celles "
        "où vous intervenez."
    )


def require_held_session_recorder(caller: Caller | None, *, organisation_id: int) -> Caller:
    """A caller who may enter afterwards a session their organisation held without booking
    it: its coordinators, and admins (an adviser books; a coordinator vouches for the past)."""
    known = require_caller(caller)
    if known.role is Role.ADMIN or (
        known.role is Role.COORDINATOR and known.organisation_id == organisation_id
    ):
        return known
    raise PermissionDeniedError(
        "Seuls les coordinateurs de l'organisation (ou l'administration) saisissent une séance "
        "tenue sans avoir été réservée."
    )
