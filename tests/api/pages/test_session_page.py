"""``/agenda/seances/{id}`` over HTTP: details by name, move under the rules, publish, cancel
with a reason, outcome after the end; others' drafts stay hidden."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

from litestar.testing import TestClient

from api.settings import Settings
from planner.clock import PARIS
from tests.api.pages.test_signin import csrf, sign_up
from tests.conftest import Team
from tests.factories import book_evening_session, create_venue, evening

Client = TestClient  # type: ignore[type-arg]


def _book(client: Client, team: Team, venue: int, days: int = 20, **changes: Any) -> int:
    start, end = evening(days, "18:00", "21:00")
    body = {
        "kind": "neighbourhood_session",
        "title": "Permanence du soir",
        "start": start,
        "end": end,
        "venue_id": venue,
        "organisation_id": team.mission_locale,
        "staff_ids": [team.adviser, team.partner],
        **changes,
    }
    answer = client.post("/api/sessions", json=body, headers=team.headers("adviser"))
    assert answer.status_code == 201, answer.text
    return int(answer.json()["session"]["id"])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_session_page_shows_details_by_name(client: Client, settings: Settings, team: Team) -> None:
    """The page names the venue, the organisation and the people; the status is spelled out."""
    session_id = _book(client, team, create_venue(client, team))
    sign_up(client, settings, team.adviser)
    text = _text(client.get(f"/agenda/seances/{session_id}").text)
    assert (
        "État : Brouillon" in text,
        "Centre social d'Etouvie (test), Place Vauban, 80080 Amiens (QPV QN08001M)" in text,
        "Personne de test (adviser), Personne de test (partner)" in text,
    ) == (True, True, True)


def test_move_refused_keeps_values_and_changes_nothing(
    client: Client, settings: Settings, team: Team
) -> None:
    """Moving onto a taken evening: 422, the reasons by name next to the people, the typed day
    kept, the session unchanged; moving to a free evening works."""
    venue = create_venue(client, team)
    mine = _book(client, team, venue, 20)
    _book(client, team, venue, 21, title="Déjà là")
    sign_up(client, settings, team.adviser)
    token = csrf(client.get(f"/agenda/seances/{mine}").text)
    taken = (datetime.now(PARIS).date() + timedelta(days=21)).isoformat()
    free = (datetime.now(PARIS).date() + timedelta(days=22)).isoformat()
    form = {
        "_csrf_token": token,
        "start_time": "18:00",
        "end_time": "21:00",
        "venue_id": str(venue),
    }
    refused = client.post(f"/agenda/seances/{mine}/deplacement", data={**form, "day": taken})
    before = client.get(f"/api/sessions/{mine}", headers=team.headers("adviser")).json()["start"]
    moved = client.post(
        f"/agenda/seances/{mine}/deplacement", data={**form, "day": free}, follow_redirects=False
    )
    after = client.get(f"/api/sessions/{mine}", headers=team.headers("adviser")).json()["start"]
    assert (refused.status_code, f'value="{taken}"' in refused.text) == (422, True)
    assert "Personne de test (adviser) est déjà en séance" in _text(refused.text)
    assert (before[:10], moved.status_code, moved.headers["location"], after[:10]) == (
        (datetime.now(PARIS).date() + timedelta(days=20)).isoformat(),
        303,
        f"/agenda/seances/{mine}?fait=deplacee",
        free,
    )


def test_publish_then_cancel_needs_a_reason(client: Client, settings: Settings, team: Team) -> None:
    """A draft is published; cancelling without a reason is refused by the field; with one,
    the session is cancelled and the reason shown."""
    session_id = _book(client, team, create_venue(client, team))
    sign_up(client, settings, team.adviser)
    token = csrf(client.get(f"/agenda/seances/{session_id}").text)
    client.post(f"/agenda/seances/{session_id}/publication", data={"_csrf_token": token})
    empty = client.post(
        f"/agenda/seances/{session_id}/annulation", data={"_csrf_token": token, "reason": " "}
    )
    done = client.post(
        f"/agenda/seances/{session_id}/annulation",
        data={"_csrf_token": token, "reason": "Salle inondée"},
    )
    status = client.get(f"/api/sessions/{session_id}", headers=team.headers("adviser")).json()
    assert (empty.status_code, "donnez la raison de l'annulation" in _text(empty.text)) == (
        422,
        True,
    )
    assert (status["status"], "Raison de l'annulation Salle inondée" in _text(done.text)) == (
        "cancelled",
        True,
    )


def test_outcome_form_after_the_end(client: Client, settings: Settings, team: Team) -> None:
    """A session that has ended offers the outcome form; a bad count is refused by its field;
    the recorded outcome completes the session and is shown."""
    venue = create_venue(client, team)
    then = datetime.now(UTC) - timedelta(days=40)
    day = (then + timedelta(days=5)).astimezone(PARIS).date()
    session_id = asyncio.run(
        book_evening_session(settings.database_url, team, venue, day=day, now=then)
    )
    sign_up(client, settings, team.adviser)
    page = client.get(f"/agenda/seances/{session_id}")
    counts = {"people_met": "12", "new_contacts": "5", "job_offers": "2", "immersions": "1"}
    form = {"_csrf_token": csrf(page.text), **counts, "follow_ups": "3", "remarks": "Bonne soirée"}
    bad = client.post(f"/agenda/seances/{session_id}/bilan", data={**form, "follow_ups": "-1"})
    done = client.post(f"/agenda/seances/{session_id}/bilan", data=form)
    stored = client.get(f"/api/sessions/{session_id}", headers=team.headers("adviser")).json()
    assert ("Enregistrer le bilan" in page.text, bad.status_code) == (True, 422)
    assert "un nombre entier, 0 ou plus" in _text(bad.text)
    assert (stored["status"], stored["outcome"]["people_met"], done.status_code) == (
        "completed",
        12,
        200,
    )


def test_other_organisations_draft_is_not_found(
    client: Client, settings: Settings, team: Team
) -> None:
    """A draft of another organisation answers 404, as a missing number."""
    session_id = _book(
        client, team, create_venue(client, team), kind="info_session", staff_ids=[team.adviser]
    )
    sign_up(client, settings, team.partner)
    answer = client.get(f"/agenda/seances/{session_id}", headers={"Accept": "text/html"})
    assert answer.status_code == 404


def test_history_tells_who_changed_what_by_name(
    client: Client, settings: Settings, team: Team
) -> None:
    """After a move, the history lists the booking then the change of start, by the adviser's
    name, with the old and new times."""
    venue = create_venue(client, team)
    session_id = _book(client, team, venue, 20)
    sign_up(client, settings, team.adviser)
    token = csrf(client.get(f"/agenda/seances/{session_id}").text)
    day = (datetime.now(PARIS).date() + timedelta(days=22)).isoformat()
    form = {"_csrf_token": token, "day": day, "start_time": "18:00", "end_time": "21:00"}
    client.post(f"/agenda/seances/{session_id}/deplacement", data={**form, "venue_id": str(venue)})
    text = _text(client.get(f"/agenda/seances/{session_id}").text).split("Historique")[1]
    old = datetime.now(PARIS).date() + timedelta(days=20)
    assert "Réservée par Personne de test (adviser)" in text
    assert (
        f"Modifiée par Personne de test (adviser) Début : {old:%d/%m/%Y} 18:00 → "
        f"{old + timedelta(days=2):%d/%m/%Y} 18:00" in text
    )


def test_edit_title_places_and_people_under_the_rules(
    client: Client, settings: Settings, team: Team
) -> None:
    """Leaving the adviser alone is refused by the people's field (the pair rule) with the typed
    title kept; a new title and capacity are saved."""
    session_id = _book(client, team, create_venue(client, team))
    sign_up(client, settings, team.adviser)
    page = client.get(f"/agenda/seances/{session_id}").text
    form = {"_csrf_token": csrf(page), "description": "", "internal_notes": "", "capacity": "25"}
    lone = client.post(
        f"/agenda/seances/{session_id}/modification",
        data={**form, "title": "Essai seul", "staff_ids": [str(team.adviser)]},
    )
    saved = client.post(
        f"/agenda/seances/{session_id}/modification",
        data={
            **form,
            "title": "Permanence renommée",
            "staff_ids": [str(team.adviser), str(team.partner)],
        },
        follow_redirects=False,
    )
    stored = client.get(f"/api/sessions/{session_id}", headers=team.headers("adviser")).json()
    assert (lone.status_code, 'value="Essai seul"' in lone.text) == (422, True)
    assert "Une permanence de quartier se tient à deux au moins" in _text(lone.text)
    assert (saved.status_code, stored["title"], stored["capacity"]) == (
        303,
        "Permanence renommée",
        25,
    )
