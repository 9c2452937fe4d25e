"""What the staff session page shows: a stored session put in French words, and which of its
actions the person may take (decided by the caller's rights, given, and the status)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from planner.audiences import audience_label
from planner.db.models import OutreachSession
from planner.db.venues import list_venues
from planner.registration import WALK_IN_KINDS, places_text
from planner.rules_status import STATUS_LABELS
from planner.session import SESSION_KIND_LABELS, SessionKind, SessionStatus

DONE = {
    "deplacee": "Séance déplacée.",
    "modifiee": "Séance modifiée.",
    "publiee": "Séance publiée : elle apparaît dans les calendriers des habitants.",
    "annulee": "Séance annulée.",
    "bilan": "Bilan enregistré.",
    "tenue": "Séance tenue enregistrée avec son bilan.",
    "presences": "Présences enregistrées.",
    "immersion": "Immersion enregistrée.",
    "embauche": "Embauche enregistrée.",
}
"""What the page says after each action."""
OUTCOME_LABELS = {
    "people_met": "Personnes rencontrées",
    "new_contacts": "Nouveaux contacts",
    "job_offers": "Offres d'emploi remises",
    "immersions": "Immersions proposées",
    "follow_ups": "Suivis engagés",
}


def when(row: OutreachSession) -> str:
    """``mardi 15/12/2026 de 18:00 à 21:00`` in the session's own zone."""
    zone = ZoneInfo(row.timezone)
    start, end = row.start_at.astimezone(zone), row.end_at.astimezone(zone)
    days = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    if start.date() == end.date():
        return f"{days[start.weekday()]} {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"
    return f"du {start:%d/%m/%Y %H:%M} au {end:%d/%m/%Y %H:%M}"


async def _venue_choices(session: AsyncSession, row: OutreachSession) -> list[Any]:
    """The venues a session may move to; a session still at its QPV's stand-in venue (« lieu à
    trouver ») keeps it first and chosen, so that moving its time leaves it there until a real
    venue is picked (stand-ins are not listed among venues)."""
    venues = list(await list_venues(session))
    return [row.venue, *venues] if row.venue.to_find else venues


async def session_context(
    session: AsyncSession,
    row: OutreachSession,
    *,
    full: bool,
    may_change: bool,
    now: datetime,
    values: dict[str, Any] | None,
) -> dict[str, Any]:
    """The template's context for ``row``: its details (staff and notes only when seen in
    full), the actions open to the person, the move and outcome forms' values."""
    status = SessionStatus(row.status)
    zone = ZoneInfo(row.timezone)
    start, end = row.start_at.astimezone(zone), row.end_at.astimezone(zone)
    open_ = status in (SessionStatus.DRAFT, SessionStatus.PUBLISHED)
    ended = row.end_at <= now
    outcome = row.outcome
    typed = values or {}
    return {
        "session": row,
        "zone": zone,
        "kind_label": SESSION_KIND_LABELS[SessionKind(row.kind)],
        "session_status": status.value,
        "status_label": STATUS_LABELS[status],
        "when": when(row),
        "full": full,
        "staff_names": [s.member.name for s in row.staff] if full else [],
        "partner_names": [p.organisation.name for p in row.partners],
        "audiences": [audience_label(a.tag) for a in row.audiences],
        "can_move": may_change and open_ and not ended,
        "can_publish": may_change and status is SessionStatus.DRAFT and not ended,
        "can_cancel": may_change and open_ and not ended,
        "can_record": may_change
        and ended
        and status in (SessionStatus.PUBLISHED, SessionStatus.COMPLETED),
        "can_copy": may_change,
        "needs_outcome": ended and status is SessionStatus.PUBLISHED,
        "move": {
            "day": typed.get("day", start.date().isoformat()),
            "start_time": typed.get("start_time", f"{start:%H:%M}"),
            "end_time": typed.get("end_time", f"{end:%H:%M}"),
            "venue_id": typed.get("venue_id", str(row.venue_id)),
        },
        "venues": await _venue_choices(session, row) if may_change and open_ and not ended else [],
        "edit": {
            "title": typed.get("title", row.title),
            "description": typed.get("description", row.description),
            "internal_notes": typed.get("internal_notes", row.internal_notes),
            "capacity": typed.get("capacity", "" if row.capacity is None else str(row.capacity)),
            "staff_ids": typed.get("staff_ids", [str(s.staff_id) for s in row.staff]),
            "takes_registrations": typed.get("takes_registrations", row.takes_registrations),
        },
        "walk_in": SessionKind(row.kind) in WALK_IN_KINDS,
        "places": places_text(row.capacity, row.places_taken),
        "outcome_labels": OUTCOME_LABELS,
        "outcome": {
            name: typed.get(name, "" if outcome is None else str(getattr(outcome, name)))
            for name in (*OUTCOME_LABELS, "remarks")
        },
        "has_outcome": outcome is not None,
    }
