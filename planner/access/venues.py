"""Who may create, change and delete a venue (issue 12, "Venues").

Each venue has an owning organisation, or none: a shared venue, stewarded by the admins.

- any booker (adviser, coordinator, admin) creates venues owned by their own organisation;
  admins may create them for any organisation, or shared;
- the owner's coordinators and the admins change or delete a venue; a shared venue, only the
  admins; advisers and managers change none.

Whether a venue in use may be deleted (a future published session there) is the venue service's
business: it needs the sessions, and answers 409 naming them.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.access.caller import Caller, require_caller
from planner.errors import PermissionDeniedError
from planner.session import Role

BOOKERS = frozenset({Role.ADVISER, Role.COORDINATOR, Role.ADMIN})
"""Those who book sessions and create venues."""


@dataclass(frozen=True, slots=True)
class VenueFacts:
    """What the policy needs to know of a venue."""

    owner_id: int | None
    """The owning organisation; ``None`` for a shared venue."""


def may_create_venue(caller: Caller, owner_id: int | None) -> bool:
    """Whether ``caller`` may create a venue owned by ``owner_id`` (``None``: shared)."""
    if caller.role is Role.ADMIN:
        return True
    return caller.role in BOOKERS and owner_id is not None and owner_id == caller.organisation_id


def may_change_venue(caller: Caller, venue: VenueFacts) -> bool:
    """Whether ``caller`` may change ``venue``: its owner's coordinators, and admins."""
    if caller.role is Role.ADMIN:
        return True
    return (
        caller.role is Role.COORDINATOR
        and venue.owner_id is not None
        and venue.owner_id == caller.organisation_id
    )


def may_delete_venue(caller: Caller, venue: VenueFacts) -> bool:
    """Whether ``caller`` may delete ``venue``: the same people who may change it."""
    return may_change_venue(caller, venue)


def may_give_venue(caller: Caller, venue: VenueFacts, owner_id: int | None) -> bool:
    """Whether ``caller`` may hand ``venue`` to ``owner_id`` (or make it shared): admins only."""
    return caller.role is Role.ADMIN


def require_venue_creator(caller: Caller | None, owner_id: int | None) -> Caller:
    """A caller who may create a venue owned by ``owner_id``, or the error saying why not."""
    known = require_caller(caller)
    if known.role not in BOOKERS:
        raise PermissionDeniedError(
            "Votre rôle permet de consulter, pas de réserver ni de modifier."
        )
    if not may_create_venue(known, owner_id):
        raise PermissionDeniedError(
            "Vous ne pouvez créer que des lieux de votre organisation ; les lieux partagés et "
            "ceux d'autres organisations sont créés par un administrateur."
        )
    return known


def require_venue_steward(
    caller: Caller | None, venue: VenueFacts, *, deleting: bool = False
) -> Caller:
    """A caller who may change (or delete) ``venue``, or the error saying why not."""
    known = require_caller(caller)
    allowed = may_delete_venue(known, venue) if deleting else may_change_venue(known, venue)
    if allowed:
        return known
    what = "supprimer" if deleting else "modifier"
    if venue.owner_id is None:
        raise PermissionDeniedError(
            f"Ce lieu est partagé : seuls les administrateurs peuvent le {what}."
        )
    raise PermissionDeniedError(
        f"Seuls les coordinateurs de l'organisation propriétaire du lieu et les administrateurs "
        f"peuvent le {what}."
    )


def require_venue_giver(caller: Caller | None, venue: VenueFacts, owner_id: int | None) -> Caller:
    """A caller who may change the owner of ``venue``, or the error saying why not."""
    known = require_caller(caller)
    if not may_give_venue(known, venue, owner_id):
        raise PermissionDeniedError(
            "Seuls les administrateurs changent l'organisation propriétaire d'un lieu."
        )
    return known
