"""Who sees which session, and how much of it: the one rule lists, single reads, feeds,
exports, coverage and booking conflicts follow (the README's access table).

- anonymous: sessions the public sees — published and completed ones, and cancelled ones that
  were once published, for the feeds' retention period — without staff, notes or outcome;
- adviser / coordinator: everything of sessions of their organisation, those they are assigned
  to and those whose partner organisations include theirs; other sessions as the public sees them;
- manager: read-only; everything of sessions whose venue (its commune) or one of whose QPVs lies
  in their territory (departments or EPCIs); outside it, what the public sees;
- admin: everything.

:class:`SQL translation <planner.db.access_sql>` selects exactly the sessions
:func:`session_view` does not answer ``NONE`` for; a test keeps the two equal.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from planner.access.caller import BOOKERS, Caller
from planner.session import PUBLIC, Notice, Role, SessionStatus, Violation


class SessionView(StrEnum):
    """How much of a session a caller sees."""

    NONE = "none"
    """Nothing, not even that it exists (404, as for a missing number)."""
    PUBLIC = "public"
    """What a poster on the door would say: no staff, internal notes or outcome."""
    FULL = "full"
    """Everything, staff and internal notes and outcome included."""


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What the policy needs to know of a session."""

    organisation_id: int
    status: SessionStatus
    start: datetime
    published: bool = False
    """Whether it was ever published (a draft cancelled never reaches the public)."""
    partner_ids: frozenset[int] = frozenset()
    staff_ids: frozenset[int] = frozenset()
    departments: frozenset[str] = frozenset()
    """Departments of its venue's commune and of its QPVs."""
    epcis: frozenset[str] = frozenset()
    """EPCIs (SIREN) of its venue's commune and of its QPVs."""


def publicly_visible(facts: SessionFacts, *, now: datetime, retention: timedelta) -> bool:
    """Whether the public sees the session: published or completed, or cancelled after having
    been published and starting no earlier than ``retention`` before ``now`` (as in feeds)."""
    if facts.status in PUBLIC:
        return True
    return (
        facts.status is SessionStatus.CANCELLED
        and facts.published
        and facts.start >= now - retention
    )


def in_territory(caller: Caller, facts: SessionFacts) -> bool:
    """Whether the session's venue or one of its QPVs lies in the caller's departments or EPCIs
    (a manager given no territory has none)."""
    return bool(caller.departments & facts.departments or caller.epcis & facts.epcis)


def involved(caller: Caller, facts: SessionFacts) -> bool:
    """Whether the caller's organisation runs or partners the session, or they staff it."""
    return (
        caller.organisation_id == facts.organisation_id
        or caller.organisation_id in facts.partner_ids
        or caller.staff_id in facts.staff_ids
    )


def session_view(
    caller: Caller | None, facts: SessionFacts, *, now: datetime, retention: timedelta
) -> SessionView:
    """How much of the session ``caller`` sees (``None``: anonymous)."""
    if caller is not None:
        if caller.role is Role.ADMIN:
            return SessionView.FULL
        if caller.role is Role.MANAGER and in_territory(caller, facts):
            return SessionView.FULL
        if caller.role in BOOKERS and involved(caller, facts):
            return SessionView.FULL
    if publicly_visible(facts, now=now, retention=retention):
        return SessionView.PUBLIC
    return SessionView.NONE


def may_change_session(caller: Caller | None, facts: SessionFacts) -> bool:
    """Whether ``caller`` may change, publish, cancel or record the outcome of the session:
    admins; advisers and coordinators of its organisation or assigned to it. Managers never."""
    if caller is None or caller.role not in BOOKERS:
        return False
    return (
        caller.role is Role.ADMIN
        or caller.organisation_id == facts.organisation_id
        or caller.staff_id in facts.staff_ids
    )


def may_read_history(caller: Caller | None, facts: SessionFacts, view: SessionView) -> bool:
    """Whether ``caller`` reads the session's history (its audit entries, on its page): those
    who may change it, and managers who see it in full (their territory's sessions)."""
    if may_change_session(caller, facts):
        return True
    return caller is not None and caller.role is Role.MANAGER and view is SessionView.FULL


C = TypeVar("C", Violation, Notice)

UNSEEN_SESSION = "séance d'une autre organisation"
"""How a refusal or a warning names a session the caller may not see."""


def hide_unseen(items: tuple[C, ...], seen: Collection[int]) -> tuple[C, ...]:
    """Violations or notices as a caller who sees only the sessions ``seen`` may read them: a
    conflict with another session still says the person or the venue is busy, but no longer
    names a session the caller may not see (no number, so neither its title nor its notes)."""
    hidden: list[C] = []
    for item in items:
        other = item.session_id
        if other is None or other in seen:
            hidden.append(item)
            continue
        message = re.sub(rf"séance n° {other}\b", UNSEEN_SESSION, item.message)
        hidden.append(replace(item, message=message, session_id=None))
    return tuple(hidden)
