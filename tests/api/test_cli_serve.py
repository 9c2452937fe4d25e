"""``allervers serve`` (what ``make run`` calls) migrates, loads the bundled data and serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_fresh_sqlite_answers_over_http(tmp_path: Path) -> None:
    """On a new embedded database the server comes up with the 204 QPVs and locates Etouvie."""
    port = _free_port()
    environ = {
        **os.environ,
        "ALLERVERS_PORT": str(port),
        "ALLERVERS_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'allervers.sqlite3'}",
    }
    script = Path(sys.executable).with_name("allervers")
    server = subprocess.Popen(
        [str(script), "serve"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stdout.read() if server.stdout else "") from None
                time.sleep(0.2)
        somme = httpx.get(f"{base}/api/qpv", params={"dep": "80"}).json()
        located = httpx.get(f"{base}/api/locate", params={"lat": 49.9151, "lon": 2.2502}).json()
        typed = httpx.get(f"{base}/api/geocode", params={"q": "12 rue Secrète 80000 Amiens"})
        with httpx.Client(base_url=base) as kept:  # HEAD then GET on one connection
            feed_head = kept.head("/feeds/qpv/QN08001M.ics")
            feed_get = kept.get("/feeds/qpv/QN08001M.ics")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert (health.status_code, health.json()["qpv_count"], health.json()["commune_count"]) == (
        200,
        204,
        3782,
    )
    assert ("QN08001M", "Etouvie") in [(q["code"], q["name"]) for q in somme]
    assert (located["qpv"]["code"], located["commune"]["name"]) == ("QN08001M", "Amiens")
    assert (feed_head.status_code, feed_head.content, feed_get.status_code) == (200, b"", 200)
    assert feed_head.headers["content-length"] == feed_get.headers["content-length"]
    assert output.splitlines()[:3] == [
        "204 QPV chargés (qp2024_hdf.geojson)",
        "3782 communes chargées (communes_hdf.csv)",
        "3782 contours de communes chargés",
    ]
    assert f"allervers sert sur {base}" in output.splitlines()
    assert (typed.status_code, "Secr" in output, "GET /api/geocode 200" in output) == (
        200,
        False,
        True,
    )
