"""The authorization matrix: every route of the app × every kind of caller × read/write.

Generated from the app's route table: a route the expectations below do not cover fails the
test (so a new route must say who may call it). Expected answers derive from the route's
declared access (``opt["access"]``) and the session policy: a revoked token is 401 everywhere;
anonymous callers are 401 on routes not open to anyone; a role below the level is 403; a caller
who may not see the (draft) session is 404, as for a missing one; an allowed caller gets any
answer but 401/403 (writes send an empty body: a 400/422 is an allowed caller's answer).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from litestar.testing import TestClient

from api.guards import handler_access, route_handlers
from planner.access import Access, allows
from planner.clock import PARIS
from planner.session import Role
from tests.conftest import Team
from tests.factories import create_venue, evening

Client = TestClient  # type: ignore[type-arg]
CALLERS = {
    "revoked": None,
    "anonymous": None,
    "adviser_other": Role.ADVISER,
    "manager_outside": Role.MANAGER,
    "manager_inside": Role.MANAGER,
    "coordinator": Role.COORDINATOR,
    "adviser_owner": Role.ADVISER,
    "admin": Role.ADMIN,
}
"""The callers, in the order they call: those who may change the draft (their empty-bodied
``publish`` publishes it) come after every caller who must not see it."""
TOKENS = {
    "revoked": "revoked",
    "adviser_owner": "adviser",
    "adviser_other": "partner",
    "manager_outside": "manager",
    "manager_inside": "manager_inside",
    "coordinator": "coordinator",
    "admin": "admin",
}
SEES_DRAFT = {"adviser_owner", "manager_inside", "coordinator", "admin"}
"""Who sees the mission locale's draft session in Amiens (department 80) in full."""
CHANGES_DRAFT = {"adviser_owner", "coordinator", "admin"}

Expect = Callable[[str, str], str | None]
"""Given the caller and the method, a resource-level answer ("404", "403") or None."""


def _draft_read(who: str, method: str) -> str | None:
    """The draft is not public: whoever does not see it gets a 404 as for a missing id."""
    return None if who in SEES_DRAFT else "404"


def _draft_write(who: str, method: str) -> str | None:
    """Only the organisation's bookers and admins change it."""
    return None if who in CHANGES_DRAFT else "403"


def _coverage(who: str, method: str) -> str | None:
    """Coverage is for managers, coordinators and admins (advisers: 403)."""
    return "403" if who.startswith("adviser") else None


CHANGES_VENUE = {"coordinator", "admin"}
"""Who changes or deletes the mission locale's venue: its coordinators and admins."""


def _venue_write(who: str, method: str) -> str | None:
    """A venue is changed by its owner's coordinators and admins only."""
    return None if who in CHANGES_VENUE else "403"


def _form(who: str, method: str) -> str | None:
    """A form posted without its CSRF token is refused (403); a request with a bearer token is
    not CSRF-able and reaches the form, which may answer anything but 401/403."""
    return "403" if who == "anonymous" and method == "POST" else None


def _sign_in(who: str, method: str) -> str | None:
    """Without CSRF token, 403; an empty sign-in form fails (401), or is throttled (429) once
    five attempts came from the same address."""
    if method != "POST":
        return None
    return "403" if who == "anonymous" else "401|ok"


def _own_token(who: str, method: str) -> str | None:
    """A token is revoked by its owner or an admin; for others it does not exist."""
    return None if who in {"adviser_owner", "admin"} else "404"


def _own_job(who: str, method: str) -> str | None:
    """A job is followed by the one who asked and admins; for others it does not exist."""
    return None if who in {"adviser_owner", "admin"} else "404"


def _own_token_form(who: str, method: str) -> str | None:
    """The tokens page's revocation form: CSRF first, then the token's owner or an admin."""
    return _form(who, method) or _own_token(who, method)


def _draft_form(who: str, method: str) -> str | None:
    """A session page's form: CSRF first, then only those who change the draft (those who do
    not even see it get a 404 as for a missing one)."""
    if who == "anonymous" and method == "POST":
        return "403"
    return _draft_read(who, method) or _draft_write(who, method)


def _plan_form(who: str, method: str) -> str | None:
    """A campaign page's form about a plan: CSRF first; plan 999999 does not exist (404) for
    those allowed to ask."""
    return _form(who, method) or "404|ok"


def _unknown_link(who: str, method: str) -> str | None:
    """A registration's personal link ``lien-inconnu`` leads nowhere (404), whoever asks; a
    change sent without a body is refused before (400)."""
    return "404|ok"


def _draft_registrants(who: str, method: str) -> str | None:
    """A session's registrants are for those who change it; others do not even see the
    draft (404)."""
    return None if who in CHANGES_DRAFT else "404"


def _public_form(who: str, method: str) -> str | None:
    """A resident's form (registration, personal link): CSRF first; then the draft or the
    unknown link is a 404, or the empty form is refused."""
    return _form(who, method) or "404|ok"


def _unpublished(who: str, method: str) -> str | None:
    """A territory's open data is a 404 until the admin's empty ``PUT`` publishes it."""
    return "404|ok"


FORMS = frozenset({_form, _sign_in, _own_token_form, _draft_form, _plan_form, _public_form})
"""Rules of the pages' forms, where the CSRF check answers before any access check."""

RESOURCE_RULES: dict[tuple[str, str], Expect] = {
    ("/api/sessions/{session_ref:str}", "GET"): _draft_read,
    ("/seances/{session_ref:str}", "GET"): _draft_read,
    ("/api/sessions/{session_id:int}", "PATCH"): _draft_write,
    ("/api/sessions/{session_id:int}/publish", "POST"): _draft_write,
    ("/api/sessions/{session_id:int}/cancel", "POST"): _draft_write,
    ("/api/sessions/{session_id:int}/outcome", "POST"): _draft_write,
    ("/api/coverage", "GET"): _coverage,
    ("/api/coverage.csv", "GET"): _coverage,
    ("/api/coverage.png", "GET"): _coverage,
    ("/api/tokens/{token_id:int}", "DELETE"): _own_token,
    ("/api/jobs/{job_id:int}", "GET"): _own_job,
    ("/api/venues/{venue_id:int}", "PATCH"): _venue_write,
    ("/api/venues/{venue_id:int}", "DELETE"): _venue_write,
    ("/connexion", "POST"): _sign_in,
    ("/deconnexion", "POST"): _form,
    ("/mot-de-passe-oublie", "POST"): _form,
    ("/invitation/{secret:str}", "POST"): _form,
    ("/reinitialisation/{secret:str}", "POST"): _form,
    ("/mes-jetons", "POST"): _form,
    ("/mes-jetons/{token_id:int}/revocation", "POST"): _own_token_form,
    ("/reserver", "POST"): _form,
    ("/reserver/verification", "POST"): _form,
    ("/mon-calendrier", "POST"): _form,
    ("/agenda/seances/tenue", "POST"): _form,
    ("/campagnes", "POST"): _form,
    ("/campagnes/{campaign_id:int}/planification", "POST"): _form,
    ("/campagnes/{campaign_id:int}/plans/{plan_id:int}/acceptation", "POST"): _plan_form,
    ("/campagnes/{campaign_id:int}/plans/{plan_id:int}/publication", "POST"): _plan_form,
    ("/campagnes/{campaign_id:int}/plans/{plan_id:int}/retrait", "POST"): _plan_form,
    ("/mon-calendrier/suppression", "POST"): _form,
    ("/lieux/nouveau", "POST"): _form,
    ("/agenda/seances/{session_id:int}", "GET"): _draft_read,
    ("/agenda/seances/{session_id:int}/deplacement", "POST"): _draft_form,
    ("/agenda/seances/{session_id:int}/modification", "POST"): _draft_form,
    ("/agenda/seances/{session_id:int}/publication", "POST"): _draft_form,
    ("/agenda/seances/{session_id:int}/annulation", "POST"): _draft_form,
    ("/agenda/seances/{session_id:int}/bilan", "POST"): _draft_form,
    ("/api/sessions/{session_id:int}/registrations", "GET"): _draft_registrants,
    ("/api/sessions/{session_id:int}/registrations.csv", "GET"): _draft_registrants,
    ("/agenda/seances/{session_id:int}/presences", "POST"): _draft_form,
    ("/agenda/seances/{session_id:int}/immersions", "POST"): _form,
    ("/agenda/seances/{session_id:int}/embauches", "POST"): _form,
    ("/api/sessions/{session_id:int}/funnel", "GET"): _draft_read,
    ("/api/registrations/{secret:str}", "GET"): _unknown_link,
    ("/api/registrations/{secret:str}", "PATCH"): _unknown_link,
    ("/api/registrations/{secret:str}", "DELETE"): _unknown_link,
    ("/api/registrations/{secret:str}/cancel", "POST"): _unknown_link,
    ("/api/registrations/{secret:str}/accept", "POST"): _unknown_link,
    ("/seances/{session_id:int}/inscription", "POST"): _public_form,
    ("/inscriptions/{secret:str}", "GET"): _unknown_link,
    ("/inscriptions/{secret:str}/modification", "POST"): _public_form,
    ("/inscriptions/{secret:str}/annulation", "POST"): _public_form,
    ("/inscriptions/{secret:str}/acceptation", "POST"): _public_form,
    ("/inscriptions/{secret:str}/effacement", "POST"): _public_form,
    ("/donnees-ouvertes/{territory:str}/qpv.geojson", "GET"): _unpublished,
    ("/donnees-ouvertes/{territory:str}/qpv.csv", "GET"): _unpublished,
    ("/couverture/donnees-ouvertes", "POST"): _form,
}
"""Answers the route's level alone does not give. Routes not listed here answer by level."""

PATHS = {
    "/health", "/api/qpv", "/api/qpv/{code:str}", "/api/locate", "/api/departements.geojson",
    "/api/communes.geojson",
    "/api/geocode", "/api/venues", "/api/venues/{venue_id:int}", "/api/venues/import",
    "/api/organisations", "/api/organisations/{org_id:int}", "/api/staff",
    "/api/staff/{staff_id:int}", "/api/tokens", "/api/tokens/{token_id:int}", "/api/sessions",
    "/api/sessions/{session_ref:str}", "/api/sessions/{session_id:int}", "/api/sessions/check",
    "/api/sessions/{session_id:int}/publish", "/api/sessions/{session_id:int}/cancel",
    "/api/sessions/{session_id:int}/outcome", "/api/series", "/api/audit", "/api/campaigns",
    "/api/campaigns/{campaign_id:int}", "/api/campaigns/{campaign_id:int}/plan",
    "/api/campaigns/{campaign_id:int}/plans",
    "/api/campaigns/{campaign_id:int}/plans/{plan_id:int}",
    "/api/campaigns/{campaign_id:int}/plans/{plan_id:int}/accept", "/api/coverage",
    "/api/coverage.csv", "/api/coverage.png", "/feeds/qpv/{filename:str}",
    "/feeds/commune/{filename:str}", "/feeds/organisation/{filename:str}",
    "/feeds/kind/{filename:str}", "/feeds/public.ics", "/feeds/staff/{filename:str}",
    "/api/staff/me/feed-token", "/calendriers", "/calendriers/qpv/{code:str}", "/couverture",
    "/static/{file_path:path}", "/schema/assets/{file_path:path}", "/schema/swagger", "/schema",
    "/schema/{path:str}", "/schema/openapi.json", "/schema/oauth2-redirect.html",
    "/api/staff/{staff_id:int}/invitation", "/api/organisations/{organisation_id:int}/partners",
    "/api/organisations/{organisation_id:int}/partners/{partner_id:int}/agree",
    "/api/organisations/{organisation_id:int}/partners/{partner_id:int}", "/connexion",
    "/deconnexion", "/mot-de-passe-oublie", "/invitation/{secret:str}",
    "/reinitialisation/{secret:str}", "/accessibilite", "/mes-jetons",
    "/mes-jetons/{token_id:int}/revocation", "/", "/reserver", "/reserver/verification",
    "/agenda", "/agenda/seances/{session_id:int}", "/agenda/seances/{session_id:int}/deplacement",
    "/agenda/seances/{session_id:int}/publication", "/agenda/seances/{session_id:int}/annulation",
    "/agenda/seances/{session_id:int}/bilan", "/agenda/seances/{session_id:int}/modification",
    "/mon-calendrier", "/mon-calendrier/suppression",
    "/api/staff/available", "/reserver/partenaires", "/reserver/lieux", "/api/sessions/held",
    "/agenda/seances/tenue", "/campagnes", "/campagnes/{campaign_id:int}",
    "/campagnes/{campaign_id:int}/plans/{plan_id:int}/etat",
    "/campagnes/{campaign_id:int}/planification",
    "/campagnes/{campaign_id:int}/plans/{plan_id:int}/acceptation",
    "/campagnes/{campaign_id:int}/plans/{plan_id:int}/publication",
    "/api/campaigns/{campaign_id:int}/plans/{plan_id:int}/publish",
    "/api/campaigns/{campaign_id:int}/plans/{plan_id:int}/withdraw",
    "/campagnes/{campaign_id:int}/plans/{plan_id:int}/retrait", "/lieux", "/lieux/nouveau",
    "/seances/{session_ref:str}", "/api/jobs/{job_id:int}",
    "/api/sessions/{session_id:int}/registrations", "/api/registrations/{secret:str}",
    "/api/registrations/{secret:str}/cancel", "/api/registrations/{secret:str}/accept",
    "/seances/{session_id:int}/inscription", "/inscriptions/{secret:str}",
    "/inscriptions/{secret:str}/modification", "/inscriptions/{secret:str}/annulation",
    "/inscriptions/{secret:str}/acceptation", "/inscriptions/{secret:str}/effacement",
    "/api/sessions/{session_id:int}/registrations.csv", "/api/sessions/{session_id:int}/attendance",
    "/agenda/seances/{session_id:int}/presences", "/api/eligibility",
    "/api/sessions/{session_id:int}/immersions", "/api/immersions/{immersion_id:int}",
    "/api/sessions/{session_id:int}/hires", "/api/sessions/{session_id:int}/funnel",
    "/agenda/seances/{session_id:int}/immersions", "/agenda/seances/{session_id:int}/embauches",
    "/emplois-francs", "/api/open-data", "/api/open-data/{territory:str}",
    "/donnees-ouvertes/{territory:str}/qpv.geojson", "/donnees-ouvertes/{territory:str}/qpv.csv",
    "/couverture/donnees-ouvertes",
}  # fmt: skip
"""Every path the expectations know; a new one fails the test until it is added here (with a
resource rule when its level alone does not say the answer)."""


def _resources(client: Client, team: Team) -> dict[str, str]:
    """The mission locale's venue, draft session (staffed by its adviser only), campaign in
    department 80, and a spare token of the adviser: what the paths' parameters name."""
    venue = create_venue(client, team)
    start, end = evening(30, "10:00", "12:00")
    draft = client.post(
        "/api/sessions",
        json={
            "kind": "info_session",
            "title": "Réunion d'information (brouillon)",
            "start": start,
            "end": end,
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser],
            "internal_notes": "Note interne",
        },
        headers=team.headers("adviser"),
    )
    assert draft.status_code == 201, draft.text
    today = datetime.now(PARIS).date()
    monday = today + timedelta(days=21 - today.weekday())
    campaign = client.post(
        "/api/campaigns",
        json={
            "name": "Campagne de la matrice",
            "department": "80",
            "first_day": monday.isoformat(),
            "last_day": (monday + timedelta(days=13)).isoformat(),
            "organisations": [team.mission_locale, team.centre_social],
            "time_limit_s": 1,
        },
        headers=team.headers("admin"),
    )
    assert campaign.status_code == 201, campaign.text
    spare = client.post("/api/tokens", json={"name": "spare"}, headers=team.headers("adviser"))
    job = client.post(
        "/api/venues/import",
        content=b"nom;type;adresse;code_postal;commune\n",
        headers=team.headers("adviser"),
    )
    assert job.status_code == 202, job.text
    return {
        "job_id": str(job.json()["id"]),
        "session_ref": str(draft.json()["session"]["id"]),
        "session_id": str(draft.json()["session"]["id"]),
        "venue_id": str(venue),
        "org_id": str(team.mission_locale),
        "organisation_id": str(team.mission_locale),
        "partner_id": str(team.centre_social),
        "secret": "lien-inconnu",
        "staff_id": str(team.adviser),
        "token_id": str(spare.json()["id"]),
        "campaign_id": str(campaign.json()["id"]),
        "plan_id": "999999",
        "immersion_id": "999999",
        "code": "QN08001M",
        "file_path": "couverture.css",
        "path": "rien",
        "territory": "80",
    }


FILENAMES = {
    "/feeds/qpv/": "QN08001M.ics",
    "/feeds/commune/": "80021.ics",
    "/feeds/kind/": "neighbourhood_session.ics",
    "/feeds/staff/": "cal_inconnu.ics",
}


def _url(path: str, values: dict[str, str], team: Team) -> str:
    """``path`` with its parameters filled in."""
    if path.startswith("/schema/assets/"):
        return "/schema/assets/swagger-ui.css"
    if "{filename:str}" in path:
        prefix = path.split("{")[0]
        return prefix + FILENAMES.get(prefix, f"{team.mission_locale}.ics")
    url = re.sub(r"\{(\w+):\w+\}", lambda m: values[m.group(1)], path)
    if path == "/api/locate":
        return url + "?lat=49.9151&lon=2.2502"
    if path == "/api/eligibility":
        return url + "?address=2+place+Vauban+Amiens"
    if path == "/api/geocode":
        return url + "?q=Place+Vauban+Amiens"
    return url


def _expected(access: Access, who: str, rule: Expect | None, method: str) -> str:
    """The answer class the policy gives: "401", "403", "404", "ok", or two such as "401|ok"."""
    if method == "OPTIONS":
        return "ok"  # which methods a path allows: public, read without credentials (CORS)
    if who == "revoked":
        return "401"
    open_route = access in (Access.ANYONE, Access.SELF)
    if who == "anonymous":
        if not open_route and rule not in FORMS:
            return "401"
        return (rule(who, method) if rule else None) or ("ok" if open_route else "401")
    role = CALLERS[who]
    assert role is not None
    if not allows(access, role):
        return "403"
    return (rule(who, method) if rule else None) or "ok"


def _seen(status: int) -> str:
    """The answer class of a status."""
    return str(status) if status in (401, 403, 404) else "ok"


def test_access_matrix(client: Client, wide_team: Team) -> None:
    """Every route × caller × method answers as the route's access and the policy say."""
    team = wide_team
    values = _resources(client, team)
    routes = [
        (path, method, handler)
        for path, handler in route_handlers(client.app)
        for method in sorted(handler.http_methods)
    ]
    unknown = sorted({path for path, _, _ in routes} - PATHS)
    assert unknown == []
    wrong = []
    for who in CALLERS:
        headers = {"Authorization": f"Bearer {team.tokens[TOKENS[who]]}"} if who in TOKENS else {}
        for path, method, handler in routes:
            access = handler_access(handler)
            assert access is not None
            expected = _expected(access, who, RESOURCE_RULES.get((path, method)), method)
            body = {} if method in ("POST", "PATCH", "PUT") else None
            answer = client.request(method, _url(path, values, team), json=body, headers=headers)
            got = _seen(answer.status_code)
            if expected == "ok" and got == "404" and (path, method) not in RESOURCE_RULES:
                got = "ok"  # an allowed caller may find nothing (a bogus feed secret, plan 999999)
            if got not in expected.split("|"):
                wrong.append((who, method, path, expected, answer.status_code))
    assert wrong == [], "\n".join(map(str, wrong))
    assert len(routes) * len(CALLERS) == MATRIX_SIZE


MATRIX_SIZE = 8 * 267
"""Routes × methods of the app (OPTIONS and HEAD included) × 8 callers."""
