"""``/inscriptions/{secret}``: a registrant's personal page, reached by the link given when they
registered (no account): see the registration, take a place offered from the waiting list,
change the name or needs given, cancel, erase. The same services as the API
(:mod:`planner.db.registrations`). The page is never cached nor sends its address on.
"""

from __future__ import annotations

from litestar import Router, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.deps import AppSettings, DbSession, Now
from api.pages.base import VIEWER, Viewer, page
from api.pages.form_values import FormData, one
from api.pages.session_view import when
from api.schemas.registration import my_registration
from planner.access import Access
from planner.db import registrations
from planner.errors import ConflictError, InvalidInputError
from planner.messages import when_text
from planner.registration import NAME_MAX, NEEDS_MAX, RegistrationStatus

PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
"""A personal page: kept by no cache, its address sent to no other page."""
DONE = {
    "nouvelle": "",
    "modifiee": "Vos changements sont enregistrés.",
    "annulee": "Votre inscription est annulée ; votre place est proposée à la personne suivante.",
    "confirmee": "La place est à vous : votre inscription est confirmée.",
}


async def _page(
    db_session: DbSession,
    viewer: Viewer,
    secret: str,
    *,
    status: int = 200,
    notice: str | None = None,
    alert: str | None = None,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Template:
    row, outreach = await registrations.registration_view(db_session, secret)
    mine = my_registration(row, outreach)
    state = RegistrationStatus(row.status)
    template = page(
        "inscription.html",
        title=f"Mon inscription : {outreach.title}",
        viewer=viewer,
        status=status,
        r=mine,
        secret=secret,
        when=when(outreach),
        offered=state is RegistrationStatus.OFFERED,
        active=state is not RegistrationStatus.CANCELLED,
        offered_until=when_text(row.offered_until) if row.offered_until else None,
        notice=notice,
        error=alert or (f"{len(errors)} problème(s) à corriger." if errors else None),
        errors=errors or {},
        form=form or {"first_name": row.first_name or "", "needs": row.needs or ""},
        name_max=NAME_MAX,
        needs_max=NEEDS_MAX,
    )
    template.headers.update(PRIVATE)
    return template


def _new_notice(by_mail: bool, status: str) -> str:
    if status == RegistrationStatus.WAITING:
        head = "La séance est complète : vous êtes sur la liste d'attente."
    else:
        head = "Vous êtes inscrit(e)."
    if by_mail:
        return head + " Un courriel vous le confirme, avec ce lien."
    return head + " Gardez ce lien (ajoutez la page à vos favoris) : lui seul permet de la revoir."


@get("/{secret:str}", opt={"access": Access.SELF}, include_in_schema=False)
async def registration_page(
    db_session: DbSession,
    viewer: Viewer,
    secret: FromPath[str],
    done: FromQuery[str | None] = None,
    nouvelle: FromQuery[str | None] = None,
) -> Template:
    """The registrant's page (404 once erased: the link died with the data)."""
    notice = None
    if nouvelle is not None:
        row = await registrations.find_registration(db_session, secret)
        notice = _new_notice(row.email is not None, row.status)
    elif done is not None:
        notice = DONE.get(done) or None
    return await _page(db_session, viewer, secret, notice=notice)


def _back(secret: str, done: str) -> Redirect:
    return Redirect(path=f"/inscriptions/{secret}?done={done}", status_code=303)


@post("/{secret:str}/modification", opt={"access": Access.SELF}, include_in_schema=False)
async def change_from_page(
    db_session: DbSession, viewer: Viewer, secret: FromPath[str], data: FormData
) -> Template | Redirect:
    """Change the name or the needs; refused, the page again with why."""
    form = {"first_name": one(data, "first_name"), "needs": one(data, "needs")}
    try:
        await registrations.change_registration(
            db_session, secret, first_name=form["first_name"], needs=form["needs"]
        )
    except (InvalidInputError, ConflictError) as refused:
        errors = dict(refused.errors) if isinstance(refused, InvalidInputError) else None
        alert = None if errors else refused.message
        return await _page(
            db_session, viewer, secret, status=422, errors=errors, alert=alert, form=form
        )
    return _back(secret, "modifiee")


@post("/{secret:str}/annulation", opt={"access": Access.SELF}, include_in_schema=False)
async def cancel_from_page(
    db_session: DbSession, settings: AppSettings, now: Now, secret: FromPath[str]
) -> Redirect:
    """Cancel (the place goes to the first person waiting)."""
    links = settings.registration_links()
    await registrations.cancel_registration(db_session, secret, links=links, now=now)
    return _back(secret, "annulee")


@post("/{secret:str}/acceptation", opt={"access": Access.SELF}, include_in_schema=False)
async def accept_from_page(
    db_session: DbSession, viewer: Viewer, now: Now, secret: FromPath[str]
) -> Template | Redirect:
    """Take the place offered; too late, the page says so."""
    try:
        await registrations.take_offer(db_session, secret, now=now)
    except ConflictError as refused:
        return await _page(db_session, viewer, secret, status=409, alert=refused.message)
    return _back(secret, "confirmee")


@post("/{secret:str}/effacement", opt={"access": Access.SELF}, include_in_schema=False)
async def erase_from_page(
    db_session: DbSession, viewer: Viewer, settings: AppSettings, now: Now, secret: FromPath[str]
) -> Template:
    """Erase: the registration is cancelled and its personal data gone, link included."""
    links = settings.registration_links()
    await registrations.erase_registration(db_session, secret, links=links, now=now)
    template = page("inscription_effacee.html", title="Inscription effacée", viewer=viewer)
    template.headers.update(PRIVATE)
    return template


router = Router(
    path="/inscriptions",
    route_handlers=[
        registration_page,
        change_from_page,
        cancel_from_page,
        accept_from_page,
        erase_from_page,
    ],
    dependencies=VIEWER,
    tags=["pages"],
)
