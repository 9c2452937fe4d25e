"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``ALLERVERS_TEST_POSTGRES_URL`` (a server where we may create databases;
``.ci/run`` starts one). Without it the PostgreSQL leg is skipped with the reason, except under
``CI=true`` where a missing server fails the run. Each test gets its own database, copied from a
template that was migrated and loaded with the bundled reference data once per run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import make_url

from api.log_config import CONSOLE
from api.settings import Settings

pytest_plugins = ["tests.browser"]
"""The browser tests' fixtures (Chromium, a live server, the demo), available by name."""

POSTGRES_ENV = "ALLERVERS_TEST_POSTGRES_URL"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


class PostgresServer:
    """Creates and drops throw-away databases on the test PostgreSQL server."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)

    def _dsn(self, database: str = "postgres") -> str:
        return self.url.set(drivername="postgresql", database=database).render_as_string(
            hide_password=False
        )

    async def _execute(self, sql: str) -> None:
        connection = await asyncpg.connect(self._dsn(), timeout=10)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    def ping(self) -> None:
        asyncio.run(self._execute("SELECT 1"))

    def create(self, name: str, *, template: str | None = None) -> str:
        suffix = f' TEMPLATE "{template}"' if template else ""
        asyncio.run(self._execute(f'CREATE DATABASE "{name}"{suffix}'))
        return self._dsn(name)

    def drop(self, name: str) -> None:
        asyncio.run(self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres() -> PostgresServer:
    """The test PostgreSQL server; skipped locally when absent, a failure under CI."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        reason = (
            f"PostgreSQL indisponible : {POSTGRES_ENV} n'est pas défini (.ci/run en démarre un)"
        )
        if _in_ci():
            pytest.fail(f"{reason} — sous CI=true, PostgreSQL est obligatoire.")
        pytest.skip(reason)
    server = PostgresServer(url)
    try:
        server.ping()
    except (OSError, asyncpg.PostgresError) as exc:
        reason = f"PostgreSQL injoignable à {POSTGRES_ENV} : {exc}"
        if _in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return server


class Databases:
    """Makes empty databases of one backend for one test."""

    def __init__(self, backend: str, folder: Path, request: pytest.FixtureRequest) -> None:
        self.backend = backend
        self.folder = folder
        self.request = request
        self._dropped: list[str] = []

    def empty(self, *, template: str | None = None) -> str:
        name = f"allervers_test_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            path = self.folder / f"{name}.sqlite3"
            if template:
                shutil.copyfile(template, path)
            return f"sqlite+aiosqlite:///{path}"
        server: PostgresServer = self.request.getfixturevalue("postgres")
        url = server.create(name, template=template)
        self._dropped.append(name)
        return url

    def cleanup(self) -> None:
        if self._dropped:
            server: PostgresServer = self.request.getfixturevalue("postgres")
            for name in self._dropped:
                server.drop(name)


@pytest.fixture(autouse=True)
def logging_as_found() -> Iterator[None]:
    """Each test leaves the process's logging as it found it: an app built by a test configures
    the root and ``litestar`` loggers (a handler, a level) for the process, and a command run by
    a later test logged through them, to the stream the app was built with (a test's captured
    output, closed since: « --- Logging error --- »). A server process builds one app."""
    loggers = [logging.getLogger(), logging.getLogger("litestar")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        for handler in logger.handlers[:]:
            if handler.get_name() == CONSOLE:
                logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend a test runs on."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres")
    return str(request.param)


@pytest.fixture(scope="session")
def template_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A database migrated to head with the bundled reference data, to copy for each test."""
    from api.cli import prepare  # imported here: room tests (geo, planner) need no app

    databases = Databases(backend, tmp_path_factory.mktemp("template"), request)
    url = databases.empty()
    prepare(Settings(database_url=url))
    yield str(make_url(url).database)  # a file for SQLite, a database name for PostgreSQL
    databases.cleanup()


@pytest.fixture
def databases(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Databases]:
    """Factory of empty databases on the current backend, dropped after the test."""
    factory = Databases(backend, tmp_path, request)
    yield factory
    factory.cleanup()


@pytest.fixture
def database_url(databases: Databases, template_database: str) -> str:
    """A fresh database holding the bundled QPVs and communes."""
    return databases.empty(template=template_database)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test's own database (mail written under the test's folder)."""
    return Settings(database_url=database_url, outbox_dir=str(tmp_path / "outbox"))


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """An HTTP client on the app built for the test's database."""
    from api.app import create_app

    with TestClient(app=create_app(settings)) as test_client:
        yield test_client


@dataclass(frozen=True)
class Team:
    """Two organisations and their staff, with a token each (test data, not real people)."""

    mission_locale: int
    centre_social: int
    admin: int
    adviser: int
    partner: int
    manager: int
    tokens: dict[str, str]
    others: dict[str, int] = field(default_factory=dict)
    """Staff ids of ``coordinator`` (mission locale) and ``manager_inside`` (department 80)."""

    def headers(self, who: str) -> dict[str, str]:
        """The Authorization header of ``who`` (admin, adviser, partner, manager, coordinator,
        manager_inside, or ``revoked``: the adviser's revoked token)."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def team(database_url: str) -> Team:
    """Organisations, staff and tokens in the test's database (see ``tests/factories.py``)."""
    from tests.factories import make_team

    return asyncio.run(make_team(database_url))


@pytest.fixture
def wide_team(database_url: str) -> Team:
    """The team plus a coordinator and a manager of department 80 (every kind of caller)."""
    from tests.factories import make_team

    return asyncio.run(make_team(database_url, wide=True))


def start_server(
    database_url: str, *, workers: int = 1, environ: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """``allervers serve`` on ``database_url`` in its own process (and ``workers`` worker
    processes), once it answers: the process and its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("allervers")), "serve", "--workers", str(workers)],
        env={
            "ALLERVERS_OUTBOX_DIR": tempfile.mkdtemp(prefix="allervers-outbox-"),
            **os.environ,
            **(environ or {}),
            "ALLERVERS_PORT": str(port),
            "ALLERVERS_DATABASE_URL": database_url,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/health", timeout=2)
            return process, base
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError("le serveur n'a pas démarré") from None
            time.sleep(0.2)


def serve(database_url: str, *, workers: int = 1) -> Iterator[str]:
    """Body of a fixture: :func:`start_server`, stopped after the test; yields its URL."""
    process, base = start_server(database_url, workers=workers)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
