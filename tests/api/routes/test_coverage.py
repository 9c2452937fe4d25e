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
from planner.session import Role
from tests.conftest import Team
from tests.factories import add_staff, book_evening_session, create_venue

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


def _organisation(client: Client, team: Team, name: str) -> int:
    """A new organisation created by the admin; its id."""
    answer = client.post(
        "/api/organisations",
        json={"kind": "association", "name": name},
        headers=team.headers("admin"),
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_coverage_counts_every_organisation_of_a_session(
    client: Client, team: Team, settings: Settings
) -> None:
    """A session led by the mission locale, staffed by it and the centre social, with a third
    organisation (and the centre social again) as partners counts three organisations, each
    once; the QPV lists them with their sessions, and the organisation filter finds a session
    by the organisation of its staff."""
    venue = create_venue(client, team)
    third = _organisation(client, team, "Association partenaire (test)")
    url = settings.database_url
    partners = (third, team.centre_social)
    asyncio.run(
        _book_past(url, team, venue, _today() - timedelta(days=3), AMIENS[:1], partners=partners)
    )
    asyncio.run(_book_past(url, team, venue, _today() - timedelta(days=4), AMIENS[:1]))
    body = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    staffed = client.get(
        "/api/coverage",
        params={"dep": "80", "organisation": str(team.centre_social)},
        headers=team.headers("admin"),
    ).json()
    etouvie = _props(body["features"], "QN08001M")
    assert (
        etouvie["organisations"],
        etouvie["by_organisation"],
        body["summary"]["organisations"],
        _props(staffed["features"], "QN08001M")["sessions"],
    ) == (
        3,
        [
            *_staffed_by(team, 2),
            {"id": third, "name": "Association partenaire (test)", "sessions": 1},
        ],
        3,
        2,
    )


def test_coverage_planned_apart_from_held(
    client: Client, wide_team: Team, settings: Settings
) -> None:
    """Over a period reaching into the coming weeks, a published session to come and a draft
    are planned, not held: a QPV with nothing held but something planned is « prévu », a QPV
    held keeps its status; a session after the period plans nothing in it. The draft counts
    for those who may see it (admin, manager of the department, its organisation's
    coordinator), not for another organisation's coordinator."""
    team = wide_team
    venue = create_venue(client, team)
    today = _today()
    asyncio.run(
        _book_past(settings.database_url, team, venue, today - timedelta(days=10), AMIENS[:1])
    )
    _book_future(client, team, venue, today + timedelta(days=5), ["QN08001M"])
    _book_future(client, team, venue, today + timedelta(days=6), ["QN08003M"])
    _book_future(
        client, team, venue, today + timedelta(days=7), ["QN08003M", "QN08006M"], publish=False
    )
    _book_future(client, team, venue, today + timedelta(days=60), ["QN08007M"])
    _, other = asyncio.run(
        add_staff(
            settings.database_url, 0, Role.COORDINATOR, "coordination", name="Autre structure"
        )
    )
    period = {
        "dep": "80",
        "from": (today - timedelta(days=30)).isoformat(),
        "to": (today + timedelta(days=30)).isoformat(),
    }

    def seen(headers: dict[str, str]) -> tuple[dict[str, tuple[Any, ...]], dict[str, int]]:
        body = client.get("/api/coverage", params=period, headers=headers).json()
        return (
            {
                code: (p["status_label"], p["sessions"], p["planned_sessions"], p["planned_drafts"])
                for code in ("QN08001M", "QN08003M", "QN08006M", "QN08007M")
                for p in [_props(body["features"], code)]
            },
            body["summary"]["planned"],
        )

    everything = (
        {
            "QN08001M": ("atteint", 1, 1, 0),
            "QN08003M": ("prévu", 0, 2, 1),
            "QN08006M": ("prévu", 0, 1, 1),
            "QN08007M": ("non atteint", 0, 0, 0),
        },
        {"sessions": 3, "drafts": 1},
    )
    assert [seen(team.headers(who)) for who in ("admin", "manager_inside", "coordinator")] == [
        everything
    ] * 3
    assert seen(other) == (
        {
            "QN08001M": ("atteint", 1, 1, 0),
            "QN08003M": ("prévu", 0, 1, 0),
            "QN08006M": ("non atteint", 0, 0, 0),
            "QN08007M": ("non atteint", 0, 0, 0),
        },
        {"sessions": 2, "drafts": 0},
    )


def test_coverage_departments_are_the_callers_territory_once(client: Client, team: Team) -> None:
    """The department filter's choices: a manager of the Nord gets the Nord alone, once; an
    admin gets every department of the loaded QPVs, once, whichever department is shown."""
    loaded = sorted(
        {(q["department"]["code"], q["department"]["name"]) for q in client.get("/api/qpv").json()}
    )
    manager = client.get("/api/coverage", headers=team.headers("manager")).json()
    admin = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    assert (
        manager["summary"]["departments"],
        admin["summary"]["departments"],
        [(d["code"], d["name"]) for d in DEPARTMENTS],
    ) == ([{"code": "59", "name": "Nord"}], DEPARTMENTS, loaded)


def test_coverage_by_default_shows_the_coming_four_weeks_as_planned(
    client: Client, team: Team
) -> None:
    """Without dates, the period reaches four weeks ahead: a session next week is planned
    (« prévu »), not held; one in six weeks is only the next session."""
    venue = create_venue(client, team)
    today = _today()
    _book_future(client, team, venue, today + timedelta(days=7), ["QN08003M"])
    _book_future(client, team, venue, today + timedelta(days=42), ["QN08007M"])
    body = client.get("/api/coverage", params={"dep": "80"}, headers=team.headers("admin")).json()
    soon, later = _props(body["features"], "QN08003M"), _props(body["features"], "QN08007M")
    assert (soon["status"], soon["sessions"], soon["planned_sessions"]) == ("planned", 0, 1)
    assert (later["status"], later["planned_sessions"]) == ("not_reached", 0)
    assert later["next_session"] is not None
    assert body["summary"]["period"]["end"] == (today + timedelta(days=28)).isoformat()
    assert body["summary"]["period"]["reference_day"] == today.isoformat()
