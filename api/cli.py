"""The ``allervers`` command: serve the API, migrate, import reference data.

Every command reads its settings from ``ALLERVERS_*`` variables; errors are printed in French
on standard error with exit status 1 (2 for a wrong command line).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tqdm import tqdm

from api.cli_plan import command_plan
from api.settings import Settings, SettingsError
from geo.ban_file import read_ban_file
from geo.errors import GeoError
from geo.reference import read_commune_outlines, read_communes_csv, read_qpv_file
from planner.db import migration, people, tokens
from planner.db.ban import import_ban_addresses
from planner.db.bundled import load_bundled_if_empty
from planner.db.demo import has_data, load_demo
from planner.db.engine import create_engine
from planner.db.territory import (
    ImportReport,
    import_commune_outlines,
    import_communes,
    import_qpvs,
)
from planner.db.venue_import import VenueImportReport, import_venues
from planner.errors import DomainError, InvalidInputError
from planner.session import OrganisationKind, Role

T = TypeVar("T")


async def _in_transaction(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction: committed if it returns, rolled back if it raises."""
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def _now() -> datetime:
    return datetime.now(UTC)


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


def _migrate(settings: Settings) -> None:
    migration.upgrade(settings.database_url)


def command_migrate(settings: Settings, _args: argparse.Namespace) -> list[str]:
    """Upgrade the database schema to the latest revision."""
    _migrate(settings)
    return ["Base de données à jour."]


def command_import_qpv(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Import QPV perimeters from an official ``QP2024_*_WGS84.geojson`` file."""
    path = Path(args.file)
    records = read_qpv_file(path)
    _migrate(settings)
    report = asyncio.run(
        _in_transaction(
            settings.database_url,
            lambda s: import_qpvs(s, records, source=path.name, now=_now()),
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
        _migrate(settings)
        report = asyncio.run(
            _in_transaction(
                settings.database_url, lambda s: import_commune_outlines(s, outlines, now=_now())
            )
        )
        return _describe("Contours de communes", report)
    records = read_communes_csv(path)
    _migrate(settings)
    report = asyncio.run(
        _in_transaction(settings.database_url, lambda s: import_communes(s, records, now=_now()))
    )
    return _describe("Communes", report)


def command_import_ban(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Import an official BAN address file (adresses-XX.csv) for the offline geocoder."""
    entries = read_ban_file(Path(args.file))
    _migrate(settings)
    report = asyncio.run(
        _in_transaction(
            settings.database_url, lambda s: import_ban_addresses(s, entries, now=_now())
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
    _migrate(settings)

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
                        session, placer, text, now=_now(), progress=bar.update
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


ADMIN_ORGANISATION = "Administration allervers"


async def _create_admin(session: AsyncSession, email: str, name: str) -> list[str]:
    now = _now()
    staff = await people.find_staff_by_email(session, email)
    if staff is None:
        orgs = [o for o in await people.list_organisations(session) if o.name == ADMIN_ORGANISATION]
        org = (
            orgs[0]
            if orgs
            else await people.create_organisation(
                session,
                kind=OrganisationKind.OTHER,
                name=ADMIN_ORGANISATION,
                actor_id=None,
                now=now,
            )
        )
        staff = await people.create_staff(
            session,
            organisation_id=org.id,
            name=name,
            email=email,
            role=Role.ADMIN,
            actor_id=None,
            now=now,
        )
        said = f"Administrateur créé : {staff.name} <{staff.email}> (n° {staff.id})."
    elif staff.role != Role.ADMIN.value or not staff.active:
        raise InvalidInputError({"email": f"{email} existe déjà sans être un administrateur actif"})
    else:
        said = f"Administrateur existant : {staff.name} <{staff.email}> (n° {staff.id})."
    token, secret = await tokens.issue_token(
        session, staff.id, name="create-admin", actor_id=None, now=now
    )
    return [
        said,
        f"Jeton n° {token.id} (à garder secret, il ne sera plus affiché) — envoyez-le dans "
        "l'en-tête « Authorization: Bearer <jeton> » :",
        secret,
    ]


def command_create_admin(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Create an admin (or a new token for an existing one); the token is the last line."""
    _migrate(settings)
    return asyncio.run(
        _in_transaction(
            settings.database_url, lambda s: _create_admin(s, args.email, args.name or args.email)
        )
    )


async def _create_token(session: AsyncSession, email: str, name: str) -> list[str]:
    staff = await people.find_staff_by_email(session, email)
    if staff is None:
        raise InvalidInputError({"email": f"aucun membre du personnel n'a l'adresse {email}"})
    token, secret = await tokens.issue_token(
        session, staff.id, name=name, actor_id=None, now=_now()
    )
    return [f"Jeton n° {token.id} pour {staff.name} <{staff.email}> :", secret]


def command_create_token(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Create a token for an existing staff member; the token is the last line."""
    _migrate(settings)
    return asyncio.run(
        _in_transaction(settings.database_url, lambda s: _create_token(s, args.email, args.name))
    )


def command_revoke_token(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Revoke a token by its number."""
    _migrate(settings)
    asyncio.run(
        _in_transaction(
            settings.database_url,
            lambda s: tokens.revoke_token(s, args.token_id, caller=None, actor_id=None, now=_now()),
        )
    )
    return [f"Jeton n° {args.token_id} révoqué."]


def command_load_demo(settings: Settings, _args: argparse.Namespace) -> list[str]:
    """Fill an empty database with the demonstration dataset, in one transaction."""
    _migrate(settings)
    return _load_demo(settings, only_if_empty=False)


def _load_demo(settings: Settings, *, only_if_empty: bool) -> list[str]:
    """Load the demo (refused on a database with data, or skipped when ``only_if_empty``)."""

    async def run() -> list[str]:
        from api.app import build_placer

        engine = create_engine(settings.database_url)
        placer = build_placer(settings, engine)
        now = _now()
        try:
            async with (
                async_sessionmaker(engine, expire_on_commit=False)() as session,
                session.begin(),
            ):
                loaded = (
                    await load_bundled_if_empty(session, now=now)
                    if settings.load_reference_data
                    else []
                )
                if only_if_empty and await has_data(session):
                    return loaded
                report = await load_demo(
                    session, placer=placer, settings=settings.rule_settings(), now=now
                )
                return loaded + report.lines()
        finally:
            await engine.dispose()

    return asyncio.run(run())


def prepare(settings: Settings, *, demo: bool = False) -> list[str]:
    """Migrate, load the bundled reference data into empty tables when enabled, and, with
    ``demo``, the demonstration dataset into a database without organisations."""
    _migrate(settings)
    if demo:
        return _load_demo(settings, only_if_empty=True)
    if not settings.load_reference_data:
        return []
    return asyncio.run(
        _in_transaction(settings.database_url, lambda s: load_bundled_if_empty(s, now=_now()))
    )


def command_serve(settings: Settings, _args: argparse.Namespace) -> list[str]:
    """Prepare the database and serve the API until interrupted."""
    import uvicorn

    from api.app import create_app

    for line in prepare(settings, demo=settings.demo):
        print(line, flush=True)
    base = settings.public_url
    print(
        f"allervers sert sur {base}\n"
        f"  santé            {base}/health\n"
        f"  QPV              {base}/api/qpv?dep=80\n"
        f"  situer un point  {base}/api/locate?lat=49.9151&lon=2.2502\n"
        f"  documentation    {base}/schema\n"
        f"  calendriers      {base}/calendriers\n"
        f"  couverture       {base}/couverture (jeton d'un manager, par exemple de la démo :\n"
        "                   .venv/bin/allervers create-token deleguee.p@demo.invalid)\n"
        f"  campagnes        {base}/api/campaigns (jeton d'un coordinateur, par exemple de la\n"
        "                   démo : .venv/bin/allervers create-token "
        "chef-de-projet.l@demo.invalid)\n"
        "Pour réserver : créez un administrateur et son jeton avec\n"
        "  .venv/bin/allervers create-admin vous@exemple.fr\n"
        "Ctrl+C pour arrêter.",
        flush=True,
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,  # it prints query strings; api.access_log logs without them
    )
    return []


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="allervers",
        description="Planificateur des actions « aller vers » dans les quartiers prioritaires.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    serve = commands.add_parser("serve", help="migrer la base, charger les données, servir l'API")
    serve.set_defaults(handler=command_serve)
    migrate = commands.add_parser("migrate", help="mettre le schéma de la base à jour")
    migrate.set_defaults(handler=command_migrate)
    qpv = commands.add_parser(
        "import-qpv", help="importer des périmètres de QPV (GeoJSON officiel de l'ANCT, WGS84)"
    )
    qpv.add_argument("file", metavar="FICHIER")
    qpv.set_defaults(handler=command_import_qpv)
    communes = commands.add_parser(
        "import-communes",
        help="importer des communes : attributs (CSV) ou contours (GeoJSON)",
    )
    communes.add_argument("file", metavar="FICHIER")
    communes.set_defaults(handler=command_import_communes)
    ban = commands.add_parser(
        "import-ban", help="importer un fichier d'adresses BAN (adresses-XX.csv) pour le géocodage"
    )
    ban.add_argument("file", metavar="FICHIER")
    ban.set_defaults(handler=command_import_ban)
    venues = commands.add_parser(
        "import-venues", help="importer des lieux (CSV : nom;type;adresse;code_postal;commune…)"
    )
    venues.add_argument("file", metavar="FICHIER")
    venues.set_defaults(handler=command_import_venues)
    admin = commands.add_parser(
        "create-admin", help="créer un administrateur et afficher son jeton (dernière ligne)"
    )
    admin.add_argument("email", metavar="EMAIL")
    admin.add_argument("--name", metavar="NOM", default=None)
    admin.set_defaults(handler=command_create_admin)
    token = commands.add_parser(
        "create-token", help="créer un jeton pour un membre du personnel (dernière ligne)"
    )
    token.add_argument("email", metavar="EMAIL")
    token.add_argument("--name", metavar="NOM", default="ligne de commande")
    token.set_defaults(handler=command_create_token)
    demo = commands.add_parser(
        "load-demo", help="remplir une base vide avec le jeu de démonstration (données fictives)"
    )
    demo.set_defaults(handler=command_load_demo)
    planning = commands.add_parser(
        "plan", help="calculer un plan de campagne (barre de progression, puis ses chiffres)"
    )
    planning.add_argument("campaign", metavar="CAMPAGNE", type=int, help="numéro de campagne")
    planning.add_argument("--time-limit", metavar="SECONDES", type=float, default=None)
    planning.add_argument("--workers", metavar="N", type=int, default=None)
    planning.add_argument("--seed", metavar="GRAINE", type=int, default=0)
    planning.set_defaults(handler=command_plan)
    revoke = commands.add_parser("revoke-token", help="révoquer un jeton")
    revoke.add_argument("token_id", metavar="NUMERO", type=int)
    revoke.set_defaults(handler=command_revoke_token)
    return parser


def _fail(command: str, message: str) -> None:
    print(f"allervers : {message}", file=sys.stderr)
    if command.startswith("import"):
        print("Rien n'a été modifié dans la base.", file=sys.stderr)


Handler = Callable[[Settings, argparse.Namespace], list[str]]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``allervers`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        settings = Settings.from_env()
        lines = handler(settings, args)
    except (SettingsError, GeoError, DomainError) as exc:
        _fail(args.command, getattr(exc, "message", str(exc)))
        return 1
    except (OperationalError, DBAPIError) as exc:
        _fail(args.command, f"la base de données ne répond pas ({exc.orig or exc}).")
        return 1
    except OSError as exc:
        _fail(args.command, f"la base de données ne répond pas ({exc}).")
        return 1
    except KeyboardInterrupt:
        return 130
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
