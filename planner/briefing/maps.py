"""Vector maps of a plan: one phase of it, or the sectors where two plans differ.

Drawn with matplotlib in the scenario's metric CRS (true areas and scale), without pyplot
(no global state: the app may draw from several sessions), and saved as SVG with the same
bytes for the same inputs, or as PNG. Sector colours are the app's (``lead_colours``); who
holds the rest of the ground is drawn by :mod:`planner.briefing.ground`.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import shapely
from matplotlib import rc_context
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from planner.briefing.frame import coordinate_frame, emptiest_corners, north_arrow, scale_bar
from planner.briefing.ground import TERRITORY, draw_handed, draw_held, draw_lines
from planner.briefing.paint import (haloed_text, points_per_metre, polygons, segments,
                                    simplified)
from planner.ui.mapview import HARD_OUTLINE, NO_LEAD, lead_colours

INCREMENT = "#2b8cbe"
COAST = "#08519c"
LAND_BORDER = "#000000"
CROSSING = "#ffd92f"
PLACE = "#333333"
SECTOR_EDGE = "#333333"
LOCK_HATCH = "////"
FRAME_MARGIN_IN = (0.42, 0.30, 0.12, 0.12)  # left, bottom, right, top: room for the labels
MIN_LABEL_PT = 1.5  # sector ids smaller than this are left to the sector table
MAX_LABEL_PT = 7.0
SVG_SALT = "planner-briefing"  # fixed ids inside the SVG: same inputs, same bytes


@dataclass(frozen=True)
class SectorStyle:
    """How each open sector of a phase is drawn."""

    sector_ids: list[str]
    geoms: np.ndarray
    fills: list[str]
    labels: list[str]
    hard: np.ndarray  # bool per sector: outlined in red
    locked: np.ndarray  # bool per sector: hatched


def map_extent(scenario, margin: float = 0.04) -> tuple[float, float, float, float]:
    """The territory's bounds in metres, widened by ``margin`` of the larger side."""
    xmin, ymin, xmax, ymax = scenario.layers.territory.total_bounds
    pad = margin * max(xmax - xmin, ymax - ymin)
    return (float(xmin - pad), float(ymin - pad), float(xmax + pad), float(ymax + pad))


def figure_size(extent, box_in: tuple[float, float]) -> tuple[float, float]:
    """Width and height (inches) of the largest figure with the map's aspect in ``box_in``,
    the frame's label margins included."""
    left, bottom, right, top = FRAME_MARGIN_IN
    room_w, room_h = box_in[0] - left - right, box_in[1] - bottom - top
    xmin, ymin, xmax, ymax = extent
    scale = min(room_w / (xmax - xmin), room_h / (ymax - ymin))
    return ((xmax - xmin) * scale + left + right, (ymax - ymin) * scale + bottom + top)


def _new_axes(extent, box_in):
    width, height = figure_size(extent, box_in)
    fig = Figure(figsize=(width, height))
    left, bottom, right, top = FRAME_MARGIN_IN
    ax = fig.add_axes([left / width, bottom / height, 1 - (left + right) / width,
                       1 - (bottom + top) / height])
    xmin, ymin, xmax, ymax = extent
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_facecolor("#ffffff")
    return fig, ax


def draw_base(ax, scenario, extent, phase: int, increments) -> None:
    """Territory, the ground each party holds and each authority has been handed at
    ``phase``, the outlines of the increments opened and the named lines."""
    polygons(ax, simplified(scenario.layers.territory.geometry.values, ax, extent), 1,
             facecolors=TERRITORY, edgecolors="#555555", linewidths=0.6)
    draw_held(ax, scenario, extent, phase)
    draw_handed(ax, scenario, extent, phase)
    opened = increments[increments["phase"] <= phase].geometry.values
    if len(opened):
        polygons(ax, simplified(opened, ax, extent), 6, facecolors="none",
                 edgecolors=INCREMENT, linewidths=1.3, linestyles=(0, (4, 2)))
    draw_lines(ax, scenario, extent)


def draw_sectors(ax, style: SectorStyle, extent) -> None:
    """Sectors filled by lead; hard violations outlined in red; locked sectors hatched."""
    geoms = simplified(style.geoms, ax, extent)
    polygons(ax, geoms, 3, facecolors=style.fills, edgecolors=SECTOR_EDGE, linewidths=0.4)
    if style.locked.any():
        with rc_context({"hatch.linewidth": 0.6, "hatch.color": "#000000"}):
            polygons(ax, geoms[style.locked], 4, facecolors="none", edgecolors="#000000",
                     linewidths=0.0, hatch=LOCK_HATCH)
    if style.hard.any():
        polygons(ax, geoms[style.hard], 7, facecolors="none", edgecolors=HARD_OUTLINE,
                 linewidths=1.8)
    _sector_labels(ax, style, extent)


def _label_size(geom, text: str, per_metre: float) -> float:
    """Font size (points) at which ``text`` fits across the sector, capped at MAX_LABEL_PT
    and rounded down to a quarter point (few distinct sizes: matplotlib lays them out once)."""
    side = math.sqrt(max(geom.area, 0.0)) * per_metre
    longest = max(len(line) for line in text.split("\n"))
    return math.floor(4 * min(MAX_LABEL_PT, 0.9 * side / (0.62 * max(longest, 1)))) / 4


def ink_for(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (``#rrggbb``)."""
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "#ffffff"


def _sector_labels(ax, style: SectorStyle, extent) -> None:
    """Each sector's id (and lead) in black or white on its fill, as large as fits; a
    sector too small for even the id at MIN_LABEL_PT is left to the sector table."""
    per_metre = points_per_metre(ax, extent)
    points = shapely.point_on_surface(style.geoms)
    for text, fill, geom, point in zip(style.labels, style.fills, style.geoms, points):
        if not text:
            continue
        size = _label_size(geom, text, per_metre)
        if size < MIN_LABEL_PT:
            text = text.split("\n")[0]
            size = _label_size(geom, text, per_metre)
        if size >= MIN_LABEL_PT:
            ax.text(point.x, point.y, text, ha="center", va="center", fontsize=size, zorder=12,
                    linespacing=1.0, color=ink_for(fill), parse_math=False)


def draw_context(ax, scenario, extent) -> None:
    """Borders and coast, crossings and other places, labelled."""
    borders = scenario.layers.borders
    coast = (borders["kind"] == "coast").to_numpy()
    for mask, colour, width in ((~coast, LAND_BORDER, 1.3), (coast, COAST, 1.8)):
        if mask.any():
            ax.add_collection(LineCollection(segments(borders.geometry.values[mask]),
                                             colors=colour, linewidths=width, zorder=8))
    places = scenario.layers.places
    crossing = (places["kind"] == "crossing").to_numpy()
    for mask, face, size, font in ((~crossing, PLACE, 8, 5.5), (crossing, CROSSING, 30, 6)):
        if not mask.any():
            continue
        xs, ys = places.geometry.x.to_numpy()[mask], places.geometry.y.to_numpy()[mask]
        ax.scatter(xs, ys, s=size, c=face, edgecolors="#000000", linewidths=0.6, zorder=10)
        right = extent[0] + 0.75 * (extent[2] - extent[0])
        for x, y, name in zip(xs, ys, places["name"].astype(str).to_numpy()[mask]):
            east = x > right  # names near the right edge go to the left of their point
            haloed_text(ax, (x, y), name, font, zorder=11, offset=(-3 if east else 3, 3),
                        ha="right" if east else "left",
                        style="italic" if face == PLACE else "normal")


def sector_style(scenario, plan, phase: int, table, report=None) -> SectorStyle:
    """Fills, labels, hard outlines and locks of the sectors open in ``phase``."""
    colours = lead_colours(c.code for c in scenario.contingents)
    open_ = set(table.open_in(phase))  # handed-over sectors are an authority's, not drawn
    ids = table.sectors["sector_id"].astype(str)
    sectors = table.sectors[ids.isin(open_).to_numpy()]
    ids = sectors["sector_id"].astype(str).tolist()
    hard = report.hard_keys() if report is not None else set()
    leads = [plan.get(phase, s).lead for s in ids]
    return SectorStyle(
        ids, sectors.geometry.values, [colours.get(lead, NO_LEAD) for lead in leads],
        [f"{s}\n{lead or '-'}" for s, lead in zip(ids, leads)],
        np.array([(phase, s) in hard for s in ids], dtype=bool),
        np.array([(phase, s) in plan.pins for s in ids], dtype=bool))


def phase_figure(scenario, plan, phase: int, *, table, increments, report=None,
                 box_in: tuple[float, float] = (6.5, 9.0)) -> Figure:
    """The map of one phase, as large as fits ``box_in`` (inches) at the map's aspect."""
    extent = map_extent(scenario)
    fig, ax = _new_axes(extent, box_in)
    draw_base(ax, scenario, extent, phase, increments)
    draw_sectors(ax, sector_style(scenario, plan, phase, table, report), extent)
    draw_context(ax, scenario, extent)
    furnish(ax, scenario, extent)
    return fig


def changes_figure(scenario, table, fills: dict[str, str], labelled: set[str], *,
                   increments, box_in: tuple[float, float] = (6.5, 9.0)) -> Figure:
    """Every sector of ``table`` filled by ``fills`` (sector id -> colour) over the last
    phase's ground, the ``labelled`` sectors named."""
    extent = map_extent(scenario)
    fig, ax = _new_axes(extent, box_in)
    draw_base(ax, scenario, extent, scenario.phase_numbers[-1], increments)
    ids = table.sectors["sector_id"].astype(str).tolist()
    none = np.zeros(len(ids), dtype=bool)
    draw_sectors(ax, SectorStyle(ids, table.sectors.geometry.values, [fills[s] for s in ids],
                                 [s if s in labelled else "" for s in ids], none, none), extent)
    draw_context(ax, scenario, extent)
    furnish(ax, scenario, extent)
    return fig


def furnish(ax, scenario, extent) -> None:
    """Scale bar and north arrow in the corners that hide the least, and the coordinate
    frame."""
    places = scenario.layers.places
    land = shapely.union_all(scenario.layers.territory.geometry.values)
    corners = emptiest_corners(extent, land, (places.geometry.x.to_numpy(),
                                              places.geometry.y.to_numpy()))
    scale_bar(ax, extent, corners[0])
    north_arrow(ax, extent, scenario.crs, corners[1])
    coordinate_frame(ax, extent, scenario.crs)


def figure_svg(fig: Figure) -> bytes:
    """The figure as SVG: vector paths, text kept as text (set by Typst in DejaVu Sans),
    no date; the same figure gives the same bytes."""
    out = io.BytesIO()
    with rc_context({"svg.hashsalt": SVG_SALT, "svg.fonttype": "none"}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def figure_png(fig: Figure, dpi: int = 150) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()
