"""The report's picture draws the communes under the QPVs: their borders and main names."""

from __future__ import annotations

import io
from datetime import date

import shapely
from litestar.testing import TestClient
from PIL import Image
from shapely.geometry import shape

from api.coverage_png import NAME_COLOUR, OUTLINE_COLOUR, render_png
from planner.coverage_status import CoverageStatus
from planner.db.coverage_values import (
    Coverage,
    CoverageFilter,
    CoverageSummary,
    Figures,
    QpvCoverage,
)
from planner.db.map_context import CommuneShape
from tests.conftest import Team
from tests.raw import qpv_features

Client = TestClient  # type: ignore[type-arg]


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _pixels(picture: bytes, colour: str, *, within: int = 0) -> int:
    """How many pixels of ``picture`` have ``colour``, give or take ``within`` (the sum of the
    channels' differences: small text is antialiased)."""
    counts = Image.open(io.BytesIO(picture)).convert("RGB").getcolors(maxcolors=1 << 22) or []
    target = _rgb(colour)
    return sum(
        n
        for n, rgb in counts
        if sum(abs(a - b) for a, b in zip(rgb, target, strict=True)) <= within
    )


def _etouvie() -> Coverage:
    """Etouvie (Amiens) alone, never reached."""
    feature = next(f for f in qpv_features() if f["properties"]["code_qp"] == "QN08001M")
    qpv = QpvCoverage(
        code="QN08001M",
        name="Etouvie",
        department_code="80",
        department_name="Somme",
        communes=("Amiens",),
        geometry_wkb=shapely.to_wkb(shape(feature["geometry"])),
        figures=Figures(),
        organisations=0,
        first_session=None,
        last_session=None,
        days_since_last=None,
        next_session=None,
        status=CoverageStatus.NOT_REACHED,
    )
    summary = CoverageSummary(
        qpvs=1,
        by_status={s.value: int(s is CoverageStatus.NOT_REACHED) for s in CoverageStatus},
        reached_share=0.0,
        totals=Figures(),
        sessions_per_qpv_sum=0,
        organisations=0,
        gaps=("QN08001M",),
    )
    filters = CoverageFilter(first_day=date(2026, 1, 1), last_day=date(2026, 12, 31))
    return Coverage(filters, date(2026, 12, 31), (qpv,), summary)


def test_render_png_draws_commune_borders_and_names() -> None:
    """With a commune around the QPV, its border (a colour of its own) and its name appear;
    without communes, neither colour is in the picture."""
    coverage = _etouvie()
    centre = shapely.from_wkb(coverage.qpvs[0].geometry_wkb).centroid
    commune = CommuneShape(
        code="80021",
        name="Amiens",
        department_code="80",
        epci_siren=None,
        population=134057,
        geometry=shapely.box(centre.x - 0.01, centre.y - 0.01, centre.x + 0.01, centre.y + 0.01),
        label=(centre.x, centre.y - 0.005),
    )
    bare = render_png(coverage, title="Etouvie")
    drawn = render_png(coverage, title="Etouvie", communes=[commune])
    assert (_pixels(bare, OUTLINE_COLOUR), _pixels(bare, NAME_COLOUR, within=30)) == (0, 0)
    assert (
        _pixels(drawn, OUTLINE_COLOUR) > 500,
        _pixels(drawn, NAME_COLOUR, within=30) > 10,
    ) == (True, True)


def test_coverage_png_of_a_department_has_its_communes(client: Client, team: Team) -> None:
    """Through HTTP, the Somme's picture draws its communes' borders and names."""
    picture = client.get("/api/coverage.png", params={"dep": "80"}, headers=team.headers("admin"))
    assert picture.status_code == 200
    assert (
        _pixels(picture.content, OUTLINE_COLOUR) > 5000,
        _pixels(picture.content, NAME_COLOUR, within=30) > 200,
    ) == (True, True)
