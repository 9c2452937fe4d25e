"""The ``allervers`` command: serve the API, migrate, import reference data.

Every command reads its settings from ``ALLERVERS_*`` variables; errors are printed in French
on standard error with exit status 1 (2 for a wrong command line).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import DBAPIError, OperationalError

from api.cli_database import (
    command_load_demo,
    command_migrate,
    in_transaction,
    load_demo_dataset,
    upgrade_schema,
)
from api.cli_import import (
    command_import_ban,
    command_import_communes,
    command_import_qpv,
    command_import_venues,
)
from api.cli_jobs import command_run_jobs
from api.cli_people import (
    command_create_admin,
    command_create_token,
    command_revoke_token,
    command_send_mail,
    mail_destination,
)
from api.cli_plan import command_plan
from api.settings import Settings, SettingsError
from geo.errors import GeoError
from planner.clock import system_clock
from planner.db.bundled import load_bundled_if_empty
from planner.errors import DomainError


def prepare(settings: Settings, *, demo: bool = False) -> list[str]:
    """Migrate, load the bundled reference data into empty tables when enabled, and, with
    ``demo``, the demonstration dataset into a database without organisations."""
    upgrade_schema(settings)
    if demo:
        return load_demo_dataset(settings, only_if_empty=True)
    if not settings.load_reference_data:
        return []
    return asyncio.run(
        in_transaction(
            settings.database_url, lambda s: load_bundled_if_empty(s, now=system_clock())
        )
    )


def command_serve(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Prepare the database and serve the API until interrupted, in ``--workers`` processes
    (each builds the app from the same ``ALLERVERS_*`` variables; caches that must agree are in
    the database or signalled through a shared file, see :mod:`api.feeds.service`)."""
    workers = args.workers
    if not 1 <= workers <= 64:
        raise SettingsError(f"--workers : de 1 à 64 processus, pas {workers}.")
    import uvicorn

    from api.app import create_app

    for line in prepare(settings, demo=settings.demo):
        print(line, flush=True)
    base = settings.public_url
    print(
        f"allervers sert sur {base}\n"
        f"  accueil          {base}/\n"
        f"  connexion        {base}/connexion (puis Mon agenda, Réserver une séance…)\n"
        f"{mail_destination(settings)}\n"
        "  (la démo y invite la conseillère A, le chef de projet L et la déléguée du préfet P ;\n"
        "   leurs liens d'invitation sont aussi affichés ci-dessus au premier démarrage)\n"
        f"  calendriers      {base}/calendriers\n"
        f"  couverture       {base}/couverture (connecté·e comme manager ou coordinateur)\n"
        f"  API              {base}/schema (jeton : .venv/bin/allervers create-token EMAIL)\n"
        f"  santé            {base}/health\n"
        "Base vide (ALLERVERS_DEMO=0) : créez un administrateur avec\n"
        "  .venv/bin/allervers create-admin vous@exemple.fr\n"
        "Ctrl+C pour arrêter.",
        flush=True,
    )
    options = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level.lower(),
        "access_log": False,  # it prints query strings; api.access_log logs without them
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
    else:
        # the workers read the variables again: they must share the key of anti-CSRF tokens
        if not os.environ.get("ALLERVERS_SECRET_KEY"):
            os.environ["ALLERVERS_SECRET_KEY"] = settings.secret_key
        print(f"{workers} processus de service.", flush=True)
        uvicorn.run(
            "api.app:app_from_environment",
            factory=True,
            workers=workers,
            **options,  # type: ignore[arg-type]
        )
    return []


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="allervers",
        description="Planificateur des actions « aller vers » dans les quartiers prioritaires.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    serve = commands.add_parser("serve", help="migrer la base, charger les données, servir l'API")
    serve.add_argument(
        "--workers",
        metavar="N",
        type=int,
        default=1,
        help="nombre de processus de service (PostgreSQL conseillé au-delà de 1)",
    )
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
    send_mail = commands.add_parser(
        "send-mail", help="envoyer maintenant les courriels en attente (le serveur le fait seul)"
    )
    send_mail.set_defaults(handler=command_send_mail)
    run_jobs = commands.add_parser(
        "run-jobs",
        help="exécuter les travaux en arrière-plan (imports, plans) dans ce processus",
    )
    run_jobs.set_defaults(handler=command_run_jobs)
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
