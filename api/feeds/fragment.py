"""Each session's VEVENT, rendered once per change: the fragments feeds are assembled from.

The fragment cache is keyed by session and audience (public or private) and checked against
the session's ``updated_at``, so a feed of a thousand sessions renders only those that changed.
"""

from __future__ import annotations

from datetime import datetime

from calendars.event import (
    EventData,
    event_status,
    event_uid,
    public_event,
    render_event,
    session_summary,
)
from planner.db.models import OutreachSession
from planner.session import SESSION_KIND_LABELS, SessionKind


def location_of(row: OutreachSession) -> str:
    """The full postal address of a session's venue, as LOCATION."""
    venue = row.venue
    place = " ".join(p for p in (venue.postcode, venue.commune_name) if p)
    return ", ".join(p for p in (venue.name, venue.street, place) if p)


class Fragments:
    """Renders sessions to VEVENT fragments, each kept until its session changes."""

    def __init__(self, *, public_url: str, domain: str) -> None:
        self.public_url = public_url
        self.domain = domain
        self._rendered: dict[tuple[int, bool], tuple[datetime, bytes]] = {}

    def event_data(self, row: OutreachSession, *, private: bool) -> EventData:
        """The iCalendar values of a session; private ones add staff, partners and notes."""
        event = EventData(
            uid=event_uid(row.id, domain=self.domain),
            sequence=row.revision,
            last_modified=row.updated_at,
            start=row.start_at,
            end=row.end_at,
            timezone=row.timezone,
            summary=session_summary(SESSION_KIND_LABELS[SessionKind(row.kind)], row.title),
            description="\n".join(
                part
                for part in (
                    row.description,
                    f"Annulée : {row.cancel_reason}" if row.cancel_reason else "",
                    "Organisé par "
                    + ", ".join(
                        [row.organisation.name, *(p.organisation.name for p in row.partners)]
                    ),
                )
                if part
            ),
            location=location_of(row),
            lat=row.venue.lat,
            lon=row.venue.lon,
            url=f"{self.public_url}/seances/{row.id}",
            categories=(
                SESSION_KIND_LABELS[SessionKind(row.kind)],
                *(a.tag for a in row.audiences),
            ),
            status=event_status(row.status),
            private_notes=row.internal_notes or None,
            contacts=tuple(f"{s.member.name} <{s.member.email}>" for s in row.staff),
        )
        return event if private else public_event(event)

    def render(self, row: OutreachSession, *, private: bool) -> bytes:
        """The session's VEVENT, rendered again only when the session changed."""
        key = (row.id, private)
        cached = self._rendered.get(key)
        if cached is not None and cached[0] == row.updated_at:
            return cached[1]
        rendered = render_event(self.event_data(row, private=private))
        self._rendered[key] = (row.updated_at, rendered)
        return rendered
