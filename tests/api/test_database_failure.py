"""A database that cannot serve (read-only, locked, unreachable) gets 503 with Retry-After on
every route, never a 500; ``/health`` checks that it can write; service resumes by itself."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit

import asyncpg
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.errors import RETRY_AFTER_SECONDS
from api.settings import Settings
from tests.conftest import Team

Client = TestClient  # type: ignore[type-arg]


def _sqlite_file(settings: Settings) -> str:
    return settings.database_url.split(":///", 1)[1]


@pytest.fixture
def read_only(settings: Settings, team: Team, backend: str) -> Iterator[Client]:
    """The app on the test's SQLite database opened read-only (as a full disk or a read-only
    mount would leave it)."""
    if backend != "sqlite":
        pytest.skip("SQLite en lecture seule ; PostgreSQL a son propre test")
    url = f"sqlite+aiosqlite:///file:{_sqlite_file(settings)}?mode=ro&uri=true"
    with TestClient(app=create_app(replace(settings, database_url=url))) as client:
        yield client


def test_read_only_database_reads_but_refuses_writes_with_503(
    read_only: Client, team: Team
) -> None:
    """Reads answer; a write and /health answer 503 with Retry-After, in French."""
    write = read_only.post("/api/tokens", json={"name": "x"}, headers=team.headers("adviser"))
    health = read_only.get("/health")
    qpvs = read_only.get("/api/qpv?dep=80")
    assert (write.status_code, write.headers.get("retry-after"), write.json()["code"]) == (
        503,
        str(RETRY_AFTER_SECONDS),
        "base-indisponible",
    )
    assert (health.status_code, qpvs.status_code) == (503, 200)


def test_locked_database_is_503_then_recovers(
    client: Client, settings: Settings, team: Team, backend: str
) -> None:
    """While another process holds the SQLite file's write lock, what must write gets 503
    (``/health`` checks that it can write) and reads go on (write-ahead logging: readers never
    wait for a writer); once it lets go, the same app writes again without a restart."""
    if backend != "sqlite":
        pytest.skip("verrou de fichier SQLite")
    holder = sqlite3.connect(_sqlite_file(settings), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        locked = client.get("/health")
        read = client.get("/api/sessions", headers=team.headers("adviser"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    after = client.get("/health")
    assert (locked.status_code, locked.headers.get("retry-after"), read.status_code) == (
        503,
        str(RETRY_AFTER_SECONDS),
        200,
    )
    assert after.status_code == 200


async def _admin(sql: str, database_url: str) -> None:
    """Run ``sql`` as the server's superuser (``{db}`` is the test database's name)."""
    import os

    server = os.environ["ALLERVERS_TEST_POSTGRES_URL"]
    name = urlsplit(database_url).path.lstrip("/")
    connection = await asyncpg.connect(server)
    try:
        for statement in sql.format(db=name).split(";"):
            if statement.strip():
                await connection.execute(statement)
    finally:
        await connection.close()


KICK = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'"


def test_postgres_read_only_then_unreachable_then_back(
    client: Client, database_url: str, team: Team, backend: str
) -> None:
    """PostgreSQL set read-only: writes and /health are 503; connections refused: everything
    is 503; allowed again: the same app serves without a restart."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL seulement")
    asyncio.run(
        _admin(
            f'ALTER DATABASE "{{db}}" SET default_transaction_read_only = on; {KICK}', database_url
        )
    )
    write = client.post("/api/tokens", json={"name": "x"}, headers=team.headers("adviser"))
    health = client.get("/health")
    asyncio.run(
        _admin(
            f'ALTER DATABASE "{{db}}" RESET default_transaction_read_only; '
            f'ALTER DATABASE "{{db}}" WITH ALLOW_CONNECTIONS false; {KICK}',
            database_url,
        )
    )
    down = client.get("/api/sessions", headers=team.headers("adviser"))
    asyncio.run(_admin('ALTER DATABASE "{db}" WITH ALLOW_CONNECTIONS true', database_url))
    back = client.post("/api/tokens", json={"name": "y"}, headers=team.headers("adviser"))
    assert [write.status_code, health.status_code, down.status_code, back.status_code] == [
        503,
        503,
        503,
        201,
    ]
    assert down.headers.get("retry-after") == str(RETRY_AFTER_SECONDS)
