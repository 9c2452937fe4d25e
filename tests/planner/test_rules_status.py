"""Status transitions and frozen sessions."""

from __future__ import annotations

import pytest

from planner.rules_status import check_editable, check_transition
from planner.session import (
    SessionStatus,
    Violation,
)

# Status transitions and frozen sessions.

ALLOWED = {
    (SessionStatus.DRAFT, SessionStatus.PUBLISHED),
    (SessionStatus.DRAFT, SessionStatus.CANCELLED),
    (SessionStatus.PUBLISHED, SessionStatus.COMPLETED),
    (SessionStatus.PUBLISHED, SessionStatus.CANCELLED),
}


def test_check_transition_matrix() -> None:
    """Exactly the four lifecycle moves are allowed; every other pair is refused."""
    matrix = {
        (a, b): getattr(check_transition(a, b), "code", None)
        for a in SessionStatus
        for b in SessionStatus
    }
    assert matrix == {
        (a, b): None if (a, b) in ALLOWED else "transition-interdite"
        for a in SessionStatus
        for b in SessionStatus
    }


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (
            SessionStatus.PUBLISHED,
            SessionStatus.DRAFT,
            "Une séance à l'état « publiée » ne peut pas passer à l'état « brouillon » "
            "(possibles : « terminée », « annulée »).",
        ),
        (
            SessionStatus.COMPLETED,
            SessionStatus.CANCELLED,
            "Une séance à l'état « terminée » ne peut pas passer à l'état « annulée » "
            "(cet état est définitif).",
        ),
        (
            SessionStatus.PUBLISHED,
            SessionStatus.PUBLISHED,
            "La séance est déjà à l'état « publiée ».",
        ),
    ],
    ids=["unpublish", "from-final", "same"],
)
def test_check_transition_refusal_message(
    current: SessionStatus, target: SessionStatus, message: str
) -> None:
    """Refusals name both statuses in French and what is possible instead."""
    assert check_transition(current, target) == Violation("transition-interdite", message)


def test_check_editable_by_status() -> None:
    """Drafts and published sessions may be edited; completed and cancelled ones are frozen."""
    assert [check_editable(status) for status in SessionStatus] == [
        None,
        None,
        Violation(
            "seance-figee",
            "Une séance terminée ne peut plus être modifiée ; seul son bilan peut encore être "
            "saisi.",
        ),
        Violation("seance-figee", "Une séance annulée ne peut plus être modifiée."),
    ]
