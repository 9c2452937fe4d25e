"""Signing in with a real browser (Debian's Chromium through Playwright) on a real server:
an invited person chooses a password, reads the coverage map without pasting a token, signs
out; repeated failures lock the account with a French message."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from api.settings import Settings
from tests.api.pages.test_signin import PASSWORD, invitation
from tests.conftest import Team


def _invitation(database_url: str, staff_id: int) -> str:
    """An invitation path, made in a thread (Playwright's loop runs in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(invitation, Settings(database_url=database_url), staff_id).result()


def _page(chromium: Any, errors: list[str]) -> Any:
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def test_invited_manager_signs_in_sees_coverage_and_signs_out(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """Invitation → password → coverage map loaded through the session (no token field
    shown) → sign-out → the coverage asks again; on a phone-sized window, without errors."""
    path = _invitation(database_url, demo_team.manager)
    errors: list[str] = []
    page = _page(chromium, errors)
    page.goto(f"{live_server}{path}")
    page.get_by_label("Nouveau mot de passe").fill(PASSWORD)
    page.get_by_label("Confirmer le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.wait_for_url(f"{live_server}/agenda")
    who = page.locator(".qui").inner_text()
    page.goto(f"{live_server}/couverture")
    page.wait_for_selector("body[data-charge=oui]")
    token_form_hidden = page.locator("#acces").is_hidden()
    page.goto(f"{live_server}/mes-jetons")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server}/connexion?sortie=1")
    page.goto(f"{live_server}/couverture")
    asked = page.locator("#etat").inner_text()
    assert (who, token_form_hidden, errors) == (
        "Connecté·e : Personne de test (manager)",
        True,
        [],
    )
    assert asked == (
        "Connectez-vous (lien « Se connecter ») ou collez votre jeton pour afficher la carte."
    )


def test_repeated_failures_lock_the_account(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """Five wrong passwords, then the right one: refused with the French lock-out alert."""
    path = _invitation(database_url, demo_team.adviser)
    page = _page(chromium, [])
    page.goto(f"{live_server}{path}")
    page.get_by_label("Nouveau mot de passe").fill(PASSWORD)
    page.get_by_label("Confirmer le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.wait_for_url(f"{live_server}/agenda")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server}/connexion?sortie=1")
    alerts = []
    for password in ["mauvais mot de passe"] * 5 + [PASSWORD]:
        page.get_by_label("Adresse e-mail").fill("adviser@test.invalid")
        page.get_by_label("Mot de passe", exact=True).fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        alerts.append(page.get_by_role("alert").inner_text().split(" Réessayez")[0])
    assert alerts == ["Adresse e-mail ou mot de passe incorrect."] * 5 + [
        "Trop d'essais infructueux : connexion bloquée pour un moment."
    ]
