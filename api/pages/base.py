"""What every page shares: the signed-in person shown in the header, rendering, safe redirects."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from planner.db.accounts import signed_in_staff
from planner.db.models import Staff

Viewer = NamedDependency[Staff | None]


async def provide_viewer(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> Staff | None:
    """The person the browser session designates (for the header), or ``None``."""
    return await signed_in_staff(db_session, request.session)


VIEWER = {"viewer": Provide(provide_viewer)}


def page(
    template: str, *, title: str, viewer: Staff | None, status: int = 200, **context: Any
) -> Template:
    """Render ``template`` in the base layout."""
    return Template(
        template_name=template,
        context={"title": title, "viewer": viewer, **context},
        status_code=status,
    )


def local_path(candidate: str | None, default: str) -> str:
    """``candidate`` if it is a path of this site (never another site: no open redirect)."""
    if candidate and candidate.startswith("/") and not candidate.startswith(("//", "/\\")):
        return candidate
    return default


def client_address(request: Request[Any, Any, Any]) -> str:
    """The client's address, for throttling failed sign-ins."""
    return request.client.host if request.client else "inconnue"
