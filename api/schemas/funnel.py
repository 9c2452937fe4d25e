"""Schemas (msgspec) of what follows an employer forum: immersions, hires, and the chain
registered → attended → immersions → hires (counts only)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from api.schemas import Id
from planner.funnel import Funnel

Outcome = Literal["hire", "training", "none"]
Contract = Literal["cdi", "cdd", "alternance"]
Day = Annotated[date, msgspec.Meta(description="AAAA-MM-JJ")]


class ImmersionIn(msgspec.Struct, forbid_unknown_fields=True):
    """An immersion (PMSMP) at ``employer_id``, from ``first_day`` to ``last_day``; the
    participant as a registration of the forum when known; how it ended when known."""

    employer_id: Id
    first_day: Day
    last_day: Day
    registration_id: Id | None = None
    outcome: Outcome | None = None


class OutcomeIn(msgspec.Struct, forbid_unknown_fields=True):
    """How an immersion ended (``null``: not known yet)."""

    outcome: Outcome | None


class HireIn(msgspec.Struct, forbid_unknown_fields=True):
    """A hire at ``employer_id`` (``cdi``, ``cdd``, ``alternance``), from ``first_day``, under
    emplois francs or not; the participant as a registration of the forum when known."""

    employer_id: Id
    contract: Contract
    first_day: Day
    emplois_francs: bool = False
    registration_id: Id | None = None


class ImmersionOut(msgspec.Struct, frozen=True):
    """A recorded immersion."""

    id: int
    session_id: int
    employer_id: int
    registration_id: int | None
    first_day: date
    last_day: date
    outcome: str | None


class HireOut(msgspec.Struct, frozen=True):
    """A recorded hire."""

    id: int
    session_id: int
    employer_id: int
    registration_id: int | None
    contract: str
    first_day: date
    emplois_francs: bool


class FunnelOut(msgspec.Struct, frozen=True):
    """Registered (holding a place) → attended → immersions → hires (of which emplois francs)."""

    forums: int
    registered: int
    attended: int
    immersions: int
    hires: int
    emplois_francs: int


def funnel_out(chain: Funnel) -> FunnelOut:
    """The API view of a chain."""
    return FunnelOut(
        forums=chain.forums,
        registered=chain.registered,
        attended=chain.attended,
        immersions=chain.immersions,
        hires=chain.hires,
        emplois_francs=chain.emplois_francs,
    )
