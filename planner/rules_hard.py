"""The hard booking rules other than travel (rule 3, :mod:`planner.rules_travel`): a booking
that breaks one is refused.

Rule 1: times, duration, past, capacity; rule 2: one person, one venue, one session at a time;
rule 4: neighbourhood sessions in the evening window, in pairs; rule 5: published sessions have a
placed venue.
"""

from __future__ import annotations

from collections.abc import Iterator

from planner import rules_text as text
from planner.rules_case import Case, overlap, staff_ids
from planner.session import SESSION_KIND_LABELS, SessionKind, SessionStatus, Violation


def check_inputs(case: Case) -> Iterator[Violation]:
    """Rule 1: end after start, duration (elapsed, not wall clock) within the kind's bounds,
    no start in the past nor beyond the booking horizon, no negative capacity."""
    booking, start, end, zone = case.booking, case.start, case.end, case.zone
    if not case.sound:
        yield Violation(
            "fin-avant-debut",
            f"La fin ({text.moment(end, zone)}) doit être après le début "
            f"({text.moment(start, zone)}).",
            field="end",
        )
    elif not (bounds := case.settings.durations[booking.kind])[0] <= end - start <= bounds[1]:
        yield Violation(
            "duree-hors-bornes",
            f"Une séance « {SESSION_KIND_LABELS[booking.kind]} » dure de "
            f"{text.duration(bounds[0])} à {text.duration(bounds[1])} : celle-ci dure "
            f"{text.duration(end - start)}.",
        )
    if start < case.now:
        yield Violation(
            "dans-le-passe",
            f"Le début ({text.moment(start, zone)}) est déjà passé : on ne réserve pas dans "
            "le passé.",
            field="start",
        )
    if start > case.now + case.settings.horizon:
        yield Violation(
            "trop-lointain",
            f"Le début ({text.moment(start, zone)}) est à plus de "
            f"{case.settings.horizon.days} jours : on ne réserve pas si loin à l'avance "
            "(une erreur de saisie de l'année ?).",
            field="start",
        )
    if booking.capacity is not None and booking.capacity < 0:
        yield Violation(
            "capacite-negative",
            f"La capacité ne peut pas être négative (ici {booking.capacity}).",
            field="capacity",
        )


def check_conflicts(case: Case) -> Iterator[Violation]:
    """Rule 2: nobody in two overlapping sessions, no venue hosting two (holding ones only)."""
    booking, zone = case.booking, case.zone
    clashes = [s for s in case.spans if overlap(case.start, case.end, s[1], s[2])]
    for other, other_start, other_end in clashes:
        for staff_id in sorted(staff_ids(booking) & staff_ids(other)):
            yield Violation(
                "intervenant-deja-pris",
                f"{text.sentence(text.person(staff_id, booking, other))} est déjà en séance "
                f"{text.interval(other_start, other_end, zone)} ({text.session_name(other)}).",
                session_id=other.id,
                field="staff",
            )
    for other, other_start, other_end in clashes:
        if other.place.venue_id == booking.place.venue_id:
            yield Violation(
                "lieu-deja-pris",
                f"{text.sentence(text.venue(booking.place))} est déjà réservé "
                f"{text.interval(other_start, other_end, zone)} ({text.session_name(other)}).",
                session_id=other.id,
                field="venue",
            )


def check_neighbourhood(case: Case) -> Iterator[Violation]:
    """Rule 4: a neighbourhood session starts and ends inside the evening window, local time, on
    one local day (an end at 22:00 exactly fits a 22:00 window), and is staffed by at least two
    people from at least two organisations (the seminar's Mission Locale and social-centre pairs).
    """
    booking, zone, window = case.booking, case.zone, case.window
    if booking.kind is not SessionKind.NEIGHBOURHOOD_SESSION:
        return
    local_start, local_end = case.start.astimezone(zone), case.end.astimezone(zone)
    early = local_start.time() < window.start
    late = local_end.date() != local_start.date() or local_end.time() > window.end
    if case.sound and (early or late):
        yield Violation(
            "hors-creneau-du-soir",
            f"Une permanence de quartier se tient le même soir entre {window.start:%H:%M} et "
            f"{window.end:%H:%M} (heure locale, {zone.key}) : celle-ci a lieu "
            f"{text.interval(case.start, case.end, zone)}.",
            field=None if early and late else "start" if early else "end",
        )
    people = len(staff_ids(booking))
    bodies = len({a.organisation_id for a in booking.staff})
    if people < 2 or bodies < 2:
        yield Violation(
            "binome-incomplet",
            "Une permanence de quartier se tient à deux au moins, de deux structures différentes "
            f"(ici : {text.count(people, 'intervenant')}, {text.count(bodies, 'structure')}).",
            field="staff",
        )


def check_placed(case: Case) -> Iterator[Violation]:
    """Rule 5: a published session has a venue placed on the map (residents must find it)."""
    place = case.booking.place
    if case.booking.status is SessionStatus.PUBLISHED and place.to_find:
        yield Violation(
            "lieu-non-geolocalise",
            "La séance n'a pas encore de lieu (« lieu à trouver dans le quartier ») : "
            "choisissez le lieu avant de la publier.",
            field="venue",
        )
    elif case.booking.status is SessionStatus.PUBLISHED and (
        place.lon is None or place.lat is None
    ):
        yield Violation(
            "lieu-non-geolocalise",
            f"{text.sentence(text.venue(place))} n'est pas placé sur la carte : une séance publiée "
            "doit avoir un lieu géolocalisé (adresse ou coordonnées).",
            field="venue",
        )
