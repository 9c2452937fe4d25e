"""One session as one VEVENT: content, escaping, folding, stable bytes, privacy."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calendars.event import (
    EventData,
    event_status,
    event_uid,
    public_event,
    render_event,
    session_summary,
)
from calendars.feed import FeedHeader, assemble_feed
from planner.clock import PARIS
from planner.session import SESSION_KIND_LABELS, SessionKind, SessionStatus
from tests.calendars import PARSERS, Reading, expected, read_all, session

HEADER = FeedHeader(name="Test", description="Test", domain="allervers.example")
START = datetime(2026, 6, 11, 18, 0, tzinfo=PARIS)
END = datetime(2026, 6, 11, 21, 30, tzinfo=PARIS)
PRIVATE_NOTES = "Prévoir la clé du local ; appeler Mme Martin au 06 12 34 56 78."
CONTACTS = ("Karim Benali (Mission Locale)", "Sophie Durand (centre social de l'Alma)")
ORGANIZER = ("Claire Lefèvre, conseillère", "claire.lefevre@ml-roubaix.example")


def feed_of(*events: EventData) -> bytes:
    """A feed of ``events``, with the VTIMEZONE of every zone they use."""
    return assemble_feed(HEADER, [render_event(e) for e in events], {e.timezone for e in events})


def only_reading(body: bytes) -> dict[str, Reading]:
    """The single VEVENT of ``body`` as each parser reads it."""
    readings = read_all(body)
    assert {name: len(found) for name, found in readings.items()} == dict.fromkeys(PARSERS, 1)
    return {name: found[0] for name, found in readings.items()}


def private_session() -> EventData:
    """A session as an adviser's private feed shows it."""
    return session(
        7, START, END, organizer=ORGANIZER, private_notes=PRIVATE_NOTES, contacts=CONTACTS
    )


def test_render_event_writes_the_expected_vevent() -> None:
    """A public session renders to exactly these lines, TZID times, DTSTAMP = LAST-MODIFIED."""
    assert render_event(session(7, START, END)).decode().split("\r\n") == [
        "BEGIN:VEVENT",
        "SUMMARY:Permanence de quartier en soirée — L'Alma\\, Roubaix",
        "DTSTART;TZID=Europe/Paris:20260611T180000",
        "DTEND;TZID=Europe/Paris:20260611T213000",
        "DTSTAMP:20260203T091542Z",
        "UID:session-7@allervers.example",
        "SEQUENCE:1",
        "CATEGORIES:Permanence de quartier,Jeunes 16-25 ans",
        "DESCRIPTION:Emploi\\, formation\\; accueil sans rendez-vous.\\nVenez avec un ",
        " CV.",
        "GEO:50.695341;3.164522",
        "LAST-MODIFIED:20260203T091542Z",
        "LOCATION:Centre social de l'Alma\\, 40 rue Jules Guesde\\, 59100 Roubaix",
        "STATUS:CONFIRMED",
        "URL:https://allervers.example/seances/7",
        "END:VEVENT",
        "",
    ]


@pytest.mark.parametrize(
    ("lat", "lon", "line"),
    [
        (50.6953414, 3.16452249, b"GEO:50.695341;3.164522"),
        (1e-05, -1e-07, b"GEO:0.00001;0.0"),
        (-21.0, 55.5, b"GEO:-21.0;55.5"),
    ],
)
def test_render_event_geo_is_plain_decimal(lat: float, lon: float, line: bytes) -> None:
    """GEO is two RFC 5545 FLOATs with at most 6 decimals, never in exponent notation."""
    body = render_event(session(7, START, END, lat=lat, lon=lon))
    assert [x for x in body.split(b"\r\n") if x.startswith(b"GEO")] == [line]


def test_render_event_same_input_gives_same_bytes() -> None:
    """Two renderings of equal (not identical) values are byte-identical."""
    first = render_event(private_session())
    again = render_event(dataclasses.replace(private_session()))
    assert first == again


def test_render_event_stamp_is_the_last_change_in_utc() -> None:
    """DTSTAMP and LAST-MODIFIED read back as the session's last change, whole seconds, UTC."""
    changed = datetime(2026, 5, 4, 23, 30, 15, 987_654, tzinfo=ZoneInfo("Indian/Reunion"))
    readings = only_reading(feed_of(session(7, START, END, last_modified=changed)))
    stamp = datetime(2026, 5, 4, 19, 30, 15, tzinfo=UTC)
    assert {name: r.stamp for name, r in readings.items()} == dict.fromkeys(PARSERS, stamp)


def test_render_event_special_characters_round_trip() -> None:
    """Commas, semicolons, backslashes (even before n or N), newlines, quotes, emoji round-trip."""
    text = 'a,b;c\\d\ne "f" :g 🎉 \\n \\N \\\\, é\r\nh\ri'
    event = session(
        7, START, END, summary=text, description=text, location=text, categories=("x;y\\z",)
    )
    readings = only_reading(feed_of(event))
    assert readings == dict.fromkeys(PARSERS, expected(event))


def test_render_event_control_characters_are_dropped() -> None:
    """Control characters that TEXT may not hold (RFC 5545 §3.3.11) are removed, tabs kept."""
    event = session(7, START, END, summary="a\x00b\x07c\x1bd\x7fe\x85f\u2028g\th")
    readings = only_reading(feed_of(event))
    assert {name: r.summary for name, r in readings.items()} == dict.fromkeys(PARSERS, "abcdefg\th")


def test_render_event_long_lines_fold_at_75_octets_on_character_boundaries() -> None:
    """Every physical line is ≤ 75 octets, CRLF-ended, and valid UTF-8 on its own."""
    long = "Réunion d'information — 🎉🧑‍🍳 employeurs, été ; " * 12
    body = render_event(session(7, START, END, summary=long, description=long))
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    assert [line for line in lines if len(line) > 75 or b"\r" in line or b"\n" in line] == []
    for line in lines:
        line.decode("utf-8")  # raises if a fold split a multi-byte character
    assert len(lines) > 20


@pytest.mark.parametrize(
    ("start", "end", "lines"),
    [
        (
            datetime(2026, 10, 25, 2, 30, tzinfo=PARIS),
            datetime(2026, 10, 25, 4, 0, tzinfo=PARIS),
            [b"DTSTART:20261025T003000Z", b"DTEND:20261025T030000Z"],
        ),
        (
            datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=1),
            datetime(2026, 10, 25, 4, 0, tzinfo=PARIS),
            [b"DTSTART:20261025T013000Z", b"DTEND:20261025T030000Z"],
        ),
        (
            datetime(2026, 10, 25, 1, 59, tzinfo=PARIS),
            datetime(2026, 10, 25, 2, 0, tzinfo=PARIS, fold=1),
            [b"DTSTART:20261024T235900Z", b"DTEND:20261025T010000Z"],
        ),
    ],
    ids=["first-occurrence", "second-occurrence", "ends-in-repeated-hour"],
)
def test_render_event_repeated_autumn_hour_is_written_in_utc(
    start: datetime, end: datetime, lines: list[bytes]
) -> None:
    """02:00–03:00 on 25 Oct 2026 happens twice in Paris: such a session is written in UTC."""
    event = session(7, start, end)
    body = render_event(event)
    assert [x for x in body.split(b"\r\n") if x.startswith((b"DTSTART", b"DTEND"))] == lines
    readings = only_reading(feed_of(event))
    assert {name: (r.start, r.end) for name, r in readings.items()} == dict.fromkeys(
        PARSERS, (start.astimezone(UTC), end.astimezone(UTC))
    )


def test_render_event_private_carries_organizer_notes_and_contacts() -> None:
    """A private session reads back with ORGANIZER, CONTACT lines and notes in DESCRIPTION."""
    event = private_session()
    description = (
        "Emploi, formation; accueil sans rendez-vous.\nVenez avec un CV.\n\n"
        "Co-animation et partenaires :\n"
        "- Karim Benali (Mission Locale)\n- Sophie Durand (centre social de l'Alma)\n\n"
        "Notes internes :\n" + PRIVATE_NOTES
    )
    readings = only_reading(feed_of(event))
    assert readings == dict.fromkeys(PARSERS, expected(event, description=description))
    assert readings["icalendar"].organizer == (
        "Claire Lefèvre, conseillère",
        "mailto:claire.lefevre@ml-roubaix.example",
    )


def test_render_event_public_shows_nothing_private() -> None:
    """The public rendering of a private session reads back as the plain public session."""
    event = private_session()
    public = public_event(event)
    readings = only_reading(feed_of(public))
    assert readings == dict.fromkeys(PARSERS, expected(session(7, START, END)))
    texts = [
        value
        for reading in readings.values()
        for value in (reading.summary, reading.description, reading.location, *reading.contacts)
    ]
    secrets = [PRIVATE_NOTES, *CONTACTS, *ORGANIZER, "Notes internes"]
    assert [s for s in secrets for t in texts if t and s in t] == []


def test_render_event_public_has_no_at_sign_outside_uid() -> None:
    """Raw bytes: in a public rendering '@' appears on the UID line only (no e-mail leaks)."""
    body = render_event(public_event(private_session()))
    unfolded = body.replace(b"\r\n ", b"").split(b"\r\n")
    assert [line for line in unfolded if b"@" in line] == [b"UID:session-7@allervers.example"]
    assert public_event(private_session()).private is False
    assert private_session().private is True


def test_public_event_clears_only_private_fields() -> None:
    """public_event drops organizer, notes and contacts, and keeps everything else."""
    assert public_event(private_session()) == session(7, START, END)


NAIVE = datetime(2026, 6, 11, 18, 0)  # noqa: DTZ001 - a floating time, refused on purpose


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": NAIVE}, "fuseau horaire"),
        ({"last_modified": NAIVE}, "fuseau horaire"),
        ({"end": START}, "la fin"),
        ({"end": START - timedelta(hours=1)}, "la fin"),
        ({"timezone": "Europe/Roubaix"}, "fuseau horaire inconnu"),
        ({"status": "PUBLISHED"}, "STATUS inconnu"),
        ({"sequence": -1}, "SEQUENCE"),
        ({"uid": ""}, "UID"),
        ({"uid": "a\r\nSTATUS:CANCELLED"}, "UID"),
        ({"lat": None}, "GEO"),
        ({"lat": 91.0}, "latitude"),
        ({"lon": float("nan")}, "longitude"),
        ({"categories": ("Emploi, formation",)}, "virgule"),
        ({"categories": (" ",)}, "catégorie vide"),
        ({"url": "https://x.example/a b"}, "URL"),
        ({"organizer": ("Nom", "pas une adresse")}, "adresse"),
        ({"organizer": ("Nom", "a@b.example\r\nX:y")}, "adresse"),
    ],
)
def test_event_data_invalid_values_are_refused(changes: dict[str, Any], message: str) -> None:
    """Values that would make a wrong or unsafe VEVENT raise ValueError at construction."""
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(session(7, START, END), **changes)


def test_event_status_maps_every_session_status() -> None:
    """Each session status has its VEVENT STATUS; drafts are tentative, cancellations stay."""
    assert {status: event_status(status) for status in SessionStatus} == {
        SessionStatus.DRAFT: "TENTATIVE",
        SessionStatus.PUBLISHED: "CONFIRMED",
        SessionStatus.COMPLETED: "CONFIRMED",
        SessionStatus.CANCELLED: "CANCELLED",
    }


def test_event_status_unknown_is_refused() -> None:
    """A status that is not a session status raises ValueError."""
    with pytest.raises(ValueError, match="statut de séance inconnu"):
        event_status("archived")


def test_session_summary_capitalises_the_kind_label() -> None:
    """Each kind's French label, capitalised, then the title after an em dash."""
    summaries = {kind: session_summary(SESSION_KIND_LABELS[kind], "L'Alma") for kind in SessionKind}
    assert summaries == {
        SessionKind.NEIGHBOURHOOD_SESSION: "Permanence de quartier en soirée — L'Alma",
        SessionKind.EMPLOYER_FORUM: "Forum employeurs — L'Alma",
        SessionKind.HACKATHON: "Hackathon — L'Alma",
        SessionKind.INFO_SESSION: "Réunion d'information — L'Alma",
        SessionKind.WORKSHOP: "Atelier ou journée de créativité — L'Alma",
    }


def test_session_summary_does_not_repeat_the_kind() -> None:
    """A title that already says the kind is the summary alone (accents and case ignored)."""
    summaries = [
        session_summary("hackathon", "Hackathon citoyen"),
        session_summary("forum employeurs", "Le forum de l'emploi"),
        session_summary("réunion d'information", "REUNION d'information collective"),
        session_summary("permanence de quartier en soirée", "Permanence emploi des Sables"),
        session_summary("forum employeurs", "Forumeurs"),
    ]
    assert summaries == [
        "Hackathon citoyen",
        "Le forum de l'emploi",
        "REUNION d'information collective",
        "Permanence emploi des Sables",
        "Forum employeurs — Forumeurs",
    ]


def test_session_summary_without_title_is_the_label() -> None:
    """A blank title leaves the capitalised label alone, without a dangling dash."""
    assert session_summary("forum employeurs", "  ") == "Forum employeurs"


def test_event_uid_is_derived_from_id_and_domain() -> None:
    """The UID depends only on the session id and the service's domain."""
    assert event_uid(42, domain="allervers.example") == "session-42@allervers.example"
