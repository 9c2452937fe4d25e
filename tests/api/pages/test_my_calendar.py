"""``/mon-calendrier`` over HTTP: the address is created and shown once with its QR code, a new
one replaces it (the old feed is gone), and removing it ends it."""

from __future__ import annotations

import re
from html import unescape

from litestar.testing import TestClient

from api.settings import Settings
from tests.api.pages.test_signin import csrf, sign_up
from tests.conftest import Team

Client = TestClient  # type: ignore[type-arg]


def _address(html: str) -> str:
    found = re.search(r'id="adresse" value="([^"]+)"', html)
    assert found is not None
    return unescape(found.group(1))


def test_create_change_and_remove_the_private_address(
    client: Client, settings: Settings, team: Team
) -> None:
    """Created: the address and a QR code; changed: the old address is a 404; removed: the
    new one too, and the page says so."""
    sign_up(client, settings, team.adviser)
    empty = client.get("/mon-calendrier").text
    first = client.post("/mon-calendrier", data={"_csrf_token": csrf(empty)}).text
    old = _address(first)
    second = client.post("/mon-calendrier", data={"_csrf_token": csrf(first)}).text
    new = _address(second)
    path = lambda url: url.split("://", 1)[1].split("/", 1)[1]  # noqa: E731 - a local helper
    statuses = [client.get("/" + path(old)).status_code, client.get("/" + path(new)).status_code]
    gone = client.post(
        "/mon-calendrier/suppression", data={"_csrf_token": csrf(second)}, follow_redirects=True
    )
    assert ("Créer mon adresse" in empty, 'src="data:image/svg+xml' in first) == (True, True)
    assert (statuses, client.get("/" + path(new)).status_code) == ([404, 200], 404)
    assert "Adresse supprimée" in gone.text


def test_my_calendar_needs_sign_in(client: Client) -> None:
    """A browser not signed in is sent to sign in."""
    answer = client.get("/mon-calendrier", headers={"Accept": "text/html"}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        "/connexion?suivant=/mon-calendrier",
    )
