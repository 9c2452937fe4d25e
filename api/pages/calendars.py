"""``/calendriers``: a resident finds their neighbourhood and subscribes to its calendar.

Plain HTML and CSS served by the app (no script, no CDN), usable on a phone: search by QPV
name, commune or typed address (geocoded with the venues' geocoder, then located in its QPV);
each neighbourhood page gives a ``webcal://`` link, an ``https://`` link to copy, a QR code
drawn on the server (segno) and short instructions for Google, Outlook and Apple calendars.
"""

from __future__ import annotations

import io
from html import escape
from typing import Annotated

import segno
from litestar import Response, Router, get
from litestar.params import FromPath, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import DbSession, Feeds, Placer
from geo.geocoding import GeocoderUnavailableError
from planner.access import Access
from planner.db.models import Qpv
from planner.db.territory import communes_named, list_qpvs
from planner.db.venues import VenuePlacer
from planner.errors import NotFoundError

STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:44rem;padding:1rem;line-height:1.5;
color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
form{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0 1rem}
input[type=search]{flex:1 1 16rem;font-size:1rem;padding:.6rem;border:1px solid #666;
border-radius:.3rem}
button,.bouton{font-size:1rem;padding:.6rem 1rem;border:0;border-radius:.3rem;background:#000091;
color:#fff;text-decoration:none;display:inline-block}
ul{padding-left:1.2rem}li{margin:.3rem 0}
.lien{word-break:break-all;background:#f2f2f2;padding:.5rem;border-radius:.3rem;font-family:monospace}
.erreur{background:#ffe9e9;padding:.6rem;border-radius:.3rem}
.qr svg{width:12rem;height:12rem}
footer{margin-top:3rem;font-size:.85rem;color:#555}
"""


def _page(title: str, body: str, *, status: int = 200) -> Response[str]:
    html = (
        '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"{body}<footer>Données des quartiers : ANCT — périmètres des quartiers prioritaires "
        "2024 ; "
        "communes : IGN, INSEE, DILA, La Poste. Aucune donnée personnelle n'est publiée dans ces "
        "calendriers.</footer></body></html>"
    )
    return Response(html, media_type="text/html", status_code=status)


SEARCH_FORM = (
    '<form method="get" action="/calendriers" role="search">'
    '<label for="q">Quartier, commune ou adresse</label>'
    '<input type="search" id="q" name="q" placeholder="Quartier, commune ou adresse" '
    'value="{value}" required maxlength="200"><button type="submit">Chercher</button></form>'
)


def _qpv_item(qpv: Qpv, note: str = "") -> str:
    communes = ", ".join(c.name for c in qpv.communes)
    return (
        f'<li><a href="/calendriers/qpv/{escape(qpv.code)}">{escape(qpv.name)}</a> — '
        f"{escape(communes)}{escape(note)}</li>"
    )


@get(
    "/",
    summary="Trouver le calendrier de son quartier",
    opt={"access": Access.ANYONE},
    include_in_schema=False,
)
async def calendars_page(
    db_session: DbSession,
    placer: Placer,
    q: Annotated[str | None, QueryParameter(max_length=200)] = None,
) -> Response[str]:
    """Search by neighbourhood, commune or address; the matches link to their calendars."""
    text = (q or "").strip()
    parts = [
        "<h1>Les rendez-vous emploi et formation de votre quartier</h1>",
        "<p>Permanences du soir, forums employeurs, ateliers : abonnez votre téléphone au "
        "calendrier de votre quartier, il se mettra à jour tout seul.</p>",
        SEARCH_FORM.format(value=escape(text)),
    ]
    if text:
        found = list(await list_qpvs(db_session, text=text))
        found += [
            qpv
            for qpv in await _qpvs_of_commune(db_session, text)
            if qpv.code not in {f.code for f in found}
        ]
        items = [_qpv_item(qpv) for qpv in found[:30]]
        if not items:
            items = await _by_address(db_session, placer, text)
        if items:
            parts.append("<h2>Quartiers trouvés</h2><ul>" + "".join(items) + "</ul>")
        else:
            parts.append(
                '<p class="erreur">Aucun quartier ne correspond à « '
                f"{escape(text)} ». Essayez le nom de votre commune ou votre adresse complète.</p>"
            )
    return _page("Calendriers des quartiers", "".join(parts))


async def _qpvs_of_commune(db_session: AsyncSession, text: str) -> list[Qpv]:
    found: list[Qpv] = []
    for code in await communes_named(db_session, text):
        found += await list_qpvs(db_session, commune=code)
    return found


async def _by_address(db_session: AsyncSession, placer: VenuePlacer, text: str) -> list[str]:
    """The QPV holding a typed address, or the nearest one and its distance."""
    try:
        candidates = await placer.geocoding.geocode(text, limit=1)
    except GeocoderUnavailableError:
        return []
    if not candidates or candidates[0].score < 0.5:
        return []
    best = candidates[0]
    territory = await placer.territory.get(db_session)
    inside = territory.qpvs.locate(best.lon, best.lat)
    nearest = territory.qpvs.nearest(best.lon, best.lat)
    code = inside or (nearest.code if nearest else None)
    qpv = await db_session.get(Qpv, code) if code else None
    if qpv is None:
        return []
    note = (
        f" (votre adresse, {best.label}, est dans ce quartier)"
        if inside
        else f" (le plus proche de {best.label}, à {nearest.distance_m / 1000:.1f} km)"
        if nearest
        else ""
    )
    return [_qpv_item(qpv, note)]


def _qr_svg(url: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True)
    return out.getvalue().decode()


@get(
    "/qpv/{code:str}",
    summary="S'abonner au calendrier d'un quartier",
    opt={"access": Access.ANYONE},
    include_in_schema=False,
)
async def calendar_qpv_page(
    db_session: DbSession,
    feeds: Feeds,
    code: FromPath[str],
) -> Response[str]:
    """The subscription links, QR code and instructions for one neighbourhood."""
    qpv = await db_session.get(Qpv, code.upper())
    if qpv is None:
        raise NotFoundError(f"Aucun QPV ne porte le code {code}.")
    https = f"{feeds.public_url}/feeds/qpv/{qpv.code}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    body = f"""
<p><a href="/calendriers">← Autre quartier</a></p>
<h1>{escape(qpv.name)} — {escape(", ".join(c.name for c in qpv.communes))}</h1>
<p>Les rendez-vous publics dans ce quartier : permanences du soir, forums, ateliers.</p>
<p><a class="bouton" href="{escape(webcal)}">S'abonner sur ce téléphone</a></p>
<p>Ou copiez cette adresse dans votre application de calendrier :</p>
<p class="lien">{escape(https)}</p>
<div class="qr" aria-label="QR code de l'adresse du calendrier">{_qr_svg(webcal)}</div>
<h2>Google Agenda</h2>
<p>Sur un ordinateur : Google Agenda → « Autres agendas » → « + » → « À partir de l'URL » →
collez l'adresse → « Ajouter l'agenda ». Il apparaît ensuite sur votre téléphone.</p>
<h2>Outlook</h2>
<p>Outlook.com : « Ajouter un calendrier » → « S'abonner à partir du web » → collez l'adresse.
Outlook sur ordinateur : « Ajouter un calendrier » → « À partir d'Internet ».</p>
<h2>Apple (iPhone, Mac)</h2>
<p>Touchez « S'abonner sur ce téléphone » ou scannez le QR code ; sinon Réglages → Calendrier →
Comptes → « Ajouter un compte » → « Autre » → « S'abonner à un calendrier » → collez l'adresse.</p>
<p>Le calendrier se met à jour de lui-même : un rendez-vous déplacé ou annulé apparaît comme
tel.</p>
"""
    return _page(f"Calendrier — {qpv.name}", body)


router = Router(
    path="/calendriers", route_handlers=[calendars_page, calendar_qpv_page], tags=["pages"]
)
