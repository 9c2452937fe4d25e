"""Route-level access: which roles reach which level."""

from __future__ import annotations

from planner.access import Access, allows
from planner.session import Role


def test_allows_every_level_and_role() -> None:
    """The levels' table: who reaches ANYONE, SELF, STAFF, BOOKER, PLANNER, AUDIT, ADMIN."""
    table = {access: {role for role in Role if allows(access, role)} for access in Access}
    everyone = set(Role)
    assert table == {
        Access.ANYONE: everyone,
        Access.SELF: everyone,
        Access.STAFF: everyone,
        Access.BOOKER: {Role.ADVISER, Role.COORDINATOR, Role.ADMIN},
        Access.PLANNER: {Role.COORDINATOR, Role.ADMIN},
        Access.AUDIT: {Role.MANAGER, Role.ADMIN},
        Access.ADMIN: {Role.ADMIN},
    }
