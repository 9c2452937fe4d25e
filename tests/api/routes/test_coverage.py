"""Coverage of the QPVs through HTTP: figures equal what was booked, statuses, filters, roles."""

from __future__ import annotations

import asyncio
import io
from datetime import date, datetime, time, timedelta
from typing import Any

from litestar.testing import TestClient
from PIL import Image

from api.settings import Settings
from planner.clock import PARIS
from tests.conftest import Team
from tests.factories import book_evening_session, create_venue

Client = TestClient  # type: ignore[type-arg]
AMIENS = ["QN08001M", "QN08002M", "QN08003M"]
OUTCOME_A = {"people_met": 14, "new_contacts": 5, "job_offers": 3, "immersions": 1}
OUTCOME_B = {"people_met": 6, "new_contacts": 2, "job_offers": 1, "immersions": 0}
DEPARTMENTS = [
    {"code": "02", "name": "Aisne"},
    {"code": "59", "name": "Nord"},
    {"code": "60", "name": "Oise"},
    {"code": "62", "name": "Pas-de-Calais"},
    {"code": "80", "name": "Somme"},
]
"""The departments of the bundled QPVs (Hauts-de-France): what an admin may choose."""


def _today() -> date:
    return datetime.now(PARIS).date()


async def _book_past(
    url: str,
    team: Team,
    venue: int,
    day: date,
    qpvs: tuple[str, ...],
    *,
    publish: bool = True,
    partners: tuple[int, ...] = (),
) -> int:
    """A session 18:00-21:00 on ``day``, booked five days before (the service takes ``now``)."""
    return await book_evening_session(
        url,
        team,
        venue,
        day=day,
        now=datetime.combine(day, time(9), tzinfo=PARIS) - timedelta(days=5),
        qpv_codes=qpvs,
        publish=publish,
        partner_ids=partners,
    )


def _book_future(
    client: Client, team: Team, venue: int, day: date, qpvs: list[str], *, publish: bool = True
) -> str:
    """A session on ``day`` for ``qpvs``, published or a draft; its start as the API returns it."""
    body = client.post(
        "/api/sessions",
        json={
            "kind": "neighbourhood_session",
            "title": "Permanence à venir",
            "start": datetime.combine(day, time(18), tzinfo=PARIS).isoformat(),
            "end": datetime.combine(day, time(21), tzinfo=PARIS).isoformat(),
            "venue_id": venue,
            "organisation_id": team.mission_locale,
            "staff_ids": [team.adviser, team.partner],
            "qpv_codes": qpvs,
            "publish": publish,
        },
        headers=team.headers("adviser"),
    ).json()
    return str(body["session"]["start"])


def _scenario(client: Client, team: Team, settings: Settings) -> dict[str, Any]:
    """Two held sessions (one serving two QPVs), a draft, a cancellation, a future session."""
    venue = create_venue(client, team)
    day_a, day_b = _today() - timedelta(days=35), _today() - timedelta(days=10)
    url = settings.database_url
    first = asyncio.run(_book_past(url, team, venue, day_a, ("QN08001M",)))
    second = asyncio.run(_book_past(url, team, venue, day_b, ("QN08001M", "QN08002M")))
    asyncio.run(
        _book_past(url, team, venue, day_b - timedelta(days=1), ("QN08004M",), publish=False)
    )
    cancelled = asyncio.run(_book_past(url, team, venue, day_b - timedelta(days=2), ("QN08005M",)))
    for sid, outcome in ((first, OUTCOME_A), (second, OUTCOME_B)):
        response = client.post(
            f"/api/sessions/{sid}/outcome",
            json={**outcome, "follow_ups": 0},
            headers=team.headers("adviser"),
        )
        assert response.status_code == 200
    client.post(
        f"/api/sessions/{cancelled}/cancel",
        json={"reason": "Salle indisponible"},
        headers=team.headers("adviser"),
    )
    upcoming = _book_future(client, team, venue, _today() + timedelta(days=40), ["QN08003M"])
    return {"day_a": day_a, "day_b": day_b, "upcoming": upcoming}


def _props(features: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next(f["properties"] for f in features if f["id"] == code)


def _zero(status: str, label: str) -> dict[str, Any]:
    return {
        "status": status,
        "status_label": label,
        "sessions": 0,
        "session_hours": 0.0,
        "staff_hours": 0.0,
        "organisations": 0,
        "first_session": None,
        "last_session": None,
        "days_since_last": None,
        "next_session": None,
        "people_met": 0,
        "new_contacts": 0,
        "job_offers": 0,
        "immersions": 0,
        "planned_sessions": 0,
        "planned_drafts": 0,
        "by_organisation": [],
        "planned_by_organisation": [],
    }


def _figures_only(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in {"code", "name", "department", "communes"}}


def _staffed_by(team: Team, sessions: int) -> list[dict[str, Any]]:
    """The two organisations of the scenario's sessions: the mission locale leads and staffs,
    the centre social staffs (its adviser)."""
    return [
        {"id": team.centre_social, "name": "Centre social de test", "sessions": sessions},
        {"id": team.mission_locale, "name": "Mission Locale de test", "sessions": sessions},
    ]


def test_coverage_figures_equal_what_was_booked(
    client: Client, team: Team, settings: Settings
) -> None:
    """Per-QPV figures equal the sessions held; drafts and cancellations never count; a
    session published for after the period is the next one, not planned in the period."""
    booked = _scenario(client, team, settings)
    body = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    features = body["features"]
    day_a, day_b = booked["day_a"].isoformat(), booked["day_b"].isoformat()
    assert _figures_only(_props(features, "QN08001M")) == {
        "status": "reached",
        "status_label": "atteint",
        "sessions": 2,
        "session_hours": 6.0,
        "staff_hours": 12.0,
        "organisations": 2,
        "first_session": day_a,
        "last_session": day_b,
        "days_since_last": 10,
        "next_session": None,
        "people_met": 20,
        "new_contacts": 7,
        "job_offers": 4,
        "immersions": 1,
        "planned_sessions": 0,
        "planned_drafts": 0,
        "by_organisation": _staffed_by(team, 2),
        "planned_by_organisation": [],
    }
    assert _figures_only(_props(features, "QN08002M")) == {
        **_zero("reached", "atteint"),
        "sessions": 1,
        "session_hours": 3.0,
        "staff_hours": 6.0,
        "organisations": 2,
        "first_session": day_b,
        "last_session": day_b,
        "days_since_last": 10,
        **OUTCOME_B,
        "by_organisation": _staffed_by(team, 1),
    }
    later = _props(features, "QN08003M")
    assert (
        _figures_only({**later, "next_session": None}),
        datetime.fromisoformat(later["next_session"]),
    ) == (
        _zero("not_reached", "non atteint"),
        datetime.fromisoformat(booked["upcoming"]),
    )
    assert [_figures_only(_props(features, f"QN0800{n}M")) for n in range(4, 10)] == [
        _zero("not_reached", "non atteint")
    ] * 6


def test_coverage_lists_every_qpv_of_the_department(
    client: Client, team: Team, settings: Settings
) -> None:
    """dep=80 gives its ten QPVs; totals count a two-QPV session once, per-QPV sums twice."""
    _scenario(client, team, settings)
    body = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    expected_codes = [q["code"] for q in client.get("/api/qpv", params={"dep": "80"}).json()]
    summary = body["summary"]
    assert (
        body["type"],
        [f["id"] for f in body["features"]],
        [f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in body["features"]],
    ) == ("FeatureCollection", expected_codes, [True] * 10)
    assert len(expected_codes) == 10
    del summary["period"]
    assert summary == {
        "qpvs": 10,
        "by_status": {"reached": 2, "lapsed": 0, "planned": 0, "not_reached": 8},
        "reached_share": 0.2,
        "totals": {
            "sessions": 2,
            "session_hours": 6.0,
            "staff_hours": 12.0,
            "people_met": 20,
            "new_contacts": 7,
            "job_offers": 4,
            "immersions": 1,
        },
        "sessions_distinct": 2,
        "sessions_per_qpv_sum": 3,
        "organisations": 2,
        "gaps": [c for c in expected_codes if c not in {"QN08001M", "QN08002M"}],
        "double_counting": (
            "Une séance compte pour chaque QPV qu'elle dessert : la somme des chiffres par QPV "
            "peut dépasser les totaux, qui comptent chaque séance une seule fois."
        ),
        "forums": {
            "forums": 0,
            "registered": 0,
            "attended": 0,
            "immersions": 0,
            "hires": 0,
            "emplois_francs": 0,
        },
        "planned": {"sessions": 0, "drafts": 0},
        "departments": DEPARTMENTS,
    }


def test_coverage_lapsed_after_threshold(client: Client, team: Team, settings: Settings) -> None:
    """With a 5-day threshold, QPVs visited 10 days ago are lapsed, gaps after never-reached
    (the session published for after the period plans nothing in it)."""
    _scenario(client, team, settings)
    body = client.get(
        "/api/coverage",
        params={"dep": "80", "lapsed_after": "5"},
        headers=team.headers("admin"),
    ).json()
    statuses = {f["id"]: f["properties"]["status"] for f in body["features"]}
    assert ({c: statuses[c] for c in AMIENS}, body["summary"]["gaps"][-2:]) == (
        {"QN08001M": "lapsed", "QN08002M": "lapsed", "QN08003M": "not_reached"},
        ["QN08001M", "QN08002M"],
    )


def test_coverage_period_and_kind_filters(client: Client, team: Team, settings: Settings) -> None:
    """A period ending before the second session sees the first only; another kind sees none."""
    booked = _scenario(client, team, settings)
    last = booked["day_b"] - timedelta(days=1)
    period = client.get(
        "/api/coverage",
        params={"dep": "80", "from": booked["day_a"].isoformat(), "to": last.isoformat()},
        headers=team.headers("admin"),
    ).json()
    other_kind = client.get(
        "/api/coverage",
        params={"dep": "80", "kind": "employer_forum"},
        headers=team.headers("admin"),
    ).json()
    first = _props(period["features"], "QN08001M")
    assert (
        (first["sessions"], first["days_since_last"], first["status"]),
        period["summary"]["period"],
        other_kind["summary"]["by_status"],
    ) == (
        (1, 24, "reached"),
        {
            "start": booked["day_a"].isoformat(),
            "end": last.isoformat(),
            "reference_day": last.isoformat(),
            "lapsed_after_days": 30,
        },
        {"reached": 0, "lapsed": 0, "planned": 0, "not_reached": 10},
    )


def test_coverage_csv_french_columns(client: Client, team: Team, settings: Settings) -> None:
    """The CSV has a BOM, French column names, ``;`` separators and one row per QPV."""
    booked = _scenario(client, team, settings)
    response = client.get("/api/coverage.csv", params={"dep": "80"}, headers=team.headers("admin"))
    text = response.content.decode("utf-8")
    lines = text.removeprefix("\ufeff").splitlines()
    assert (
        response.status_code,
        response.headers["content-type"],
        text.startswith("\ufeff"),
        len(lines),
        lines[0],
        lines[1],
    ) == (
        200,
        "text/csv; charset=utf-8",
        True,
        11,
        "code_qpv;nom_qpv;departement;communes;statut;seances;heures_de_seance;"
        "heures_intervenants;organisations;premiere_seance;derniere_seance;"
        "jours_depuis_derniere_seance;prochaine_seance;personnes_rencontrees;"
        "nouveaux_contacts;offres_remises;immersions;seances_prevues;dont_brouillons;"
        "organisations_detail",
        f"QN08001M;Etouvie;80;Amiens;atteint;2;6;12;2;{booked['day_a'].isoformat()};"
        f"{booked['day_b'].isoformat()};10;;20;7;4;1;0;0;"
        "Centre social de test (2), Mission Locale de test (2)",
    )


def test_coverage_roles(client: Client, team: Team) -> None:
    """Anonymous 401, adviser 403; a manager sees their department only, others are 403."""
    anonymous = client.get("/api/coverage")
    adviser = client.get("/api/coverage", headers=team.headers("adviser"))
    mine = client.get("/api/coverage", headers=team.headers("manager")).json()
    other = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("manager"))
    nord = [q["code"] for q in client.get("/api/qpv", params={"dep": "59"}).json()]
    assert (
        anonymous.status_code,
        adviser.status_code,
        [f["id"] for f in mine["features"]],
        other.status_code,
    ) == (401, 403, nord, 403)


def test_coverage_bad_parameters_are_400(client: Client, team: Team) -> None:
    """Bad dates, an inverted period, an unknown department or EPCI: 400 naming the field."""
    cases = [
        {"from": "2026-13-01"},
        {"from": "2026-06-01", "to": "2026-05-01"},
        {"dep": "75"},
        {"epci": "123456789"},
        {"kind": "picnic"},
    ]
    answers = [
        client.get("/api/coverage", params=params, headers=team.headers("admin"))
        for params in cases
    ]
    assert [(a.status_code, [e["field"] for e in a.json()["errors"]]) for a in answers] == [
        (400, ["from"]),
        (400, ["to"]),
        (400, ["dep"]),
        (400, ["epci"]),
        (400, ["kind"]),
    ]


def test_coverage_epci_filter(client: Client, team: Team) -> None:
    """The Amiens EPCI gives the QPVs whose contrat de ville it signs."""
    body = client.get(
        "/api/coverage", params={"epci": "248000531"}, headers=team.headers("admin")
    ).json()
    amiens = [
        q["code"]
        for q in client.get("/api/qpv", params={"dep": "80"}).json()
        if "248000531" in q["epci_sirens"]
    ]
    assert [f["id"] for f in body["features"]] == amiens


def test_coverage_whole_region_under_one_megabyte(client: Client, team: Team) -> None:
    """The whole region's 204 QPVs, polygons included, weigh less than 1 MB."""
    response = client.get("/api/coverage", headers=team.headers("admin"))
    assert (
        response.status_code,
        len(response.json()["features"]),
        len(response.content) < 1_000_000,
    ) == (200, 204, True)


def test_coverage_png_is_a_map_with_its_legend(
    client: Client, team: Team, settings: Settings
) -> None:
    """The report picture is a PNG of the department, coloured by status, for staff only."""
    _scenario(client, team, settings)
    picture = client.get("/api/coverage.png", params={"dep": "59"}, headers=team.headers("manager"))
    image = Image.open(io.BytesIO(picture.content))
    colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert (picture.status_code, picture.headers["content-type"], image.format) == (
        200,
        "image/png",
        "PNG",
    )
    assert {(192, 57, 43), (31, 122, 58)} <= colours  # not reached (red) and reached (green) QPVs
    assert client.get("/api/coverage.png").status_code == 401
