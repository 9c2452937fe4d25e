"""``/api/coverage.png``: the coverage map as a picture for a report (matplotlib, no network).

QPV polygons coloured by status over the outlines of the communes, with the names of the most
populous ones for bearings, a legend, a title giving the territory and period, and the share of
QPVs reached; the map is drawn in a local equirectangular frame (longitudes scaled by the cosine
of the mean latitude) so the region keeps its shape.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display: render to bytes

import shapely
from matplotlib import patheffects, pyplot
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from planner.coverage_status import CoverageStatus
from planner.db.coverage_values import Coverage
from planner.db.map_context import CommuneShape

STATUS_STYLE = {
    CoverageStatus.REACHED: ("#1f7a3a", "atteint"),
    CoverageStatus.PLANNED: ("#3b6fb6", "prévu"),
    CoverageStatus.LAPSED: ("#e39b1b", "plus visité depuis longtemps"),
    CoverageStatus.NOT_REACHED: ("#c0392b", "non atteint"),
}
OUTLINE_COLOUR = "#8a94a6"
"""Commune borders: a blue-grey no other part of the picture uses."""
NAME_COLOUR = "#5b1f4f"
"""Commune names: a dark plum on a white halo, a colour no other part of the picture mixes."""
NAMES_AT_MOST = 14
ATTRIBUTION = (
    "Périmètres : ANCT — quartiers prioritaires de la politique de la ville 2024. "
    "Communes : IGN, INSEE (Licence Ouverte 2.0)."
)


def _draw_communes(axes: Axes, communes: Sequence[CommuneShape], scale: float) -> list[str]:
    """Borders of the communes meeting the frame, then the names of the most populous ones
    whose label does not overlap a name already written; the names written."""
    (xmin, xmax), (ymin, ymax) = axes.get_xlim(), axes.get_ylim()
    frame = shapely.box(xmin / scale, ymin, xmax / scale, ymax)
    shown = [c for c in communes if c.geometry.intersects(frame)]
    lines = [
        [(x * scale, y) for x, y in ring.coords]
        for c in shown
        for polygon in getattr(c.geometry, "geoms", [c.geometry])
        for ring in (polygon.exterior, *polygon.interiors)
    ]
    axes.add_collection(
        LineCollection(lines, colors=OUTLINE_COLOUR, linewidths=0.7, zorder=1), autolim=False
    )
    renderer = axes.figure.canvas.get_renderer()  # type: ignore[attr-defined]  # Agg has one
    written: list[str] = []
    boxes: list[Bbox] = []
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for c in sorted(shown, key=lambda c: (-(c.population or 0), c.code)):
        if len(written) == NAMES_AT_MOST:
            break
        lon, lat = c.label
        if not frame.contains(shapely.Point(lon, lat)):
            continue
        text = axes.text(
            lon * scale,
            lat,
            c.name,
            fontsize=8,
            color=NAME_COLOUR,
            ha="center",
            va="center",
            zorder=3,
            path_effects=halo,
        )
        box = text.get_window_extent(renderer).expanded(1.1, 1.2)
        if any(box.overlaps(other) for other in boxes):
            text.remove()
            continue
        boxes.append(box)
        written.append(c.name)
    return written


def render_png(coverage: Coverage, *, title: str, communes: Sequence[CommuneShape] = ()) -> bytes:
    """A PNG of the coverage: polygons by status over the ``communes`` meeting the frame
    (outlines, and names of the most populous), legend with counts, title and period."""
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
                PolyCollection(
                    polygons, facecolors=colours, edgecolors=colours, linewidths=1.2, zorder=2
                )
            )
            axes.autoscale_view()
            xmin, xmax = axes.get_xlim()
            ymin, ymax = axes.get_ylim()
            # a square frame around the QPVs (the axes are square): the communes fill it
            half = 0.55 * max(xmax - xmin, ymax - ymin, 0.01)
            x, y = (xmin + xmax) / 2, (ymin + ymax) / 2
            axes.set_xlim(x - half, x + half)
            axes.set_ylim(y - half, y + half)
        axes.set_aspect("equal")
        if polygons and communes:
            _draw_communes(axes, communes, scale)
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
        figure.text(0.01, 0.01, ATTRIBUTION, fontsize=7, color="#555555")
        out = io.BytesIO()
        figure.savefig(out, format="png", bbox_inches="tight")
        return out.getvalue()
    finally:
        pyplot.close(figure)
