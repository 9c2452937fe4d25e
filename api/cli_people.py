"""The people commands of ``allervers``: ``create-admin``, ``create-token``, ``revoke-token``
(the first administrator, tokens handed out of band) and ``send-mail`` (flush the outbox)."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.cli_database import in_transaction, upgrade_schema
from api.settings import Settings
from planner.clock import system_clock
from planner.db import accounts, people, tokens
from planner.db.engine import create_engine
from planner.errors import InvalidInputError
from planner.session import OrganisationKind, Role

ADMIN_ORGANISATION = "Administration allervers"


async def _create_admin(
    session: AsyncSession, email: str, name: str, settings: Settings
) -> list[str]:
    now = system_clock()
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
    link = await accounts.invite(
        session,
        staff.id,
        caller=None,
        base_url=settings.public_url,
        ttl=timedelta(hours=settings.invitation_hours),
        now=now,
    )
    token, secret = await tokens.issue_token(
        session, staff.id, name="create-admin", actor_id=None, now=now
    )
    return [
        said,
        f"Pour choisir son mot de passe et se connecter (lien à usage unique, valable "
        f"{settings.invitation_hours} h, aussi envoyé par courriel) :",
        link,
        f"Jeton n° {token.id} (à garder secret, il ne sera plus affiché) — envoyez-le dans "
        "l'en-tête « Authorization: Bearer <jeton> » :",
        secret,
    ]


def command_create_admin(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Create an admin (or a new token for an existing one), print an invitation link to
    choose a password; the token is the last line."""
    upgrade_schema(settings)
    return asyncio.run(
        in_transaction(
            settings.database_url,
            lambda s: _create_admin(s, args.email, args.name or args.email, settings),
        )
    )


async def _create_token(session: AsyncSession, email: str, name: str) -> list[str]:
    staff = await people.find_staff_by_email(session, email)
    if staff is None:
        raise InvalidInputError({"email": f"aucun membre du personnel n'a l'adresse {email}"})
    token, secret = await tokens.issue_token(
        session, staff.id, name=name, actor_id=None, now=system_clock()
    )
    return [f"Jeton n° {token.id} pour {staff.name} <{staff.email}> :", secret]


def command_create_token(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Create a token for an existing staff member; the token is the last line."""
    upgrade_schema(settings)
    return asyncio.run(
        in_transaction(settings.database_url, lambda s: _create_token(s, args.email, args.name))
    )


def command_revoke_token(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Revoke a token by its number."""
    upgrade_schema(settings)
    asyncio.run(
        in_transaction(
            settings.database_url,
            lambda s: tokens.revoke_token(
                s, args.token_id, caller=None, actor_id=None, now=system_clock()
            ),
        )
    )
    return [f"Jeton n° {args.token_id} révoqué."]


def command_send_mail(settings: Settings, _args: argparse.Namespace) -> list[str]:
    """Try every due message once (what the job runner does as soon as mail is queued)."""
    from api.mail import MailSender

    upgrade_schema(settings)

    async def run() -> tuple[int, int]:
        engine = create_engine(settings.database_url)
        try:
            return await MailSender(settings, engine).flush()
        finally:
            await engine.dispose()

    sent, failed = asyncio.run(run())
    return [
        f"Courriels envoyés : {sent} ; en échec (réessayés plus tard) : {failed}.",
        mail_destination(settings),
    ]


def mail_destination(settings: Settings) -> str:
    """Where mail goes, in French (printed by ``serve`` and ``send-mail``)."""
    if settings.smtp_host:
        return f"Courriels envoyés par SMTP via {settings.smtp_host}:{settings.smtp_port}."
    return (
        f"Courriels écrits dans {settings.outbox_dir} (fichiers .eml ; "
        "ALLERVERS_SMTP_HOST pour un vrai serveur)."
    )
