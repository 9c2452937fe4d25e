"""Schemathesis over the OpenAPI document, on a real server and both databases, with and
without a token: no operation answers a 5xx, and every answer matches what the document says
(status, media type, body schema). The budget is bounded (``FUZZ_EXAMPLES`` per operation)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Databases, Team, serve

FUZZ_EXAMPLES = int(os.environ.get("ALLERVERS_FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_target(
    backend: str,
    template_database: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[tuple[str, Team]]:
    """One server on one fresh database per backend, with the test team; its URL."""
    from tests.factories import make_team

    databases = Databases(backend, tmp_path_factory.mktemp("fuzz"), request)
    url = databases.empty(template=template_database)
    team = asyncio.run(make_team(url))
    with contextmanager(serve)(url) as base:
        yield base, team
    databases.cleanup()


SKIPPED = {"DELETE /api/tokens/{token_id}", "PATCH /api/staff/{staff_id}"}
"""Operations not fuzzed as the admin: a generated id would revoke the admin's own token or
deactivate the admin, and leave the rest of the run anonymous."""


def _failures(operation: Any, mode: GenerationMode, base: str, team: Team) -> list[str]:
    """Run ``operation``'s generated cases in ``mode``, by nobody then by the admin; the
    failing checks, described (empty when every answer is as documented)."""
    callers = [{}] if operation.label in SKIPPED else [{}, team.headers("admin")]

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        for headers in callers:
            case.call_and_validate(base_url=base, headers=headers, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        return []  # no invalid value exists for this operation's parameters in this mode
    except (Exception, BaseExceptionGroup) as exc:  # each failure, reported with its operation
        return [f"{operation.label} ({mode.value}): {str(exc)[:1500]}"]
    return []


def test_api_answers_as_documented(fuzz_target: tuple[str, Team]) -> None:
    """Generated requests, valid and invalid, to every operation of the OpenAPI document, sent
    by nobody then by an admin (who reaches every operation), get documented answers and never
    a 5xx."""
    base, team = fuzz_target
    schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    failures = [
        failure
        for result in schema.get_all_operations()
        for mode in GenerationMode
        for failure in _failures(result.ok(), mode, base, team)
    ]
    still_admin = httpx.get(f"{base}/api/tokens", headers=team.headers("admin")).status_code
    assert (failures, still_admin) == ([], 200), "\n\n".join(failures)
