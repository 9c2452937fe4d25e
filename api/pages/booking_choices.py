"""What the booking form offers to choose from, and what it starts with."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from planner.access import Caller
from planner.audiences import AUDIENCE_LABELS
from planner.clock import PARIS
from planner.db import people, session_queries
from planner.db.models import Staff
from planner.db.partnerships import active_partner_ids
from planner.db.session_values import organisation_window
from planner.db.venues import list_venues
from planner.errors import NotFoundError
from planner.session import SESSION_KIND_LABELS, RuleSettings, SessionKind


async def choices(session: AsyncSession, viewer: Staff, rules: RuleSettings) -> dict[str, Any]:
    """Kinds, venues by commune, people by organisation (the person's own first, then its
    partners, then the others), partner organisations, and the evening window."""
    organisations = list(await people.list_organisations(session))
    partners = await active_partner_ids(session, viewer.organisation_id)
    order = {viewer.organisation_id: 0, **dict.fromkeys(partners, 1)}
    organisations.sort(key=lambda o: (order.get(o.id, 2), o.name))
    staff_by_org: dict[int, list[Staff]] = defaultdict(list)
    for person in await people.list_staff(session):
        if person.active:
            staff_by_org[person.organisation_id].append(person)
    venues_by_commune: dict[str, list[Any]] = defaultdict(list)
    for venue in await list_venues(session):
        venues_by_commune[venue.commune_name or "Commune inconnue"].append(venue)
    own = next(o for o in organisations if o.id == viewer.organisation_id)
    window = organisation_window(own, rules)
    return {
        "kinds": [(k.value, label) for k, label in SESSION_KIND_LABELS.items()],
        "audience_choices": [(a.value, label) for a, label in AUDIENCE_LABELS.items()],
        "venue_groups": sorted(venues_by_commune.items()),
        "people_groups": [
            {
                "organisation": o,
                "relation": ("votre structure", "partenaire", "autre structure")[
                    order.get(o.id, 2)
                ],
                "staff": staff_by_org[o.id],
            }
            for o in organisations
            if staff_by_org[o.id]
        ],
        "partner_organisations": [o for o in organisations if o.id != viewer.organisation_id],
        "window": f"{window.start:%H:%M}–{window.end:%H:%M}",
        "organisation": own,
    }


def _defaults(viewer: Staff, now: datetime) -> dict[str, Any]:
    day = now.astimezone(PARIS).date() + timedelta(days=7)
    return {
        "kind": SessionKind.NEIGHBOURHOOD_SESSION.value,
        "title": "",
        "day": day.isoformat(),
        "start_time": "18:00",
        "end_time": "21:00",
        "venue_id": "",
        "staff_ids": [str(viewer.id)],
        "partner_ids": [],
        "audiences": [],
        "capacity": "",
        "description": "",
        "internal_notes": "",
        "count": "1",
        "publish": False,
    }


async def prefill(
    session: AsyncSession,
    viewer: Staff,
    caller: Caller | None,
    *,
    now: datetime,
    retention: timedelta,
    source: str | None,
    venue: str | None,
) -> tuple[dict[str, Any], str | None]:
    """The form's first values: the defaults, a chosen venue, or a copy of session ``source``
    (a week later, same times) if the person may read it; a French notice otherwise."""
    values = _defaults(viewer, now)
    if venue and venue.isascii() and venue.isdigit():
        values["venue_id"] = venue
    if not source:
        return values, None
    if not (source.isascii() and source.isdigit() and len(source) <= 9):
        return values, f"Aucune séance « {source} » à copier : formulaire vide."
    try:
        row, _ = await session_queries.seen_session(
            session, int(source), caller=caller, now=now, retention=retention
        )
    except NotFoundError:
        return values, f"Aucune séance n° {source} à copier : formulaire vide."
    zone = ZoneInfo(row.timezone) if row.timezone else PARIS
    start, end = row.start_at.astimezone(zone), row.end_at.astimezone(zone)
    day = max(start.date() + timedelta(days=7), date.fromisoformat(values["day"]))
    values.update(
        kind=row.kind,
        title=row.title,
        day=day.isoformat(),
        start_time=f"{start:%H:%M}",
        end_time=f"{end:%H:%M}",
        venue_id=str(row.venue_id),
        staff_ids=[str(s.staff_id) for s in row.staff],
        partner_ids=[str(p.organisation_id) for p in row.partners],
        audiences=[a.tag for a in row.audiences],
        capacity="" if row.capacity is None else str(row.capacity),
        description=row.description,
    )
    return values, f"Copie de la séance « {row.title} » : vérifiez la date avant de réserver."


__all__ = ["choices", "prefill"]
