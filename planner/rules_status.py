"""The lifecycle of a session as pure rules: which status changes are allowed, what is frozen.

``draft → published → completed``, or ``cancelled`` from draft or published
(:class:`~planner.session.SessionStatus`). :mod:`planner.rules` re-exports these functions.
"""

from __future__ import annotations

from planner.session import SessionStatus, Violation

STATUS_LABELS = {
    SessionStatus.DRAFT: "brouillon",
    SessionStatus.PUBLISHED: "publiée",
    SessionStatus.COMPLETED: "terminée",
    SessionStatus.CANCELLED: "annulée",
}
"""French names of the statuses, for messages and pages."""

TRANSITIONS: dict[SessionStatus, frozenset[SessionStatus]] = {
    SessionStatus.DRAFT: frozenset({SessionStatus.PUBLISHED, SessionStatus.CANCELLED}),
    SessionStatus.PUBLISHED: frozenset({SessionStatus.COMPLETED, SessionStatus.CANCELLED}),
    SessionStatus.COMPLETED: frozenset(),
    SessionStatus.CANCELLED: frozenset(),
}
"""Allowed status changes. ``published → draft`` is refused on purpose: residents' feeds have
shown the session, and only a cancellation tells them it will not happen (edit it instead)."""

FROZEN = frozenset({SessionStatus.COMPLETED, SessionStatus.CANCELLED})
"""Statuses whose sessions can no longer be edited (their outcome is recorded elsewhere)."""


def check_transition(current: SessionStatus, target: SessionStatus) -> Violation | None:
    """Return a ``transition-interdite`` violation unless ``current → target`` is in
    :data:`TRANSITIONS` (staying in the same status is not a transition either)."""
    if target in TRANSITIONS[current]:
        return None
    if current is target:
        message = f"La séance est déjà à l'état « {STATUS_LABELS[current]} »."
    else:
        allowed = [STATUS_LABELS[s] for s in SessionStatus if s in TRANSITIONS[current]]
        reason = (
            "possibles : " + ", ".join(f"« {label} »" for label in allowed)
            if allowed
            else "cet état est définitif"
        )
        message = (
            f"Une séance à l'état « {STATUS_LABELS[current]} » ne peut pas passer à l'état "
            f"« {STATUS_LABELS[target]} » ({reason})."
        )
    return Violation("transition-interdite", message)


def check_editable(status: SessionStatus) -> Violation | None:
    """Return a ``seance-figee`` violation for a completed or cancelled session (:data:`FROZEN`);
    a completed session's outcome is still recorded, by another path."""
    if status not in FROZEN:
        return None
    tail = " ; seul son bilan peut encore être saisi" if status is SessionStatus.COMPLETED else ""
    return Violation(
        "seance-figee", f"Une séance {STATUS_LABELS[status]} ne peut plus être modifiée{tail}."
    )
