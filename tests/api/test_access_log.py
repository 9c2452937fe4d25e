"""The access log never holds a secret from a path, nor a forged line."""

from __future__ import annotations

import logging

import pytest
from litestar.testing import TestClient

from api.access_log import loggable_path

Client = TestClient  # type: ignore[type-arg]


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/feeds/staff/cal_AbCdEfGhIjKlMnOpQrStUvWx.ics", "/feeds/staff/…"),
        ("/invitation/Zq3-9xY_abcdefghijklmnopqrstuvwxyz0123", "/invitation/…"),
        ("/reinitialisation/abc", "/reinitialisation/…"),
        ("/api/sessions/12", "/api/sessions/12"),
        ("/feeds/qpv/QN08001M.ics", "/feeds/qpv/QN08001M.ics"),
        ("/x/AbCdEfGhIjKlMnOpQrStUvWxYz", "/x/…"),
        ("/api/sessions/1\nINFO forged 200", "/api/sessions/1\\x0aINFO forged 200"),
        ("/a\r\x1b[31m", "/a\\x0d\\x1b[31m"),
    ],
)
def test_loggable_path(path: str, logged: str) -> None:
    """Secrets become « … » and control characters are escaped."""
    assert loggable_path(path) == logged


def test_access_log_line_of_a_private_feed(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """Fetching a private feed and a path with an encoded line feed logs neither as sent."""
    with caplog.at_level(logging.INFO, logger="allervers.access"):
        client.get("/feeds/staff/cal_AbCdEfGhIjKlMnOpQrStUvWx.ics")
        client.get("/api/sessions/1%0AINFO%20forged")
    lines = [r.getMessage() for r in caplog.records if r.name == "allervers.access"]
    assert [line.rsplit(" ", 2)[0] for line in lines] == [
        "GET /feeds/staff/… 404",
        "GET /api/sessions/1\\x0aINFO forged 404",
    ]
