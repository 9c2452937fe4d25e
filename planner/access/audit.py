"""Who reads which audit entries, and what a manager sees of them.

Admins read every entry as written. Managers read the entries about things of their territory,
decided when they read (the thing as it is now, not as it was): a session by its venue's commune
and its QPVs, a venue by its commune, a campaign by its target QPVs. Entries about
organisations, staff, tokens and private calendars are for admins only, and so are entries about
a thing that no longer exists. What a manager reads has every e-mail address masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from planner.access.caller import Caller
from planner.session import Role

PLACED_ENTITIES = frozenset({"session", "venue", "campaign"})
"""Entities whose entries a manager may read when the thing lies in their territory."""

EMAIL = re.compile(r"(?P<first>[^\s@<>\"',;:]?)[^\s@<>\"',;:]*@(?P<domain>[^\s@<>\"',;:]+)")


@dataclass(frozen=True, slots=True)
class Places:
    """Departments and EPCIs (SIREN) where an audited thing lies."""

    departments: frozenset[str] = frozenset()
    epcis: frozenset[str] = frozenset()


def may_read_audit_entry(caller: Caller | None, entity: str, places: Places | None) -> bool:
    """Whether ``caller`` reads an entry about ``entity`` lying in ``places`` (``None``: the
    thing no longer exists, or has no place)."""
    if caller is None:
        return False
    if caller.role is Role.ADMIN:
        return True
    if caller.role is not Role.MANAGER or entity not in PLACED_ENTITIES or places is None:
        return False
    return bool(caller.departments & places.departments or caller.epcis & places.epcis)


def masks_emails(caller: Caller) -> bool:
    """Whether the entries ``caller`` reads have their e-mail addresses masked (all but admins)."""
    return caller.role is not Role.ADMIN


def mask_email(text: str) -> str:
    """Every e-mail address in ``text`` with its local part reduced to its first character:
    ``alice.martin@exemple.fr`` → ``a***@exemple.fr``."""
    return EMAIL.sub(lambda m: f"{m['first']}***@{m['domain']}", text)


def mask_snapshot(value: Any) -> Any:
    """A before/after snapshot with every e-mail address masked, at any depth."""
    if isinstance(value, str):
        return mask_email(value)
    if isinstance(value, dict):
        return {key: mask_snapshot(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_snapshot(item) for item in value]
    return value
