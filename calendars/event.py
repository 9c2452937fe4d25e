"""One session as one VEVENT (RFC 5545 §3.6.1), rendered once per change and kept as bytes.

A feed is then a concatenation of these fragments (:mod:`calendars.feed`): the fragment must be
complete and stable on its own. Nothing here reads the clock: ``DTSTAMP`` is the session's
last change, not the time of the request, so an unchanged session renders to the same bytes.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Event, vCalAddress, vGeo, vText

from calendars.timezone import vtimezone

STATUSES = frozenset({"CONFIRMED", "CANCELLED", "TENTATIVE"})
"""The ``STATUS`` values of a VEVENT (RFC 5545 §3.8.1.11)."""

_SESSION_STATUSES = {
    "draft": "TENTATIVE",
    "published": "CONFIRMED",
    "completed": "CONFIRMED",
    "cancelled": "CANCELLED",
}
NOTES_HEADING = "Notes internes :"
"""Heading of the internal notes appended to ``DESCRIPTION`` in private feeds."""
CONTACTS_HEADING = "Co-animation et partenaires :"
"""Heading of the contacts listed in ``DESCRIPTION`` in private feeds."""
GEO_DECIMALS = 6
"""``GEO`` is written with 6 decimals (about 10 cm), enough for a door and stable as text."""

# RFC 5545 §3.3.11: TEXT may not hold control characters other than HTAB (newlines are escaped).
# C1 controls and the Unicode line and paragraph separators are dropped too: parsers that split
# lines with str.splitlines() would break a content line on them.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_EMAIL = re.compile(r"[^\s@<>\"()\[\],;:\\]+@[^\s@<>\"()\[\],;:\\]+")
_NOT_IN_PARAMETER = str.maketrans("", "", '"^\\')
_URI = re.compile(r"[!#-~]+")


@dataclass(frozen=True, slots=True)
class EventData:
    """Everything a VEVENT needs, as plain values; the caller decides what a feed may show.

    ``organizer``, ``private_notes`` and ``contacts`` are for private (adviser) feeds only;
    :func:`public_event` clears them. Times are aware; iCalendar keeps whole seconds.
    """

    uid: str
    """Stable forever for a session: ``session-<id>@<domain>`` (see :func:`event_uid`)."""
    sequence: int
    """The session's revision; it grows when start, end, venue or status change (RFC 5546)."""
    last_modified: datetime
    """The session's last change: written as both ``LAST-MODIFIED`` and ``DTSTAMP``."""
    start: datetime
    end: datetime
    timezone: str
    """IANA zone of the session's wall clock (Europe/Paris, America/Cayenne, …)."""
    summary: str
    description: str
    location: str
    """The full postal address."""
    lat: float | None
    lon: float | None
    url: str | None
    """The session's public page."""
    categories: tuple[str, ...]
    """Tags such as the kind of session or its audience; none may be blank or hold a comma."""
    status: str
    """``CONFIRMED``, ``CANCELLED`` or ``TENTATIVE`` (see :func:`event_status`)."""
    organizer: tuple[str, str] | None = None
    """``(name, email)``: private feeds only."""
    private_notes: str | None = None
    """Internal notes, appended to ``DESCRIPTION`` under a heading: private feeds only."""
    contacts: tuple[str, ...] = ()
    """Co-facilitators and partners, as ``CONTACT`` lines and in ``DESCRIPTION``: private only."""

    def __post_init__(self) -> None:
        if not self.uid or _CONTROLS.search(self.uid) or any(c in self.uid for c in "\r\n"):
            raise ValueError(f"UID invalide : {self.uid!r}")
        if self.sequence < 0:
            raise ValueError(f"SEQUENCE négatif : {self.sequence}")
        for name in ("last_modified", "start", "end"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} doit porter un fuseau horaire (heure « flottante »)")
        if _instant(self.end) <= _instant(self.start):
            raise ValueError("la fin d'une séance doit suivre son début")
        vtimezone(self.timezone)  # the zone must be known and have a classic VTIMEZONE
        if self.status not in STATUSES:
            raise ValueError(f"STATUS inconnu : {self.status!r}")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("GEO demande une latitude et une longitude")
        if self.lat is not None and self.lon is not None:
            if not (math.isfinite(self.lat) and -90 <= self.lat <= 90):
                raise ValueError(f"latitude hors bornes : {self.lat}")
            if not (math.isfinite(self.lon) and -180 <= self.lon <= 180):
                raise ValueError(f"longitude hors bornes : {self.lon}")
        for category in self.categories:
            if not clean_text(category).strip() or "," in category:
                # An escaped comma is still read as a separator by Home Assistant's parser.
                raise ValueError(f"catégorie vide ou contenant une virgule : {category!r}")
        if self.url is not None and not _URI.fullmatch(self.url):
            raise ValueError(f"URL invalide : {self.url!r}")
        if self.organizer is not None and not _EMAIL.fullmatch(self.organizer[1]):
            raise ValueError(f"adresse électronique invalide : {self.organizer[1]!r}")

    @property
    def private(self) -> bool:
        """Whether it carries anything a public feed must not show."""
        return bool(self.organizer or self.private_notes or self.contacts)


def render_event(event: EventData) -> bytes:
    """Return one VEVENT as bytes: CRLF line ends, folded at 75 octets, ending with CRLF.

    ``DTSTART``/``DTEND`` carry ``TZID=<zone>`` (the feed must include :func:`vtimezone` of
    it). When either falls in the hour that the autumn change repeats, both are written in UTC
    instead: a ``TZID`` time there names only its first occurrence (RFC 5545 §3.3.5).
    ``DTSTAMP`` and ``LAST-MODIFIED`` are ``last_modified`` in UTC (RFC 5545 §3.8.7). TEXT values
    lose their control characters, get ``\\n`` line ends and are escaped here; icalendar folds
    the lines without splitting a UTF-8 sequence. The same input gives the same bytes.
    """
    component = Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    stamp = _instant(event.last_modified)
    component.add("dtstamp", stamp)
    component.add("last-modified", stamp)
    start, end = _wall_clock(event.start, event.timezone), _wall_clock(event.end, event.timezone)
    if start.tzinfo is UTC or end.tzinfo is UTC:
        # Both in UTC: recurring-ical-events misplaces an end given in UTC after a TZID start.
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    component.add("dtstart", start)
    component.add("dtend", end)
    component.add("summary", text_value(event.summary))
    description = _description(event)
    if description:
        component.add("description", text_value(description))
    if clean_text(event.location):
        component.add("location", text_value(event.location))
    if event.lat is not None and event.lon is not None:
        component.add("geo", _Geo((event.lat, event.lon)))
    if event.url:
        component.add("url", event.url)
    if event.categories:
        component.add("categories", _Escaped(",".join(_escape(c) for c in event.categories)))
    component.add("status", event.status)
    if event.organizer is not None:
        name, email = event.organizer
        organizer = vCalAddress(f"mailto:{email}")
        common_name = organizer_name(name)
        if common_name:
            organizer.params["CN"] = common_name
        component.add("organizer", organizer)
    for contact in event.contacts:
        component.add("contact", text_value(contact))
    return bytes(component.to_ical())


def public_event(event: EventData) -> EventData:
    """Return ``event`` without what only a private feed may carry (docs/CALENDAR_FEEDS.md)."""
    return dataclasses.replace(event, organizer=None, private_notes=None, contacts=())


def event_uid(session_id: int, *, domain: str) -> str:
    """Return the UID of a session: derived from its id and the service's domain, never new."""
    return f"session-{session_id}@{domain}"


def event_status(session_status: str) -> str:
    """Map a session status (``draft``, ``published``, ``completed``, ``cancelled``) to STATUS.

    Drafts are ``TENTATIVE`` (they only ever reach private feeds), cancelled sessions stay in
    feeds as ``CANCELLED`` (RFC 5545 §3.8.1.11).
    """
    try:
        return _SESSION_STATUSES[str(session_status)]
    except KeyError:
        raise ValueError(f"statut de séance inconnu : {session_status!r}") from None


def _folded_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.findall(r"[a-z0-9]+", plain)


def session_summary(kind_label: str, title: str) -> str:
    """Return a French SUMMARY: the kind's label, capitalised, then the title after a dash —
    or the title alone when it already says the kind (its first word of four letters or more).

    ``session_summary("permanence de quartier en soirée", "Les Épinettes")`` gives
    ``"Permanence de quartier en soirée — Les Épinettes"``; ``session_summary("hackathon",
    "Hackathon citoyen")`` gives ``"Hackathon citoyen"``, not ``"Hackathon — Hackathon
    citoyen"``; without a title, the label alone.
    """
    label = kind_label.strip()
    label = label[:1].upper() + label[1:]
    title = title.strip()
    if not title:
        return label
    key = next((w for w in _folded_words(label) if len(w) >= 4), None)
    if key is not None and key in _folded_words(title):
        return title
    return f"{label} — {title}"


def clean_text(text: str) -> str:
    """Return ``text`` fit for an iCalendar TEXT value: ``\\n`` line ends, no control characters."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def organizer_name(name: str) -> str:
    """The ``CN`` parameter of ORGANIZER: one line, controls dropped, tabs as spaces, trimmed.

    Double quotes, carets and backslashes are dropped: a parameter value cannot hold a quote
    but through RFC 6868's ``^'``, which vobject does not decode, and icalendar reads a
    backslash before ``:`` as an escape, which RFC 5545 parameters do not have.
    """
    return " ".join(clean_text(name).translate(_NOT_IN_PARAMETER).split())


class _Geo(vGeo):
    """``GEO`` as RFC 5545 FLOATs (§3.3.7), 6 decimals: icalendar would write ``1e-05``."""

    def to_ical(self) -> str:
        return f"{_decimal(self.latitude)};{_decimal(self.longitude)}"


def _decimal(value: float) -> str:
    """``value`` rounded to :data:`GEO_DECIMALS`, in plain decimal notation, no ``-0``."""
    text = f"{round(value, GEO_DECIMALS) + 0.0:.{GEO_DECIMALS}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


class _Escaped(vText):
    """A TEXT value, or a comma-separated list of them, escaped by :func:`_escape`.

    icalendar 7.3 escapes TEXT itself but first turns a literal ``\\N`` into a line break; a
    value escaped here is written as it is (and still folded by icalendar).
    """

    __slots__ = ()

    def to_ical(self) -> bytes:
        return str.__str__(self).encode("utf-8")


def _escape(text: str) -> str:
    """Escape TEXT as RFC 5545 §3.3.11 says: backslash first, then ``;``, ``,``, line breaks."""
    text = clean_text(text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def text_value(text: str) -> vText:
    """Return ``text`` as a TEXT property value for icalendar: cleaned, escaped, then folded."""
    return _Escaped(_escape(text))


def _description(event: EventData) -> str:
    """``DESCRIPTION``: the public text, then the private sections under their headings."""
    parts = [clean_text(event.description)]
    if event.contacts:
        lines = "\n".join(f"- {clean_text(c)}" for c in event.contacts)
        parts.append(f"{CONTACTS_HEADING}\n{lines}")
    if event.private_notes and clean_text(event.private_notes):
        parts.append(f"{NOTES_HEADING}\n{clean_text(event.private_notes)}")
    return "\n\n".join(part for part in parts if part)


def _wall_clock(moment: datetime, zone: str) -> datetime:
    """``moment`` in the session's zone (written with TZID), or in UTC if that is ambiguous."""
    local = _instant(moment).astimezone(_zone(zone))
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() != local.utcoffset():
        return local.astimezone(UTC)
    return local


def _instant(moment: datetime) -> datetime:
    """The UTC instant of an aware time, in whole seconds (PEP 495 ``fold`` respected)."""
    return moment.astimezone(UTC).replace(microsecond=0)


@cache
def _zone(zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"fuseau horaire inconnu : {zone!r}") from error
