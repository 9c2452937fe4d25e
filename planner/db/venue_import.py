"""Bulk venue import: accepted rows written, every rejected row reported with its reason.

Rows are identified by their name and address (:func:`planner.venue.address_key`), so importing
the same file again creates no duplicates: known venues are updated or left unchanged without
being geocoded again. Addresses to geocode are sent to the chain in one batch.

Rights (:mod:`planner.access.venues`): with a ``caller``, new venues belong to the caller's
organisation, and a row that would change a venue the caller may not change is rejected; the
command line (no caller) acts as the operator, and its new venues are shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.geocoding import GeocoderUnavailableError
from planner.access import Caller
from planner.access.venues import VenueFacts, may_change_venue
from planner.db.jobs import VENUE_IMPORT, create_job
from planner.db.models import Job, Venue
from planner.db.venues import VenueInput, VenuePlacer, apply_placement, new_venue
from planner.errors import DomainError
from planner.venue import address_key, choose_candidate
from planner.venue_csv import (
    RejectedRow,
    VenueRow,
    check_venue_file,
    read_venue_rows,
    rejected_csv,
)

Progress = Callable[[int], None]


@dataclass(slots=True)
class VenueImportReport:
    """What an import did, and the rejected rows as a CSV to fix and submit again."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    @property
    def rejected_csv(self) -> str:
        """Rejected rows with their line number and reason (``;``-separated, CRLF)."""
        return rejected_csv(self.header, self.rejected)


def _input(row: VenueRow) -> VenueInput:
    return VenueInput(
        name=row.name,
        kind=row.kind,
        address=row.address,
        lon=row.lon,
        lat=row.lat,
        capacity=row.capacity,
        step_free=row.step_free,
        notes=row.notes,
    )


def _differs(venue: Venue, row: VenueRow) -> bool:
    """Whether importing ``row`` would change ``venue``."""
    moved = (
        row.lon is not None
        and row.lat is not None
        and (venue.lon, venue.lat)
        != (
            row.lon,
            row.lat,
        )
    )
    return moved or (venue.kind, venue.capacity, venue.step_free, venue.notes) != (
        row.kind.value,
        row.capacity,
        row.step_free,
        row.notes,
    )


def _update(venue: Venue, row: VenueRow, *, now: datetime) -> bool:
    changed = False
    for attribute, value in (
        ("kind", row.kind.value),
        ("capacity", row.capacity),
        ("step_free", row.step_free),
        ("notes", row.notes),
    ):
        if getattr(venue, attribute) != value:
            setattr(venue, attribute, value)
            changed = True
    if changed:
        venue.updated_at = now
    return changed


async def queue_venue_import(
    session: AsyncSession, text: str, *, caller: Caller, now: datetime
) -> Job:
    """Store an import of ``text`` as a job to run in the background (the file is refused at
    once when unusable as a whole: empty, required columns missing)."""
    rows = check_venue_file(text)
    return await create_job(session, VENUE_IMPORT, caller=caller, now=now, payload=text, total=rows)


async def import_venues(
    session: AsyncSession,
    placer: VenuePlacer,
    text: str,
    *,
    now: datetime,
    progress: Progress | None = None,
    caller: Caller | None = None,
) -> VenueImportReport:
    """Import the venues of a CSV's ``text`` in the caller's transaction."""
    header, rows, rejected = read_venue_rows(text)
    report = VenueImportReport(header=header, rejected=list(rejected))
    keys = {row.line: address_key(row.name, row.address) for row in rows}
    known = {
        venue.address_key: venue
        for start in range(0, len(rows), 500)
        for venue in await session.scalars(
            select(Venue).where(
                Venue.address_key.in_([keys[r.line] for r in rows[start : start + 500]])
            )
        )
    }
    territory = await placer.territory.get(session)
    first_line: dict[str, int] = {}
    to_place: list[VenueRow] = []
    for row in rows:
        key = keys[row.line]
        if key in first_line:
            report.rejected.append(
                RejectedRow(row.line, f"doublon de la ligne {first_line[key]}", row.cells)
            )
            continue
        first_line[key] = row.line
        venue = known.get(key)
        if venue is None:
            to_place.append(row)
            continue
        if (
            caller is not None
            and not may_change_venue(caller, VenueFacts(venue.organisation_id))
            and _differs(venue, row)
        ):
            report.rejected.append(
                RejectedRow(
                    row.line,
                    f"le lieu « {venue.name} » existe et vous ne pouvez pas le modifier "
                    "(réservé aux coordinateurs de son organisation et aux administrateurs)",
                    row.cells,
                )
            )
            continue
        if (
            row.lon is not None
            and row.lat is not None
            and (venue.lon, venue.lat) != (row.lon, row.lat)
        ):
            placement = placer.locate_in(territory, lon=row.lon, lat=row.lat, provider="manual")
            apply_placement(venue, placement, now=now)
            _update(venue, row, now=now)
            venue.updated_at = now
            report.updated += 1
        elif _update(venue, row, now=now):
            report.updated += 1
        else:
            report.unchanged += 1
        if progress:
            progress(1)
    geocoded = [row for row in to_place if row.lon is None]
    answers = await placer.geocoding.geocode_many([row.address.line() for row in geocoded])
    by_line = dict(zip([row.line for row in geocoded], answers, strict=True))
    for row in to_place:
        try:
            if row.lon is not None and row.lat is not None:
                placement = placer.locate_in(territory, lon=row.lon, lat=row.lat, provider="manual")
            else:
                answer = by_line[row.line]
                if isinstance(answer, GeocoderUnavailableError):
                    raise answer
                found = choose_candidate(row.address.line(), answer, min_score=placer.min_score)
                placement = placer.placement_in(territory, found)
        except (DomainError, GeocoderUnavailableError) as exc:
            report.rejected.append(RejectedRow(row.line, exc.message, row.cells))
        else:
            venue = new_venue(_input(row), placement, now=now)
            venue.organisation_id = caller.organisation_id if caller is not None else None
            session.add(venue)
            report.created += 1
        if progress:
            progress(1)
    await session.flush()
    report.rejected.sort(key=lambda r: r.line)
    return report
