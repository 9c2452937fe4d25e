"""Load on PostgreSQL: 200 concurrent clients on the sessions API and a public feed, 1 and 4
worker processes, against nginx serving the same answers as static files, same run.

    .venv/bin/python bench/load.py [--seconds 10] [--connections 200] [--import-rows 100000]

Needs a PostgreSQL server where databases may be created (``ALLERVERS_BENCH_POSTGRES_URL``, else
``ALLERVERS_TEST_POSTGRES_URL``; ``.ci/start-postgres`` starts one) and the Debian packages wrk
and nginx; says so and stops without them. Builds a demo-free database with 1,000 published
synthetic sessions in Etouvie (labelled so, three an evening), then for each number of
processes loads with ``wrk -t2 -c200 --latency``:

- ``/api/sessions?qpv=QN08001M&from=…&to=…&limit=100`` — a month of one QPV (~90 sessions);
- ``/feeds/qpv/QN08001M.ics`` — the 1,000-session public feed;
- the same two answers as files served by nginx with as many processes (the baseline).

Anonymous lists are answered from memory when asked moments before (``api/public_answers.py``,
forgotten on every write), feeds from their cache; when either must be computed again, one
request computes it and the others wait for it (``api/single_flight.py``).

It prints requests per second, p50 and p99 latency and errors (non-2xx answers and socket
errors), against the targets with 4 processes: p99 ≤ 250 ms on the feed, ≤ 500 ms on the
sessions, zero errors. Then, with 4 processes, it times ``/health`` and the sessions API at low
concurrency while idle and while a venue import of ``--import-rows`` rows runs (a background job),
and books sessions one after the other (signed in: the database path, not a remembered
answer), to show whether heavy work leaves the service's latency alone.

wrk shares the machine's cores with the servers: the figures are for this machine, measured in
one run, not absolute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feeds_warm import _populate, _port, _serve, _stop, _wait, server_env

from api.cli import prepare
from api.settings import Settings
from planner.db import tokens
from planner.db.engine import create_engine
from planner.db.models import Staff, Venue

QPV = "QN08001M"
TARGET_FEED_P99_MS = 250.0
TARGET_SESSIONS_P99_MS = 500.0
WORKERS = (1, 4)


@dataclass(frozen=True)
class Load:
    """What wrk measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, seconds: int, connections: int, *headers: str) -> Load:
    """Load ``url`` with wrk; its requests per second, p50, p99 and errors."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s|m)\b", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", output)
    if rps is None or p50 is None or p99 is None:
        raise RuntimeError(output)
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return Load(float(rps.group(1)), _ms(*p50.groups()), _ms(*p99.groups()), errors)


async def _admin(server: str, sql: str) -> None:
    """Run ``sql`` on ``server``'s ``postgres`` database (creating or dropping ours)."""
    dsn = make_url(server).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _database(server: str) -> tuple[str, str]:
    """A new database on ``server``: its name and URL."""
    name = f"allervers_bench_{uuid.uuid4().hex[:8]}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    return name, make_url(server).set(database=name).render_as_string(hide_password=False)


@dataclass(frozen=True)
class Adviser:
    """The synthetic adviser: a token (the import and the bookings are theirs), their
    organisation and the synthetic venue."""

    token: str
    staff_id: int
    organisation_id: int
    venue_id: int


async def _adviser(url: str) -> Adviser:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            staff = await session.scalar(select(Staff).where(Staff.email == "banc@example.invalid"))
            venue = await session.scalar(select(Venue.id).where(Venue.address_key == "banc"))
            if staff is None or venue is None:
                raise RuntimeError("pas de conseillère ou de lieu synthétique")
            _, secret = await tokens.issue_token(
                session, staff.id, name="banc", actor_id=None, now=datetime.now(UTC)
            )
            return Adviser(secret, staff.id, staff.organisation_id, venue)
    finally:
        await engine.dispose()


def _bookings(base: str, adviser: Adviser, first_day: int, count: int) -> list[float]:
    """Book ``count`` information sessions one after the other (a day each, from
    ``first_day`` days ahead, clear of the synthetic sessions); each booking's milliseconds."""
    timings = []
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {adviser.token}"}, timeout=60
    ) as client:
        for day in range(first_day, first_day + count):
            start = (datetime.now(UTC) + timedelta(days=day)).replace(
                hour=8, minute=0, second=0, microsecond=0
            )
            body = {
                "kind": "info_session",
                "title": "Réunion synthétique (banc d'essai)",
                "start": start.isoformat(),
                "end": (start + timedelta(hours=2)).isoformat(),
                "venue_id": adviser.venue_id,
                "organisation_id": adviser.organisation_id,
                "staff_ids": [adviser.staff_id],
            }
            began = time.perf_counter()
            answer = client.post("/api/sessions", json=body)
            timings.append((time.perf_counter() - began) * 1000)
            if answer.status_code != 201:
                raise RuntimeError(f"réservation refusée : {answer.text}")
    return timings


def _booking_line(label: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    return (
        f"  {label:<34} {len(ordered)} réservations   médiane {ordered[len(ordered) // 2]:>6.1f} ms"
        f"   max {ordered[-1]:>7.1f} ms"
    )


def _venues_csv(rows: int) -> bytes:
    """``rows`` synthetic venues placed by coordinates around Etouvie (no geocoding)."""
    header = "nom;type;adresse;code_postal;commune;latitude;longitude\n"
    lines = (
        f"Lieu synthétique {n};association;{n} rue du Banc;80080;Amiens;"
        f"{49.90 + (n % 300) * 0.0001:.4f};{2.24 + (n // 300) * 0.0001:.4f}\n"
        for n in range(rows)
    )
    return (header + "".join(lines)).encode()


def _nginx_conf(folder: Path, www: Path, port: int, processes: int) -> Path:
    conf = folder / f"nginx-{processes}.conf"
    conf.write_text(
        f"daemon off; worker_processes {processes}; pid {folder}/nginx.pid; "
        f"error_log {folder}/error.log;\n"
        "events { worker_connections 4096; }\n"
        "http { access_log off; sendfile on; "
        "types { text/calendar ics; application/json json; }\n"
        f"  server {{ listen 127.0.0.1:{port} backlog=4096; root {www}; etag on; }} }}\n"
    )
    return conf


def _line(label: str, load: Load) -> str:
    return (
        f"  {label:<34} {load.rps:>8,.0f} req/s   p50 {load.p50_ms:>7.1f} ms   "
        f"p99 {load.p99_ms:>7.1f} ms   erreurs {load.errors}"
    )


def _verdict(met: bool) -> str:
    return "atteint" if met else "MANQUÉ"


def run(server_url: str, seconds: int, connections: int, import_rows: int) -> None:
    """Build the database, measure and print."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    name, url = asyncio.run(_database(server_url))
    folder = Path(tempfile.mkdtemp(prefix="allervers-load-"))
    folder.chmod(0o755)
    www = folder / "www"
    www.mkdir(mode=0o755)
    server: subprocess.Popen[bytes] | None = None
    static: subprocess.Popen[bytes] | None = None
    try:
        prepare(Settings(database_url=url))
        asyncio.run(_populate(url, 1_000))
        adviser = asyncio.run(_adviser(url))
        port, static_port = _port(), _port()
        env = server_env(url, port)
        base = f"http://127.0.0.1:{port}"
        first = datetime.now(UTC).date() + timedelta(days=1)
        sessions_path = (
            f"/api/sessions?qpv={QPV}&from={first}&to={first + timedelta(days=30)}&limit=100"
        )
        feed_path = f"/feeds/qpv/{QPV}.ics"
        results: dict[int, dict[str, Load]] = {}
        for workers in WORKERS:
            server = _serve(env, workers)
            _wait(f"{base}/health", server)
            sessions_body = httpx.get(base + sessions_path).content
            feed_body = httpx.get(base + feed_path).content
            (www / "sessions.json").write_bytes(sessions_body)
            (www / "feed.ics").write_bytes(feed_body)
            for path in www.iterdir():
                path.chmod(0o644)
            for _ in range(8 * workers):  # every worker has answered both once
                httpx.get(base + feed_path, headers={"Connection": "close"})
                httpx.get(base + sessions_path, headers={"Connection": "close"})
            conf = _nginx_conf(folder, www, static_port, workers)
            static = subprocess.Popen([str(nginx), "-c", str(conf)], stderr=subprocess.DEVNULL)
            _wait(f"http://127.0.0.1:{static_port}/feed.ics", static)
            static_base = f"http://127.0.0.1:{static_port}"
            results[workers] = {
                "sessions": wrk(base + sessions_path, seconds, connections),
                "sessions_static": wrk(static_base + "/sessions.json", seconds, connections),
                "feed": wrk(base + feed_path, seconds, connections),
                "feed_static": wrk(static_base + "/feed.ics", seconds, connections),
            }
            _stop(static)
            static = None
            if workers != WORKERS[-1]:
                _stop(server)
                server = None
        quiet = 5
        auth = {"Authorization": f"Bearer {adviser.token}"}
        signed = f"Authorization: Bearer {adviser.token}"  # the database path, not remembered
        idle_health = wrk(base + "/health", quiet, 4)
        idle_sessions = wrk(base + sessions_path, quiet, 4, signed)
        idle_bookings = _bookings(base, adviser, 400, 20)
        started = time.monotonic()
        answer = httpx.post(
            base + "/api/venues/import", content=_venues_csv(import_rows), headers=auth, timeout=120
        )
        answer.raise_for_status()
        location = base + answer.headers["location"]
        busy_health = wrk(base + "/health", quiet, 4)
        busy_sessions = wrk(base + sessions_path, quiet, 4, signed)
        busy_bookings = _bookings(base, adviser, 430, 20)
        during = httpx.get(location, headers=auth).json()
        while True:
            job = httpx.get(location, headers=auth).json()
            if job["status"] in ("done", "failed") or time.monotonic() - started > 900:
                break
            time.sleep(1)
        import_s = time.monotonic() - started
    finally:
        _stop(static)
        _stop(server)
        shutil.rmtree(folder, ignore_errors=True)
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    print(
        f"Charge sur PostgreSQL : wrk -t2 -c{connections} pendant {seconds} s par mesure, "
        "sur 127.0.0.1 (wrk partage les cœurs de la machine)"
    )
    for workers, loads in results.items():
        print(f"\n{workers} processus de service (nginx : {workers} processus)")
        print(_line("/api/sessions (un mois, un QPV)", loads["sessions"]))
        print(_line("  même réponse, fichier nginx", loads["sessions_static"]))
        print(_line("flux public de 1 000 séances", loads["feed"]))
        print(_line("  même flux, fichier nginx", loads["feed_static"]))
        print(
            f"  débit face à nginx : séances "
            f"{loads['sessions'].rps / loads['sessions_static'].rps:.1%}, "
            f"flux {loads['feed'].rps / loads['feed_static'].rps:.1%}"
        )
    four = results[WORKERS[-1]]
    feed_ok = four["feed"].p99_ms <= TARGET_FEED_P99_MS and four["feed"].errors == 0
    sessions_ok = four["sessions"].p99_ms <= TARGET_SESSIONS_P99_MS and four["sessions"].errors == 0
    print(
        f"\nObjectifs à {WORKERS[-1]} processus : flux p99 ≤ {TARGET_FEED_P99_MS:.0f} ms sans "
        f"erreur : {_verdict(feed_ok)} ; séances p99 ≤ {TARGET_SESSIONS_P99_MS:.0f} ms sans "
        f"erreur : {_verdict(sessions_ok)}"
    )
    print(
        f"\nPendant un import de {import_rows:,} lieux (travail en arrière-plan, "
        f"{during['status']} pendant la mesure), wrk -c4 pendant {quiet} s :"
    )
    print(_line("/health au repos", idle_health))
    print(_line("/health pendant l'import", busy_health))
    print(_line("/api/sessions (connecté) au repos", idle_sessions))
    print(_line("/api/sessions (connecté), import", busy_sessions))
    print(_booking_line("réservations au repos", idle_bookings))
    print(_booking_line("réservations pendant l'import", busy_bookings))
    print(
        f"  import : {job['status']} en {import_s:,.0f} s "
        f"({job.get('result', {}) and job['result'].get('created', 0):,} lieux créés)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()
    server = os.environ.get("ALLERVERS_BENCH_POSTGRES_URL") or os.environ.get(
        "ALLERVERS_TEST_POSTGRES_URL"
    )
    if not server:
        print("Charge : sautée (ALLERVERS_BENCH_POSTGRES_URL : un serveur PostgreSQL)")
        return
    if shutil.which("wrk") is None or not (
        shutil.which("nginx") or Path("/usr/sbin/nginx").exists()
    ):
        print("Charge : sautée (installez les paquets Debian wrk et nginx)")
        return
    run(server, args.seconds, args.connections, args.import_rows)


if __name__ == "__main__":
    main()
