"""Each session's VEVENT: the fragments feeds are assembled from.

Fragments are stored in the database with the session's ``shown_version`` and this rendering's
``key`` (:mod:`planner.db.feed_store`), so a feed of a thousand sessions renders only those whose
content changed — and all of them again when the rendering code or the public address changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import calendars.event
import calendars.feed
import planner.audiences
import planner.registration
import planner.session
from calendars.event import (
    EventData,
    event_status,
    event_uid,
    public_event,
    render_event,
    session_summary,
)
from planner.audiences import audience_label
from planner.db.models import OutreachSession
from planner.registration import places_text
from planner.session import SESSION_KIND_LABELS, SessionKind, SessionStatus


def location_of(row: OutreachSession) -> str:
    """The full postal address of a session's venue, as LOCATION."""
    venue = row.venue
    place = " ".join(p for p in (venue.postcode, venue.commune_name) if p)
    return ", ".join(p for p in (venue.name, venue.street, place) if p)


class Fragments:
    """Renders sessions to VEVENT fragments."""

    def __init__(self, *, public_url: str, domain: str) -> None:
        self.public_url = public_url
        self.domain = domain
        self.key = render_key(public_url, domain)

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
                    f"Sur inscription : {places_text(row.capacity, row.places_taken)}"
                    if row.takes_registrations and row.status == SessionStatus.PUBLISHED
                    else "",
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
                *(audience_label(a.tag) for a in row.audiences),
            ),
            status=event_status(row.status),
            private_notes=row.internal_notes or None,
            contacts=tuple(f"{s.member.name} <{s.member.email}>" for s in row.staff),
        )
        return event if private else public_event(event)

    def render(self, row: OutreachSession, *, private: bool) -> bytes:
        """The session's VEVENT."""
        return render_event(self.event_data(row, private=private))


def render_key(public_url: str, domain: str) -> str:
    """What a stored fragment depends on besides its session: the public address and the code
    that renders it, kind labels included (a deployment changing either renders every fragment
    again)."""
    digest = hashlib.sha256(f"{public_url}\n{domain}\n".encode())
    for module in (
        calendars.event,
        calendars.feed,
        planner.session,
        planner.audiences,
        planner.registration,
    ):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()
