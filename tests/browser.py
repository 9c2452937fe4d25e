"""Browser tests' shared parts: Debian's Chromium through Playwright on a real ``allervers
serve``, signing in through the sign-in page, the axe-core audit and the phone-width check.

Registered as a pytest plugin by ``tests/conftest.py``: the fixtures are available by name in
every test module. Browser tests run on the SQLite leg only (the pages do not depend on the
backend, which the API tests cover); without Chromium or Playwright they are skipped, and under
``CI=true`` they fail instead.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.cli import prepare
from api.settings import Settings
from planner.db import accounts
from planner.db.engine import create_engine
from planner.db.models import Staff
from tests.conftest import Team, _in_ci, serve

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "fixtures" / "axe"
PASSWORD = "une phrase de passe assez longue"  # noqa: S105 - a test password
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 1000}
SERIOUS = ("serious", "critical")


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium absent ({CHROMIUM}) : apt-get install -y chromium"
    if importlib.util.find_spec("playwright") is None:
        return "le paquet Python playwright est absent : pip install playwright"
    return None


@pytest.fixture
def browser_ready(backend: str) -> None:
    """Skips (fails under CI) without Chromium or Playwright; the SQLite leg only."""
    if backend != "sqlite":
        pytest.skip("test navigateur : la base SQLite suffit")
    reason = _missing()
    if reason:
        if _in_ci():
            pytest.fail(f"{reason} — sous CI=true, le test navigateur est obligatoire.")
        pytest.skip(reason)


@pytest.fixture
def chromium(live_server: str) -> Iterator[Any]:
    """Headless Debian Chromium through Playwright, started once the server is up (its event
    loop would stop the fixtures before it from running theirs)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def demo_database(template_database: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demonstration dataset loaded once per run into a copy of the SQLite template (the
    browser tests' backend): the file each browser test starts from, as ``make run`` loads it
    on the day (its sessions are placed from the day's date)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(template_database, path)
    prepare(Settings(database_url=f"sqlite+aiosqlite:///{path}"), demo=True)
    return str(path)


@pytest.fixture
def demo_team(browser_ready: None, database_url: str, request: pytest.FixtureRequest) -> Team:
    """The demonstration dataset (a copy of :func:`demo_database`), then the test team (whose
    manager covers the Nord)."""
    demo: str = request.getfixturevalue("demo_database")
    shutil.copyfile(demo, str(make_url(database_url).database))
    team: Team = request.getfixturevalue("team")
    return team


@pytest.fixture
def live_server(demo_team: Team, database_url: str) -> Iterator[str]:
    """``allervers serve`` on the test's database, in its own process; its base URL."""
    yield from serve(database_url)


def open_page(chromium: Any, url: str, errors: list[str], *, phone: bool = False) -> Any:
    """A new page at ``url``; console errors and uncaught exceptions go to ``errors``."""
    page = chromium.new_page(viewport=PHONE if phone else DESKTOP)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page


def _in_thread(function: Any, *args: Any) -> Any:
    """Run a coroutine function in a thread (Playwright's loop runs in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(function(*args))).result()


async def _give_password(database_url: str, email: str) -> None:
    engine = create_engine(database_url)
    try:
        async with async_sessionmaker(engine)() as s, s.begin():
            staff_id = (await s.execute(select(Staff.id).where(Staff.email == email))).scalar_one()
            now = datetime.now(UTC)
            path = await accounts.invite(
                s, staff_id, caller=None, base_url="", ttl=timedelta(hours=1), now=now
            )
            await accounts.set_password_with_link(
                s, path.rsplit("/", 1)[-1], PASSWORD, purpose=accounts.INVITATION, now=now
            )
    finally:
        await engine.dispose()


def sign_in(page: Any, base: str, database_url: str, email: str, *, then: str = "/") -> None:
    """Give ``email`` the test password, then sign in through ``/connexion`` by keyboard and
    land on ``then``."""
    _in_thread(_give_password, database_url, email)
    page.goto(f"{base}/connexion?suivant={then}")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe", exact=True).press("Enter")
    page.wait_for_url(f"{base}{then}")


def accessibility_findings(page: Any) -> list[str]:
    """The serious and critical findings of an axe-core audit of the page as it is now, as
    ``rule: target`` lines (an empty list when there are none)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE / "axe.min.js"))
        locale = json.loads((AXE / "fr.json").read_text(encoding="utf-8"))
        page.evaluate("locale => window.axe.configure({locale})", locale)
    violations = page.evaluate(
        "async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'])}"
        for v in violations
        if v["impact"] in SERIOUS
    ]


def overflows(page: Any) -> bool:
    """Whether the page scrolls sideways (wider than its window)."""
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"))
