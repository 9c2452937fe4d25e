"""``/reserver`` over HTTP: the form, the live verdict by field, booking, refusals that keep
every value and write nothing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from typing import Any

from litestar.testing import TestClient

from api.settings import Settings
from planner.clock import PARIS
from tests.api.pages.test_signin import csrf, sign_up
from tests.conftest import Team
from tests.factories import create_venue

Client = TestClient  # type: ignore[type-arg]


def _form(client: Client, team: Team, venue: int, **changes: str | list[str]) -> dict[str, Any]:
    day = datetime.now(PARIS).date() + timedelta(days=20)
    return {
        "_csrf_token": csrf(client.get("/reserver").text),
        "kind": "neighbourhood_session",
        "title": "Permanence du soir",
        "day": day.isoformat(),
        "start_time": "18:00",
        "end_time": "21:00",
        "venue_id": str(venue),
        "staff_ids": [str(team.adviser), str(team.partner)],
        "count": "1",
        "publish": "non",
        **changes,
    }


def _messages(html: str, field: str) -> list[str]:
    """The messages shown by ``field`` (without the hidden "Erreur : " prefix)."""
    block = re.search(rf'id="erreurs-{field}"[^>]*>(.*?)</div>', html, re.S)
    assert block is not None
    return [
        unescape(re.sub(r"<[^>]+>", "", p)).removeprefix("Erreur : ")
        for p in re.findall(r"<p[^>]*>(.*?)</p>", block.group(1), re.S)
    ]


def test_booking_page_needs_sign_in(client: Client) -> None:
    """A browser not signed in is sent to sign in, then back to the form."""
    answer = client.get("/reserver", headers={"Accept": "text/html"}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/connexion?suivant=/reserver")


def test_booking_page_offers_people_venues_and_window(
    client: Client, settings: Settings, team: Team
) -> None:
    """The form lists the venues and people by name, ticks the person, shows the window."""
    venue = create_venue(client, team)
    sign_up(client, settings, team.adviser)
    html = client.get("/reserver").text
    assert (
        f'<option value="{venue}">Centre social d&#39;Etouvie (test) (QPV QN08001M)</option>'
        in html,
        f'id="personne-{team.adviser}" name="staff_ids" value="{team.adviser}" checked' in html,
        "entre 17:00–22:00" in html,
    ) == (True, True, True)


def test_live_check_places_reasons_by_field(client: Client, settings: Settings, team: Team) -> None:
    """A taken evening: the verdict puts the people's and the venue's reasons by their fields."""
    venue = create_venue(client, team)
    sign_up(client, settings, team.adviser)
    form = _form(client, team, venue)
    assert client.post("/reserver", data=form, follow_redirects=False).status_code == 303
    html = client.post("/reserver/verification", data=_form(client, team, venue)).text
    assert (
        [m.split(" est ")[0] for m in _messages(html, "staff_ids")],
        [m.split(" est ")[0] for m in _messages(html, "venue_id")],
        "impossible : 3 problèmes" in html,
    ) == (
        ["Personne de test (adviser)", "Personne de test (partner)"],
        ["Le lieu « Centre social d'Etouvie (test) »"],
        True,
    )


def test_booking_from_the_page_then_refusal_keeps_values(
    client: Client, settings: Settings, team: Team
) -> None:
    """Booking goes to the session's page, with the audiences ticked; the same again is refused
    (422) with the reasons by the fields, the typed title and ticks kept, and still one session
    stored."""
    venue = create_venue(client, team)
    sign_up(client, settings, team.adviser)
    first = client.post(
        "/reserver",
        data=_form(client, team, venue, audiences=["femmes", "allocataires-rsa"]),
        follow_redirects=False,
    )
    again = client.post(
        "/reserver",
        data=_form(client, team, venue, title="Deuxième essai", audiences=["femmes"]),
        follow_redirects=False,
    )
    stored = client.get("/api/sessions", headers=team.headers("admin")).json()
    assert (first.status_code, first.headers["location"]) == (
        303,
        f"/agenda/seances/{stored['items'][0]['id']}?reservee=1",
    )
    assert (again.status_code, 'value="Deuxième essai"' in again.text, stored["total"]) == (
        422,
        True,
        1,
    )
    assert len(_messages(again.text, "staff_ids")) == 2
    assert stored["items"][0]["audiences"] == ["allocataires-rsa", "femmes"]
    assert re.search(r'id="public-femmes"[^>]*checked', again.text) is not None


def test_form_errors_are_by_field_and_nothing_is_written(
    client: Client, settings: Settings, team: Team
) -> None:
    """No day, no venue, no one ticked, a bad capacity: each said by its field, nothing stored."""
    sign_up(client, settings, team.adviser)
    form = _form(client, team, 0, day="", venue_id="", staff_ids=[], capacity="beaucoup")
    answer = client.post("/reserver", data=form)
    assert (
        answer.status_code,
        [_messages(answer.text, f) for f in ("day", "venue_id", "staff_ids", "capacity")],
    ) == (
        422,
        [
            ["indiquez le jour (JJ/MM/AAAA)"],
            ["choisissez un lieu"],
            ["cochez au moins une personne"],
            ["un nombre de places (0 ou plus)"],
        ],
    )
    assert client.get("/api/sessions", headers=team.headers("admin")).json()["total"] == 0


def test_weekly_series_lists_broken_occurrences_before_booking(
    client: Client, settings: Settings, team: Team
) -> None:
    """Four weeks, the third taken: the check names that date; booking books nothing."""
    venue = create_venue(client, team)
    sign_up(client, settings, team.adviser)
    third = datetime.now(PARIS).date() + timedelta(days=34)
    client.post(
        "/reserver", data=_form(client, team, venue, day=third.isoformat()), follow_redirects=False
    )
    series = _form(client, team, venue, count="4")
    html = client.post("/reserver/verification", data=series).text
    booked = client.post("/reserver", data=_form(client, team, venue, count="4"))
    assert {m[:10] for m in _messages(html, "staff_ids")} == {f"{third:%d/%m/%Y}"}
    assert (
        booked.status_code,
        client.get("/api/sessions", headers=team.headers("admin")).json()["total"],
    ) == (422, 1)


def test_copy_of_a_session_prefills_the_form(
    client: Client, settings: Settings, team: Team
) -> None:
    """``?depuis=`` fills the form from a session the person reads, a week later; an unknown
    one gives an empty form and says so."""
    venue = create_venue(client, team)
    sign_up(client, settings, team.adviser)
    client.post(
        "/reserver", data=_form(client, team, venue, title="À copier"), follow_redirects=False
    )
    session_id = client.get("/api/sessions", headers=team.headers("admin")).json()["items"][0]["id"]
    copy = client.get(f"/reserver?depuis={session_id}").text
    unknown = client.get("/reserver?depuis=999999").text
    day = datetime.now(PARIS).date() + timedelta(days=27)
    assert (
        'value="À copier"' in copy,
        f'value="{day.isoformat()}"' in copy,
        "Aucune séance n° 999999 à copier" in unescape(unknown),
    ) == (True, True, True)


def test_venue_search_by_name_commune_or_quarter(
    client: Client, settings: Settings, team: Team
) -> None:
    """A venue is found by its quarter's name or code and by its commune, not by a word it
    lacks; one letter asks for more."""
    create_venue(client, team, "Salle Jean Jaurès (test)")
    sign_up(client, settings, team.adviser)
    found = {
        q: re.findall(r"Choisir ([^<]+)</button>", client.get(f"/reserver/lieux?q={q}").text)
        for q in ("etouvie", "QN08001M", "amiens", "zzz")
    }
    assert found == {
        "etouvie": ["Salle Jean Jaurès (test)"],
        "QN08001M": ["Salle Jean Jaurès (test)"],
        "amiens": ["Salle Jean Jaurès (test)"],
        "zzz": [],
    }
    assert "au moins deux lettres" in client.get("/reserver/lieux?q=a").text
