"""Import an official BAN address file into ``ban_address`` for the offline geocoder.

Upserts by commune, folded street and house number, in bulk statements (a department's file
holds hundreds of thousands of addresses), inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from geo.address_entry import AddressEntry
from geo.text import fold
from planner.db.models import BanAddress
from planner.db.territory import ImportReport

BATCH = 5_000


def _values(entry: AddressEntry) -> dict[str, Any]:
    return {
        "housenumber": entry.housenumber or "",
        "street": entry.street,
        "street_folded": fold(entry.street),
        "postcode": entry.postcode,
        "insee_code": entry.insee_code,
        "commune": entry.commune,
        "lon": entry.lon,
        "lat": entry.lat,
    }


async def import_ban_addresses(
    session: AsyncSession, entries: Sequence[AddressEntry], *, now: datetime
) -> ImportReport:
    """Insert new addresses, update moved or renamed ones, count the rest as unchanged."""
    incoming: dict[tuple[str, str, str], dict[str, Any]] = {}
    for entry in entries:
        values = _values(entry)
        incoming[(values["insee_code"], values["street_folded"], values["housenumber"])] = values
    communes = sorted({key[0] for key in incoming})
    existing: dict[tuple[str, str, str], tuple[int, tuple[Any, ...]]] = {}
    compared = ("street", "postcode", "commune", "lon", "lat")
    for start in range(0, len(communes), 200):
        rows = await session.execute(
            select(
                BanAddress.id,
                BanAddress.insee_code,
                BanAddress.street_folded,
                BanAddress.housenumber,
                *(getattr(BanAddress, name) for name in compared),
            ).where(BanAddress.insee_code.in_(communes[start : start + 200]))
        )
        for row in rows:
            existing[(row[1], row[2], row[3])] = (row[0], tuple(row[4:]))
    created: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    for key, values in incoming.items():
        known = existing.get(key)
        if known is None:
            created.append({**values, "updated_at": now})
        elif known[1] != tuple(values[name] for name in compared):
            changed.append(
                {"row_id": known[0], **{f"new_{n}": values[n] for n in compared}, "now": now}
            )
        else:
            unchanged += 1
    for start in range(0, len(created), BATCH):
        await session.execute(insert(BanAddress), created[start : start + BATCH])
    statement = (
        update(BanAddress)
        .where(BanAddress.id == bindparam("row_id"))
        .values(**{n: bindparam(f"new_{n}") for n in compared}, updated_at=bindparam("now"))
    )
    for start in range(0, len(changed), BATCH):
        await session.execute(
            statement,
            changed[start : start + BATCH],
            execution_options={"synchronize_session": False},
        )
    return ImportReport(created=len(created), updated=len(changed), unchanged=unchanged)
