"""Registration routes: a resident registers to a session and manages it through the secret of
their personal link (no account); the session's organisers list its registrants.

The secret in ``/api/registrations/{secret}`` is the credential (``Access.SELF``); the access
log never writes it (:mod:`api.access_log`).
"""

from __future__ import annotations

from litestar import Response, Router, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.deps import AppSettings, CallerDep, DbSession, Feeds, Now
from api.schemas.registration import (
    AttendanceIn,
    MyRegistration,
    Registered,
    RegistrantOut,
    RegistrationIn,
    RegistrationPatch,
    my_registration,
    registrant_out,
    registrants_csv,
)
from planner.access import Access
from planner.db import registrants, registrations

SecretPath = FromPath[str]


def registered_message(again: bool, status: str | None, *, by_mail: bool) -> str:
    """What the resident reads after registering (French)."""
    if again:
        return (
            "Cette adresse est déjà inscrite à cette séance : le lien de l'inscription vient "
            "d'y être envoyé à nouveau."
        )
    told = " Un courriel le confirme." if by_mail else " Gardez bien ce lien personnel."
    if status == "waiting":
        return "La séance est complète : vous êtes sur la liste d'attente." + told
    return "Vous êtes inscrit(e)." + told


@post(
    "/api/sessions/{session_id:int}/registrations",
    status_code=HTTP_201_CREATED,
    summary="S'inscrire à une séance",
    opt={"access": Access.ANYONE},
    tags=["inscriptions"],
)
async def registration_create(
    db_session: DbSession,
    settings: AppSettings,
    feeds: Feeds,
    now: Now,
    session_id: FromPath[int],
    data: JSONBody[RegistrationIn],
) -> Response[Registered]:
    """Register to a session that takes registrations: ``confirmed`` while places are left,
    else ``waiting``; 409 when it takes none, is cancelled or has started, or the phone number
    is already registered; 422 with every problem of the form."""
    links = settings.registration_links()
    outcome = await registrations.register(
        db_session,
        session_id,
        data.to_input(),
        links=links,
        ics=feeds.public_ics,
        now=now,
    )
    row = outcome.row
    message = registered_message(outcome.again, row.status, by_mail=row.email is not None)
    if outcome.again:
        return Response(Registered(again=True, message=message), status_code=HTTP_200_OK)
    link = links.personal(row.secret or "")
    return Response(
        Registered(again=False, message=message, status=row.status, link=link),  # type: ignore[arg-type]
        status_code=HTTP_201_CREATED,
    )


@get(
    "/api/sessions/{session_id:int}/registrations",
    summary="Les inscrits d'une séance (organisateurs)",
    opt={"access": Access.BOOKER},
    tags=["inscriptions"],
)
async def registration_list(
    db_session: DbSession, caller: CallerDep, session_id: FromPath[int]
) -> list[RegistrantOut]:
    """The registrants, in order of registration (cancelled last): for the session's organisers
    only (403 for other staff)."""
    rows = await registrants.list_registrations(db_session, session_id, caller=caller)
    return [registrant_out(row) for row in rows]


@get(
    "/api/sessions/{session_id:int}/registrations.csv",
    summary="Les inscrits d'une séance (CSV, organisateurs)",
    opt={"access": Access.BOOKER},
    media_type="text/csv",
    tags=["inscriptions"],
)
async def registration_table(
    db_session: DbSession, caller: CallerDep, session_id: FromPath[int]
) -> Response[bytes]:
    """The same list for a spreadsheet (``;``, UTF-8 with BOM, formulas neutralised)."""
    rows = await registrants.list_registrations(db_session, session_id, caller=caller)
    return Response(
        registrants_csv(rows),
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="inscrits-seance-{session_id}.csv"',
            "Cache-Control": "private, no-store",
        },
    )


@put(
    "/api/sessions/{session_id:int}/attendance",
    summary="Noter la présence des inscrits (organisateurs)",
    opt={"access": Access.BOOKER},
    tags=["inscriptions"],
)
async def attendance_update(
    db_session: DbSession,
    caller: CallerDep,
    now: Now,
    session_id: FromPath[int],
    data: JSONBody[AttendanceIn],
) -> list[RegistrantOut]:
    """Mark who came, once the session has started (409 before); every registration named must
    be the session's (422, nothing marked)."""
    marks = {mark.registration_id: mark.attendance or "" for mark in data.marks}
    rows = await registrants.mark_attendance(db_session, session_id, marks, caller=caller, now=now)
    return [registrant_out(row) for row in rows]


@get("/{secret:str}", summary="Mon inscription", opt={"access": Access.SELF})
async def registration_detail(db_session: DbSession, secret: SecretPath) -> MyRegistration:
    """A registration seen through its personal link (404 once erased)."""
    return await _mine(db_session, secret)


async def _mine(db_session: DbSession, secret: str) -> MyRegistration:
    row, outreach = await registrations.registration_view(db_session, secret)
    return my_registration(row, outreach)


@patch("/{secret:str}", summary="Modifier mon inscription", opt={"access": Access.SELF})
async def registration_update(
    db_session: DbSession, secret: SecretPath, data: JSONBody[RegistrationPatch]
) -> MyRegistration:
    """Change the name given or the needs (the contact stays)."""
    await registrations.change_registration(
        db_session, secret, first_name=data.first_name, needs=data.needs
    )
    return await _mine(db_session, secret)


@post(
    "/{secret:str}/cancel",
    status_code=HTTP_200_OK,
    summary="Annuler mon inscription",
    opt={"access": Access.SELF},
)
async def registration_cancel(
    db_session: DbSession, settings: AppSettings, now: Now, secret: SecretPath
) -> MyRegistration:
    """Cancel: the place goes to the first person waiting (an offer)."""
    links = settings.registration_links()
    await registrations.cancel_registration(db_session, secret, links=links, now=now)
    return await _mine(db_session, secret)


@post(
    "/{secret:str}/accept",
    status_code=HTTP_200_OK,
    summary="Prendre la place proposée",
    opt={"access": Access.SELF},
)
async def registration_accept(
    db_session: DbSession, now: Now, secret: SecretPath
) -> MyRegistration:
    """Take the place offered to you from the waiting list, before the offer ends (409 after)."""
    await registrations.take_offer(db_session, secret, now=now)
    return await _mine(db_session, secret)


@delete(
    "/{secret:str}",
    status_code=HTTP_204_NO_CONTENT,
    summary="Effacer mon inscription",
    opt={"access": Access.SELF},
)
async def registration_erase(
    db_session: DbSession, settings: AppSettings, now: Now, secret: SecretPath
) -> None:
    """Cancel and erase: name, contact and needs are gone at once, and the link with them."""
    links = settings.registration_links()
    await registrations.erase_registration(db_session, secret, links=links, now=now)


sessions_router = Router(
    path="/",
    route_handlers=[registration_create, registration_list, registration_table, attendance_update],
    tags=["inscriptions"],
)
router = Router(
    path="/api/registrations",
    route_handlers=[
        registration_detail,
        registration_update,
        registration_cancel,
        registration_accept,
        registration_erase,
    ],
    tags=["inscriptions"],
)
