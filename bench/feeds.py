"""Feed serving speed: fragments assembled per request against a whole rendering, same run.

    .venv/bin/python bench/feeds.py [--requests 20] [--seed 2024] [--warm-seconds 5]

Draws reproducible sessions (evenings in Paris over two years, a few in Cayenne and Réunion,
some cancelled, French texts long enough to fold) and serves the same feed two ways:

- naive: per request, build one ``icalendar.Calendar`` with an ``Event`` per session (same
  properties, same VTIMEZONE blocks) and ``to_ical()`` it;
- ours: render each session's VEVENT once (:func:`calendars.event.render_event`, timed apart:
  it happens when a session changes, not per request), then per request join the fragments
  (:func:`calendars.feed.assemble_feed`) and hash the body (:func:`calendars.feed.strong_etag`).

Both bodies are parsed back with icalendar to check they hold the same sessions at the same
instants. Prints milliseconds per feed, the ratio, the one-off cost per event, and whether the
target is met, for 1,000 and 10,000 sessions (targets ≤ 50 ms and ≤ 300 ms, on one core).

Then the warm path over real HTTP (:mod:`bench.feeds_warm`): a 1,000-session feed served by
``allervers serve`` and by nginx serving the same bytes, loaded with wrk (target: at least half
of nginx's requests per second), and the 304 path.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

# bench/ is the script's folder, hence on sys.path: shared timing helpers
from timing import best_of, pin_to_one_core, unpin

from calendars.event import EventData, event_uid, render_event, session_summary
from calendars.feed import FeedHeader, assemble_feed, strong_etag
from calendars.timezone import vtimezone

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feeds_warm import warm

DOMAIN = "allervers.example"
HEADER = FeedHeader(
    name="Séances « aller vers » — Hauts-de-France",
    description="Permanences de quartier, forums employeurs et réunions d'information.",
    domain=DOMAIN,
)
ZONES = ["Europe/Paris"] * 18 + ["America/Cayenne", "Indian/Reunion"]
NEIGHBOURHOODS = ["L'Alma", "Les Épinettes", "Étouvie", "Le Pile", "Moulins", "Le Nouveau Roubaix"]
KINDS = ["permanence de quartier en soirée", "forum employeurs", "réunion d'information"]


def sessions(count: int, rng: random.Random) -> list[EventData]:
    """``count`` reproducible sessions from January 2026 on, mostly evenings in Paris."""
    events = []
    for number in range(1, count + 1):
        zone = ZoneInfo(rng.choice(ZONES))
        day = datetime(2026, 1, 1) + timedelta(days=rng.randrange(730))  # noqa: DTZ001
        start = day.replace(hour=rng.choice([17, 18, 19]), minute=rng.choice([0, 30]))
        start = start.replace(tzinfo=zone)
        place = rng.choice(NEIGHBOURHOODS)
        events.append(
            EventData(
                uid=event_uid(number, domain=DOMAIN),
                sequence=rng.randrange(4),
                last_modified=datetime(2025, 12, 1, tzinfo=UTC) + timedelta(minutes=number),
                start=start,
                end=start + timedelta(hours=rng.choice([2, 3, 4])),
                timezone=str(zone),
                summary=session_summary(rng.choice(KINDS), place),
                description=(
                    f"Accueil sans rendez-vous au centre social ({place}) : emploi, formation, "
                    "droits ; conseillers de la Mission Locale et de France Travail.\n"
                    "Venez avec un CV si vous en avez un."
                ),
                location=f"Centre social, {rng.randrange(1, 120)} rue Jules Guesde, 59100 Roubaix",
                lat=50.69 + rng.random() / 100,
                lon=3.17 + rng.random() / 100,
                url=f"https://{DOMAIN}/seances/{number}",
                categories=("Permanence de quartier", "Jeunes 16-25 ans"),
                status="CANCELLED" if rng.random() < 0.05 else "CONFIRMED",
            )
        )
    return events


def naive_feed(events: list[EventData]) -> bytes:
    """One request the naive way: a whole icalendar.Calendar built and serialised."""
    calendar = icalendar.Calendar()
    for name, value in (
        ("prodid", f"-//{DOMAIN}//allervers//FR"),
        ("version", "2.0"),
        ("calscale", "GREGORIAN"),
        ("method", "PUBLISH"),
        ("name", HEADER.name),
        ("x-wr-calname", HEADER.name),
        ("description", HEADER.description),
        ("x-wr-caldesc", HEADER.description),
    ):
        calendar.add(name, value)
    calendar.add("refresh-interval", HEADER.refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(HEADER.refresh))
    for zone in sorted({e.timezone for e in events}):
        calendar.add_component(icalendar.Timezone.from_ical(vtimezone(zone)))
    for e in events:
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("sequence", e.sequence)
        event.add("dtstamp", e.last_modified)
        event.add("last-modified", e.last_modified)
        event.add("dtstart", e.start)
        event.add("dtend", e.end)
        event.add("summary", e.summary)
        event.add("description", e.description)
        event.add("location", e.location)
        event.add("geo", (e.lat, e.lon))
        event.add("url", e.url)
        event.add("categories", list(e.categories))
        event.add("status", e.status)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def booked(body: bytes) -> list[tuple[str, datetime, datetime, str]]:
    """UID, UTC start and end, status of every VEVENT, as icalendar reads them."""
    calendar = icalendar.Calendar.from_ical(body)
    return sorted(
        (str(e["UID"]), e.start.astimezone(UTC), e.end.astimezone(UTC), str(e["STATUS"]))
        for e in calendar.walk("VEVENT")
    )


def cold(count: int, target_ms: float, *, requests: int, seed: int) -> bool:
    """Time one feed of ``count`` sessions: naive rendering against assembly from fragments
    (the feed cache cold, the fragments rendered when their sessions changed)."""
    events = sessions(count, random.Random(seed))
    zones = sorted({e.timezone for e in events})
    for zone in zones:
        vtimezone(zone)  # computed once per process, like the fragments
    render_time, fragments = best_of(1, lambda: [render_event(e) for e in events])
    naive_time, naive_body = best_of(3, lambda: naive_feed(events))
    assemble_time, body = best_of(requests, lambda: assemble_feed(HEADER, fragments, zones))
    etag_time, _ = best_of(requests, lambda: strong_etag(body))

    expected = sorted(
        (e.uid, e.start.astimezone(UTC), e.end.astimezone(UTC), e.status) for e in events
    )
    if not booked(body) == booked(naive_body) == expected:
        raise SystemExit("ÉCHEC : les deux flux ne contiennent pas les mêmes séances")

    ours = (assemble_time + etag_time) * 1000
    naive = naive_time * 1000
    print(f"\n{count} séances (graine {seed}), fuseaux : {', '.join(zones)}")
    print(f"  flux : {len(body) / 1e6:.2f} Mo (naïf : {len(naive_body) / 1e6:.2f} Mo)")
    print(f"  rendu unique des fragments : {render_time * 1000:,.0f} ms")
    print(f"    soit {render_time / count * 1e6:,.0f} µs par séance, payés à sa modification")
    print(f"  naïf (Calendar complet + to_ical) : {naive:>10,.1f} ms par flux")
    print(f"  fragments (assemble_feed)         : {assemble_time * 1000:>10,.2f} ms par flux")
    print(f"  ETag forte (sha256)               : {etag_time * 1000:>10,.2f} ms par flux")
    print(f"  assemblage + ETag                 : {ours:>10,.2f} ms par flux")
    print(f"  ratio naïf / assemblage + ETag    : {naive / ours:,.0f}×")
    met = ours <= target_ms
    print(
        f"  objectif assemblage à froid de {count:,} séances ≤ {target_ms:.0f} ms "
        f"sur un cœur : {'atteint' if met else 'MANQUÉ'}"
    )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--warm-seconds", type=int, default=5)
    args = parser.parse_args()
    pin_to_one_core()
    ok = cold(1_000, 50.0, requests=args.requests, seed=args.seed)
    ok &= cold(10_000, 300.0, requests=args.requests, seed=args.seed)
    unpin()  # the servers and wrk need both cores
    warm_ok = warm(seconds=args.warm_seconds)
    if not ok or warm_ok is False:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
