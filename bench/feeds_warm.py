"""Feeds over real HTTP: allervers against nginx serving the same bytes, the private feed,
the first request after a restart, and a rename reaching 1,000 events.

Imported by ``bench/feeds.py``. Builds a demo-free embedded database with 1,000 published
sessions (synthetic, labelled so) in Etouvie's feed, all staffed by one synthetic adviser with
a private feed, starts ``allervers serve`` and an nginx serving the feed's bytes as a static
file, both on 127.0.0.1, and loads each with ``wrk`` (Debian packages ``wrk`` and ``nginx``;
the section is skipped, saying so, without them). Then it restarts the server and times the
first request (fragments are kept in the database: nothing to render), and renames the venue
through the ORM (as the API does) and times the request that renders the 1,000 events again.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.cli import prepare
from api.settings import Settings
from planner.db import tokens
from planner.db.engine import create_engine
from planner.db.models import Organisation, OutreachSession, SessionQpv, SessionStaff, Staff, Venue

QPV = "QN08001M"
TARGET_SHARE = 0.5
TARGET_SHARE_WORKERS = 0.9
"""With as many server processes as cores, against nginx with as many."""
WORKERS = 2
TARGET_PRIVATE = 0.5
"""The private feed's warm throughput against the public feed's."""
TARGET_RESTART_MS = 50.0
"""The first request for a 1,000-session feed after a restart."""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _populate(url: str, count: int) -> str:
    """Bulk insert ``count`` published synthetic sessions at one venue in Etouvie, all staffed
    by one synthetic adviser; the path of that adviser's private feed."""
    now = datetime.now(UTC)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            org = (
                await connection.execute(
                    insert(Organisation).returning(Organisation.id),
                    [
                        {
                            "kind": "other",
                            "name": "Organisation synthétique (banc d'essai)",
                            "created_at": now,
                            "updated_at": now,
                        }
                    ],
                )
            ).scalar_one()
            venue = (
                await connection.execute(
                    insert(Venue).returning(Venue.id),
                    [
                        {
                            "name": "Lieu synthétique (banc d'essai)",
                            "name_folded": "lieu synthetique",
                            "kind": "other",
                            "street": "Place Vauban",
                            "postcode": "80080",
                            "commune_name": "Amiens",
                            "address_key": "banc",
                            "lon": 2.2502,
                            "lat": 49.9151,
                            "geocode_provider": "manual",
                            "geocoded_at": now,
                            "insee_code": "80021",
                            "qpv_code": QPV,
                            "notes": "",
                            "booking_seq": 0,
                            "created_at": now,
                            "updated_at": now,
                        }
                    ],
                )
            ).scalar_one()
            rows = []
            for i in range(count):
                start = now + timedelta(days=1 + i // 3, hours=i % 3 * 3)
                rows.append(
                    {
                        "kind": "info_session",
                        "title": f"Séance synthétique n° {i}",
                        "description": "Donnée de banc d'essai, pas une vraie séance.",
                        "internal_notes": "",
                        "start_at": start,
                        "end_at": start + timedelta(hours=2),
                        "timezone": "Europe/Paris",
                        "venue_id": venue,
                        "organisation_id": org,
                        "status": "published",
                        "published_at": now,
                        "revision": 0,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            ids = (
                (
                    await connection.execute(
                        insert(OutreachSession).returning(OutreachSession.id), rows
                    )
                )
                .scalars()
                .all()
            )
            await connection.execute(
                insert(SessionQpv), [{"session_id": i, "qpv_code": QPV} for i in ids]
            )
            adviser = (
                await connection.execute(
                    insert(Staff).returning(Staff.id),
                    [
                        {
                            "organisation_id": org,
                            "name": "Conseillère synthétique (banc d'essai)",
                            "email": "banc@example.invalid",
                            "role": "adviser",
                            "active": True,
                            "booking_seq": 0,
                            "created_at": now,
                            "updated_at": now,
                        }
                    ],
                )
            ).scalar_one()
            await connection.execute(
                insert(SessionStaff),
                [{"session_id": i, "staff_id": adviser, "organisation_id": org} for i in ids],
            )
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            secret = await tokens.rotate_feed_token(session, adviser, now=now)
        return f"/feeds/staff/{secret}.ics"
    finally:
        await engine.dispose()


async def _rename_venue(url: str) -> None:
    """Rename the synthetic venue through the ORM, as ``PATCH /api/venues/{id}`` does: its
    1,000 sessions get a new shown version in the same transaction."""
    engine = create_engine(url)
    try:
        async with AsyncSession(engine) as session, session.begin():
            venue = (await session.scalars(select(Venue))).one()
            venue.name = "Lieu synthétique renommé (banc d'essai)"
            venue.updated_at = datetime.now(UTC)
    finally:
        await engine.dispose()


def _wrk(url: str, seconds: int, *headers: str) -> float:
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url]
    for header in headers:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None:
        raise RuntimeError(output)
    return float(match.group(1))


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"le serveur {url} n'a pas démarré") from None
            time.sleep(0.2)


def server_env(url: str, port: int) -> dict[str, str]:
    """The variables of a benchmarked ``allervers serve``: the database, the port, no demo,
    quiet logs."""
    return {
        **os.environ,
        "ALLERVERS_DATABASE_URL": url,
        "ALLERVERS_PORT": str(port),
        "ALLERVERS_DEMO": "0",
        "ALLERVERS_LOG_LEVEL": "WARNING",
    }


def _serve(env: dict[str, str], workers: int = 1) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("allervers")), "serve", "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None:
        process.terminate()
        process.wait(timeout=20)


def _timed_get(url: str) -> tuple[float, httpx.Response]:
    with httpx.Client() as client:
        client.get(url.rsplit("/feeds/", 1)[0] + "/health")  # the connection, not the feed
        start = time.perf_counter()
        answer = client.get(url)
        return (time.perf_counter() - start) * 1000, answer


def _verdict(met: bool) -> str:
    return "atteint" if met else "MANQUÉ"


def warm(sessions: int = 1_000, seconds: int = 5) -> bool | None:
    """Measure and print; ``None`` when wrk or nginx is missing."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if shutil.which("wrk") is None or nginx is None:
        print("\nDébit à chaud : sauté (installez les paquets Debian wrk et nginx)")
        return None
    folder = Path(tempfile.mkdtemp(prefix="allervers-feeds-"))
    folder.chmod(0o755)
    url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
    prepare(Settings(database_url=url))
    private_path = asyncio.run(_populate(url, sessions))
    port, static_port = _port(), _port()
    env = server_env(url, port)
    server: subprocess.Popen[bytes] | None = _serve(env)
    www = folder / "www"
    www.mkdir(mode=0o755)
    conf, conf_workers = folder / "nginx.conf", folder / "nginx-workers.conf"
    for path, processes in ((conf, 1), (conf_workers, WORKERS)):
        path.write_text(
            f"daemon off; worker_processes {processes}; pid {folder}/nginx.pid; "
            f"error_log {folder}/error.log;\n"
            "events { worker_connections 1024; }\n"
            f"http {{ access_log off; sendfile on; types {{ text/calendar ics; }}\n"
            f"  server {{ listen 127.0.0.1:{static_port}; root {www}; etag on; }} }}\n"
        )
    static = None
    base = f"http://127.0.0.1:{port}"
    feed_url = f"{base}/feeds/qpv/{QPV}.ics"
    try:
        _wait(f"{base}/health", server)  # type: ignore[arg-type]
        cold_ms, first = _timed_get(feed_url)
        (www / "feed.ics").write_bytes(first.content)
        (www / "feed.ics").chmod(0o644)
        static = subprocess.Popen([nginx, "-c", str(conf)], stderr=subprocess.DEVNULL)
        _wait(f"http://127.0.0.1:{static_port}/feed.ics", static)
        ours = _wrk(feed_url, seconds)
        not_modified = _wrk(feed_url, seconds, f"If-None-Match: {first.headers['etag']}")
        theirs = _wrk(f"http://127.0.0.1:{static_port}/feed.ics", seconds)
        httpx.get(base + private_path)
        private = _wrk(base + private_path, seconds)

        _stop(server)
        _stop(static)
        server = _serve(env, WORKERS)
        _wait(f"{base}/health", server)
        static = subprocess.Popen([nginx, "-c", str(conf_workers)], stderr=subprocess.DEVNULL)
        _wait(f"http://127.0.0.1:{static_port}/feed.ics", static)
        for _ in range(4 * WORKERS):  # every worker has assembled the feed once
            httpx.get(feed_url, headers={"Connection": "close"})
        ours_workers = _wrk(feed_url, seconds)
        theirs_workers = _wrk(f"http://127.0.0.1:{static_port}/feed.ics", seconds)

        _stop(server)
        server = _serve(env)
        _wait(f"{base}/health", server)
        restart_ms, again = _timed_get(feed_url)
        same = again.content == first.content

        asyncio.run(_rename_venue(url))
        time.sleep(2.5)  # past ALLERVERS_FEED_REVALIDATE_SECONDS: the server checks again
        rename_ms, renamed = _timed_get(feed_url)
        rename_seen = renamed.content.count("renommé".encode()) == sessions
    finally:
        _stop(server)
        _stop(static)
        shutil.rmtree(folder, ignore_errors=True)
    share = ours / theirs
    share_workers = ours_workers / theirs_workers
    private_share = private / ours
    print(
        f"\nDébit à chaud d'un flux de {sessions} séances ({len(first.content) / 1024:.0f} Kio), "
        f"wrk -t2 -c32 pendant {seconds} s sur 127.0.0.1"
    )
    print(f"  allervers serve (1 processus) : {ours:>10,.0f} requêtes/s")
    print(f"  allervers, 304 (If-None-Match) : {not_modified:>10,.0f} requêtes/s")
    print(f"  nginx, même fichier statique  : {theirs:>10,.0f} requêtes/s")
    print(
        f"  part de nginx : {share:.0%} (objectif ≥ {TARGET_SHARE:.0%}) : "
        f"{_verdict(share >= TARGET_SHARE)}"
    )
    print(f"  allervers serve --workers {WORKERS} : {ours_workers:>10,.0f} requêtes/s")
    print(f"  nginx, {WORKERS} processus          : {theirs_workers:>10,.0f} requêtes/s")
    print(
        f"  part de nginx à {WORKERS} processus : {share_workers:.0%} "
        f"(objectif ≥ {TARGET_SHARE_WORKERS:.0%}) : "
        f"{_verdict(share_workers >= TARGET_SHARE_WORKERS)}"
    )
    print(f"  flux privé du même nombre de séances : {private:>10,.0f} requêtes/s")
    print(
        f"  part du flux public : {private_share:.0%} (objectif ≥ {TARGET_PRIVATE:.0%}) : "
        f"{_verdict(private_share >= TARGET_PRIVATE)}"
    )
    print(f"\nPremière requête, base neuve (rendu des {sessions} fragments) : {cold_ms:,.0f} ms")
    print(
        f"Première requête après redémarrage (fragments gardés en base) : {restart_ms:,.1f} ms "
        f"(objectif ≤ {TARGET_RESTART_MS:.0f} ms) : {_verdict(restart_ms <= TARGET_RESTART_MS)}"
        f"{'' if same else ' — ÉCHEC : flux différent'}"
    )
    print(
        f"Lieu de {sessions} séances renommé : requête suivante {rename_ms:,.0f} ms "
        f"(rendu des {sessions} fragments){'' if rename_seen else ' — ÉCHEC : ancien nom'}"
    )
    return (
        share >= TARGET_SHARE
        and share_workers >= TARGET_SHARE_WORKERS
        and private_share >= TARGET_PRIVATE
        and restart_ms <= TARGET_RESTART_MS
        and same
        and rename_seen
    )


if __name__ == "__main__":
    warm()
