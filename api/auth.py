"""Bearer-token authentication: the ``caller`` dependency of every route.

No ``Authorization`` header → anonymous (``None``); a malformed, unknown or revoked token → 401;
what a known caller may do is decided by :mod:`planner.access` in the services.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.db.accounts import signed_in_staff
from planner.db.tokens import authenticate
from planner.errors import AuthenticationError
from planner.session import Role


async def provide_caller(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> Caller | None:
    """The staff member whose token the request carries, or ``None`` without a token."""
    header = request.headers.get("authorization")
    if not header:
        # Minimal reading of the browser session until helper "policy" resolves the caller.
        staff = await signed_in_staff(db_session, request.scope.get("session"))
        if staff is None:
            return None
        return Caller(
            staff_id=staff.id,
            organisation_id=staff.organisation_id,
            role=Role(staff.role),
            departments=frozenset(t.code for t in staff.territory if t.kind == "departement"),
            epcis=frozenset(t.code for t in staff.territory if t.kind == "epci"),
        )
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError(
            "En-tête Authorization mal formé : « Authorization: Bearer <jeton> » attendu."
        )
    return await authenticate(db_session, token)
