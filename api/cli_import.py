"""The import commands of ``allervers``: QPV perimeters, communes, BAN addresses and venues,
each in one transaction (nothing is written when a file is refused)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from tqdm import tqdm

from api.cli_database import in_transaction, upgrade_schema
from api.settings import Settings
from geo.ban_file import read_ban_file
from geo.reference import read_commune_outlines, read_communes_csv, read_qpv_file
from planner.clock import system_clock
from planner.db.ban import import_ban_addresses
from planner.db.engine import create_engine
from planner.db.territory import (
    ImportReport,
    import_commune_outlines,
    import_communes,
    import_qpvs,
)
from planner.db.venue_import import VenueImportReport, import_venues
from planner.errors import InvalidInputError


def _describe(what: str, report: ImportReport) -> list[str]:
    lines = [
        f"{what} : {report.total} lus — {report.created} créés, {report.updated} mis à jour, "
        f"{report.unchanged} inchangés."
    ]
    lines += [
        f"  géométrie invalide réparée (make_valid) pour {code} : {reason}"
        for code, reason in report.repaired
    ]
    return lines


def command_import_qpv(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Import QPV perimeters from an official ``QP2024_*_WGS84.geojson`` file."""
    path = Path(args.file)
    records = read_qpv_file(path)
    upgrade_schema(settings)
    report = asyncio.run(
        in_transaction(
            settings.database_url,
            lambda s: import_qpvs(s, records, source=path.name, now=system_clock()),
        )
    )
    return _describe("QPV", report)


def command_import_communes(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Import communes: attributes from a CSV, or outlines from a GeoJSON."""
    path = Path(args.file)
    if path.suffix.lower() in {".geojson", ".json"} or path.name.lower().endswith(
        (".geojson.gz", ".json.gz")
    ):
        outlines = read_commune_outlines(path)
        upgrade_schema(settings)
        report = asyncio.run(
            in_transaction(
                settings.database_url,
                lambda s: import_commune_outlines(s, outlines, now=system_clock()),
            )
        )
        return _describe("Contours de communes", report)
    records = read_communes_csv(path)
    upgrade_schema(settings)
    report = asyncio.run(
        in_transaction(
            settings.database_url, lambda s: import_communes(s, records, now=system_clock())
        )
    )
    return _describe("Communes", report)


def command_import_ban(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Import an official BAN address file (adresses-XX.csv) for the offline geocoder."""
    entries = read_ban_file(Path(args.file))
    upgrade_schema(settings)
    report = asyncio.run(
        in_transaction(
            settings.database_url, lambda s: import_ban_addresses(s, entries, now=system_clock())
        )
    )
    return _describe("Adresses BAN", report)


def command_import_venues(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Import venues from a CSV: accepted rows written, rejected rows reported (and saved)."""
    path = Path(args.file)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InvalidInputError({"fichier": f"fichier introuvable : {path}"}) from None
    except UnicodeDecodeError:
        text = path.read_bytes().decode("cp1252", errors="replace")
    upgrade_schema(settings)

    async def run() -> VenueImportReport:
        from api.app import build_placer

        engine = create_engine(settings.database_url)
        placer = build_placer(settings, engine)
        rows = max(len(text.splitlines()) - 1, 0)
        try:
            with tqdm(total=rows, unit="lieu", disable=None, desc="Import") as bar:
                async with (
                    async_sessionmaker(engine, expire_on_commit=False)() as session,
                    session.begin(),
                ):
                    return await import_venues(
                        session, placer, text, now=system_clock(), progress=bar.update
                    )
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    lines = [
        f"Lieux : {report.created} créés, {report.updated} mis à jour, "
        f"{report.unchanged} inchangés, {len(report.rejected)} rejetés."
    ]
    lines += [f"  ligne {r.line} : {r.reason}" for r in report.rejected]
    if report.rejected:
        rejected_path = path.with_name(f"{path.stem}.rejets.csv")
        rejected_path.write_text(report.rejected_csv, "utf-8")
        lines.append(f"Lignes rejetées à corriger puis réimporter : {rejected_path}")
    return lines
