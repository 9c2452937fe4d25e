"""Load the reference data shipped in ``geo/data`` into an empty database (first start)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from geo.reference import (
    BUNDLED_COMMUNE_OUTLINES,
    BUNDLED_COMMUNES,
    BUNDLED_QPV,
    bundled_path,
    read_commune_outlines,
    read_communes_csv,
    read_qpv_file,
)
from planner.db.territory import (
    count_communes,
    count_qpvs,
    import_commune_outlines,
    import_communes,
    import_qpvs,
)


async def load_bundled_if_empty(session: AsyncSession, *, now: datetime) -> list[str]:
    """Import the bundled QPVs and communes where their tables are empty; say what was loaded.

    Tables that already hold data are left alone, so a deployment that imported the whole of
    France keeps it across restarts.
    """
    said: list[str] = []
    if await count_qpvs(session) == 0:
        report = await import_qpvs(
            session, read_qpv_file(bundled_path(BUNDLED_QPV)), source=BUNDLED_QPV, now=now
        )
        said.append(f"{report.created} QPV chargés ({BUNDLED_QPV})")
    if await count_communes(session) == 0:
        report = await import_communes(
            session, read_communes_csv(bundled_path(BUNDLED_COMMUNES)), now=now
        )
        said.append(f"{report.created} communes chargées ({BUNDLED_COMMUNES})")
        report = await import_commune_outlines(
            session, read_commune_outlines(bundled_path(BUNDLED_COMMUNE_OUTLINES)), now=now
        )
        said.append(f"{report.updated + report.created} contours de communes chargés")
    return said
