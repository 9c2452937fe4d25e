"""Who reads which audit entries, and the masking of e-mails for managers."""

from __future__ import annotations

import pytest

from planner.access import Caller
from planner.access.audit import (
    Places,
    mask_email,
    mask_snapshot,
    masks_emails,
    may_read_audit_entry,
)
from planner.session import Role

ENTITIES = ("session", "venue", "campaign", "organisation", "staff", "token", "feed-token")
PLACES = (None, Places(), Places(frozenset({"80"})), Places(epcis=frozenset({"200070993"})))


@pytest.mark.parametrize("role", list(Role))
def test_may_read_audit_entry_for_every_combination(role: Role) -> None:
    """Admins read all; managers entries about sessions, venues and campaigns of their
    territory; the others nothing."""
    inside = Caller(1, 1, role, frozenset({"80"}), frozenset({"200070993"}))
    outside = Caller(1, 1, role, frozenset({"59"}))
    seen = {
        (who, entity, index)
        for who, caller in (("inside", inside), ("outside", outside))
        for entity in ENTITIES
        for index, places in enumerate(PLACES)
        if may_read_audit_entry(caller, entity, places)
    }
    everything = {(w, e, i) for w in ("inside", "outside") for e in ENTITIES for i in range(4)}
    expected = {
        Role.ADMIN: everything,
        Role.MANAGER: {("inside", e, i) for e in ("session", "venue", "campaign") for i in (2, 3)},
        Role.ADVISER: set(),
        Role.COORDINATOR: set(),
    }[role]
    assert seen == expected


def test_may_read_audit_entry_anonymous() -> None:
    """Anonymous callers read no entry."""
    assert not may_read_audit_entry(None, "session", Places(frozenset({"80"})))


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("alice.martin@exemple.fr", "a***@exemple.fr"),
        ("a@b.fr", "a***@b.fr"),
        ("Écrire à bob@ml.fr ou carol@cs.fr.", "Écrire à b***@ml.fr ou c***@cs.fr."),
        ("pas d'adresse", "pas d'adresse"),
    ],
)
def test_mask_email(text: str, masked: str) -> None:
    """Each address keeps its first character and its domain."""
    assert mask_email(text) == masked


def test_mask_snapshot_at_any_depth() -> None:
    """Strings in nested dicts and lists are masked; other values stay."""
    snapshot = {"email": "alice@exemple.fr", "n": 3, "x": None, "l": [{"e": "bob@ml.fr"}, 2]}
    assert mask_snapshot(snapshot) == {
        "email": "a***@exemple.fr",
        "n": 3,
        "x": None,
        "l": [{"e": "b***@ml.fr"}, 2],
    }


def test_masks_emails_for_all_but_admins() -> None:
    """Only admins read e-mail addresses in clear."""
    assert [masks_emails(Caller(1, 1, role)) for role in Role] == [
        role is not Role.ADMIN for role in Role
    ]
