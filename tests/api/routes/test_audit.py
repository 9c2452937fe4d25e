"""GET /api/audit: admins read all, managers the entries of their territory."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.conftest import Team
from tests.factories import create_venue

Client = TestClient  # type: ignore[type-arg]


def test_audit_scoped_to_the_managers_territory(client: Client, wide_team: Team) -> None:
    """A department-80 manager reads the Amiens venue's entry only; a department-59 manager
    nothing; an admin also the staff and token entries; advisers are refused."""
    team = wide_team
    venue = create_venue(client, team)
    inside = client.get("/api/audit", headers=team.headers("manager_inside")).json()
    outside = client.get("/api/audit", headers=team.headers("manager")).json()
    admin = client.get("/api/audit", headers=team.headers("admin")).json()
    assert [(e["entity"], e["entity_id"]) for e in inside] == [("venue", venue)]
    assert outside == []
    assert {e["entity"] for e in admin} == {"organisation", "staff", "token", "venue"}
    assert client.get("/api/audit", headers=team.headers("adviser")).status_code == 403
