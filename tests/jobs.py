"""Follow a background job to its end, as a client of ``202`` + ``Location`` does."""

from __future__ import annotations

import time
from typing import Any

import httpx

ENDED = ("done", "failed")


def follow_job(client: Any, answer: httpx.Response, *, seconds: float = 60) -> dict[str, Any]:
    """The job ``answer`` (a 202 with a ``Location``) handed over, once it has ended; the
    client must carry the credentials of the one who asked."""
    assert answer.status_code == 202, answer.text
    location = answer.headers["location"]
    assert location.startswith("/api/jobs/"), location
    deadline = time.monotonic() + seconds
    while True:
        job = client.get(location)
        assert job.status_code == 200, job.text
        body: dict[str, Any] = job.json()
        if body["status"] in ENDED:
            assert "retry-after" not in job.headers
            return body
        assert job.headers["retry-after"] == "1"
        if time.monotonic() > deadline:
            raise AssertionError(f"travail toujours {body['status']} après {seconds} s : {body}")
        time.sleep(0.05)
