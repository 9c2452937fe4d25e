"""Calendar feeds: public ones per QPV, commune, organisation, kind or combined filters, and
each adviser's private feed behind a secret URL. See ``shared/docs/CALENDAR_FEEDS.md``."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, delete, get, post
from litestar.exceptions import ValidationException
from litestar.params import FromPath, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CallerDep, DbSession, Feeds, Now
from api.feeds.conditional import respond
from api.feeds.middleware import feed_address
from api.feeds.service import FeedService
from api.schemas import IdQuery
from planner.access import Access, require_caller
from planner.audiences import Audience
from planner.db import tokens
from planner.db.feeds import FeedSelection, check_selection
from planner.db.models import Commune, Organisation, Qpv
from planner.errors import NotFoundError
from planner.session import SESSION_KIND_LABELS, SessionKind

ICS = re.compile(r"^(?P<key>[A-Za-z0-9_-]{1,64})\.ics$")


def _key(filename: str) -> str:
    match = ICS.match(filename)
    if match is None:
        raise NotFoundError(f"Aucun calendrier à l'adresse « {filename} » (attendu : <code>.ics).")
    return match.group("key")


async def _serve(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    feeds: FeedService,
    now: datetime,
    selection: FeedSelection,
    name: str,
    description: str,
) -> Response[bytes]:
    """The public feed of ``selection``, remembered at the request's address: within
    ``ALLERVERS_FEED_REVALIDATE_SECONDS`` the next request for it is answered by the
    :func:`~api.feeds.middleware.feed_cache` middleware before reaching any route."""
    feed = await feeds.feed(db, selection, name=name, description=description, now=now)
    feeds.remember(feed_address(request.scope), feed)
    return respond(request, feed, max_age=feeds.max_age)


CALENDAR = "text/calendar"
"""What every feed answers (RFC 5545), as the OpenAPI document says."""


@get(
    "/qpv/{filename:str}",
    summary="Calendrier d'un quartier (QPV)",
    opt={"access": Access.ANYONE},
    media_type=CALENDAR,
)
async def feed_qpv(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    feeds: Feeds,
    now: Now,
    filename: FromPath[str],
) -> Response[bytes]:
    """Published sessions serving a QPV, e.g. ``/feeds/qpv/QN08001M.ics``."""
    code = _key(filename).upper()
    qpv = await db_session.get(Qpv, code)
    if qpv is None:
        raise NotFoundError(f"Aucun QPV ne porte le code {code}.")
    return await _serve(
        request,
        db_session,
        feeds,
        now,
        FeedSelection(qpv=code),
        f"{qpv.name} — actions aller vers",
        f"Permanences, forums et ateliers dans le quartier {qpv.name} ({code}).",
    )


@get(
    "/commune/{filename:str}",
    summary="Calendrier d'une commune",
    opt={"access": Access.ANYONE},
    media_type=CALENDAR,
)
async def feed_commune(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    feeds: Feeds,
    now: Now,
    filename: FromPath[str],
) -> Response[bytes]:
    """Published sessions at venues of a commune, e.g. ``/feeds/commune/80021.ics``."""
    insee = _key(filename).upper()
    commune = await db_session.get(Commune, insee)
    if commune is None:
        raise NotFoundError(f"Aucune commune n'a le code INSEE {insee}.")
    return await _serve(
        request,
        db_session,
        feeds,
        now,
        FeedSelection(commune=insee),
        f"{commune.name} — actions aller vers",
        f"Permanences, forums et ateliers à {commune.name}.",
    )


@get(
    "/organisation/{filename:str}",
    summary="Calendrier d'une organisation",
    opt={"access": Access.ANYONE},
    media_type=CALENDAR,
)
async def feed_organisation(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    feeds: Feeds,
    now: Now,
    filename: FromPath[str],
) -> Response[bytes]:
    """Published sessions an organisation runs or joins, e.g. ``/feeds/organisation/3.ics``."""
    key = _key(filename)
    org = (
        await db_session.get(Organisation, int(key))
        if key.isascii() and key.isdigit() and len(key) <= 9
        else None
    )
    if org is None:
        raise NotFoundError(f"Aucune organisation n° {key}.")
    return await _serve(
        request,
        db_session,
        feeds,
        now,
        FeedSelection(organisation=org.id),
        f"{org.name} — actions aller vers",
        f"Les actions publiques de {org.name} dans les quartiers.",
    )


@get(
    "/kind/{filename:str}",
    summary="Calendrier d'un type d'action",
    opt={"access": Access.ANYONE},
    media_type=CALENDAR,
)
async def feed_kind(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    feeds: Feeds,
    now: Now,
    filename: FromPath[str],
) -> Response[bytes]:
    """Published sessions of one kind, e.g. ``/feeds/kind/employer_forum.ics``."""
    key = _key(filename)
    try:
        kind = SessionKind(key)
    except ValueError:
        raise NotFoundError(f"Aucun type d'action « {key} ».") from None
    label = SESSION_KIND_LABELS[kind]
    return await _serve(
        request,
        db_session,
        feeds,
        now,
        FeedSelection(kind=kind),
        f"{label[:1].upper()}{label[1:]} — actions aller vers",
        f"Tous les rendez-vous publics de type « {label} ».",
    )


def _near(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        lat_text, lon_text = value.split(",")
        lat, lon = float(lat_text), float(lon_text)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(value)
    except ValueError:
        raise ValidationException(
            extra=[{"key": "near", "source": "query", "message": "invalid point"}]
        ) from None
    return lat, lon


@get(
    "/public.ics",
    summary="Calendrier public combiné",
    opt={"access": Access.ANYONE},
    media_type=CALENDAR,
)
async def feed_public(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    feeds: Feeds,
    now: Now,
    qpv: Annotated[str | None, QueryParameter(pattern=r"^[Qq][A-Za-z0-9]{5,9}$")] = None,
    commune: Annotated[str | None, QueryParameter(pattern=r"^(\d{5}|2[ABab]\d{3})$")] = None,
    kind: Annotated[SessionKind | None, QueryParameter()] = None,
    audience: Annotated[Audience | None, QueryParameter()] = None,
    organisation: IdQuery = None,
    near: Annotated[str | None, QueryParameter(max_length=40)] = None,
    radius_km: Annotated[float, QueryParameter(gt=0, le=50)] = 2.0,
) -> Response[bytes]:
    """Published sessions matching every filter; ``near=LAT,LON&radius_km=`` keeps those at
    venues that close."""
    selection = FeedSelection(
        qpv=qpv.upper() if qpv else None,
        commune=commune.upper() if commune else None,
        kind=kind,
        audience=audience,
        organisation=organisation,
        near=_near(near),
        radius_km=radius_km,
    )
    await check_selection(db_session, selection)
    return await _serve(
        request,
        db_session,
        feeds,
        now,
        selection,
        "Actions aller vers",
        "Permanences, forums et ateliers près de chez vous.",
    )


@get(
    "/staff/{filename:str}",
    summary="Calendrier privé d'un intervenant",
    opt={"access": Access.SELF},
    media_type=CALENDAR,
)
async def feed_staff(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    feeds: Feeds,
    now: Now,
    filename: FromPath[str],
) -> Response[bytes]:
    """An adviser's own sessions with co-facilitators and internal notes; the secret in the
    address is the only key (404 once rotated or revoked). Remembered at its address like the
    public feeds: a rotation or revocation through this process forgets it at once (as every
    write does), through another within ``ALLERVERS_FEED_REVALIDATE_SECONDS``."""
    staff = await tokens.staff_by_feed_token(db_session, _key(filename))
    if staff is None:
        raise NotFoundError("Ce calendrier privé n'existe pas ou n'existe plus.")
    feed = await feeds.feed(
        db_session,
        FeedSelection(staff=staff.id),
        name=f"Mon agenda aller vers — {staff.name}",
        description=(
            "Vos séances, avec vos co-intervenants et les notes internes. Ne partagez pas ce lien."
        ),
        now=now,
        private=True,
    )
    feeds.remember(feed_address(request.scope), feed)
    return respond(request, feed, max_age=feeds.max_age, private=True)


class FeedTokenOut(msgspec.Struct, frozen=True):
    """Your private calendar's addresses (shown once: keep them to yourself)."""

    https: str
    webcal: str


@post("/", summary="Créer ou renouveler mon calendrier privé", opt={"access": Access.STAFF})
async def feed_token_rotate(
    db_session: DbSession, caller: CallerDep, feeds: Feeds, now: Now
) -> FeedTokenOut:
    """A new secret address for your private feed; the previous one stops working."""
    me = require_caller(caller)
    secret = await tokens.rotate_feed_token(db_session, me.staff_id, now=now)
    url = f"{feeds.public_url}/feeds/staff/{secret}.ics"
    return FeedTokenOut(https=url, webcal="webcal://" + url.split("://", 1)[1])


@delete("/", summary="Supprimer mon calendrier privé", opt={"access": Access.STAFF})
async def feed_token_revoke(db_session: DbSession, caller: CallerDep, now: Now) -> None:
    """Revoke your private feed's address (404 afterwards)."""
    me = require_caller(caller)
    await tokens.revoke_feed_token(db_session, me.staff_id, now=now)


router = Router(
    path="/feeds",
    route_handlers=[feed_qpv, feed_commune, feed_organisation, feed_kind, feed_public, feed_staff],
    tags=["calendriers"],
)
token_router = Router(
    path="/api/staff/me/feed-token",
    route_handlers=[feed_token_rotate, feed_token_revoke],
    tags=["calendriers"],
)
