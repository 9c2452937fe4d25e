"""Partnerships between two organisations: when one is active, and who may change it (issue 12).

A partnership is explicit and revocable. It is active once both sides' coordinators agreed, or
as soon as an admin set it, and until it is revoked. Each side's coordinator agrees for their
own organisation only; an admin may agree for either side, set it whole, or revoke it; a
coordinator of either side may revoke it.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.access.caller import Caller, require_caller
from planner.errors import PermissionDeniedError
from planner.session import Role


@dataclass(frozen=True, slots=True)
class PartnershipFacts:
    """What the policy needs to know of a partnership between two organisations."""

    first_id: int
    second_id: int
    first_agreed: bool = False
    second_agreed: bool = False
    set_by_admin: bool = False
    revoked: bool = False

    @property
    def sides(self) -> frozenset[int]:
        """The two organisations."""
        return frozenset({self.first_id, self.second_id})


def partnership_active(partnership: PartnershipFacts) -> bool:
    """Whether the partnership holds: not revoked, and set by an admin or agreed by both."""
    if partnership.revoked:
        return False
    return partnership.set_by_admin or (partnership.first_agreed and partnership.second_agreed)


def active_partners(organisation_id: int, partnerships: list[PartnershipFacts]) -> frozenset[int]:
    """The organisations in an active partnership with ``organisation_id``."""
    return frozenset(
        other
        for p in partnerships
        if organisation_id in p.sides and partnership_active(p)
        for other in p.sides - {organisation_id}
    )


def may_agree_for(caller: Caller, organisation_id: int) -> bool:
    """Whether ``caller`` may agree to a partnership on behalf of ``organisation_id``."""
    if caller.role is Role.ADMIN:
        return True
    return caller.role is Role.COORDINATOR and caller.organisation_id == organisation_id


def may_set_partnership(caller: Caller) -> bool:
    """Whether ``caller`` may make a partnership active at once, for both sides: admins."""
    return caller.role is Role.ADMIN


def may_revoke_partnership(caller: Caller, partnership: PartnershipFacts) -> bool:
    """Whether ``caller`` may revoke ``partnership``: admins, coordinators of either side."""
    if caller.role is Role.ADMIN:
        return True
    return caller.role is Role.COORDINATOR and caller.organisation_id in partnership.sides


def may_read_partnerships(caller: Caller, organisation_id: int) -> bool:
    """Whether ``caller`` may list the partnerships of ``organisation_id``: any signed-in staff
    (whom an organisation works with is no secret among staff)."""
    return True


def require_agreeing(caller: Caller | None, organisation_id: int) -> Caller:
    """A caller who may agree for ``organisation_id``, or the error saying why not."""
    known = require_caller(caller)
    if not may_agree_for(known, organisation_id):
        raise PermissionDeniedError(
            "Seuls les coordinateurs de l'organisation et les administrateurs peuvent engager "
            "l'organisation dans un partenariat."
        )
    return known


def require_partnership_setter(caller: Caller | None) -> Caller:
    """An admin, or the error saying why not."""
    known = require_caller(caller)
    if not may_set_partnership(known):
        raise PermissionDeniedError(
            "Seul un administrateur peut établir d'emblée un partenariat pour les deux "
            "organisations."
        )
    return known


def require_revoker(caller: Caller | None, partnership: PartnershipFacts) -> Caller:
    """A caller who may revoke ``partnership``, or the error saying why not."""
    known = require_caller(caller)
    if not may_revoke_partnership(known, partnership):
        raise PermissionDeniedError(
            "Seuls les coordinateurs de l'une des deux organisations et les administrateurs "
            "peuvent mettre fin à ce partenariat."
        )
    return known
