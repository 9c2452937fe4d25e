"""``/mon-calendrier``: a person's private calendar address — created or changed (shown once,
with a QR code for a phone), or removed — through the services behind
``POST``/``DELETE /api/staff/me/feed-token``."""

from __future__ import annotations

import segno
from litestar import Router, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from api.deps import CallerDep, DbSession, Feeds, Now
from api.pages.base import VIEWER, Viewer, page
from planner.access import Access
from planner.db import tokens

SIGN_IN = "/connexion?suivant=/mon-calendrier"


def _page(viewer: Viewer, *, address: str | None = None, notice: str | None = None) -> Template:
    qr = None
    if address is not None:
        qr = segno.make(address, error="m").svg_data_uri(scale=5, border=2)
    return page(
        "mon_calendrier.html",
        title="Mon calendrier",
        viewer=viewer,
        current="/mon-calendrier",
        has_feed=viewer is not None and viewer.feed_token_hash is not None,
        address=address,
        webcal="webcal://" + address.split("://", 1)[1] if address else None,
        qr=qr,
        notice=notice,
    )


@get("/", opt={"access": Access.STAFF}, include_in_schema=False)
async def my_calendar(
    viewer: Viewer, supprime: FromQuery[str | None] = None
) -> Template | Redirect:
    """Whether the person has a private address, and how to subscribe to it."""
    if viewer is None:
        return Redirect(path=SIGN_IN, status_code=303)
    return _page(
        viewer, notice="Adresse supprimée : elle ne fonctionne plus." if supprime else None
    )


@post("/", opt={"access": Access.STAFF}, include_in_schema=False, status_code=200)
async def new_address(
    db_session: DbSession, viewer: Viewer, caller: CallerDep, feeds: Feeds, now: Now
) -> Template | Redirect:
    """A new secret address (the previous one stops working), shown on this answer only."""
    if viewer is None or caller is None:
        return Redirect(path=SIGN_IN, status_code=303)
    secret = await tokens.rotate_feed_token(db_session, caller.staff_id, now=now)
    address = f"{feeds.public_url}/feeds/staff/{secret}.ics"
    return _page(viewer, address=address, notice="Nouvelle adresse créée : copiez-la maintenant.")


@post("/suppression", opt={"access": Access.STAFF}, include_in_schema=False, status_code=303)
async def remove_address(db_session: DbSession, caller: CallerDep, now: Now) -> Redirect:
    """Remove the address: calendars subscribed to it stop receiving the sessions."""
    if caller is None:
        return Redirect(path=SIGN_IN, status_code=303)
    await tokens.revoke_feed_token(db_session, caller.staff_id, now=now)
    return Redirect(path="/mon-calendrier?supprime=1", status_code=303)


router = Router(
    path="/mon-calendrier",
    route_handlers=[my_calendar, new_address, remove_address],
    dependencies=VIEWER,
    tags=["pages"],
)
