"""Territory imports: idempotent upserts, all-or-nothing, and queries over what was loaded."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from geo.reference import BUNDLED_QPV, bundled_path, read_qpv_file
from planner.db.engine import create_engine
from planner.db.models import Qpv
from planner.db.territory import ImportReport, import_qpvs, list_qpvs
from tests.raw import qpv_codes, qpv_codes_in_commune, qpv_features, write_feature_collection

T = TypeVar("T")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _session(url: str, work: Callable[[AsyncSession], Awaitable[T]], *, commit: bool = True) -> T:
    async def go() -> T:
        engine = create_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                result = await work(session)
                if commit:
                    await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(go())


async def _names(session: AsyncSession) -> dict[str, str]:
    return {q.code: q.name for q in await session.scalars(select(Qpv))}


def test_import_qpvs_again_changes_nothing(database_url: str) -> None:
    """Re-importing the same file updates no row: the import is idempotent."""
    records = read_qpv_file(bundled_path(BUNDLED_QPV))
    report = _session(database_url, lambda s: import_qpvs(s, records, source="x", now=NOW))
    assert report == ImportReport(created=0, updated=0, unchanged=204)


def test_import_qpvs_upserts_by_code(database_url: str, tmp_path: Path) -> None:
    """A renamed QPV and a new commune list update the row; other QPVs are untouched."""
    feature = copy.deepcopy(
        next(f for f in qpv_features() if f["properties"]["code_qp"] == "QN08001M")
    )
    feature["properties"].update(
        lib_qp="Étouvie (renommé)", insee_com="80021, 80001", lib_com="Amiens, Abbeville"
    )
    records = read_qpv_file(write_feature_collection(tmp_path / "one.geojson", [feature]))
    report = _session(database_url, lambda s: import_qpvs(s, records, source="one", now=NOW))
    assert report == ImportReport(created=0, updated=1, unchanged=0)
    assert _session(database_url, lambda s: list_qpvs(s, commune="80001"))[0].code == "QN08001M"
    names = _session(database_url, _names)
    assert (len(names), names["QN08001M"], names["QN08002M"]) == (
        204,
        "Étouvie (renommé)",
        "Pierre Rollin",
    )


def test_import_qpvs_rolled_back_leaves_database_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    """A transaction that fails after writing leaves every QPV as it was."""
    feature = copy.deepcopy(qpv_features()[0])
    feature["properties"]["lib_qp"] = "Nom écrit puis annulé"
    records = read_qpv_file(write_feature_collection(tmp_path / "one.geojson", [feature]))
    before = _session(database_url, _names)

    async def write_then_fail(session: AsyncSession) -> None:
        async with session.begin():
            await import_qpvs(session, records, source="one", now=NOW)
            raise RuntimeError("échec simulé après l'écriture")

    with pytest.raises(RuntimeError):
        _session(database_url, write_then_fail, commit=False)
    assert _session(database_url, _names) == before


def test_list_qpvs_by_department(database_url: str) -> None:
    """The Somme filter gives exactly the Somme QPVs of the file, Etouvie first."""
    rows = _session(database_url, lambda s: list_qpvs(s, department="80"))
    assert [r.code for r in rows] == qpv_codes(insee_dep="80")
    assert (rows[0].code, rows[0].name) == ("QN08001M", "Etouvie")


def test_list_qpvs_by_commune(database_url: str) -> None:
    """Roubaix's QPVs are those whose host communes include 59512."""
    rows = _session(database_url, lambda s: list_qpvs(s, commune="59512"))
    assert [r.code for r in rows] == qpv_codes_in_commune("59512")


def test_list_qpvs_text_ignores_case_and_accents(database_url: str) -> None:
    """Searching "faubourg d isle" finds Faubourg D'Isle; wildcards are literal."""
    rows = _session(database_url, lambda s: list_qpvs(s, text="FAUBOURG d’isle"))
    assert [r.code for r in rows] == ["QN00202M"]
    assert _session(database_url, lambda s: list_qpvs(s, text="%")) == []
