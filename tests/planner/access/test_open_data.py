"""Who publishes open data, who reads it, and as whom the counts are read."""

from __future__ import annotations

import pytest

from planner.access import Caller
from planner.access.open_data import (
    may_publish_open_data,
    may_read_open_data,
    not_published,
    open_data_reader,
    require_open_data_publisher,
)
from planner.errors import AuthenticationError, PermissionDeniedError
from planner.open_data import Territory, TerritoryKind
from planner.session import Role


def test_only_admins_publish() -> None:
    """Admins publish and withdraw; every other role 403, anonymous 401."""
    table = {role: may_publish_open_data(Caller(1, 1, role)) for role in Role}
    assert table == {role: role is Role.ADMIN for role in Role}
    with pytest.raises(PermissionDeniedError):
        require_open_data_publisher(Caller(1, 1, Role.MANAGER))
    with pytest.raises(AuthenticationError):
        require_open_data_publisher(None)


def test_anyone_reads_what_is_published() -> None:
    """Published: anyone reads; not published: a 404 naming the territory."""
    error = not_published(Territory(TerritoryKind.EPCI, "200093201"))
    assert (may_read_open_data(published=True), may_read_open_data(published=False)) == (
        True,
        False,
    )
    assert str(error) == "Aucune donnée ouverte n'est publiée pour l'EPCI 200093201."


def test_open_data_reader_is_confined_to_the_territory() -> None:
    """The counts are read as a manager of the published department or EPCI alone."""
    assert (
        open_data_reader(Territory(TerritoryKind.DEPARTMENT, "80")),
        open_data_reader(Territory(TerritoryKind.EPCI, "248000531")),
    ) == (
        Caller(0, 0, Role.MANAGER, departments=frozenset({"80"})),
        Caller(0, 0, Role.MANAGER, epcis=frozenset({"248000531"})),
    )
