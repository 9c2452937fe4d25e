"""Route-level access: who may call a route at all, declared on every route handler.

Each handler carries ``opt={"access": Access.X}``; the web layer refuses a caller without the
level before it reads the request's body or parameters, and the app refuses to start when a
handler declares none (a new route without a policy fails the build). Which session, venue or
campaign a caller may read or change is decided afterwards, in the services, by the policy's
functions over the caller and the resource (:mod:`planner.access`).
"""

from __future__ import annotations

from enum import StrEnum


class Access(StrEnum):
    """The least a caller must be to call a route."""

    ANYONE = "anyone"
    """Anonymous callers too (public reads: QPVs, published sessions, public feeds, pages)."""
    STAFF = "staff"
    """Any signed-in staff member, whatever their role."""
    BOOKER = "booker"
    """Advisers, coordinators and admins: those who book and edit sessions and venues."""
    PLANNER = "planner"
    """Coordinators and admins: campaigns and partnerships."""
    AUDIT = "audit"
    """Managers and admins: the audit log."""
    ADMIN = "admin"
    """Admins only: organisations, staff, everybody's tokens."""
    SELF = "self"
    """A secret in the path is the credential (private feeds, personal links)."""
