"""``/calendriers``: a resident finds their neighbourhood and subscribes to its calendar.

Templates in the base layout, no script needed: search by QPV name, commune, postcode or typed
address (:mod:`planner.db.neighbourhood_search`); each neighbourhood page gives a ``webcal://``
link, an ``https://`` link to copy, a QR code drawn on the server (segno) and short
instructions for Google, Outlook and Apple calendars.
"""

from __future__ import annotations

from typing import Annotated, Any

import segno
from litestar import Router, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from api.deps import DbSession, Feeds, Now, Placer
from api.feeds.service import FeedService
from api.pages.base import VIEWER, Viewer, page
from api.pages.session_view import when
from planner.access import Access
from planner.audiences import AUDIENCE_LABELS, Audience
from planner.db.feeds import FeedSelection, FeedWindow, upcoming_sessions
from planner.db.models import OutreachSession, Qpv
from planner.db.neighbourhood_search import Answer, find_neighbourhoods
from planner.errors import NotFoundError
from planner.rules_text import distance
from planner.session import SESSION_KIND_LABELS, SessionKind, SessionStatus

UPCOMING = 10
"""How many of the next sessions a neighbourhood's page lists."""
FORUM_RADIUS_KM = 10
"""« Forums employeurs près de chez moi »: the employer forums this close to the quarter."""


def _links(feeds: FeedService, path: str) -> dict[str, str]:
    """A feed's https address (to copy) and webcal one (to subscribe)."""
    https = f"{feeds.public_url}{path}"
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def _directory(feeds: FeedService) -> list[dict[str, str]]:
    """The calendars of one audience or one kind, for every quarter at once."""
    return [
        {"label": f"Pour les {label}" if code != Audience.EVERYONE else "Tous publics",
         **_links(feeds, f"/feeds/public.ics?audience={code.value}")}
        for code, label in AUDIENCE_LABELS.items()
    ] + [
        {"label": label[:1].upper() + label[1:], **_links(feeds, f"/feeds/kind/{kind.value}.ics")}
        for kind, label in SESSION_KIND_LABELS.items()
    ]  # fmt: skip


def _found(answer: Answer) -> list[dict[str, Any]]:
    return [
        {
            "code": f.qpv.code,
            "name": f.qpv.name,
            "communes": ", ".join(c.name for c in f.qpv.communes),
            "inside": f.inside,
            "distance": distance(f.distance_m) if f.distance_m is not None else None,
        }
        for f in answer.found
    ]


@get(
    "/",
    summary="Trouver le calendrier de son quartier",
    opt={"access": Access.ANYONE},
    include_in_schema=False,
)
async def calendars_page(
    db_session: DbSession,
    placer: Placer,
    feeds: Feeds,
    viewer: Viewer,
    q: Annotated[str | None, QueryParameter(max_length=200)] = None,
) -> Template:
    """Search by neighbourhood, commune, postcode or address; the matches link to their
    calendars."""
    text = (q or "").strip()
    answer = await find_neighbourhoods(db_session, placer, text) if text else Answer()
    return page(
        "calendriers.html",
        title="Calendriers des quartiers",
        viewer=viewer,
        text=text,
        answer=answer,
        found=_found(answer),
        directory=_directory(feeds),
    )


@get(
    "/qpv/{code:str}",
    summary="S'abonner au calendrier d'un quartier",
    opt={"access": Access.ANYONE},
    include_in_schema=False,
)
async def calendar_qpv_page(
    db_session: DbSession,
    feeds: Feeds,
    viewer: Viewer,
    now: Now,
    code: FromPath[str],
) -> Template:
    """The next sessions of one neighbourhood (as its feed holds them), then the subscription
    links, QR code and instructions."""
    qpv = await db_session.get(Qpv, code.upper())
    if qpv is None:
        raise NotFoundError(f"Aucun QPV ne porte le code {code}.")
    window = feeds.window(now)
    rows = await upcoming_sessions(
        db_session,
        FeedSelection(qpv=qpv.code),
        FeedWindow(start=now, end=window.end, cancelled_since=window.cancelled_since),
        limit=UPCOMING,
    )
    https = f"{feeds.public_url}/feeds/qpv/{qpv.code}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    return page(
        "calendrier_quartier.html",
        title=f"Calendrier — {qpv.name}",
        viewer=viewer,
        qpv=qpv,
        communes=", ".join(c.name for c in qpv.communes),
        https=https,
        webcal=webcal,
        qr=segno.make(webcal, error="m").svg_data_uri(scale=5, border=2),
        upcoming=[_upcoming(row) for row in rows],
        communes_feeds=[
            {
                "label": f"Tous les rendez-vous à {c.name}",
                **_links(feeds, f"/feeds/commune/{c.insee_code}.ics"),
            }
            for c in qpv.communes
        ],
        forums={
            "label": f"Forums employeurs à moins de {FORUM_RADIUS_KM} km du quartier",
            **_links(
                feeds,
                f"/feeds/public.ics?kind={SessionKind.EMPLOYER_FORUM.value}"
                f"&near={qpv.centroid_lat:.5f},{qpv.centroid_lon:.5f}&radius_km={FORUM_RADIUS_KM}",
            ),
        },
    )


def _upcoming(row: OutreachSession) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "kind": SESSION_KIND_LABELS[SessionKind(row.kind)],
        "when": when(row),
        "venue": row.venue.name,
        "cancelled": row.status == SessionStatus.CANCELLED.value,
    }


router = Router(
    path="/calendriers",
    route_handlers=[calendars_page, calendar_qpv_page],
    dependencies=VIEWER,
    tags=["pages"],
)
