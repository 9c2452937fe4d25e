"""Independent readings of calendar feeds, used as oracles by the calendar tests.

Each feed is read by four parsers that calendar users actually meet: ``icalendar`` (which
``recurring-ical-events`` builds on), ``vobject`` (Radicale's), ``ical`` (Home Assistant's)
and ``recurring-ical-events`` (expands a feed over a window, as calendar views do). Each
reading is reduced to the same plain :class:`Reading`, so a test compares whole values.

``icalendar`` and ``ical`` resolve a known IANA ``TZID`` with the system's tz database and do
not look at our VTIMEZONE; ``vobject`` always uses the VTIMEZONE. :func:`opaque_tzids` renames
every TZID so that all four must interpret our VTIMEZONE blocks, as Thunderbird, Outlook and
Radicale do.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import icalendar
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream

from calendars.event import EventData, event_uid


@dataclass(frozen=True, slots=True)
class Reading:
    """What a parser read of one VEVENT; instants in UTC."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    status: str
    summary: str
    description: str | None
    location: str | None
    categories: tuple[str, ...]
    geo: tuple[float, float] | None
    url: str | None
    organizer: tuple[str, str] | None
    """``(common name, mailto URI)``."""
    contacts: tuple[str, ...]
    stamp: datetime


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _from_icalendar_event(event: icalendar.Event) -> Reading:
    organizer = event.get("ORGANIZER")
    geo = event.get("GEO")
    contacts = event.get("CONTACT", [])
    contacts = contacts if isinstance(contacts, list) else [contacts]
    return Reading(
        uid=str(event["UID"]),
        sequence=int(event["SEQUENCE"]),
        start=_utc(event.start),
        end=_utc(event.end),
        status=str(event["STATUS"]),
        summary=str(event["SUMMARY"]),
        description=_text(event.get("DESCRIPTION")),
        location=_text(event.get("LOCATION")),
        categories=tuple(str(c) for c in event.categories),
        geo=None if geo is None else (float(geo.latitude), float(geo.longitude)),
        url=_text(event.get("URL")),
        organizer=(
            None if organizer is None else (str(organizer.params.get("CN", "")), str(organizer))
        ),
        contacts=tuple(str(c) for c in contacts),
        stamp=_utc(event.DTSTAMP),
    )


def read_icalendar(body: bytes) -> list[Reading]:
    """The VEVENTs as icalendar 7 reads them."""
    calendar = icalendar.Calendar.from_ical(body)
    return [_from_icalendar_event(event) for event in calendar.walk("VEVENT")]


def read_recurring(body: bytes) -> list[Reading]:
    """The occurrences recurring-ical-events finds between 2000 and 2100."""
    calendar = icalendar.Calendar.from_ical(body)
    window = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    return [
        _from_icalendar_event(event)
        for event in recurring_ical_events.of(calendar).between(*window)
    ]


def read_vobject(body: bytes) -> list[Reading]:
    """The VEVENTs as vobject (Radicale's parser) reads them, VTIMEZONE included."""
    calendar = vobject.readOne(body.decode("utf-8"))
    readings = []
    for event in calendar.contents.get("vevent", []):
        props = event.contents

        def one(name: str, props: dict[str, Any] = props) -> Any:
            return props[name][0].value if name in props else None

        organizer = props["organizer"][0] if "organizer" in props else None
        geo = one("geo")
        readings.append(
            Reading(
                uid=one("uid"),
                sequence=int(one("sequence")),
                start=_utc(one("dtstart")),
                end=_utc(one("dtend")),
                status=one("status"),
                summary=one("summary"),
                description=one("description"),
                location=one("location"),
                categories=tuple(c for p in props.get("categories", []) for c in p.value),
                geo=None if geo is None else tuple(float(x) for x in geo.split(";")),
                url=one("url"),
                organizer=(
                    None
                    if organizer is None
                    else (organizer.params.get("CN", [""])[0], organizer.value)
                ),
                contacts=tuple(p.value for p in props.get("contact", [])),
                stamp=_utc(one("dtstamp")),
            )
        )
    return readings


def read_ical(body: bytes) -> list[Reading]:
    """The VEVENTs as ical (Home Assistant's parser) reads them."""
    calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return [
        Reading(
            uid=event.uid or "",
            sequence=event.sequence or 0,
            start=_utc(event.dtstart),
            end=_utc(event.dtend),
            status=str(event.status.value) if event.status else "",
            summary=event.summary or "",
            description=event.description,
            location=event.location,
            categories=tuple(event.categories),
            geo=None if event.geo is None else (event.geo.lat, event.geo.lng),
            url=event.url,
            organizer=(
                None
                if event.organizer is None
                else (event.organizer.common_name or "", event.organizer.uri)
            ),
            contacts=tuple(event.contacts),
            stamp=_utc(event.dtstamp),
        )
        for event in calendar.events
    ]


PARSERS: dict[str, Callable[[bytes], list[Reading]]] = {
    "icalendar": read_icalendar,
    "vobject": read_vobject,
    "ical": read_ical,
    "recurring-ical-events": read_recurring,
}
"""Every independent reader, by the name of its library."""


def read_all(body: bytes) -> dict[str, list[Reading]]:
    """Readings of ``body`` by every parser, each sorted by UID."""
    with warnings.catch_warnings():
        # vobject and ical emit deprecation noise from their own dependencies.
        warnings.simplefilter("ignore", DeprecationWarning)
        return {name: sorted(read(body), key=lambda r: r.uid) for name, read in PARSERS.items()}


def opaque_tzids(body: bytes) -> bytes:
    """``body`` with every TZID renamed (``Europe/Paris`` → ``X-Test-Europe/Paris``).

    No parser knows the new names, so each must interpret the feed's own VTIMEZONE blocks.
    """
    return re.sub(rb"(TZID[=:])([A-Za-z])", rb"\1X-Test-\2", body)


def plain(text: str) -> str:
    """What a TEXT value reads back as: newlines normalised, control characters gone.

    Written independently of :func:`calendars.event.clean_text`, from Unicode categories.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch for ch in text if ch in "\t\n" or unicodedata.category(ch) not in {"Cc", "Zl", "Zp"}
    )


def _parameter(text: str) -> str:
    """A name as a parameter value reads back: one line, no quote, caret nor backslash."""
    kept = "".join(ch for ch in plain(text) if ch not in '"^\\')
    return " ".join(kept.split())


def expected(event: EventData, *, description: str | None = None) -> Reading:
    """The reading a faithful parser must give of ``event`` (``description`` if not plain)."""
    text = plain(event.description) if description is None else description
    return Reading(
        uid=event.uid,
        sequence=event.sequence,
        start=_utc(event.start).replace(microsecond=0),
        end=_utc(event.end).replace(microsecond=0),
        status=event.status,
        summary=plain(event.summary),
        description=text or None,
        location=plain(event.location) or None,
        categories=tuple(plain(c) for c in event.categories),
        geo=(
            None
            if event.lat is None or event.lon is None
            else (round(event.lat, 6), round(event.lon, 6))
        ),
        url=event.url,
        organizer=(
            None
            if event.organizer is None
            else (_parameter(event.organizer[0]), f"mailto:{event.organizer[1]}")
        ),
        contacts=tuple(plain(c) for c in event.contacts),
        stamp=_utc(event.last_modified).replace(microsecond=0),
    )


STAMP = datetime(2026, 2, 3, 9, 15, 42, tzinfo=UTC)


def session(number: int, start: datetime, end: datetime, **changes: Any) -> EventData:
    """A public evening session at Roubaix, numbered; ``changes`` overrides any field."""
    zone = start.tzinfo
    values: dict[str, Any] = {
        "uid": event_uid(number, domain="allervers.example"),
        "sequence": 1,
        "last_modified": STAMP,
        "start": start,
        "end": end,
        "timezone": str(zone) if zone is not None else "Europe/Paris",
        "summary": "Permanence de quartier en soirée — L'Alma, Roubaix",
        "description": "Emploi, formation; accueil sans rendez-vous.\nVenez avec un CV.",
        "location": "Centre social de l'Alma, 40 rue Jules Guesde, 59100 Roubaix",
        "lat": 50.695341,
        "lon": 3.164522,
        "url": f"https://allervers.example/seances/{number}",
        "categories": ("Permanence de quartier", "Jeunes 16-25 ans"),
        "status": "CONFIRMED",
    }
    values.update(changes)
    return EventData(**values)
