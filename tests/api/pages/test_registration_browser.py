"""Registering from a session's public page in a real browser, on a phone, by keyboard: errors
announced by their fields, then confirmed; the next person waits; a cancellation from the
personal page offers the place, which she takes. axe-core finds nothing serious on the public
page (form with errors) nor on the personal page; nothing scrolls sideways at 390 px."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.browser import accessibility_findings, open_page, overflows, sign_in
from tests.conftest import Team
from tests.db import start_now
from tests.factories import book_forum, create_venue


def _register(page: Any, name: str, phone: str) -> None:
    page.get_by_label("Prénom ou pseudonyme").fill(name)
    page.get_by_label("ou téléphone").fill(phone)
    page.get_by_label("J'accepte que ces informations servent à organiser cette séance").press(
        "Space"
    )
    page.get_by_label("ou téléphone").press("Enter")
    page.wait_for_url("**/inscriptions/**")


def test_register_wait_and_take_a_freed_place(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """Amina registers (after an empty try) and is confirmed; Bruno waits; Amina cancels from
    her page; Bruno's page offers him the place and he takes it. Once the forum has begun, its
    adviser marks Bruno present by keyboard on the staff page, which shows the chain."""
    with httpx.Client(base_url=live_server) as client:
        forum = book_forum(client, demo_team, create_venue(client, demo_team), capacity=1)
    errors: list[str] = []
    page = open_page(chromium, f"{live_server}/seances/{forum}", errors, phone=True)
    places = page.locator("#places").inner_text()
    page.get_by_role("button", name="M'inscrire").press("Enter")
    page.wait_for_selector("[role=alert]")
    refused = (
        page.locator("[role=alert]").inner_text(),
        page.get_by_label("Prénom ou pseudonyme").get_attribute("aria-invalid"),
    )
    findings_form = accessibility_findings(page)
    wide_form = overflows(page)
    _register(page, "Amina", "06 11 22 33 44")
    amina = page.url
    confirmed = page.locator("#etat").inner_text()
    findings_mine = accessibility_findings(page)
    wide_mine = overflows(page)

    other = open_page(chromium, f"{live_server}/seances/{forum}", errors, phone=True)
    full = other.locator("#places").inner_text()
    _register(other, "Bruno", "06 11 22 33 55")
    waiting = other.locator("#etat").inner_text()
    bruno = other.url.split("?")[0]

    page.goto(amina.split("?")[0])
    page.get_by_role("button", name="Annuler mon inscription").press("Enter")
    page.wait_for_url("**done=annulee")
    other.goto(bruno)
    offered = other.locator("#etat").inner_text()
    other.get_by_role("button", name="Prendre la place").press("Enter")
    other.wait_for_url("**done=confirmee")
    assert (
        places,
        refused,
        confirmed,
        full,
        waiting,
        offered,
        other.locator("#etat").inner_text(),
    ) == (
        "Sur inscription (1 place) : 1 place restante",
        ("Inscription impossible : 3 problème(s) à corriger.", "true"),
        "Inscription confirmée",
        "Sur inscription (1 place) : complet (liste d'attente ouverte)",
        "Sur liste d'attente",
        "Une place vous est proposée",
        "Inscription confirmée",
    )
    unexpected = [e for e in errors if "status of 422" not in e]  # the empty try, on purpose
    assert (findings_form, findings_mine, wide_form, wide_mine, unexpected) == (
        [],
        [],
        False,
        False,
        [],
    )

    with ThreadPoolExecutor(1) as pool:  # Playwright's event loop runs in this thread
        pool.submit(start_now, database_url, forum).result()
    staff = chromium.new_page(viewport={"width": 390, "height": 844})
    sign_in(
        staff, live_server, database_url, "adviser@test.invalid", then=f"/agenda/seances/{forum}"
    )
    staff.get_by_label("présent(e)").first.press("Space")
    staff.get_by_role("button", name="Enregistrer les présences").press("Enter")
    staff.wait_for_url("**fait=presences")
    assert (
        staff.locator("#chaine").inner_text(),
        accessibility_findings(staff),
        overflows(staff),
    ) == ("1 inscrit → 1 présent → 0 immersion → 0 embauche", [], False)
