"""Who may publish a territory's open data, and who reads it (issue 17).

- only admins publish or withdraw a territory's open data;
- once published, anyone reads it, anonymously: it holds counts per QPV only (sessions held,
  their hours, organisations), never a person; a territory not published does not exist for
  anyone (404), admins included, so its URL says nothing before it is opened;
- the counts are those coverage gives a reader confined to that territory
  (:func:`open_data_reader`): a manager of exactly that department or EPCI, who reads and
  changes nothing, so the published figures are the coverage figures, with the same rules.
"""

from __future__ import annotations

from planner.access.caller import Caller, require_caller
from planner.errors import NotFoundError, PermissionDeniedError
from planner.open_data import Territory, TerritoryKind
from planner.session import Role

NO_ONE = 0
"""The staff and organisation id of the confined reader: no row has it (ids start at 1)."""


def may_publish_open_data(caller: Caller) -> bool:
    """Whether ``caller`` may publish or withdraw a territory's open data."""
    return caller.role is Role.ADMIN


def require_open_data_publisher(caller: Caller | None) -> Caller:
    """An admin, or the error saying why not."""
    known = require_caller(caller)
    if not may_publish_open_data(known):
        raise PermissionDeniedError(
            "Seule l'administration publie ou retire les données ouvertes d'un territoire."
        )
    return known


def may_read_open_data(*, published: bool) -> bool:
    """Whether anyone reads a territory's open data: when it is published."""
    return published


def not_published(territory: Territory) -> NotFoundError:
    """The error answering for a territory whose open data is not published: a 404, as for a
    territory that does not exist."""
    return NotFoundError(f"Aucune donnée ouverte n'est publiée pour {territory.named}.")


def open_data_reader(territory: Territory) -> Caller:
    """The reader whose coverage is published: a manager of ``territory`` alone."""
    department = territory.kind is TerritoryKind.DEPARTMENT
    return Caller(
        staff_id=NO_ONE,
        organisation_id=NO_ONE,
        role=Role.MANAGER,
        departments=frozenset({territory.code}) if department else frozenset(),
        epcis=frozenset() if department else frozenset({territory.code}),
    )
