"""Venues in a real browser, by keyboard where a person would: find a venue by typing, choose it
(by its radio, or by its point on the small map) and book there; create a venue whose address is
unsure by choosing a proposal, or by placing it on the map. axe-core finds nothing serious on
/lieux and /lieux/nouveau (errors and proposals shown); nothing scrolls sideways at 390 px."""

from __future__ import annotations

from typing import Any

import httpx

from tests.browser import accessibility_findings, open_page, overflows, sign_in
from tests.conftest import Team
from tests.factories import ETOUVIE

ADVISER = "adviser@test.invalid"
POINTS = "#{} path.leaflet-interactive"
"""The venues' points drawn on a map (Leaflet circle markers)."""


def _venue(base: str, team: Team, name: str, **point: float) -> int:
    answer = httpx.post(
        f"{base}/api/venues",
        json={
            "name": name,
            "kind": "centre_social",
            "street": "Place Vauban",
            "postcode": "80080",
            "commune": "Amiens",
            **(point or ETOUVIE),
        },
        headers=team.headers("adviser"),
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _venues(base: str, team: Team) -> list[tuple[str, str]]:
    """The test's venues (not the demonstration's): name and provenance of the point."""
    rows = httpx.get(f"{base}/api/venues", headers=team.headers("adviser")).json()
    return [(v["name"], v["geocoding"]["provider"]) for v in rows if "(test)" in v["name"]]


def _script_errors(errors: list[str]) -> list[str]:
    """The console's errors but the form's own 422 answer (an unsure address, on purpose)."""
    return [e for e in errors if "status of 422" not in e]


def _fill_unsure_address(page: Any, name: str) -> None:
    page.get_by_label("Nom du lieu").fill(name)
    page.get_by_label("Numéro et voie").fill("12 rue Imaginaire des Tests")
    page.get_by_label("Code postal").fill("59950")
    page.get_by_label("Commune").fill("Auby")
    page.get_by_label("Commune").press("Enter")
    page.wait_for_url("**/lieux/nouveau")
    page.locator("#propositions").wait_for()


def test_find_a_venue_and_book_there_by_keyboard(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """Typing finds the venues; a point on the map chooses its venue; a radio chosen by
    keyboard and Enter open the booking form with the venue chosen."""
    near = _venue(live_server, demo_team, "Salle du parcours A (test)")
    _venue(live_server, demo_team, "Salle du parcours B (test)", lat=49.9155, lon=2.3105)
    errors: list[str] = []
    page = open_page(chromium, f"{live_server}/connexion", errors)
    sign_in(page, live_server, database_url, ADVISER, then="/lieux")
    page.get_by_label("Chercher un lieu").fill("parcours")
    page.get_by_role("group", name="2 lieux pour « parcours »").wait_for()
    page.locator(POINTS.format("carte-lieux")).nth(1).wait_for()
    page.locator(POINTS.format("carte-lieux")).nth(1).click()
    by_point = page.get_by_label("Salle du parcours B (test)").is_checked()
    findings = accessibility_findings(page)
    page.get_by_label("Salle du parcours A (test)").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Réserver une séance à ce lieu").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/reserver?lieu={near}")
    chosen = page.locator("#venue_id").input_value()
    assert (by_point, findings, chosen, errors) == (True, [], str(near), [])


def test_unsure_address_choose_a_proposal(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """An unsure address shows the proposals, listed and on the map; one chosen by keyboard
    creates the venue there, then the list says so."""
    errors: list[str] = []
    page = open_page(chromium, f"{live_server}/connexion", errors)
    sign_in(page, live_server, database_url, ADVISER, then="/lieux/nouveau")
    findings = {"vide": accessibility_findings(page)}
    _fill_unsure_address(page, "Salle des propositions (test)")
    proposals = page.locator("#propositions input[name=candidat]").count()
    points = page.locator(POINTS.format("carte-emplacement")).count()
    findings["propositions"] = accessibility_findings(page)
    page.locator("#proposition-1").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Enregistrer le lieu").press("Enter")
    page.wait_for_url(f"{live_server}/lieux?cree=*")
    notice = page.get_by_role("status").first.inner_text()
    assert (points, proposals - 1, notice, _script_errors(errors)) == (
        proposals - 1,
        points,
        "Lieu « Salle des propositions (test) » enregistré.",
        [],
    )
    assert (findings, _venues(live_server, demo_team)) == (
        {"vide": [], "propositions": []},
        [("Salle des propositions (test)", "offline")],
    )


def test_unsure_address_place_it_on_the_map(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """The map moved by keyboard and Enter places the venue at its centre (the « on the map »
    choice ticked, the point said); a touch moves it; saved by hand (manual)."""
    errors: list[str] = []
    page = open_page(chromium, f"{live_server}/connexion", errors)
    sign_in(page, live_server, database_url, ADVISER, then="/lieux/nouveau")
    _fill_unsure_address(page, "Salle épinglée (test)")
    page.locator("#carte-emplacement").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    said = page.locator("#etat-epingle").inner_text()
    on_map = page.get_by_label("À l'endroit que j'indique sur la carte").is_checked()
    first = page.locator("#lat").input_value(), page.locator("#lon").input_value()
    page.locator("#carte-emplacement").click(position={"x": 60, "y": 250})
    second = page.locator("#lat").input_value(), page.locator("#lon").input_value()
    page.get_by_role("button", name="Enregistrer le lieu").press("Enter")
    page.wait_for_url(f"{live_server}/lieux?cree=*")
    assert (
        said.startswith("Lieu placé sur la carte : latitude "),
        on_map,
        _script_errors(errors),
    ) == (
        True,
        True,
        [],
    )
    assert (all(first), all(second), first != second) == (True, True, True)
    assert _venues(live_server, demo_team) == [("Salle épinglée (test)", "manual")]


def test_venue_pages_fit_a_phone(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """At 390 px neither page scrolls sideways, proposals and map shown; axe finds nothing."""
    _venue(live_server, demo_team, "Salle du parcours (test)")
    page = open_page(chromium, f"{live_server}/connexion", [], phone=True)
    sign_in(page, live_server, database_url, ADVISER, then="/lieux")
    page.goto(f"{live_server}/lieux?q=parcours")
    page.locator(POINTS.format("carte-lieux")).first.wait_for()
    seen = {"/lieux": (overflows(page), accessibility_findings(page))}
    page.goto(f"{live_server}/lieux/nouveau")
    _fill_unsure_address(page, "Salle du téléphone (test)")
    seen["/lieux/nouveau"] = (overflows(page), accessibility_findings(page))
    assert seen == {"/lieux": (False, []), "/lieux/nouveau": (False, [])}
