"""What a registrant receives, as :class:`planner.messages.Mail` values: the confirmation (with
the session's ``.ics``) or the place on the waiting list, a place offered, the reminder, and
word of a session moved or cancelled. Each carries the personal link; nothing else about the
registrant than their first name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from planner.messages import Attachment, Mail, html_page, when_text
from planner.registration import RegistrationStatus


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What a registrant's messages say of the session."""

    title: str
    start: datetime
    place: str
    page: str
    """The session's public page."""


def _ics(ics: bytes | None) -> tuple[Attachment, ...]:
    if ics is None:
        return ()
    return (Attachment("seance.ics", ics, "text", "calendar"),)


def _mail(
    recipient: str, subject: str, paragraphs: list[str], link: str, label: str, ics: bytes | None
) -> Mail:
    text = "\n\n".join([*paragraphs[:2], f"{label} : {link}", *paragraphs[2:]]) + "\n"
    return Mail(
        recipient=recipient,
        subject=subject,
        text=text,
        html=html_page(paragraphs, link=link, label=label),
        attachments=_ics(ics),
    )


RETENTION_LINE = (
    "Vos prénom et coordonnées ne servent qu'à cette séance ; seuls ses organisateurs les voient, "
    "et ils sont effacés {months} mois après la séance (ou dès que vous le demandez avec ce lien)."
)


def registered_mail(
    *,
    recipient: str,
    name: str,
    status: RegistrationStatus,
    session: SessionFacts,
    link: str,
    ics: bytes | None,
    retention_months: int,
) -> Mail:
    """The confirmation, or the place on the waiting list, with the personal link."""
    when = when_text(session.start)
    if status is RegistrationStatus.WAITING:
        subject = f"Liste d'attente : {session.title}"
        news = (
            f"La séance « {session.title} » du {when} ({session.place}) est complète : vous êtes "
            "sur sa liste d'attente. Si une place se libère, nous vous l'écrirons et vous aurez un "
            "délai pour la prendre."
        )
    else:
        subject = f"Inscription confirmée : {session.title}"
        news = (
            f"Votre inscription à « {session.title} » le {when} ({session.place}) est confirmée. "
            "Le fichier joint l'ajoute à votre agenda."
        )
    paragraphs = [
        f"Bonjour {name},",
        news,
        "Ce lien personnel vous permet de voir, modifier ou annuler votre inscription ; "
        "ne le transmettez pas.",
        RETENTION_LINE.format(months=retention_months),
    ]
    return _mail(
        recipient,
        subject,
        paragraphs,
        link,
        "Mon inscription",
        ics if status is not RegistrationStatus.WAITING else None,
    )


def offer_mail(
    *, recipient: str, name: str, session: SessionFacts, link: str, until: datetime
) -> Mail:
    """A freed place offered to the first person waiting, until ``until``."""
    paragraphs = [
        f"Bonjour {name},",
        f"Une place s'est libérée pour « {session.title} » le {when_text(session.start)} "
        f"({session.place}). Elle vous est réservée jusqu'au {when_text(until)} : confirmez-la "
        "avec ce lien, sinon elle passera à la personne suivante.",
    ]
    return _mail(
        recipient,
        f"Une place pour vous : {session.title}",
        paragraphs,
        link,
        "Prendre la place",
        None,
    )


def reminder_mail(*, recipient: str, name: str, session: SessionFacts, link: str) -> Mail:
    """The reminder before the session (a way to cancel, so the place can go to someone)."""
    paragraphs = [
        f"Bonjour {name},",
        f"Rappel : « {session.title} » a lieu le {when_text(session.start)} ({session.place}). "
        "Si vous ne pouvez plus venir, annulez avec ce lien : votre place ira à une personne en "
        "attente.",
    ]
    return _mail(recipient, f"Rappel : {session.title}", paragraphs, link, "Mon inscription", None)


def changed_mail(
    *, recipient: str, name: str, session: SessionFacts, link: str, ics: bytes | None
) -> Mail:
    """The session moved (day, time or place): its new details and calendar."""
    paragraphs = [
        f"Bonjour {name},",
        f"La séance « {session.title} » a changé : elle a maintenant lieu le "
        f"{when_text(session.start)} ({session.place}). Le fichier joint met votre agenda à "
        "jour. Si vous ne pouvez plus venir, annulez avec ce lien.",
    ]
    subject = f"Changement : {session.title}"
    return _mail(recipient, subject, paragraphs, link, "Mon inscription", ics)


def cancelled_mail(
    *, recipient: str, name: str, session: SessionFacts, reason: str | None, page: str
) -> Mail:
    """The session is cancelled: said at once, with the reason given."""
    why = f" Raison : {reason}" if reason else ""
    paragraphs = [
        f"Bonjour {name},",
        f"La séance « {session.title} » prévue le {when_text(session.start)} ({session.place}) "
        f"est annulée.{why} Nous sommes désolés. Les prochains rendez-vous sont sur cette page :",
    ]
    subject = f"Annulation : {session.title}"
    return _mail(recipient, subject, paragraphs, page, "Les prochains rendez-vous", None)
