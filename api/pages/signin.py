"""Signing in and out, invitations and « mot de passe oublié » (French pages, plain forms).

Each handler calls one service of :mod:`planner.db.accounts` and renders a template; errors are
shown on the page (``role="alert"``). Every form carries the anti-CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.deps import AppSettings, DbSession, Now
from api.pages.base import VIEWER, Viewer, client_address, local_path, page
from api.pages.form_values import URL_ENCODED
from planner.access import Access
from planner.db import accounts
from planner.errors import (
    AuthenticationError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    TooManyAttemptsError,
)

HOME = "/agenda"


@dataclass
class SignInForm:
    """The sign-in form."""

    email: str = ""
    password: str = ""
    suivant: str = ""


@dataclass
class EmailForm:
    """The « mot de passe oublié » form."""

    email: str = ""


@dataclass
class PasswordForm:
    """The form choosing a password."""

    password: str = ""
    confirmation: str = ""


@get("/connexion", opt={"access": Access.ANYONE}, include_in_schema=False)
async def sign_in_page(viewer: Viewer, suivant: FromQuery[str | None] = None) -> Template:
    """The sign-in form."""
    return page(
        "connexion.html",
        title="Connexion",
        viewer=viewer,
        email="",
        next_path=local_path(suivant, HOME),
    )


@post("/connexion", opt={"access": Access.ANYONE}, include_in_schema=False, status_code=303)
async def sign_in(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    now: Now,
    data: Annotated[SignInForm, URL_ENCODED],
) -> Redirect | Template:
    """Check the e-mail and password; on success the browser session holds the person."""
    try:
        staff = await accounts.sign_in(
            db_session, data.email, data.password, address=client_address(request), now=now
        )
    except (AuthenticationError, TooManyAttemptsError) as error:
        await db_session.commit()  # the failed attempt counts even though the answer is an error
        locked = isinstance(error, TooManyAttemptsError)
        response = page(
            "connexion.html",
            title="Connexion",
            viewer=None,
            status=429 if locked else 401,
            error=str(error),
            email=data.email,
            next_path=local_path(data.suivant, HOME),
        )
        if isinstance(error, TooManyAttemptsError):
            seconds = max(int((error.retry_at - now).total_seconds()), 1)
            response.headers["Retry-After"] = str(seconds)
        return response
    request.set_session(accounts.session_data(staff))
    return Redirect(path=local_path(data.suivant, HOME), status_code=303)


@get("/deconnexion", opt={"access": Access.ANYONE}, include_in_schema=False)
async def sign_out_page(viewer: Viewer) -> Template:
    """A page with the sign-out button (signing out is a POST)."""
    return page("deconnexion.html", title="Déconnexion", viewer=viewer)


@post("/deconnexion", opt={"access": Access.ANYONE}, include_in_schema=False, status_code=303)
async def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    """End the browser session (its record is deleted, the cookie cleared)."""
    request.clear_session()
    return Redirect(path="/connexion?sortie=1", status_code=303)


@get("/mot-de-passe-oublie", opt={"access": Access.ANYONE}, include_in_schema=False)
async def forgot_page(viewer: Viewer) -> Template:
    """The « mot de passe oublié » form."""
    return page("mot_de_passe_oublie.html", title="Mot de passe oublié", viewer=viewer)


@post("/mot-de-passe-oublie", opt={"access": Access.ANYONE}, include_in_schema=False)
async def forgot(
    db_session: DbSession,
    now: Now,
    settings: AppSettings,
    viewer: Viewer,
    data: Annotated[EmailForm, URL_ENCODED],
) -> Template:
    """Mail a reset link if the account exists; the answer is the same either way."""
    await accounts.request_reset(
        db_session,
        data.email,
        base_url=settings.public_url,
        ttl=timedelta(hours=settings.reset_hours),
        now=now,
    )
    return page(
        "mot_de_passe_oublie.html",
        title="Mot de passe oublié",
        viewer=viewer,
        notice="Si un compte utilise cette adresse, un lien pour choisir un nouveau mot de passe "
        f"vient d'y être envoyé ; il est valable {settings.reset_hours} h.",
    )


async def _password_page(
    db_session: DbSession, viewer: Viewer, secret: str, *, purpose: str, now: Any
) -> Template:
    title = "Choisir votre mot de passe"
    action = f"/{'invitation' if purpose == accounts.INVITATION else 'reinitialisation'}/{secret}"
    try:
        holder = await accounts.link_holder(db_session, secret, purpose=purpose, now=now)
    except NotFoundError as error:
        return page("mot_de_passe.html", title=title, viewer=viewer, status=404, error=str(error))
    return page(
        "mot_de_passe.html",
        title=title,
        viewer=viewer,
        holder=holder,
        action=action,
        min_length=accounts.MIN_PASSWORD_LENGTH,
    )


async def _set_password(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    secret: str,
    data: PasswordForm,
    *,
    purpose: str,
    now: Any,
) -> Redirect | Template:
    try:
        if data.password != data.confirmation:
            raise InvalidInputError({"confirmation": "les deux mots de passe diffèrent"})
        staff = await accounts.set_password_with_link(
            db_session, secret, data.password, purpose=purpose, now=now
        )
    except InvalidInputError as error:
        page_ = await _password_page(db_session, None, secret, purpose=purpose, now=now)
        page_.context["error"] = "Mot de passe refusé : " + " ; ".join(error.errors.values()) + "."
        page_.status_code = 422
        return page_
    except DomainError as error:
        return page(
            "mot_de_passe.html", title="Lien invalide", viewer=None, status=404, error=str(error)
        )
    request.set_session(accounts.session_data(staff))
    return Redirect(path=HOME, status_code=303)


@get("/invitation/{secret:str}", opt={"access": Access.SELF}, include_in_schema=False)
async def invitation_page(
    db_session: DbSession, viewer: Viewer, now: Now, secret: FromPath[str]
) -> Template:
    """The invited person chooses their password."""
    return await _password_page(db_session, viewer, secret, purpose=accounts.INVITATION, now=now)


@post(
    "/invitation/{secret:str}",
    opt={"access": Access.SELF},
    include_in_schema=False,
    status_code=303,
)
async def invitation(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    now: Now,
    secret: FromPath[str],
    data: Annotated[PasswordForm, URL_ENCODED],
) -> Redirect | Template:
    """Set the password with the invitation link (once), and sign the person in."""
    return await _set_password(
        request, db_session, secret, data, purpose=accounts.INVITATION, now=now
    )


@get("/reinitialisation/{secret:str}", opt={"access": Access.SELF}, include_in_schema=False)
async def reset_page(
    db_session: DbSession, viewer: Viewer, now: Now, secret: FromPath[str]
) -> Template:
    """The person who forgot their password chooses a new one."""
    return await _password_page(db_session, viewer, secret, purpose=accounts.RESET, now=now)


@post(
    "/reinitialisation/{secret:str}",
    opt={"access": Access.SELF},
    include_in_schema=False,
    status_code=303,
)
async def reset(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    now: Now,
    secret: FromPath[str],
    data: Annotated[PasswordForm, URL_ENCODED],
) -> Redirect | Template:
    """Set a new password with the reset link (once); other sessions end; sign in."""
    return await _set_password(request, db_session, secret, data, purpose=accounts.RESET, now=now)


router = Router(
    path="/",
    route_handlers=[
        sign_in_page,
        sign_in,
        sign_out_page,
        sign_out,
        forgot_page,
        forgot,
        invitation_page,
        invitation,
        reset_page,
        reset,
    ],
    dependencies=VIEWER,
    tags=["pages"],
)
