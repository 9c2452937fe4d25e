"""What every page shares: the signed-in person shown in the header, rendering, safe redirects."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Access, allows
from planner.access.people import may_read_coverage
from planner.db.accounts import signed_in_staff
from planner.db.models import Staff
from planner.session import Role

Viewer = NamedDependency[Staff | None]


async def provide_viewer(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> Staff | None:
    """The person the browser session designates (for the header), or ``None``."""
    return await signed_in_staff(db_session, request.session)


VIEWER = {"viewer": Provide(provide_viewer)}


MENU: tuple[tuple[str, str, Access | None], ...] = (
    ("/agenda", "Mon agenda", Access.STAFF),
    ("/reserver", "Réserver une séance", Access.BOOKER),
    ("/campagnes", "Campagnes", Access.PLANNER),
    ("/couverture", "Couverture", None),
    ("/mon-calendrier", "Mon calendrier", Access.STAFF),
    ("/mes-jetons", "Mes jetons", Access.STAFF),
)
"""The signed-in menu: path, label, and the level its page declares (``None``: coverage,
whose readers the access policy names)."""


def menu(role: Role, current: str | None) -> list[dict[str, Any]]:
    """The menu entries a person of ``role`` may open (the access policy decides)."""
    return [
        {"href": href, "label": label, "current": href == current}
        for href, label, level in MENU
        if (may_read_coverage(role) if level is None else allows(level, role))
    ]


def page(
    template: str,
    *,
    title: str,
    viewer: Staff | None,
    status: int = 200,
    current: str | None = None,
    **context: Any,
) -> Template:
    """Render ``template`` in the base layout; ``current`` is the menu entry shown as the page
    the person is on."""
    entries = menu(Role(viewer.role), current) if viewer is not None else []
    return Template(
        template_name=template,
        context={"title": title, "viewer": viewer, "menu": entries, **context},
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
