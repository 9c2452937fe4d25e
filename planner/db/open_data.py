"""Open data of a territory: publishing it (admins), and the counts per QPV anyone then reads.

The counts are the coverage service's (:func:`planner.db.coverage.compute_coverage`), asked as
a reader confined to the territory (:func:`planner.access.open_data.open_data_reader`), over the
period :func:`planner.open_data.open_data_period` gives: what sessions held, their hours and the
organisations involved mean is decided there, once, for the map and for the open data alike.
Who may do what is the policy's (:mod:`planner.access.open_data`); every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.access.open_data import (
    may_read_open_data,
    not_published,
    open_data_reader,
    require_open_data_publisher,
)
from planner.clock import PARIS
from planner.db.audit import audited
from planner.db.coverage import compute_coverage
from planner.db.coverage_values import Coverage, CoverageFilter
from planner.db.models import OpenDataTerritory, Qpv, QpvEpci
from planner.errors import NotFoundError
from planner.open_data import Territory, TerritoryKind, open_data_period, parse_territory


@dataclass(frozen=True, slots=True)
class Publication:
    """A territory whose open data is published, since when."""

    territory: Territory
    published_at: datetime


def _snapshot(row: OpenDataTerritory) -> dict[str, Any]:
    return {"territory": row.territory, "kind": row.kind, "published": row.published}


def _publication(row: OpenDataTerritory) -> Publication:
    return Publication(Territory(TerritoryKind(row.kind), row.territory), row.changed_at)


async def _row(session: AsyncSession, territory: Territory) -> OpenDataTerritory | None:
    return await session.scalar(
        select(OpenDataTerritory).where(OpenDataTerritory.territory == territory.code)
    )


async def _published(session: AsyncSession, territory: Territory) -> OpenDataTerritory:
    """The territory's row when it is published; otherwise the policy's 404."""
    row = await _row(session, territory)
    if row is None or not may_read_open_data(published=row.published):
        raise not_published(territory)
    return row


async def list_publications(session: AsyncSession) -> list[Publication]:
    """The territories published now, by code (public: their URLs are public anyway)."""
    rows = await session.scalars(
        select(OpenDataTerritory)
        .where(OpenDataTerritory.published.is_(True))
        .order_by(OpenDataTerritory.territory)
    )
    return [_publication(row) for row in rows]


async def publish(
    session: AsyncSession, text: str, *, caller: Caller | None, now: datetime
) -> Publication:
    """Publish the open data of the territory ``text`` names (admins only; again: no change).

    Raises :class:`InvalidInputError` for a malformed territory and :class:`NotFoundError`
    when no loaded QPV lies in it (nothing to publish).
    """
    known = require_open_data_publisher(caller)
    territory = parse_territory(text)
    if territory.kind is TerritoryKind.DEPARTMENT:
        has_qpv = exists().where(Qpv.department_code == territory.code)
    else:
        has_qpv = exists().where(QpvEpci.siren == territory.code)
    if not await session.scalar(select(has_qpv)):
        raise NotFoundError(f"Aucun QPV chargé dans {territory.named} : rien à publier.")
    row = await _row(session, territory)
    if row is not None and row.published:
        return _publication(row)
    before = None if row is None else _snapshot(row)
    if row is None:
        row = OpenDataTerritory(territory=territory.code, kind=territory.kind.value)
        session.add(row)
    row.published, row.changed_by_id, row.changed_at = True, known.staff_id, now
    await audited(
        session,
        row,
        actor_id=known.staff_id,
        action="publish",
        entity="open_data_territory",
        before=before,
        after=_snapshot,
        now=now,
        conflict=f"Quelqu'un vient de publier {territory.named}.",
    )
    return _publication(row)


async def withdraw(
    session: AsyncSession, text: str, *, caller: Caller | None, now: datetime
) -> None:
    """Withdraw the territory's open data (admins only): its URLs answer 404 from now on.

    Raises :class:`NotFoundError` when it is not published.
    """
    known = require_open_data_publisher(caller)
    territory = parse_territory(text)
    row = await _published(session, territory)
    before = _snapshot(row)
    row.published, row.changed_by_id, row.changed_at = False, known.staff_id, now
    await audited(
        session,
        row,
        actor_id=known.staff_id,
        action="withdraw",
        entity="open_data_territory",
        before=before,
        after=_snapshot,
        now=now,
    )


async def open_coverage(
    session: AsyncSession, text: str, *, year: int | None, now: datetime
) -> Coverage:
    """The coverage of a published territory over the period published (anyone may ask).

    Raises :class:`NotFoundError` when the territory is not published, and
    :class:`InvalidInputError` for a malformed territory or a year out of range.
    """
    territory = parse_territory(text)
    await _published(session, territory)
    first, last = open_data_period(year, today=now.astimezone(PARIS).date())
    department = territory.kind is TerritoryKind.DEPARTMENT
    filters = CoverageFilter(
        first_day=first,
        last_day=last,
        department=territory.code if department else None,
        epci=None if department else territory.code,
    )
    return await compute_coverage(session, filters, caller=open_data_reader(territory), now=now)
