"""Sign-in services on both backends: one-time links, passwords, throttling (injected clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db import accounts
from planner.db.models import OutboxMail
from planner.errors import (
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
)
from tests.conftest import Team
from tests.db import committed

T = TypeVar("T")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TTL = timedelta(hours=72)
BASE = "https://allervers.example"
PASSWORD = "une phrase de passe assez longue"  # noqa: S105 - a test password


_run = committed


def _secret(link: str) -> str:
    return link.rsplit("/", 1)[1]


def _invite(url: str, staff_id: int, now: datetime = NOW) -> str:
    return _secret(
        _run(
            url,
            lambda s: accounts.invite(s, staff_id, caller=None, base_url=BASE, ttl=TTL, now=now),
        )
    )


def _set(url: str, secret: str, now: datetime, purpose: str = accounts.INVITATION) -> Any:
    return _run(
        url,
        lambda s: accounts.set_password_with_link(s, secret, PASSWORD, purpose=purpose, now=now),
    )


def _sign_in(url: str, email: str, password: str, now: datetime, address: str = "10.0.0.1") -> Any:
    async def work(s: AsyncSession) -> Any:
        try:
            return await accounts.sign_in(s, email, password, address=address, now=now)
        except AuthenticationError as error:
            await s.commit()  # a failure is recorded, as the page does
            return error

    return _run(url, work)


def test_invitation_queues_french_mail_with_link(database_url: str, team: Team) -> None:
    """An invitation stores one French message to the person, holding the one-time link."""
    secret = _invite(database_url, team.adviser)
    rows = _run(database_url, lambda s: _all_mail(s))
    assert [(r.recipient, r.subject, r.sent_at, r.attempts) for r in rows] == [
        (
            "adviser@test.invalid",
            "Invitation à allervers : choisissez votre mot de passe",
            None,
            0,
        )
    ]
    assert f"{BASE}/invitation/{secret}\n" in _text(rows[0])


def _text(row: OutboxMail) -> str:
    """The plain-text part of a queued message."""
    message = message_from_string(row.message, _class=EmailMessage, policy=policy.default)
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


async def _all_mail(s: AsyncSession) -> list[OutboxMail]:
    return list((await s.scalars(select(OutboxMail).order_by(OutboxMail.id))).all())


def test_invitation_link_works_once(database_url: str, team: Team) -> None:
    """The link sets the password once; then it is refused, and the password signs in."""
    secret = _invite(database_url, team.adviser)
    staff = _set(database_url, secret, NOW + timedelta(hours=1))
    with pytest.raises(NotFoundError):
        _set(database_url, secret, NOW + timedelta(hours=2))
    signed = _sign_in(database_url, "Adviser@test.invalid ", PASSWORD, NOW + timedelta(hours=3))
    assert (staff.id, signed.id, signed.auth_epoch == staff.auth_epoch) == (
        team.adviser,
        team.adviser,
        True,
    )


def test_invitation_link_expires(database_url: str, team: Team) -> None:
    """Past its validity the link is refused and the password stays unset."""
    secret = _invite(database_url, team.adviser)
    with pytest.raises(NotFoundError):
        _set(database_url, secret, NOW + TTL)
    assert isinstance(
        _sign_in(database_url, "adviser@test.invalid", PASSWORD, NOW + TTL), AuthenticationError
    )


def test_short_password_is_refused(database_url: str, team: Team) -> None:
    """A password under 12 characters is refused with a French reason; the link stays usable."""
    secret = _invite(database_url, team.adviser)
    with pytest.raises(InvalidInputError) as caught:
        _run(
            database_url,
            lambda s: accounts.set_password_with_link(
                s, secret, "court", purpose=accounts.INVITATION, now=NOW
            ),
        )
    assert caught.value.errors == {
        "password": "le mot de passe doit compter au moins 12 caractères"
    }
    assert _set(database_url, secret, NOW).id == team.adviser


def test_coordinator_invites_only_own_organisation(database_url: str, team: Team) -> None:
    """A non-admin who is not a coordinator of the person's organisation may not invite."""
    from planner.access import Caller
    from planner.session import Role

    adviser = Caller(staff_id=team.adviser, organisation_id=team.mission_locale, role=Role.ADVISER)
    coordinator = Caller(staff_id=999, organisation_id=team.centre_social, role=Role.COORDINATOR)
    for caller in (adviser, coordinator):
        with pytest.raises(PermissionDeniedError):
            _run(
                database_url,
                lambda s, c=caller: accounts.invite(
                    s,
                    team.partner if c is adviser else team.adviser,
                    caller=c,
                    base_url=BASE,
                    ttl=TTL,
                    now=NOW,
                ),
            )


def test_reset_for_unknown_email_queues_nothing(database_url: str, team: Team) -> None:
    """« Mot de passe oublié » is silent for an unknown address and mails a known one."""
    for email in ("personne@test.invalid", "manager@test.invalid"):
        _run(
            database_url,
            lambda s, e=email: accounts.request_reset(s, e, base_url=BASE, ttl=TTL, now=NOW),
        )
    rows = _run(database_url, _all_mail)
    assert [(r.recipient, r.subject) for r in rows] == [
        ("manager@test.invalid", "allervers : choisir un nouveau mot de passe")
    ]


def test_reset_changes_password_and_epoch(database_url: str, team: Team) -> None:
    """A reset link sets a new password and a new epoch (other sessions end)."""
    first = _set(database_url, _invite(database_url, team.manager), NOW)
    _run(
        database_url,
        lambda s: accounts.request_reset(
            s, "manager@test.invalid", base_url=BASE, ttl=TTL, now=NOW
        ),
    )
    message = _text(_run(database_url, _all_mail)[-1])
    secret = message.split(f"{BASE}/reinitialisation/")[1].split()[0]
    second = _set(database_url, secret, NOW + timedelta(minutes=5), purpose=accounts.RESET)
    assert (second.id, second.auth_epoch != first.auth_epoch) == (team.manager, True)


def test_five_failures_lock_the_account_for_fifteen_minutes(database_url: str, team: Team) -> None:
    """Five wrong passwords within 15 min lock the account, even for the right password,
    until 15 min after the last failure; the message says when (Paris time)."""
    _set(database_url, _invite(database_url, team.adviser), NOW)
    email = "adviser@test.invalid"
    failures = [
        _sign_in(database_url, email, "mauvais mot de passe", NOW + timedelta(minutes=i))
        for i in range(5)
    ]
    with pytest.raises(TooManyAttemptsError) as caught:
        _sign_in(database_url, email, PASSWORD, NOW + timedelta(minutes=10))
    later = _sign_in(database_url, email, PASSWORD, NOW + timedelta(minutes=19))
    assert [str(f) for f in failures] == ["Adresse e-mail ou mot de passe incorrect."] * 5
    assert (str(caught.value), caught.value.retry_at) == (
        "Trop d'essais infructueux : connexion bloquée pour un moment. Réessayez après 10:19.",
        NOW + timedelta(minutes=19),
    )
    assert later.id == team.adviser


def test_twenty_failures_from_one_address_block_it(database_url: str, team: Team) -> None:
    """Twenty failures from one address (any accounts) block that address, not others."""
    _set(database_url, _invite(database_url, team.adviser), NOW)
    for i in range(20):
        _sign_in(database_url, f"inconnu{i}@test.invalid", "x", NOW, address="192.0.2.7")
    with pytest.raises(TooManyAttemptsError):
        _sign_in(database_url, "adviser@test.invalid", PASSWORD, NOW, address="192.0.2.7")
    assert _sign_in(database_url, "adviser@test.invalid", PASSWORD, NOW).id == team.adviser
