"""``/mes-jetons``: a signed-in person lists, creates and revokes their own API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from api.deps import CallerDep, DbSession, Now
from api.pages.base import VIEWER, Viewer, page
from planner.access import Access
from planner.db import tokens
from planner.db.models import Staff

SIGN_IN = "/connexion?suivant=/mes-jetons"
PARIS = ZoneInfo("Europe/Paris")


@dataclass
class TokenForm:
    """The form creating a token."""

    name: str = ""


def _when(instant: datetime | None) -> str:
    return "" if instant is None else instant.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def _rows(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": t.id,
            "name": t.name,
            "prefix": t.prefix,
            "created": _when(t.created_at),
            "revoked": _when(t.revoked_at),
        }
        for t in rows
    ]


async def _page(db_session: DbSession, viewer: Staff, **context: Any) -> Template:
    rows = await tokens.list_tokens(db_session, staff_id=viewer.id)
    return page(
        "mes_jetons.html", title="Mes jetons d'API", viewer=viewer, tokens=_rows(rows), **context
    )


@get("/", opt={"access": Access.STAFF}, include_in_schema=False)
async def my_tokens(db_session: DbSession, viewer: Viewer) -> Template | Redirect:
    """The signed-in person's tokens (never their secret)."""
    if viewer is None:
        return Redirect(path=SIGN_IN, status_code=303)
    return await _page(db_session, viewer)


@post("/", opt={"access": Access.STAFF}, include_in_schema=False, status_code=200)
async def create_my_token(
    db_session: DbSession,
    viewer: Viewer,
    now: Now,
    data: Annotated[TokenForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template | Redirect:
    """Create a token for oneself; its secret is shown on this answer only."""
    if viewer is None:
        return Redirect(path=SIGN_IN, status_code=303)
    token, secret = await tokens.issue_token(
        db_session, viewer.id, name=data.name[:100], actor_id=viewer.id, now=now
    )
    return await _page(db_session, viewer, secret=secret, notice=f"Jeton « {token.name} » créé.")


@post(
    "/{token_id:int}/revocation",
    opt={"access": Access.STAFF},
    include_in_schema=False,
    status_code=303,
)
async def revoke_my_token(
    db_session: DbSession, caller: CallerDep, now: Now, token_id: FromPath[int]
) -> Redirect:
    """Revoke one of one's own tokens; it stops working at once."""
    if caller is None:
        return Redirect(path=SIGN_IN, status_code=303)
    await tokens.revoke_token(
        db_session, token_id, caller=caller, actor_id=caller.staff_id, now=now
    )
    return Redirect(path="/mes-jetons", status_code=303)


router = Router(
    path="/mes-jetons",
    route_handlers=[my_tokens, create_my_token, revoke_my_token],
    dependencies=VIEWER,
    tags=["pages"],
)
