"""Who may see residents' registrations: their names and contacts go to the organisers of the
session and nobody else — not to partners' or managers' screens, never to a public page or feed
(counts only). A registrant reaches their own registration through its secret link alone.
"""

from __future__ import annotations

from datetime import datetime

from planner.access.caller import Caller
from planner.access.sessions import SessionFacts, may_change_session
from planner.session import SessionStatus


def may_see_registrations(caller: Caller | None, facts: SessionFacts) -> bool:
    """Whether ``caller`` reads the list of registrants (names, contacts, needs) and marks
    attendance: those who may change the session — its organisation's advisers and
    coordinators, the staff assigned to it, admins."""
    return may_change_session(caller, facts)


def open_for_registration(
    facts: SessionFacts, *, takes_registrations: bool, now: datetime
) -> str | None:
    """Why a resident may not register now (in French), or ``None`` when they may: the session
    takes registrations, is published and has not started."""
    if not takes_registrations:
        return "Cette séance se fait sans inscription : venez directement."
    if facts.status is SessionStatus.CANCELLED:
        return "Cette séance est annulée."
    if facts.status is not SessionStatus.PUBLISHED:
        return "Cette séance n'est pas ouverte aux inscriptions."
    if facts.start <= now:
        return "Les inscriptions sont closes : la séance a commencé."
    return None
