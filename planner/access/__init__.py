"""Who may see or change what: the one access policy, pure functions over the caller and the
resource (HOUSE_STYLE, "Where new things go"). Services ask it; routes and pages never decide
rights themselves."""

from planner.access.caller import (
    Caller,
    require_admin,
    require_audit_reader,
    require_booker,
    require_caller,
    require_session_editor,
)
from planner.access.levels import Access

__all__ = [
    "Access",
    "Caller",
    "require_admin",
    "require_audit_reader",
    "require_booker",
    "require_caller",
    "require_session_editor",
]
