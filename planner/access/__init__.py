"""Who may see or change what: the one access policy, pure functions over the caller and the
resource (HOUSE_STYLE, "Where new things go"). Services ask it; routes and pages never decide
rights themselves."""

from planner.access.caller import (
    Caller,
    allows,
    require_admin,
    require_audit_reader,
    require_booker,
    require_caller,
    require_held_session_recorder,
    require_session_editor,
)
from planner.access.levels import Access
from planner.access.sessions import (
    SessionFacts,
    SessionView,
    may_change_session,
    may_read_history,
    session_view,
)

__all__ = [
    "Access",
    "Caller",
    "SessionFacts",
    "SessionView",
    "allows",
    "may_change_session",
    "may_read_history",
    "require_admin",
    "require_audit_reader",
    "require_booker",
    "require_caller",
    "require_held_session_recorder",
    "require_session_editor",
    "session_view",
]
