"""``/``: the home page sends residents to the calendars, staff to sign in, managers to the
coverage; signed in, the menu shows only the pages the person's role opens."""

from __future__ import annotations

import re

from litestar.testing import TestClient

from tests.api.pages.test_signin import PASSWORD, csrf, invitation
from tests.conftest import Team

Client = TestClient  # type: ignore[type-arg]


def _links(html: str) -> list[str]:
    return re.findall(r'<a (?:class="[^"]*" )?href="([^"]+)"', html)


def test_home_page_sends_each_audience_where_it_belongs(client: Client) -> None:
    """Anonymous: a French page (not JSON) linking to the calendars, sign-in and coverage."""
    answer = client.get("/")
    assert (answer.status_code, answer.headers["content-type"]) == (
        200,
        "text/html; charset=utf-8",
    )
    links = _links(answer.text)
    assert {"/calendriers", "/connexion?suivant=/agenda", "/couverture"} <= set(links)
    assert '<html lang="fr">' in answer.text
    assert "/agenda" not in links


def _signed_in(client: Client, settings: object, staff_id: int) -> str:
    path = invitation(settings, staff_id)  # type: ignore[arg-type]
    form = client.get(path)
    client.post(
        path,
        data={"password": PASSWORD, "confirmation": PASSWORD, "_csrf_token": csrf(form.text)},
    )
    return client.get("/").text


def test_menu_follows_the_role(client: Client, settings: object, team: Team) -> None:
    """An adviser's menu has no campaigns nor coverage; the home page opens their agenda."""
    html = _signed_in(client, settings, team.adviser)
    menu = re.search(r'<nav aria-label="Menu principal">(.*?)</nav>', html, re.S)
    assert menu is not None
    entries = re.findall(r'<li><a href="([^"]+)"', menu.group(1))
    assert entries == ["/agenda", "/reserver", "/mon-calendrier", "/mes-jetons"]
    assert "/agenda" in _links(html)
