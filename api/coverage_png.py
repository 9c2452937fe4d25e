"""``/api/coverage.png``: the coverage map as a picture for a report (matplotlib, no network).

QPV polygons coloured by status, with a legend, a title giving the territory and period, and
the share of QPVs reached; the map is drawn in a local equirectangular frame (longitudes scaled
by the cosine of the mean latitude) so the region keeps its shape.
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")  # no display: render to bytes

import shapely
from matplotlib import pyplot
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch

from planner.coverage_status import CoverageStatus
from planner.db.coverage_values import Coverage

STATUS_STYLE = {
    CoverageStatus.REACHED: ("#1f7a3a", "atteint"),
    CoverageStatus.PLANNED: ("#3b6fb6", "prévu"),
    CoverageStatus.LAPSED: ("#e39b1b", "plus visité depuis longtemps"),
    CoverageStatus.NOT_REACHED: ("#c0392b", "non atteint"),
}


def render_png(coverage: Coverage, *, title: str) -> bytes:
    """A PNG of the coverage: polygons by status, legend with counts, title and period."""
    shapes = [(q, shapely.from_wkb(q.geometry_wkb)) for q in coverage.qpvs]
    lats = [shape.centroid.y for _, shape in shapes] or [50.0]
    scale = math.cos(math.radians(sum(lats) / len(lats)))
    polygons, colours = [], []
    for qpv, shape in shapes:
        for polygon in getattr(shape, "geoms", [shape]):
            polygons.append([(x * scale, y) for x, y in polygon.exterior.coords])
            colours.append(STATUS_STYLE[qpv.status][0])
    figure, axes = pyplot.subplots(figsize=(9, 9), dpi=110)
    try:
        if polygons:
            axes.add_collection(
                # Outlines in the fill colour: at regional scale most QPVs are a few pixels wide,
                # and a dark outline would hide their colour.
                PolyCollection(polygons, facecolors=colours, edgecolors=colours, linewidths=1.2)
            )
            axes.autoscale_view()
            xmin, xmax = axes.get_xlim()
            ymin, ymax = axes.get_ylim()
            pad = 0.05 * max(xmax - xmin, ymax - ymin, 0.01)
            axes.set_xlim(xmin - pad, xmax + pad)
            axes.set_ylim(ymin - pad, ymax + pad)
        axes.set_aspect("equal")
        axes.set_axis_off()
        counts = coverage.summary.by_status
        axes.legend(
            handles=[
                Patch(
                    facecolor=colour,
                    edgecolor="#222222",
                    label=f"{label} : {counts.get(s.value, 0)}",
                )
                for s, (colour, label) in STATUS_STYLE.items()
            ],
            loc="lower left",
            frameon=True,
            title="Statut des quartiers",
        )
        filters = coverage.filters
        axes.set_title(
            f"{title}\ndu {filters.first_day:%d/%m/%Y} au {filters.last_day:%d/%m/%Y} — "
            f"{coverage.summary.qpvs} QPV, {coverage.summary.reached_share:.0%} atteints",
            fontsize=12,
        )
        figure.text(
            0.01,
            0.01,
            "Périmètres : ANCT — quartiers prioritaires de la politique de la ville 2024.",
            fontsize=7,
            color="#555555",
        )
        out = io.BytesIO()
        figure.savefig(out, format="png", bbox_inches="tight")
        return out.getvalue()
    finally:
        pyplot.close(figure)
