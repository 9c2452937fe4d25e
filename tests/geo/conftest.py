"""Fixtures of the geo tests: a canned-answer HTTP server for the network providers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.geo.httpfixture import HttpFixture, serve


@pytest.fixture
def server() -> Iterator[HttpFixture]:
    """A canned-answer HTTP server on 127.0.0.1."""
    yield from serve()
