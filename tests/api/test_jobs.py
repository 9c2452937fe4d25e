"""Background jobs (issue 16, "Heavy work off the request path"): a venue import is handed over
(202 + Location), followed by the one who asked, and survives the service being killed in the
middle of it (retried, nothing half-written) while the service keeps answering."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
from litestar.testing import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.settings import Settings
from planner.db.engine import create_engine
from planner.db.models import Job, Venue
from tests.conftest import Team, start_server
from tests.jobs import follow_job

Client = TestClient  # type: ignore[type-arg]
HEADER = "nom;type;adresse;code_postal;commune;latitude;longitude\n"


def _venues_csv(rows: int) -> bytes:
    """``rows`` distinct venues placed by their coordinates, around Etouvie (no geocoding)."""
    lines = [
        f"Lieu {n};association;{n} rue des Essais;80080;Amiens;"
        f"{49.90 + (n % 300) * 0.0001:.4f};{2.24 + (n // 300) * 0.0001:.4f}\n"
        for n in range(rows)
    ]
    return (HEADER + "".join(lines)).encode()


def test_a_job_is_followed_by_who_asked_and_admins_only(client: Client, team: Team) -> None:
    """The adviser who imported follows the job; an admin too; the partner of another
    organisation gets 404 (a job's existence is not theirs to know); anonymous, 401."""
    answer = client.post(
        "/api/venues/import", content=_venues_csv(3), headers=team.headers("adviser")
    )
    location = answer.headers["location"]
    queued = answer.json()
    assert (queued["status"], queued["kind"], queued["total"]) == ("queued", "venue_import", 3)
    client.headers.update(team.headers("adviser"))
    job = follow_job(client, answer)
    assert (job["status"], job["result"]["created"], job["attempts"]) == ("done", 3, 1)
    assert client.get(location, headers=team.headers("admin")).status_code == 200
    other = client.get(location, headers=team.headers("partner"))
    assert (other.status_code, other.json()["detail"]) == (404, f"Aucun travail n° {job['id']}.")
    client.headers.pop("Authorization")
    assert client.get(location).status_code == 401


def test_an_unusable_row_set_fails_the_job_with_why(client: Client, team: Team) -> None:
    """A file whose header passes but whose body cannot be read as a whole ends ``failed`` with
    the French reason, and writes nothing."""
    client.headers.update(team.headers("adviser"))
    text = HEADER + 'Lieu;association;"' + "x" * 200_000 + '";80080;Amiens;49.9;2.2\n'
    job = follow_job(client, client.post("/api/venues/import", content=text.encode()))
    assert (job["status"], job["error"]) == (
        "failed",
        "fichier : ligne 2 illisible : un champ dépasse 131\u202f072 caractères",
    )
    assert client.get("/api/venues").json() == []


async def _count(url: str, model: type[Venue] | type[Job]) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        await engine.dispose()


def test_an_import_killed_midway_is_retried_after_restart(database_url: str, team: Team) -> None:
    """The service is killed (SIGKILL) while a 20,000-row import runs: nothing of it is
    written; the service answered ``/health`` during the import; once started again it runs
    the import again (second attempt) and every venue is there once."""
    rows = 20_000
    environ = {"ALLERVERS_JOB_STALLED_SECONDS": "1", "ALLERVERS_JOB_POLL_SECONDS": "0.2"}
    process, base = start_server(database_url, environ=environ)
    adviser = team.headers("adviser")
    try:
        with httpx.Client(base_url=base, headers=adviser, timeout=30) as http:
            answer = http.post("/api/venues/import", content=_venues_csv(rows))
            assert answer.status_code == 202, answer.text
            location = answer.headers["location"]
            for _ in range(600):
                job = http.get(location).json()
                if job["status"] != "queued":
                    break
            assert job["status"] == "running", job
            health = http.get("/health")
            still = http.get(location).json()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
    assert (health.status_code, still["status"]) == (200, "running")
    assert asyncio.run(_count(database_url, Venue)) == 0

    process, base = start_server(database_url, environ=environ)
    try:
        with httpx.Client(base_url=base, headers=adviser, timeout=30) as http:
            job = follow_job(http, answer, seconds=240)
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert (job["status"], job["attempts"], job["result"]["created"]) == ("done", 2, rows)
    assert asyncio.run(_count(database_url, Venue)) == rows


def test_jobs_run_apart_with_run_jobs(settings: Settings, team: Team) -> None:
    """Web processes that only hand jobs over (``ALLERVERS_JOBS_IN_SERVICE=false``) leave the
    import queued; ``allervers run-jobs`` runs it, and stops cleanly on SIGTERM."""
    apart = replace(settings, jobs_in_service=False)
    with TestClient(app=create_app(apart)) as client:
        client.headers.update(team.headers("adviser"))
        answer = client.post("/api/venues/import", content=_venues_csv(5))
        time.sleep(1)
        assert client.get(answer.headers["location"]).json()["status"] == "queued"
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("allervers")), "run-jobs"],
            env={**os.environ, "ALLERVERS_DATABASE_URL": settings.database_url},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            job = follow_job(client, answer)
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=30)
    assert (job["status"], job["result"]["created"]) == ("done", 5)
    assert worker.returncode == 0, output
    assert output.splitlines()[-1] == "Travaux arrêtés."
