"""``/couverture`` as a manager sees it: headless Chromium (Debian's) driven by Playwright
against a real server on 127.0.0.1, on the demonstration data.

Chromium and the ``playwright`` package are needed: without them the tests skip with the
reason locally, and fail under ``CI=true`` (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
from litestar.testing import TestClient
from shapely.geometry import shape

from api.app import create_app
from api.settings import Settings
from tests.api.pages.test_signin import csrf, sign_up
from tests.browser import accessibility_findings, open_page
from tests.conftest import Team

SCREENSHOT = Path(__file__).parents[1] / "artefacts" / "couverture.png"
SHOWN_FIGURES = ("sessions", "people_met", "new_contacts", "job_offers", "immersions")


def _open(chromium: Any, url: str, errors: list[str]) -> Any:
    return open_page(chromium, url, errors)


def _log_in(page: Any, token: str) -> None:
    page.fill("#jeton", token)
    page.click("#form-jeton button[type=submit]")
    page.wait_for_selector("body[data-charge=oui]")


def _legend(page: Any) -> list[dict[str, str]]:
    return list(
        page.eval_on_selector_all(
            "#legende-classes li", "items => items.map(i => Object.assign({}, i.dataset))"
        )
    )


def _count_in(features: list[dict[str, Any]], metric: str, low: int, high: int | None) -> int:
    values = [f["properties"][metric] for f in features]
    return sum(1 for v in values if v is not None and v >= low and (high is None or v <= high))


def test_coverage_page_draws_every_qpv_with_its_legend(
    live_server: str, demo_team: Team, chromium: Any
) -> None:
    """Logged in with a manager's token, the page draws one polygon per QPV /api/coverage
    returns and a marker per venue, its legends count the QPVs as the API does, and no
    console error occurs."""
    coverage = httpx.get(f"{live_server}/api/coverage", headers=demo_team.headers("manager"))
    features = coverage.json()["features"]
    errors: list[str] = []
    page = _open(chromium, f"{live_server}/couverture", errors)
    _log_in(page, demo_team.tokens["manager"])

    paths = page.locator(".leaflet-overlay-pane path").count()
    venues = httpx.get(f"{live_server}/api/venues", headers=demo_team.headers("manager")).json()
    page.wait_for_function(
        f"document.querySelectorAll('.leaflet-lieux-pane path').length === {len(venues)}"
    )
    by_status = _legend(page)
    page.select_option("#f-metrique", "sessions")
    by_sessions = _legend(page)
    rows = page.locator("#tableau tbody tr").count()

    statuses = [f["properties"]["status"] for f in features]
    assert (coverage.status_code, paths, rows) == (200, len(features), len(features))
    assert [(i["value"], int(i["count"])) for i in by_status] == [
        (s, statuses.count(s)) for s in ("reached", "planned", "lapsed", "not_reached")
    ]
    assert [int(i["count"]) for i in by_sessions] == [
        _count_in(features, "sessions", int(i["min"]), int(i["max"])) for i in by_sessions
    ]
    assert sum(int(i["count"]) for i in by_sessions) == len(features)
    assert accessibility_findings(page) == []
    assert errors == []


def test_coverage_page_click_on_a_qpv_shows_its_figures(
    live_server: str, demo_team: Team, chromium: Any
) -> None:
    """A click on the most visited QPV's polygon shows its name and figures as the API
    gives them, then its next sessions; the screenshot is kept as an artefact."""
    features = httpx.get(
        f"{live_server}/api/coverage", headers=demo_team.headers("manager")
    ).json()["features"]
    busiest = max(features, key=lambda f: (f["properties"]["sessions"], f["id"]))
    errors: list[str] = []
    page = _open(chromium, f"{live_server}/couverture", errors)
    _log_in(page, demo_team.tokens["manager"])

    page.locator(f'.leaflet-overlay-pane path[data-code="{busiest["id"]}"]').dispatch_event("click")
    page.wait_for_function(
        "() => ['Chargement…', undefined].indexOf("
        "document.querySelector('#prochaines')?.textContent) === -1"
    )
    shown = {
        key: page.inner_text(f'#fiche dd[data-cle="{key}"]').replace("\u202f", "")
        for key in SHOWN_FIGURES
    }
    title = page.inner_text("#fiche h3")
    page.locator("#fiche").scroll_into_view_if_needed()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    expected = busiest["properties"]
    assert (title, shown) == (
        expected["name"],
        {key: str(expected[key]) for key in SHOWN_FIGURES},
    )
    assert expected["sessions"] > 0
    assert errors == []


def test_coverage_page_without_token_explains_how_to_get_one(
    live_server: str, chromium: Any
) -> None:
    """Without a token the page loads no figures and says how to obtain one."""
    errors: list[str] = []
    page = _open(chromium, f"{live_server}/couverture", errors)
    help_text = page.inner_text("#aide-jeton")
    assert (
        page.is_visible("#aide-jeton"),
        "allervers create-token" in help_text,
        page.locator(".leaflet-overlay-pane path").count(),
        errors,
    ) == (True, True, 0, [])


class _MapElement(HTMLParser):
    """The attributes of the coverage map's element, and every script and stylesheet address."""

    def __init__(self) -> None:
        super().__init__()
        self.map: dict[str, str | None] = {}
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id") == "carte":
            self.map = values
        if tag in ("script", "link") and (values.get("src") or values.get("href")):
            self.assets.append(str(values.get("src") or values.get("href")))


def _map_element(client: Any) -> _MapElement:
    parser = _MapElement()
    parser.feed(client.get("/couverture").text)
    return parser


def test_coverage_page_without_tiles_asks_no_other_site(client: Any) -> None:
    """By default the page names no tile server and loads only the app's own assets."""
    page = _map_element(client)
    assert ("data-tuiles" in page.map, [a for a in page.assets if "//" in a]) == (False, [])
    assert "/static/carte_contexte.js" in page.assets
    assert "/static/couverture_valeurs.js" in page.assets


def test_coverage_page_names_the_tiles_configured(settings: Settings) -> None:
    """With ``ALLERVERS_MAP_TILES`` set, the map's element carries the template and its
    attribution (the footer repeats the attribution)."""
    tiled = replace(
        settings,
        map_tiles="https://tuiles.example/{z}/{x}/{y}.png?cle=a&b=1",
        map_tiles_attribution="© contributeurs <OpenStreetMap>",
    )
    with TestClient(app=create_app(tiled)) as client:
        page = _map_element(client)
        footer = client.get("/couverture").text.split("<footer>")[1]
    assert (page.map["data-tuiles"], page.map["data-tuiles-attribution"]) == (
        "https://tuiles.example/{z}/{x}/{y}.png?cle=a&b=1",
        "© contributeurs <OpenStreetMap>",
    )
    assert "fond de carte : © contributeurs &lt;OpenStreetMap&gt;" in footer


def test_coverage_page_names_communes_and_qpvs_without_other_sites(
    live_server: str, demo_team: Team, chromium: Any
) -> None:
    """Over the Nord of its manager, the map writes the names of the big towns, then, close
    up, of a QPV; every request stays on the app's own address (no tiles configured)."""
    feature = httpx.get(f"{live_server}/api/coverage", headers=demo_team.headers("manager")).json()[
        "features"
    ][0]
    centre = shape(feature["geometry"]).centroid
    errors: list[str] = []
    requests: list[str] = []
    page = chromium.new_page(viewport={"width": 1280, "height": 1000})
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/couverture")
    _log_in(page, demo_team.tokens["manager"])
    page.wait_for_selector(".etiquette-commune span")
    page.evaluate("window.carteCouverture.setView([50.633, 3.058], 9, {animate: false}) && null")
    far = page.locator(".etiquette-commune").all_inner_texts()
    page.evaluate(f"window.carteCouverture.setView([{centre.y}, {centre.x}], 14) && null")
    page.wait_for_selector(".etiquette-qpv span")
    close = page.locator(".etiquette-qpv").all_inner_texts()
    attribution = page.inner_text(".leaflet-control-attribution")

    assert {"Lille", "Roubaix", "Tourcoing"} <= set(far)
    assert "Wattignies" not in far  # 14,000 inhabitants: written from zoom 10 on
    assert feature["properties"]["name"] in close
    assert ("QPV : ANCT" in attribution, "Communes : IGN, INSEE" in attribution) == (True, True)
    assert [url for url in requests if not url.startswith(live_server)] == []
    assert errors == []


def test_coverage_page_open_data_switch_for_admins(
    client: Any, settings: Settings, team: Team
) -> None:
    """A signed-in admin publishes a territory from the page, sees its address, withdraws it;
    a territory that cannot be published is said on the page in French."""
    sign_up(client, settings, team.admin)
    page = client.get("/couverture").text
    published = client.post(
        "/couverture/donnees-ouvertes",
        data={"_csrf_token": csrf(page), "territoire": "80", "action": "publier"},
        follow_redirects=False,
    )
    listed = client.get("/couverture").text
    opened = client.get("/donnees-ouvertes/80/qpv.geojson").status_code
    withdrawn = client.post(
        "/couverture/donnees-ouvertes",
        data={"_csrf_token": csrf(listed), "territoire": "80", "action": "retirer"},
        follow_redirects=False,
    )
    closed = client.get("/donnees-ouvertes/80/qpv.geojson").status_code
    wrong = client.post(
        "/couverture/donnees-ouvertes",
        data={"_csrf_token": csrf(listed), "territoire": "75", "action": "publier"},
    )
    assert "Aucun territoire n'est publié." in page
    assert (published.status_code, published.headers["location"]) == (
        303,
        "/couverture#donnees-ouvertes",
    )
    assert f'href="{settings.public_url}/donnees-ouvertes/80/qpv.geojson"' in listed
    assert (opened, withdrawn.status_code, closed) == (200, 303, 404)
    assert wrong.status_code == 422
    assert (
        "Territoire « 75 » : Aucun QPV chargé dans le département 75 : rien à publier."
        in wrong.text
    )


def test_coverage_page_has_no_open_data_switch_for_managers(
    client: Any, settings: Settings, team: Team
) -> None:
    """A manager's page has no open-data section, and the switch refuses them (403)."""
    sign_up(client, settings, team.manager)
    page = client.get("/couverture").text
    answer = client.post(
        "/couverture/donnees-ouvertes",
        data={
            "_csrf_token": csrf(client.get("/mes-jetons").text),
            "territoire": "59",
            "action": "publier",
        },
    )
    assert ('id="donnees-ouvertes"' in page, answer.status_code) == (False, 403)


def test_coverage_page_department_filter_offers_the_territory_once(
    live_server: str, demo_team: Team, chromium: Any
) -> None:
    """Once a manager of the Nord gives a token, the department filter offers « Tous » and the
    Nord, once (it listed every department, twice after a token)."""
    errors: list[str] = []
    page = _open(chromium, f"{live_server}/couverture", errors)
    _log_in(page, demo_team.tokens["manager"])
    options = page.eval_on_selector_all(
        "#f-dep option", "options => options.map(o => [o.value, o.textContent])"
    )
    assert (options, errors) == ([["", "Tous"], ["59", "59 — Nord"]], [])


def test_coverage_page_panel_lists_the_organisations(
    live_server: str, demo_team: Team, chromium: Any
) -> None:
    """The panel of the most visited QPV lists every organisation that led, staffed or
    partnered its sessions, with their sessions, as the API gives them."""
    features = httpx.get(
        f"{live_server}/api/coverage", headers=demo_team.headers("manager")
    ).json()["features"]
    busiest = max(features, key=lambda f: (f["properties"]["sessions"], f["id"]))
    errors: list[str] = []
    page = _open(chromium, f"{live_server}/couverture", errors)
    _log_in(page, demo_team.tokens["manager"])

    page.locator(f'.leaflet-overlay-pane path[data-code="{busiest["id"]}"]').dispatch_event("click")
    listed = page.eval_on_selector_all(
        "#organisations li",
        "items => items.map(i => [Number(i.dataset.organisation), Number(i.dataset.seances),"
        " i.textContent])",
    )
    shares = busiest["properties"]["by_organisation"]
    assert (listed, errors) == (
        [
            [
                o["id"],
                o["sessions"],
                f"{o['name']} — {o['sessions']} séance" + "s" * (o["sessions"] > 1),
            ]
            for o in shares
        ],
        [],
    )
    assert len(shares) == busiest["properties"]["organisations"] > 1
