"""The advisers' workspace in a real browser, by keyboard where a person would: sign in, book
an evening session (the live check first refuses a lone adviser, by the people's field; the
partner finder then proposes who is free and choosing them ticks them), see it
in the agenda, move it, cancel it; record the outcome of one that has ended. axe-core finds
nothing serious on each page, errors shown included; nothing scrolls sideways at 390 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from planner.clock import PARIS
from tests.browser import (
    _in_thread,
    accessibility_findings,
    open_page,
    overflows,
    sign_in,
)
from tests.conftest import Team
from tests.factories import ETOUVIE, book_evening_session

ADVISER = "adviser@test.invalid"


def _venue(base: str, team: Team) -> int:
    answer = httpx.post(
        f"{base}/api/venues",
        json={
            "name": "Salle du parcours (test)",
            "kind": "centre_social",
            "street": "Place Vauban",
            "postcode": "80080",
            "commune": "Amiens",
            **ETOUVIE,
        },
        headers=team.headers("adviser"),
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_book_see_move_cancel_by_keyboard(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """The whole journey of an evening session, with the audits on the way."""
    venue = _venue(live_server, demo_team)
    errors: list[str] = []
    findings: dict[str, list[str]] = {}
    page = open_page(chromium, f"{live_server}/connexion", errors)
    sign_in(page, live_server, database_url, ADVISER, then="/agenda")
    findings["agenda"] = accessibility_findings(page)
    page.get_by_role("link", name="Réserver une séance").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/reserver")
    day = datetime.now(PARIS).date() + timedelta(days=16)
    page.get_by_label("Titre").fill("Permanence emploi du parcours")
    page.get_by_label("Jour").fill(day.isoformat())
    page.get_by_label("Chercher un lieu").fill("parcours")
    pick = page.get_by_role("button", name="Choisir Salle du parcours (test)")
    pick.focus()
    page.keyboard.press("Enter")
    chosen_venue = page.locator("#venue_id").input_value()
    lone = page.locator("#erreurs-staff_ids p.erreur")
    lone.first.wait_for()
    refused = lone.all_text_contents()
    button_refusing = page.locator("#bouton-reserver").inner_text()
    findings["reserver (refus)"] = accessibility_findings(page)
    page.get_by_role("button", name="Qui est libre ce soir-là ?").focus()
    page.keyboard.press("Enter")
    choose = page.get_by_role("button", name="Choisir Personne de test (partner)")
    choose.wait_for()
    findings["reserver (partenaires)"] = accessibility_findings(page)
    choose.focus()
    page.keyboard.press("Enter")
    page.locator("#verdict", has_text="Les règles sont respectées").wait_for()
    partner_ticked = page.get_by_label("Personne de test (partner)").is_checked()
    page.locator("#bouton-reserver").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/agenda/seances/*?reservee=1")
    session_url = page.url.split("?")[0]
    booked_notice = page.get_by_role("status").first.inner_text()
    findings["seance"] = accessibility_findings(page)
    page.goto(f"{live_server}/agenda?du={day.isoformat()}")
    in_agenda = page.get_by_role("link", name="Permanence emploi du parcours").count()
    page.goto(session_url)
    page.get_by_label("Jour").fill((day + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Déplacer la séance").press("Enter")
    page.wait_for_url(f"{session_url}?fait=deplacee")
    moved = page.locator(".details").inner_text()
    page.get_by_label("Raison de l'annulation").fill("Salle indisponible ce soir-là")
    page.get_by_role("button", name="Annuler la séance").press("Enter")
    page.wait_for_url(f"{session_url}?fait=annulee")
    state = page.locator(".statut").text_content()
    assert (refused, button_refusing) == (
        [
            "Erreur : Une permanence de quartier se tient à deux au moins, de deux structures "
            "différentes (ici : 1 intervenant, 1 structure)."
        ],
        "Réserver (impossible : 1 problème)",
    )
    assert (chosen_venue, partner_ticked, booked_notice, in_agenda, state) == (
        str(venue),
        True,
        "Séance réservée.",
        1,
        "État : Annulée",
    )
    assert f"{day + timedelta(days=1):%d/%m/%Y} de 18:00 à 21:00" in moved
    assert (findings, errors) == (
        {"agenda": [], "reserver (refus)": [], "reserver (partenaires)": [], "seance": []},
        [],
    )


def test_outcome_recorded_after_the_session(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """A session that ended last month is waiting in the agenda; its outcome is typed and the
    session is completed."""
    venue = _venue(live_server, demo_team)
    then = datetime.now(UTC) - timedelta(days=40)
    session_id = _in_thread(
        lambda: book_evening_session(
            database_url, demo_team, venue, day=(then + timedelta(days=5)).date(), now=then
        )
    )
    page = open_page(chromium, f"{live_server}/connexion", [])
    sign_in(page, live_server, database_url, ADVISER, then="/agenda")
    page.get_by_role("link", name="Permanence passée").click()
    page.wait_for_url(f"{live_server}/agenda/seances/{session_id}")
    for label, value in [
        ("Personnes rencontrées", "14"),
        ("Nouveaux contacts", "5"),
        ("Offres d'emploi remises", "3"),
        ("Immersions proposées", "1"),
        ("Suivis engagés", "4"),
    ]:
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Enregistrer le bilan").press("Enter")
    page.wait_for_url(f"{live_server}/agenda/seances/{session_id}?fait=bilan")
    assert (page.locator(".statut").text_content(), accessibility_findings(page)) == (
        "État : Terminée",
        [],
    )


def test_workspace_pages_fit_a_phone(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """At 390 px the agenda is a list by day and no workspace page scrolls sideways."""
    page = open_page(chromium, f"{live_server}/connexion", [], phone=True)
    sign_in(page, live_server, database_url, ADVISER, then="/agenda")
    widths = {}
    for path in ("/agenda", "/reserver"):
        page.goto(f"{live_server}{path}")
        widths[path] = overflows(page)
    page.goto(f"{live_server}/agenda")
    columns = page.evaluate(
        "getComputedStyle(document.querySelector('.semaine')).gridTemplateColumns.split(' ').length"
    )
    assert (widths, columns, accessibility_findings(page)) == (
        {"/agenda": False, "/reserver": False},
        1,
        [],
    )


def test_private_calendar_address_with_qr_code(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """Mon calendrier: the address is created by keyboard, shown with its QR code, and the page
    passes the audit at phone width."""
    page = open_page(chromium, f"{live_server}/connexion", [], phone=True)
    sign_in(page, live_server, database_url, ADVISER, then="/agenda")
    page.goto(f"{live_server}/mon-calendrier")
    page.get_by_role("button", name="Créer mon adresse").press("Enter")
    page.get_by_label("Adresse pour Outlook, Google Agenda ou Thunderbird").wait_for()
    address = page.get_by_label("Adresse pour Outlook, Google Agenda ou Thunderbird").input_value()
    qr_shown = page.get_by_role("img", name="Code QR de l'adresse de votre calendrier privé")
    assert (
        address.startswith(f"{live_server}/feeds/staff/cal_"),
        qr_shown.is_visible(),
        accessibility_findings(page),
        overflows(page),
    ) == (True, True, [], False)


def test_held_session_form_is_accessible(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """The coordinator's form for a session held without booking passes the audit, with an
    error shown, at phone width."""
    page = open_page(chromium, f"{live_server}/connexion", [], phone=True)
    sign_in(page, live_server, database_url, "chef-de-projet.l@demo.invalid", then="/agenda")
    page.get_by_role("link", name="Saisir une séance tenue sans réservation").click()
    page.get_by_role("button", name="Enregistrer la séance tenue").click()
    page.locator(".alerte").wait_for()
    assert (accessibility_findings(page), overflows(page)) == ([], False)


def test_coordinator_plans_accepts_and_publishes_a_campaign(
    live_server: str, demo_team: Team, database_url: str, chromium: Any
) -> None:
    """The demo's coordinator creates a campaign in the Somme with the Amiens partners, follows
    the plan's progress until its sessions are listed and drawn on the map (one point each),
    accepts it, then publishes them; both campaign pages pass the audit."""
    errors: list[str] = []
    page = open_page(chromium, f"{live_server}/connexion", errors)
    sign_in(page, live_server, database_url, "chef-de-projet.l@demo.invalid", then="/agenda")
    page.get_by_role("link", name="Campagnes").first.click()
    page.wait_for_url(f"{live_server}/campagnes")
    findings = {"campagnes": accessibility_findings(page)}
    page.get_by_label("Nom de la campagne").fill("Campagne du parcours (test)")
    page.get_by_label("Département").fill("80")
    page.get_by_label("France Travail Amiens (démo)").check()
    page.get_by_label("Centre social d'Etouvie (démo)").check()
    page.locator("summary").click()
    page.get_by_label("Temps de calcul maximal").fill("2")
    page.get_by_role("button", name="Créer la campagne").press("Enter")
    page.wait_for_url(f"{live_server}/campagnes/*")
    page.get_by_role("button", name="Lancer la planification").press("Enter")
    page.get_by_role("table", name="Séances proposées").wait_for(timeout=60_000)
    proposed = page.locator("table tbody tr").count()
    page.locator("#carte-plan path.leaflet-interactive").first.wait_for()
    points = page.locator("#carte-plan path.leaflet-interactive").count()
    findings["campagne (plan)"] = accessibility_findings(page)
    page.get_by_role("button", name="Accepter le plan").press("Enter")
    page.get_by_role("button", name="Publier les séances du plan").press("Enter")
    page.get_by_text("Séances du plan publiées").wait_for()
    assert (proposed > 0, points, findings, errors) == (
        True,
        proposed,
        {"campagnes": [], "campagne (plan)": []},
        [],
    )
