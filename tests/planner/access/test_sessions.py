"""The session policy, over every small combination of caller and session."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from planner.access import (
    Caller,
    SessionFacts,
    SessionView,
    may_change_session,
    may_read_history,
    session_view,
)
from planner.access.sessions import publicly_visible
from planner.session import Role, SessionStatus

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
RETENTION = timedelta(days=30)
ORG, OTHER, PARTNER = 1, 2, 3
ME = 10

SESSIONS = [
    SessionFacts(
        organisation_id=org,
        status=status,
        start=start,
        published=published,
        partner_ids=partners,
        staff_ids=staff,
        departments=deps,
        epcis=epcis,
    )
    for org, status, start, published, partners, staff, (deps, epcis) in itertools.product(
        (ORG, OTHER),
        SessionStatus,
        (NOW - timedelta(days=31), NOW - timedelta(days=29), NOW + timedelta(days=3)),
        (False, True),
        (frozenset(), frozenset({ORG}), frozenset({PARTNER})),
        (frozenset(), frozenset({ME}), frozenset({ME + 1})),
        (
            (frozenset({"80"}), frozenset({"200070993"})),
            (frozenset({"60"}), frozenset()),
            (frozenset({"80", "60"}), frozenset()),
        ),
    )
]
"""Every combination of the facts the policy reads: 2 × 4 × 3 × 2 × 3 × 3 × 3 = 1296."""

CALLERS: list[Caller | None] = [
    None,
    *(
        Caller(ME, org, role, departments, epcis)
        for role in Role
        for org in (ORG, OTHER, PARTNER)
        for departments, epcis in (
            (frozenset(), frozenset()),
            (frozenset({"80"}), frozenset()),
            (frozenset(), frozenset({"200070993"})),
            (frozenset({"59"}), frozenset()),
        )
    ),
]


def _public(facts: SessionFacts) -> bool:
    """The public's rule restated: published/completed, or cancelled after publication within
    the retention period."""
    if facts.status in (SessionStatus.PUBLISHED, SessionStatus.COMPLETED):
        return True
    return (
        facts.status is SessionStatus.CANCELLED
        and facts.published
        and NOW - facts.start <= RETENTION
    )


def _expected(caller: Caller | None, facts: SessionFacts) -> SessionView:
    """The README's table, restated independently of the module."""
    full = False
    if caller is not None:
        if caller.role is Role.ADMIN:
            full = True
        elif caller.role is Role.MANAGER:
            full = bool(caller.departments & facts.departments or caller.epcis & facts.epcis)
        else:
            full = (
                facts.organisation_id == caller.organisation_id
                or caller.organisation_id in facts.partner_ids
                or caller.staff_id in facts.staff_ids
            )
    if full:
        return SessionView.FULL
    return SessionView.PUBLIC if _public(facts) else SessionView.NONE


def test_session_view_matches_the_table_for_every_combination() -> None:
    """Over every caller and session of the small enumeration, the view is the table's."""
    wrong = [
        (caller, facts)
        for caller in CALLERS
        for facts in SESSIONS
        if session_view(caller, facts, now=NOW, retention=RETENTION) is not _expected(caller, facts)
    ]
    assert wrong == []


def test_session_view_anonymous_never_full() -> None:
    """Anonymous callers see public sessions publicly and nothing else."""
    views = {session_view(None, f, now=NOW, retention=RETENTION) for f in SESSIONS}
    assert views == {SessionView.PUBLIC, SessionView.NONE}


@pytest.mark.parametrize(
    ("status", "published", "days_ago", "visible"),
    [
        (SessionStatus.DRAFT, False, -3, False),
        (SessionStatus.DRAFT, True, -3, False),
        (SessionStatus.PUBLISHED, True, -3, True),
        (SessionStatus.COMPLETED, True, 40, True),
        (SessionStatus.CANCELLED, False, -3, False),
        (SessionStatus.CANCELLED, True, -3, True),
        (SessionStatus.CANCELLED, True, 30, True),
        (SessionStatus.CANCELLED, True, 31, False),
    ],
)
def test_publicly_visible_follows_the_feeds_retention(
    status: SessionStatus, published: bool, days_ago: int, visible: bool
) -> None:
    """Cancelled sessions stay public for the retention period, only if once published."""
    facts = SessionFacts(ORG, status, NOW - timedelta(days=days_ago), published=published)
    assert publicly_visible(facts, now=NOW, retention=RETENTION) is visible


def test_manager_without_territory_sees_only_the_public() -> None:
    """A manager given no department nor EPCI has no territory: the public's view."""
    manager = Caller(ME, ORG, Role.MANAGER)
    views = [session_view(manager, f, now=NOW, retention=RETENTION) for f in SESSIONS]
    assert views == [SessionView.PUBLIC if _public(f) else SessionView.NONE for f in SESSIONS]


def test_may_change_session_for_every_combination() -> None:
    """Admins change everything; advisers and coordinators their organisation's sessions and
    those they staff (not partners'); managers and anonymous callers nothing."""
    wrong = [
        (caller, facts)
        for caller in CALLERS
        for facts in SESSIONS
        if may_change_session(caller, facts)
        is not (
            caller is not None
            and (
                caller.role is Role.ADMIN
                or (
                    caller.role in (Role.ADVISER, Role.COORDINATOR)
                    and (
                        caller.organisation_id == facts.organisation_id
                        or caller.staff_id in facts.staff_ids
                    )
                )
            )
        )
    ]
    assert wrong == []


def test_whoever_may_change_a_session_sees_all_of_it() -> None:
    """No caller may change a session they do not fully see."""
    assert [
        (caller, facts)
        for caller in CALLERS
        for facts in SESSIONS
        if may_change_session(caller, facts)
        and session_view(caller, facts, now=NOW, retention=RETENTION) is not SessionView.FULL
    ] == []


def test_history_is_read_by_those_who_change_or_oversee_the_session() -> None:
    """A session's history: whoever may change it, and managers who see it in full; never an
    anonymous caller, nor an adviser of another organisation who only sees it published."""
    wrong = [
        (caller, facts)
        for caller in CALLERS
        for facts in SESSIONS
        if may_read_history(
            caller, facts, view := session_view(caller, facts, now=NOW, retention=RETENTION)
        )
        is not (
            may_change_session(caller, facts)
            or (caller is not None and caller.role is Role.MANAGER and view is SessionView.FULL)
        )
        or (may_read_history(caller, facts, view) and view is not SessionView.FULL)
    ]
    assert wrong == []


def test_hide_unseen_keeps_seen_and_unnamed_conflicts() -> None:
    """A conflict with an unseen session loses its number; seen and unnamed ones stay whole."""
    from planner.access.sessions import hide_unseen
    from planner.session import Notice, Violation

    violations = (
        Violation("lieu-deja-pris", "Le lieu n° 3 est déjà réservé (séance n° 41).", 41, "venue"),
        Violation("lieu-deja-pris", "Le lieu n° 3 est déjà réservé (séance n° 4).", 4, "venue"),
        Violation("duree", "Trop long.", None, "end"),
    )
    notices = (Notice("qpv-revisite", "Le QPV Q1 est déjà servi par la séance n° 41.", 41),)
    assert hide_unseen(violations, {4}) == (
        Violation(
            "lieu-deja-pris",
            "Le lieu n° 3 est déjà réservé (séance d'une autre organisation).",
            None,
            "venue",
        ),
        violations[1],
        violations[2],
    )
    assert hide_unseen(notices, set()) == (
        Notice(
            "qpv-revisite", "Le QPV Q1 est déjà servi par la séance d'une autre organisation.", None
        ),
    )
