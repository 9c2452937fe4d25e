"""The public pages in a real browser: no serious or critical accessibility finding (axe-core),
no sideways scrolling at phone width (390 px), the skip link reached first by keyboard."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser import accessibility_findings, open_page, overflows

PUBLIC = [
    "/",
    "/accessibilite",
    "/connexion",
    "/mot-de-passe-oublie",
    "/calendriers",
    "/calendriers?q=80000",
    "/calendriers?q=introuvable",
    "/calendriers/qpv/QN08001M",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_page_is_accessible_on_a_phone(live_server: str, chromium: Any, path: str) -> None:
    """axe-core finds nothing serious; the page fits 390 px; Tab first focuses the skip link."""
    errors: list[str] = []
    page = open_page(chromium, f"{live_server}{path}", errors, phone=True)
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent")
    assert (accessibility_findings(page), overflows(page), first, errors) == (
        [],
        False,
        "Aller au contenu",
        [],
    )


def test_public_session_page_is_accessible_on_a_phone(live_server: str, chromium: Any) -> None:
    """A demo session's public page, its map drawn, passes the audit at 390 px; so does a
    cancelled one's."""
    sessions = httpx.get(f"{live_server}/api/sessions", params={"limit": 200}).json()["items"]
    upcoming = next(s for s in sessions if s["status"] == "published")
    cancelled = next(s for s in sessions if s["status"] == "cancelled")
    found = {}
    for session in (upcoming, cancelled):
        errors: list[str] = []
        page = open_page(chromium, f"{live_server}/seances/{session['id']}", errors, phone=True)
        page.locator("#carte-seance path.leaflet-interactive").first.wait_for()
        found[session["status"]] = (accessibility_findings(page), overflows(page), errors)
    assert found == {"published": ([], False, []), "cancelled": ([], False, [])}


def test_the_audit_finds_what_it_should(live_server: str, chromium: Any) -> None:
    """The audit is not blind: an unlabelled field and grey-on-grey text are found."""
    page = open_page(chromium, f"{live_server}/accessibilite", [])
    page.set_content(
        '<html lang="fr"><head><title>t</title></head><body><main><input type="text">'
        '<p style="color:#aaa;background:#bbb">texte</p></main></body></html>'
    )
    rules = {line.split(" ")[0] for line in accessibility_findings(page)}
    assert rules == {"label", "color-contrast"}
