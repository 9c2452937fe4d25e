"""``/couverture`` as a manager sees it: headless Chromium (Debian's) driven by Playwright
against a real server on 127.0.0.1, on the demonstration data.

Chromium and the ``playwright`` package are needed: without them the tests skip with the
reason locally, and fail under ``CI=true`` (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

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
