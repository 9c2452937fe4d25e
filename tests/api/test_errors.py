"""Errors answer machines with RFC 9457 problems and browsers with French pages."""

from __future__ import annotations

from litestar.testing import TestClient

Client = TestClient  # type: ignore[type-arg]
HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_page_needing_sign_in_redirects_a_browser_to_the_sign_in_page(client: Client) -> None:
    """An anonymous browser on a staff page is sent to sign in, then back to the page."""
    answer = client.get("/mes-jetons", headers=HTML, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        "/connexion?suivant=/mes-jetons",
    )


def test_page_error_is_a_french_page_for_a_browser(client: Client) -> None:
    """An unknown neighbourhood asked by a browser is a French HTML page, not JSON."""
    answer = client.get("/calendriers/qpv/QN99999Z", headers=HTML)
    assert (answer.status_code, answer.headers["content-type"].split(";")[0]) == (404, "text/html")
    assert "<h1>Introuvable</h1>" in answer.text


def test_api_error_stays_a_problem_even_for_a_browser(client: Client) -> None:
    """An API address answers problem+json whatever the client accepts."""
    answer = client.get("/api/qpv/QN99999Z", headers=HTML)
    assert (answer.status_code, answer.headers["content-type"]) == (
        404,
        "application/problem+json",
    )


def test_page_error_without_html_accept_stays_a_problem(client: Client) -> None:
    """A script calling a page address without asking for HTML gets the problem document."""
    answer = client.get("/mes-jetons")
    assert (answer.status_code, answer.json()["code"]) == (401, "non-authentifie")
