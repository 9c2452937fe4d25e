"""``/couverture``: the coverage map for managers — which QPVs outreach reaches, and where
nobody goes.

The page itself is static HTML: its script (``/static/couverture.js``) asks
``/api/coverage`` with the signed-in person's browser session, or else with a bearer token
pasted by hand (kept in ``sessionStorage``), draws the QPV
polygons with Leaflet (served from ``/static/leaflet``, no CDN, no background tiles: the
polygons make sense alone), colours them by the chosen metric with a legend of the class
breaks, and repeats the same figures in a sortable table for screen readers and for people
who prefer tables.
"""

from __future__ import annotations

from html import escape

from litestar import Response, Router, get

from api.pages.base import VIEWER, Viewer
from planner.access import Access
from planner.db.models import Staff
from planner.session import SESSION_KIND_LABELS

STATIC = "/static"


def _kind_options() -> str:
    return "".join(
        f'<option value="{escape(kind.value)}">{escape(label)}</option>'
        for kind, label in SESSION_KIND_LABELS.items()
    )


BODY = """
<nav class="compte" aria-label="Compte">{account}</nav>
<header>
<h1>Couverture des quartiers prioritaires</h1>
<p class="intro">Quels quartiers les actions « aller vers » atteignent, à quelle fréquence, par
qui — et où personne ne va.</p>
</header>
<section id="acces" aria-labelledby="acces-titre">
<h2 id="acces-titre">Accès</h2>
<form id="form-jeton" autocomplete="off">
<label for="jeton">Jeton d'accès (gestionnaire, coordination ou administration)</label>
<div class="ligne">
<input type="password" id="jeton" name="jeton" spellcheck="false">
<button type="submit">Utiliser ce jeton</button>
<button type="button" id="oublier" class="secondaire">Oublier</button>
</div>
</form>
<div id="aide-jeton" class="note" hidden>
<p>Cette page lit les chiffres de couverture avec votre jeton personnel. Pour en obtenir un,
demandez-le à l'administration de la plateforme, qui le crée avec
<code>allervers create-token votre.adresse@exemple.fr</code> (le jeton est la dernière ligne),
puis collez-le ci-dessus. Il reste dans cet onglet seulement et disparaît à sa fermeture.</p>
</div>
</section>
<form id="filtres" aria-label="Filtres">
<div class="champ"><label for="f-from">Du</label><input type="date" id="f-from" name="from"></div>
<div class="champ"><label for="f-to">Au</label><input type="date" id="f-to" name="to"></div>
<div class="champ"><label for="f-kind">Type d'action</label>
<select id="f-kind" name="kind"><option value="">Tous</option>{kinds}</select></div>
<div class="champ"><label for="f-organisation">Organisation</label>
<select id="f-organisation" name="organisation"><option value="">Toutes</option></select></div>
<div class="champ"><label for="f-dep">Département</label>
<select id="f-dep" name="dep"><option value="">Tous</option></select></div>
<div class="champ"><label for="f-metrique">Couleur selon</label>
<select id="f-metrique" name="metrique">
<option value="status">Statut</option>
<option value="sessions">Séances tenues</option>
<option value="days_since_last">Jours depuis la dernière séance</option>
<option value="people_met">Personnes rencontrées</option>
</select></div>
<div class="champ"><button type="submit">Actualiser</button></div>
</form>
<p id="etat" role="status" aria-live="polite"></p>
<p id="resume"></p>
<div class="carte-et-fiche">
<div id="carte" role="region" aria-label="Carte des quartiers prioritaires"></div>
<aside id="fiche" aria-live="polite" tabindex="-1">
<p class="note">Touchez un quartier sur la carte pour voir ses chiffres et ses prochaines
séances.</p>
</aside>
</div>
<section id="legende" aria-labelledby="legende-titre">
<h2 id="legende-titre">Légende</h2>
<ul id="legende-classes"></ul>
</section>
<section aria-labelledby="tableau-titre">
<h2 id="tableau-titre">Tableau des quartiers</h2>
<div class="defile">
<table id="tableau">
<caption>Chiffres par quartier prioritaire ; les boutons des en-têtes trient le tableau.
</caption>
<thead><tr></tr></thead>
<tbody></tbody>
</table>
</div>
</section>
<footer>Périmètres des quartiers prioritaires 2024 : ANCT. Carte : Leaflet (BSD-2-Clause), sans
fond de carte.</footer>
"""


def _account(viewer: Staff | None) -> str:
    if viewer is None:
        return '<a href="/connexion?suivant=/couverture">Se connecter</a>'
    return (
        f"Connecté·e : <strong>{escape(viewer.name)}</strong> — "
        '<a href="/deconnexion">Se déconnecter</a>'
    )


@get(
    "/",
    summary="Carte de couverture des quartiers (gestionnaires)",
    opt={"access": Access.ANYONE},
    dependencies=VIEWER,
    include_in_schema=False,
)
async def coverage_page(viewer: Viewer) -> Response[str]:
    """The coverage map page; its data comes from ``/api/coverage`` with the browser session
    of a signed-in person, or else with a pasted token."""
    html = (
        '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Couverture des quartiers prioritaires</title>"
        '<link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="{STATIC}/leaflet/leaflet.css">'
        f'<link rel="stylesheet" href="{STATIC}/couverture.css">'
        f'</head><body data-session="{"oui" if viewer else "non"}">'
        f"{BODY.replace('{kinds}', _kind_options()).replace('{account}', _account(viewer))}"
        f'<script src="{STATIC}/leaflet/leaflet.js"></script>'
        f'<script src="{STATIC}/couverture.js"></script>'
        "</body></html>"
    )
    return Response(html, media_type="text/html")


router = Router(path="/couverture", route_handlers=[coverage_page], tags=["pages"])
