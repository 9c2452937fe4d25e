"""Outgoing mail as values: French plain text plus HTML, built from what the message needs only.

Pure (no database, no network): a :class:`Mail` is made from values here, turned into an RFC 5322
message by :func:`render`, stored by the outbox (:mod:`planner.db.outbox`) and sent later. A
message carries the recipient's name and the link, nothing else about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (a session's ``.ics``)."""

    filename: str
    content: bytes
    maintype: str
    subtype: str


@dataclass(frozen=True, slots=True)
class Mail:
    """One message to one person."""

    recipient: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


def when_text(instant: datetime) -> str:
    local = instant.astimezone(PARIS)
    return local.strftime("%d/%m/%Y à %H:%M")


def html_page(paragraphs: list[str], *, link: str, label: str) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs[:2])
    rest = "".join(f"<p>{escape(p)}</p>" for p in paragraphs[2:])
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>'
        f'{body}<p><a href="{escape(link)}">{escape(label)}</a></p>{rest}</body></html>'
    )


def invitation_mail(*, recipient: str, name: str, link: str, expires_at: datetime) -> Mail:
    """The invitation to choose a password (one-time link valid until ``expires_at``)."""
    paragraphs = [
        f"Bonjour {name},",
        "Vous êtes invité·e à utiliser allervers, le planificateur des actions « aller vers » "
        "dans les quartiers prioritaires. Choisissez votre mot de passe avec ce lien :",
        f"Ce lien ne sert qu'une fois et expire le {when_text(expires_at)}. "
        "Si vous n'attendiez pas cette invitation, ignorez ce message.",
    ]
    text = f"{paragraphs[0]}\n\n{paragraphs[1]}\n{link}\n\n{paragraphs[2]}\n"
    return Mail(
        recipient=recipient,
        subject="Invitation à allervers : choisissez votre mot de passe",
        text=text,
        html=html_page(paragraphs, link=link, label="Choisir mon mot de passe"),
    )


def reset_mail(*, recipient: str, name: str, link: str, expires_at: datetime) -> Mail:
    """The password-reset link asked for on « mot de passe oublié »."""
    paragraphs = [
        f"Bonjour {name},",
        "Une demande de nouveau mot de passe a été faite pour votre compte allervers. "
        "Choisissez-en un nouveau avec ce lien :",
        f"Ce lien ne sert qu'une fois et expire le {when_text(expires_at)}. Si vous n'avez rien "
        "demandé, ignorez ce message : votre mot de passe actuel reste valable.",
    ]
    text = f"{paragraphs[0]}\n\n{paragraphs[1]}\n{link}\n\n{paragraphs[2]}\n"
    return Mail(
        recipient=recipient,
        subject="allervers : choisir un nouveau mot de passe",
        text=text,
        html=html_page(paragraphs, link=link, label="Choisir un nouveau mot de passe"),
    )


def render(mail: Mail, *, now: datetime, sender: str | None = None) -> EmailMessage:
    """The RFC 5322 message of ``mail`` (multipart/alternative: text then HTML); without
    ``sender``, the ``From`` header is left to whoever sends it."""
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain="allervers.invalid")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
        )
    return message
