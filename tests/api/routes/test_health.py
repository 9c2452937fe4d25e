"""``GET /health`` tells whether the service can reach its database."""

from __future__ import annotations

import os

from alembic.script import ScriptDirectory
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from planner.db.migration import alembic_config
from tests.conftest import Databases


def test_health_ok(client: TestClient, backend: str) -> None:  # type: ignore[type-arg]
    """A migrated database with the bundled data answers 200 with what it holds."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    response = client.get("/health")
    assert (response.status_code, response.json()) == (
        200,
        {
            "status": "ok",
            "database": "ok",
            "backend": backend,
            "revision": head,
            "qpv_count": 204,
            "commune_count": 3782,
            "process": os.getpid(),
        },
    )


def test_health_unreachable_database_is_503() -> None:
    """A PostgreSQL server that does not answer gives a 503 problem in French."""
    settings = Settings(database_url="postgresql://allervers@127.0.0.1:9/allervers")
    with TestClient(app=create_app(settings)) as client:
        response = client.get("/health")
    assert (response.status_code, response.headers["content-type"], response.json()) == (
        503,
        "application/problem+json",
        {
            "type": "urn:allervers:probleme:base-indisponible",
            "title": "Service momentanément indisponible",
            "status": 503,
            "detail": "La base de données ne répond pas ; réessayez dans un instant.",
            "instance": "/health",
            "code": "base-indisponible",
        },
    )


def test_health_unmigrated_database_is_503(databases: Databases) -> None:
    """An empty, never migrated database is not healthy."""
    with TestClient(app=create_app(Settings(database_url=databases.empty()))) as client:
        response = client.get("/health")
    assert (response.status_code, response.json()["detail"]) == (
        503,
        "La base de données n'est pas migrée (aucune révision).",
    )
