"""Feeds: assembled from fragments, read alike by four parsers, stable to the byte and ETag."""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.event import STATUSES, EventData, render_event
from calendars.feed import FeedHeader, assemble_feed, feed_window, strong_etag
from planner.clock import PARIS
from tests.calendars import (
    PARSERS,
    expected,
    opaque_tzids,
    plain,
    read_all,
    session,
)

GOLDEN = Path(__file__).parent / "golden"
CAYENNE = ZoneInfo("America/Cayenne")
REUNION = ZoneInfo("Indian/Reunion")
HEADER = FeedHeader(
    name="Séances à Roubaix, quartier de l'Alma",
    description="Permanences, forums et réunions ; ouvert à toutes et tous.",
    domain="allervers.example",
)


def at(zone: ZoneInfo, *parts: int) -> datetime:
    """An aware wall-clock time in ``zone``."""
    return datetime(*parts, tzinfo=zone)


PARIS_EVENTS = [
    # winter and summer evenings
    session(1, at(PARIS, 2026, 1, 15, 18, 0), at(PARIS, 2026, 1, 15, 22, 0)),
    session(2, at(PARIS, 2026, 7, 2, 17, 30), at(PARIS, 2026, 7, 2, 21, 0)),
    # the evenings either side of the spring change (Sunday 29 March 2026, 02:00 → 03:00)
    session(3, at(PARIS, 2026, 3, 28, 18, 0), at(PARIS, 2026, 3, 28, 22, 0)),
    session(4, at(PARIS, 2026, 3, 29, 18, 0), at(PARIS, 2026, 3, 29, 22, 0)),
    # the evenings either side of the autumn change (Sunday 25 October 2026, 03:00 → 02:00)
    session(5, at(PARIS, 2026, 10, 24, 18, 0), at(PARIS, 2026, 10, 24, 22, 0)),
    session(6, at(PARIS, 2026, 10, 26, 18, 0), at(PARIS, 2026, 10, 26, 22, 0)),
    # a hackathon over each change, and a cancelled forum
    session(7, at(PARIS, 2027, 3, 26, 18, 0), at(PARIS, 2027, 3, 28, 18, 0)),
    session(8, at(PARIS, 2026, 10, 23, 18, 0), at(PARIS, 2026, 10, 25, 18, 0)),
    session(
        9,
        at(PARIS, 2026, 11, 5, 9, 0),
        at(PARIS, 2026, 11, 5, 17, 0),
        status="CANCELLED",
        sequence=2,
    ),
]
OVERSEAS_EVENTS = [
    session(10, at(CAYENNE, 2026, 3, 28, 18, 0), at(CAYENNE, 2026, 3, 28, 22, 0)),
    session(11, at(CAYENNE, 2026, 10, 25, 18, 0), at(CAYENNE, 2026, 10, 25, 22, 0)),
    session(12, at(REUNION, 2026, 7, 2, 18, 0), at(REUNION, 2026, 7, 2, 22, 0)),
    session(13, at(REUNION, 2026, 12, 10, 17, 0), at(REUNION, 2026, 12, 10, 21, 0)),
    # Paris in the same feed: several VTIMEZONEs side by side
    session(14, at(PARIS, 2026, 8, 20, 18, 0), at(PARIS, 2026, 8, 20, 22, 0)),
]
FEEDS = {"paris": PARIS_EVENTS, "overseas": OVERSEAS_EVENTS}


def feed_of(events: list[EventData], header: FeedHeader = HEADER) -> bytes:
    """A feed of ``events`` with the VTIMEZONE of every zone they use."""
    return assemble_feed(header, [render_event(e) for e in events], [e.timezone for e in events])


ICAL_LONE_DTSTART = pytest.mark.xfail(
    strict=True,
    reason="ical 14 ignores an observance given by DTSTART alone, so an unknown TZID of a zone "
    "without DST falls back to UTC; our feeds name zones it knows (see test_timezone.py)",
)


@pytest.mark.parametrize(
    ("feed", "parser", "tzids"),
    [
        pytest.param(
            feed,
            parser,
            tzids,
            marks=(
                [ICAL_LONE_DTSTART]
                if (feed, parser, tzids) == ("overseas", "ical", "opaque")
                else []
            ),
        )
        for feed in FEEDS
        for parser in PARSERS
        for tzids in ("iana", "opaque")
    ],
)
def test_assemble_feed_is_read_as_booked(feed: str, parser: str, tzids: str) -> None:
    """Each parser reads back every session as booked: UIDs, UTC times, status, texts, count.

    ``opaque`` renames the TZIDs so that the parser must use our VTIMEZONE blocks.
    """
    events = FEEDS[feed]
    body = feed_of(events)
    if tzids == "opaque":
        body = opaque_tzids(body)
    readings = read_all(body)[parser]
    assert readings == sorted((expected(e) for e in events), key=lambda r: r.uid)


def test_assemble_feed_missing_vtimezone_is_refused() -> None:
    """A fragment whose zone is not among ``timezones`` makes assembly fail, naming the zone."""
    fragments = [render_event(e) for e in OVERSEAS_EVENTS]
    with pytest.raises(ValueError, match=r"sans VTIMEZONE : America/Cayenne, Indian/Reunion$"):
        assemble_feed(HEADER, fragments, ["Europe/Paris"])


def test_assemble_feed_calendar_properties() -> None:
    """VERSION, PRODID, CALSCALE, METHOD, NAME/X-WR-CALNAME, descriptions, refresh intervals.

    icalendar 7.3 keeps NAME and X-WR-* as unknown properties: their escaped wire form is compared.
    """
    calendar = icalendar.Calendar.from_ical(feed_of(PARIS_EVENTS))
    properties = {
        name: (calendar[name].to_ical(), dict(calendar[name].params)) for name in calendar
    }
    name = "Séances à Roubaix\\, quartier de l'Alma".encode()
    description = "Permanences\\, forums et réunions \\; ouvert à toutes et tous.".encode()
    assert properties == {
        "VERSION": (b"2.0", {}),
        "PRODID": (b"-//allervers.example//allervers//FR", {}),
        "CALSCALE": (b"GREGORIAN", {}),
        "METHOD": (b"PUBLISH", {}),
        "NAME": (name, {}),
        "X-WR-CALNAME": (name, {}),
        "DESCRIPTION": (description, {}),
        "X-WR-CALDESC": (description, {}),
        "REFRESH-INTERVAL": (b"PT1H", {"VALUE": "DURATION"}),
        "X-PUBLISHED-TTL": (b"PT1H", {}),
    }
    assert calendar.refresh_interval == timedelta(hours=1)


def test_assemble_feed_calendar_name_is_escaped_text() -> None:
    """NAME and X-WR-* are TEXT: vobject reads the comma and semicolon back as written."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        calendar = vobject.readOne(feed_of(PARIS_EVENTS).decode())
    names = {key: calendar.contents[key][0].value for key in ("name", "x-wr-calname")}
    descriptions = {key: calendar.contents[key][0].value for key in ("description", "x-wr-caldesc")}
    assert names == dict.fromkeys(("name", "x-wr-calname"), HEADER.name)
    assert descriptions == dict.fromkeys(("description", "x-wr-caldesc"), HEADER.description)


def test_assemble_feed_has_one_vtimezone_per_zone_used() -> None:
    """Every TZID an event uses has exactly one VTIMEZONE, and there is no other."""
    calendar = icalendar.Calendar.from_ical(feed_of(OVERSEAS_EVENTS))
    defined = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    used = {
        str(event[name].params["TZID"])
        for event in calendar.walk("VEVENT")
        for name in ("DTSTART", "DTEND")
    }
    assert defined == ["America/Cayenne", "Europe/Paris", "Indian/Reunion"]
    assert set(defined) == used


def test_assemble_feed_lines_are_crlf_and_folded() -> None:
    """The whole body: CRLF line ends only, every line ≤ 75 octets and valid UTF-8 alone."""
    long = "Forum employeurs — métiers de l'aide à domicile, 🧑‍🍳 restauration, logistique ; " * 5
    first = PARIS_EVENTS[0]
    body = feed_of([*PARIS_EVENTS, session(20, first.start, first.end, summary=long)])
    assert body.count(b"\n") == body.count(b"\r\n") == body.count(b"\r")
    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert [line for line in lines if len(line) > 75] == []
    assert "".join(line.decode("utf-8") for line in lines) == body.decode().replace("\r\n", "")


def test_assemble_feed_matches_golden_file() -> None:
    """A small two-zone feed with a cancelled session equals the reviewed golden file."""
    events = [PARIS_EVENTS[2], PARIS_EVENTS[8], OVERSEAS_EVENTS[0]]
    assert feed_of(events) == (GOLDEN / "small_feed.ics").read_bytes()


def test_assemble_feed_same_input_gives_same_bytes_and_etag() -> None:
    """Fragments rendered anew, zones in another order with duplicates: same bytes, same ETag."""
    events = OVERSEAS_EVENTS
    first = assemble_feed(
        HEADER,
        [render_event(e) for e in events],
        ["Indian/Reunion"] * 2
        + [
            "Europe/Paris",
            "America/Cayenne",
        ],
    )
    copies = [dataclasses.replace(e) for e in events]
    header = dataclasses.replace(HEADER)
    second = assemble_feed(
        header,
        [render_event(e) for e in copies],
        {"America/Cayenne", "Europe/Paris", "Indian/Reunion"},
    )
    assert (first, strong_etag(first)) == (second, strong_etag(second))


def test_assemble_feed_change_of_one_session_changes_the_etag() -> None:
    """Cancelling one session (SEQUENCE bumped) changes the bytes and the ETag."""
    before = feed_of(PARIS_EVENTS)
    cancelled = dataclasses.replace(PARIS_EVENTS[0], status="CANCELLED", sequence=2)
    after = feed_of([cancelled, *PARIS_EVENTS[1:]])
    assert strong_etag(before) != strong_etag(after)


def test_strong_etag_is_quoted_sha256_prefix() -> None:
    """The ETag is the first 32 hex digits of the body's SHA-256, in double quotes (RFC 9110)."""
    assert strong_etag(b"") == '"e3b0c44298fc1c149afbf4c8996fb924"'
    body = feed_of(PARIS_EVENTS)
    assert strong_etag(body) == f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def test_assemble_feed_without_events_is_a_valid_empty_calendar() -> None:
    """No sessions: header and footer only, read by every parser as zero events."""
    body = assemble_feed(HEADER, [], [])
    assert {name: len(readings) for name, readings in read_all(body).items()} == dict.fromkeys(
        PARSERS, 0
    )


def test_feed_window_is_sixty_days_back_and_a_year_ahead() -> None:
    """The rolling window of a feed, from an injected ``now``."""
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert feed_window(now=now) == (
        datetime(2026, 4, 2, 12, 0, tzinfo=UTC),
        datetime(2027, 6, 1, 12, 0, tzinfo=UTC),
    )


def test_feed_window_naive_now_is_refused() -> None:
    """A floating ``now`` raises ValueError."""
    with pytest.raises(ValueError, match="fuseau horaire"):
        feed_window(now=datetime(2026, 6, 1))  # noqa: DTZ001 - refused on purpose


@pytest.mark.parametrize(
    "refresh", [timedelta(0), timedelta(seconds=-1), timedelta(microseconds=5)]
)
def test_feed_header_bad_refresh_is_refused(refresh: timedelta) -> None:
    """A refresh interval must be a positive whole number of seconds."""
    with pytest.raises(ValueError, match="rafraîchissement"):
        FeedHeader(name="n", description="d", domain="allervers.example", refresh=refresh)


def test_feed_header_refresh_of_a_day_is_p1d() -> None:
    """Another refresh interval is written as an RFC 5545 duration on both properties."""
    header = dataclasses.replace(HEADER, refresh=timedelta(days=1))
    lines = feed_of([], header).split(b"\r\n")
    assert [line for line in lines if b"P1D" in line] == [
        b"REFRESH-INTERVAL;VALUE=DURATION:P1D",
        b"X-PUBLISHED-TTL:P1D",
    ]


# --- property-based: random sessions round-trip through every parser --------------------------

ZONES = ["Europe/Paris", "America/Cayenne", "Indian/Reunion", "America/Martinique"]
TRICKY = ",;\\\n\r\t:\"'é—🎉🧑‍🍳\u00a0\u0301\x00\x1b\x85\u2028"
texts = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(list(TRICKY))),
    max_size=200,
)
short_texts = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30)
words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters=","), min_size=1, max_size=25
).filter(lambda t: any(ch.isalnum() for ch in t))


@st.composite
def events(draw: st.DrawFn, number: int) -> EventData:
    """A random session: any zone, any instant 2020–2037, any texts; maybe private."""
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    start = draw(
        st.datetimes(
            min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - bounds of a naive strategy
            max_value=datetime(2037, 12, 31),  # noqa: DTZ001
            timezones=st.just(zone),
        )
    )
    duration = draw(st.integers(min_value=60, max_value=72 * 3600))
    private = draw(st.booleans())
    placed = draw(st.booleans())
    return EventData(
        uid=f"session-{number}@allervers.example",
        sequence=draw(st.integers(min_value=0, max_value=10_000)),
        last_modified=draw(
            st.datetimes(
                min_value=datetime(2020, 1, 1),  # noqa: DTZ001
                max_value=datetime(2037, 1, 1),  # noqa: DTZ001
                timezones=st.just(UTC),
            )
        ),
        start=start,
        end=(start.astimezone(UTC) + timedelta(seconds=duration)).astimezone(zone),
        timezone=str(zone),
        summary=draw(texts),
        description=draw(texts),
        location=draw(texts),
        lat=draw(st.floats(min_value=-90, max_value=90)) if placed else None,
        lon=draw(st.floats(min_value=-180, max_value=180)) if placed else None,
        url=f"https://allervers.example/seances/{number}" if draw(st.booleans()) else None,
        categories=tuple(draw(st.lists(words, max_size=3))),
        status=draw(st.sampled_from(sorted(STATUSES))),
        organizer=(draw(short_texts), "conseil@ml.example") if private else None,
        private_notes=draw(texts) if private else None,
        contacts=tuple(draw(st.lists(short_texts, max_size=2))) if private else (),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda count: st.tuples(*(events(number) for number in range(1, count + 1)))
    )
)
def test_assemble_feed_random_sessions_round_trip(generated: tuple[EventData, ...]) -> None:
    """Random sessions (unicode, escapes, long lines, any zone) read back identical everywhere."""
    body = feed_of(list(generated))
    lines = body.split(b"\r\n")
    assert [line for line in lines if len(line) > 75] == []
    for line in lines:
        line.decode("utf-8")
    want = sorted(
        (expected(e, description=_description(e)) for e in generated), key=lambda r: r.uid
    )
    assert read_all(body) == dict.fromkeys(PARSERS, want)


def _description(event: EventData) -> str:
    """The DESCRIPTION a session must read back as: its text, then its private sections."""
    parts = [plain(event.description)]
    if event.contacts:
        listed = "\n".join(f"- {plain(c)}" for c in event.contacts)
        parts.append(f"Co-animation et partenaires :\n{listed}")
    if event.private_notes and plain(event.private_notes):
        parts.append(f"Notes internes :\n{plain(event.private_notes)}")
    return "\n\n".join(p for p in parts if p)
