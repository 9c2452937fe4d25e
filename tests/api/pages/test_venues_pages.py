"""``/lieux`` and ``/lieux/nouveau`` over HTTP: venues found by name, commune or quarter; a new
venue placed from its typed address, at a proposal chosen or on the map; nothing saved on error."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from litestar.testing import TestClient

from api.settings import Settings
from tests.api.pages.test_signin import csrf, sign_up
from tests.conftest import Team
from tests.factories import create_venue

Client = TestClient  # type: ignore[type-arg]
AUBY = {
    "name": "Mairie d'Auby",
    "kind": "mairie",
    "street": "25 rue Leon Blum",
    "postcode": "59950",
    "commune": "auby",
    "capacity": "80",
    "step_free": "oui",
    "notes": "Entrée par la cour, rampe à gauche.",
}
UNSURE_STREET = "12 rue Imaginaire des Tests"


def _signed_in(client: Client, settings: Settings, team: Team) -> Client:
    sign_up(client, settings, team.adviser)
    return client


def _post(client: Client, **changes: str) -> Any:
    token = csrf(client.get("/lieux/nouveau").text)
    return client.post(
        "/lieux/nouveau",
        data={"_csrf_token": token, **AUBY, **changes},
        follow_redirects=False,
    )


def _venues(client: Client, team: Team) -> list[tuple[str, str]]:
    """Every venue stored: name and provenance of its point."""
    rows = client.get("/api/venues", headers=team.headers("adviser")).json()
    return [(v["name"], v["geocoding"]["provider"]) for v in rows]


def _field_messages(html: str, field: str) -> list[str]:
    block = re.search(rf'id="erreurs-{field}"[^>]*>(.*?)</div>', html, re.S)
    assert block is not None
    return [
        unescape(re.sub(r"<[^>]+>", "", p)).removeprefix("Erreur : ")
        for p in re.findall(r"<p[^>]*>(.*?)</p>", block.group(1), re.S)
    ]


def _names(html: str, prefix: str) -> list[str]:
    """The venues (or proposals) listed: the bold names of the radio labels ``prefix-…``."""
    return [
        unescape(name)
        for name in re.findall(rf'<label for="{prefix}-[^"]+"><strong>([^<]+)</strong>', html)
    ]


def test_venue_pages_need_sign_in(client: Client) -> None:
    """A browser not signed in is sent to sign in, then back to the page it asked."""
    answers = [
        client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        for path in ("/lieux", "/lieux/nouveau")
    ]
    assert [(a.status_code, a.headers["location"]) for a in answers] == [
        (303, "/connexion?suivant=/lieux"),
        (303, "/connexion?suivant=/lieux/nouveau"),
    ]


def test_search_by_name_commune_or_quarter(client: Client, settings: Settings, team: Team) -> None:
    """Venues are found by name, commune, QPV name or code (accents and case ignored), each
    with its quarter in words; one letter asks for more; blank lists every venue."""
    create_venue(client, team, "Salle Jean Jaurès (test)")
    create_venue(client, team, "Maison de quartier Nord (test)", lat=49.9155, lon=2.3105)
    _signed_in(client, settings, team)
    found = {
        q: _names(client.get("/lieux", params={"q": q}).text, "lieu")
        for q in ("JAURES", "amiens", "qn08001m", "étouvie", "zzz", "")
    }
    page = client.get("/lieux", params={"q": "jaures"}).text
    assert found == {
        "JAURES": ["Salle Jean Jaurès (test)"],
        "amiens": ["Maison de quartier Nord (test)", "Salle Jean Jaurès (test)"],
        "qn08001m": ["Salle Jean Jaurès (test)"],
        "étouvie": ["Salle Jean Jaurès (test)"],
        "zzz": [],
        "": ["Maison de quartier Nord (test)", "Salle Jean Jaurès (test)"],
    }
    assert re.findall(r"Place Vauban, 80080 Amiens — ([^<\n]+)", page) == [
        "dans le QPV Etouvie (QN08001M)"
    ]
    assert "Tapez au moins deux lettres" in client.get("/lieux?q=a").text


def test_booking_form_search_answers_a_list_and_a_map(
    client: Client, settings: Settings, team: Team
) -> None:
    """The booking form's search lists the venue with a button and a point for the map that
    chooses it, and outlines its quarter."""
    venue = create_venue(client, team, "Salle Jean Jaurès (test)")
    _signed_in(client, settings, team)
    html = client.get("/reserver/lieux", params={"q": "jaures"}).text
    point = re.search(r"<li ([^>]*)><button", html)
    assert point is not None
    assert dict(re.findall(r'data-(\w+)="([^"]*)"', point.group(1))) == {
        "lat": "49.9151",
        "lon": "2.2502",
        "nom": "Salle Jean Jaurès (test)",
        "qpv": "QN08001M",
        "choix": f"choisir-lieu-{venue}",
    }
    assert 'data-carte-lieux data-points="lieux-proposes"' in html


def test_new_venue_is_created_and_found(client: Client, settings: Settings, team: Team) -> None:
    """A venue typed with a clear address is placed by the geocoder, then listed as created."""
    _signed_in(client, settings, team)
    answer = _post(client)
    venue = client.get("/api/venues", headers=team.headers("adviser")).json()[0]
    listed = client.get(answer.headers["location"]).text
    assert (answer.status_code, answer.headers["location"]) == (303, f"/lieux?cree={venue['id']}")
    assert (venue["name"], venue["geocoding"]["provider"], venue["capacity"]) == (
        "Mairie d'Auby",
        "offline",
        80,
    )
    assert (venue["step_free"], venue["notes"]) == (True, "Entrée par la cour, rampe à gauche.")
    assert ("Lieu « Mairie d&#39;Auby » enregistré." in listed, _names(listed, "lieu")) == (
        True,
        ["Mairie d'Auby"],
    )


def test_new_venue_goes_back_to_the_booking_form(
    client: Client, settings: Settings, team: Team
) -> None:
    """Created from the booking form, the venue comes back chosen in it."""
    _signed_in(client, settings, team)
    answer = _post(client, suivant="/reserver")
    venue = client.get("/api/venues", headers=team.headers("adviser")).json()[0]["id"]
    form = client.get(answer.headers["location"]).text
    assert answer.headers["location"] == f"/reserver?lieu={venue}"
    assert re.findall(r'<option value="(\d+)" selected>', form) == [str(venue)]


def test_unsure_address_shows_proposals_and_saves_nothing(
    client: Client, settings: Settings, team: Team
) -> None:
    """An unsure address answers 422 with the geocoder's proposals as radio choices with their
    points for the map, and the map to place it; nothing is saved."""
    _signed_in(client, settings, team)
    answer = _post(client, street=UNSURE_STREET)
    html = answer.text
    proposals = _names(html, "proposition")
    assert (answer.status_code, _venues(client, team)) == (422, [])
    assert (len(proposals) >= 1, all("Auby" in p for p in proposals)) == (True, True)
    assert len(re.findall(r'<li data-lat="[^"]+" data-lon="[^"]+"', html)) == len(proposals)
    assert ('id="candidat-carte" value="carte"' in html, 'role="alert"' in html) == (True, True)
    assert "Adresse trop incertaine" in unescape(html)


def test_a_proposal_chosen_places_the_venue(client: Client, settings: Settings, team: Team) -> None:
    """Choosing one of the proposals creates the venue there, with the geocoder's provenance."""
    _signed_in(client, settings, team)
    first = _names(_post(client, street=UNSURE_STREET).text, "proposition")[0]
    answer = _post(client, street=UNSURE_STREET, candidat=first)
    venue = client.get("/api/venues", headers=team.headers("adviser")).json()[0]
    assert (answer.status_code, venue["geocoding"]["label"], venue["geocoding"]["provider"]) == (
        303,
        first,
        "offline",
    )


def test_a_pin_placed_on_the_map_is_manual(client: Client, settings: Settings, team: Team) -> None:
    """A point placed on the map wins over the address: provenance manual, located in its QPV;
    « on the map » without a point is refused by that choice."""
    _signed_in(client, settings, team)
    missing = _post(client, street=UNSURE_STREET, candidat="carte")
    answer = _post(client, street=UNSURE_STREET, candidat="carte", lat="49.9151", lon="2.2502")
    venue = client.get("/api/venues", headers=team.headers("adviser")).json()[0]
    assert (missing.status_code, _field_messages(missing.text, "candidat")) == (
        422,
        ["Touchez la carte à l'endroit du lieu, ou choisissez une proposition."],
    )
    assert (answer.status_code, venue["geocoding"]["provider"], venue["qpv"]) == (
        303,
        "manual",
        "QN08001M",
    )


def test_unknown_address_is_said_by_the_street(
    client: Client, settings: Settings, team: Team
) -> None:
    """An address nobody knows is said by the street field, marked invalid; nothing saved."""
    _signed_in(client, settings, team)
    answer = _post(client, street="zzzz qqqq", postcode="", commune="Xyzzyville")
    assert (answer.status_code, _venues(client, team)) == (422, [])
    assert _field_messages(answer.text, "street") == [
        "Adresse introuvable : « zzzz qqqq, Xyzzyville ». Vérifiez la voie et la commune, ou "
        "donnez les coordonnées du lieu."
    ]
    assert 'id="street" name="street" maxlength="300" autocomplete="street-address" ' in answer.text
    assert re.search(r'id="street"[^>]*aria-invalid="true"', answer.text) is not None


def test_bad_fields_are_said_by_each_field(client: Client, settings: Settings, team: Team) -> None:
    """Blank name and commune, a bad postcode and capacity: each said by its field, the typed
    values kept, nothing saved."""
    _signed_in(client, settings, team)
    answer = _post(client, name=" ", commune="", postcode="5995", capacity="beaucoup")
    bad_capacity = {f: _field_messages(answer.text, f) for f in ("capacity",)}
    rules = _post(client, name=" ", commune="", postcode="5995")
    assert (answer.status_code, bad_capacity) == (
        422,
        {"capacity": ["Un nombre entier de places entre 0 et 100 000."]},
    )
    assert {f: _field_messages(rules.text, f) for f in ("name", "commune", "postcode")} == {
        "name": ["Le nom du lieu est obligatoire."],
        "commune": ["La commune est obligatoire."],
        "postcode": ["Code postal « 5995 » invalide : 5 chiffres attendus."],
    }
    assert ('value="5995"' in rules.text, _venues(client, team)) == (True, [])


def test_same_venue_twice_is_said_by_the_name(
    client: Client, settings: Settings, team: Team
) -> None:
    """The same name at the same address again is refused by the name field."""
    _signed_in(client, settings, team)
    _post(client)
    again = _post(client)
    assert (again.status_code, len(_venues(client, team))) == (422, 1)
    assert _field_messages(again.text, "name")[0].startswith("Ce lieu existe déjà : « Mairie")
