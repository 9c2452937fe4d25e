"""The sign-in pages over HTTP: invitation, session cookie, CSRF, sign-out, « mot de passe
oublié », personal tokens."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from html import unescape

from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.settings import Settings
from planner.db import accounts
from planner.db.engine import create_engine
from tests.conftest import Team

Client = TestClient  # type: ignore[type-arg]
PASSWORD = "une phrase de passe assez longue"  # noqa: S105 - a test password


def invitation(settings: Settings, staff_id: int) -> str:
    """An invitation link's path for ``staff_id`` (as the mail holds it)."""

    async def go() -> str:
        engine = create_engine(settings.database_url)
        try:
            async with async_sessionmaker(engine)() as s, s.begin():
                return await accounts.invite(
                    s,
                    staff_id,
                    caller=None,
                    base_url="",
                    ttl=timedelta(hours=1),
                    now=datetime.now(UTC),
                )
        finally:
            await engine.dispose()

    return asyncio.run(go())


def csrf(html: str) -> str:
    """The anti-CSRF token of the page's first form."""
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def sign_up(client: Client, settings: Settings, staff_id: int) -> None:
    """Follow an invitation and choose the password (which signs in)."""
    path = invitation(settings, staff_id)
    page = client.get(path)
    answer = client.post(
        path,
        data={"password": PASSWORD, "confirmation": PASSWORD, "_csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    assert (page.status_code, answer.status_code, answer.headers["location"]) == (
        200,
        303,
        "/agenda",
    )


def test_invited_person_signs_in_and_out(client: Client, settings: Settings, team: Team) -> None:
    """After choosing a password the browser session reads the coverage (manager) without a
    token; signing out ends it; signing in again with the password restores it."""
    sign_up(client, settings, team.manager)
    cookie = client.cookies.get("allervers_session")
    with_session = client.get("/api/coverage").status_code
    home = client.get("/mes-jetons")
    out = client.post("/deconnexion", data={"_csrf_token": csrf(home.text)}, follow_redirects=False)
    after = client.get("/api/coverage").status_code
    form = client.get("/connexion")
    back = client.post(
        "/connexion",
        data={
            "email": "manager@test.invalid",
            "password": PASSWORD,
            "suivant": "/couverture",
            "_csrf_token": csrf(form.text),
        },
        follow_redirects=False,
    )
    assert (bool(cookie), with_session, out.status_code, after) == (True, 200, 303, 401)
    assert (back.status_code, back.headers["location"]) == (303, "/couverture")
    assert client.get("/api/coverage").status_code == 200
    assert "Connecté·e : <strong>Personne de test (manager)</strong>" in home.text


def test_session_cookie_is_httponly_lax(client: Client, settings: Settings, team: Team) -> None:
    """The session cookie is HttpOnly and SameSite=Lax (Secure only behind https)."""
    path = invitation(settings, team.adviser)
    page = client.get(path)
    answer = client.post(
        path,
        data={"password": PASSWORD, "confirmation": PASSWORD, "_csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    (header,) = [
        h for h in answer.headers.get_list("set-cookie") if h.startswith("allervers_session=")
    ]
    attributes = sorted(a.strip().lower() for a in header.split(";")[1:])
    assert attributes == ["httponly", "max-age=43200", "path=/", "samesite=lax"]


def test_form_without_csrf_token_is_refused(client: Client, team: Team) -> None:
    """A form posted without the anti-CSRF token is refused (403), signing-in included."""
    client.get("/connexion")
    answer = client.post("/connexion", data={"email": "manager@test.invalid", "password": PASSWORD})
    assert (answer.status_code, answer.json()["code"]) == (403, "interdit")


def test_signed_in_api_write_needs_csrf_but_bearer_does_not(
    client: Client, settings: Settings, team: Team
) -> None:
    """With the session cookie an API write needs the token; with a bearer token it does not."""
    sign_up(client, settings, team.adviser)
    forged = client.post("/api/tokens", json={"name": "x"})
    client.cookies.clear()
    scripted = client.post("/api/tokens", json={"name": "x"}, headers=team.headers("adviser"))
    assert (forged.status_code, scripted.status_code) == (403, 201)


def test_wrong_password_shows_french_alert(client: Client, team: Team) -> None:
    """A wrong password answers 401 with the French message in an alert, no session."""
    form = client.get("/connexion")
    answer = client.post(
        "/connexion",
        data={"email": "admin@test.invalid", "password": "faux", "_csrf_token": csrf(form.text)},
    )
    assert answer.status_code == 401
    assert (
        '<div class="alerte" role="alert">Adresse e-mail ou mot de passe incorrect.</div>'
        in answer.text
    )
    assert client.cookies.get("allervers_session") is None


def test_forgotten_password_answer_is_the_same_for_everyone(client: Client, team: Team) -> None:
    """« Mot de passe oublié » answers alike for a known and an unknown address."""
    answers = []
    for email in ("admin@test.invalid", "personne@test.invalid"):
        form = client.get("/mot-de-passe-oublie")
        answers.append(
            client.post(
                "/mot-de-passe-oublie", data={"email": email, "_csrf_token": csrf(form.text)}
            )
        )
    notice = re.compile(r'<div class="info" role="status">(.*?)</div>', re.S)
    expected = (
        200,
        [
            "Si un compte utilise cette adresse, un lien pour choisir un nouveau mot de "
            "passe vient d'y être envoyé ; il est valable 2 h."
        ],
    )
    found = [(a.status_code, [unescape(n) for n in notice.findall(a.text)]) for a in answers]
    assert found == [expected, expected]


def test_my_tokens_page_creates_and_revokes(client: Client, settings: Settings, team: Team) -> None:
    """A signed-in person creates a token (shown once, it works) and revokes it (it stops)."""
    sign_up(client, settings, team.partner)
    page = client.get("/mes-jetons")
    created = client.post("/mes-jetons", data={"name": "script", "_csrf_token": csrf(page.text)})
    secret = re.search(r'<code class="secret">([^<]+)</code>', created.text)
    assert secret is not None
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    works = client.get("/api/tokens", headers=bearer).status_code
    token_id = re.search(r'action="/mes-jetons/(\d+)/revocation"', created.text)
    assert token_id is not None
    revoked = client.post(
        f"/mes-jetons/{token_id.group(1)}/revocation",
        data={"_csrf_token": csrf(created.text)},
        follow_redirects=False,
    )
    client.cookies.clear()
    assert (works, revoked.status_code, client.get("/api/tokens", headers=bearer).status_code) == (
        200,
        303,
        401,
    )


def test_pages_share_the_layout(client: Client) -> None:
    """Every sign-in page is French, has the skip link, main landmark and the footer's
    accessibility line linking the statement."""
    for path in ("/connexion", "/mot-de-passe-oublie", "/deconnexion", "/accessibilite"):
        html = client.get(path).text
        assert (
            '<html lang="fr">' in html,
            '<a class="evitement" href="#contenu">Aller au contenu</a>' in html,
            '<main id="contenu" tabindex="-1">' in html,
            '<a href="/accessibilite">Accessibilité : partiellement conforme</a>' in html,
        ) == (True, True, True, True), path
