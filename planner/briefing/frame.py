"""Map furniture: scale bar, north arrow and geographic coordinates at the frame.

Maps are drawn in the scenario's metric CRS, so a length on the map is a length on the
ground; the frame is labelled in degrees, and the north arrow points to true north (grid
north and true north differ by the projection's convergence).
"""
from __future__ import annotations

import math

import numpy as np
import pyproj
from matplotlib.patches import Rectangle

from geo.layers import WGS84

NICE = (1, 2, 2.5, 5)
DEGREE_STEPS = (0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30)


def nice_length(target: float) -> float:
    """The largest 1, 2, 2.5 or 5 x 10^k not above ``target`` (same units), at least 1e-9."""
    if target <= 0:
        raise ValueError(f"`target` must be positive; got {target}")
    power = 10.0 ** math.floor(math.log10(target))
    return max(n * power for n in NICE if n * power <= target)


def _km_text(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km"
    return f"{metres:g} m"


CORNERS = ("lower left", "lower right", "upper left", "upper right")


def _corner_box(extent, corner: str, w: float, h: float):
    """(x0, y0, x1, y1) of a box of ``w`` x ``h`` (fractions of the map) in ``corner``."""
    xmin, ymin, xmax, ymax = extent
    width, height = xmax - xmin, ymax - ymin
    x0 = xmin + 0.02 * width if "left" in corner else xmax - (0.02 + w) * width
    y0 = ymin + 0.02 * height if "lower" in corner else ymax - (0.02 + h) * height
    return (x0, y0, x0 + w * width, y0 + h * height)


def emptiest_corners(extent, land, points) -> list[str]:
    """Corners ordered by how little of ``land`` (a geometry) and how few ``points``
    (x, y arrays) a box there would hide, ties in :data:`CORNERS` order."""
    import shapely
    xs, ys = points

    def cost(corner):
        x0, y0, x1, y1 = _corner_box(extent, corner, 0.34, 0.14)
        box = shapely.box(x0, y0, x1, y1)
        hidden = int(((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)).sum())
        return shapely.area(shapely.intersection(box, land)) / box.area + 0.25 * hidden
    return sorted(CORNERS, key=lambda c: (round(cost(c), 3), CORNERS.index(c)))


def scale_bar(ax, extent, corner: str = "lower left", *, fraction: float = 0.22,
              fontsize: float = 6.5) -> float:
    """Draw a two-segment scale bar in ``corner`` of ``ax``; return its length in metres.

    ``extent`` is (xmin, ymin, xmax, ymax) in metres; the bar is the nicest length not
    longer than ``fraction`` of the map's width.
    """
    xmin, ymin, xmax, ymax = extent
    width, height = xmax - xmin, ymax - ymin
    length = nice_length(width * fraction)
    bx0, by0, bx1, by1 = _corner_box(extent, corner, (length / width) + 0.06, 0.06)
    ax.add_patch(Rectangle((bx0, by0), bx1 - bx0, by1 - by0, facecolor="white",
                           edgecolor="#555555", linewidth=0.4, alpha=0.9, zorder=20))
    x0, y0, bar_h = bx0 + 0.03 * width, by0 + 0.012 * height, 0.008 * height
    for i, colour in enumerate(("#000000", "#ffffff")):
        ax.add_patch(Rectangle((x0 + i * length / 2, y0), length / 2, bar_h, facecolor=colour,
                               edgecolor="#000000", linewidth=0.5, zorder=21))
    for x, text in ((x0, "0"), (x0 + length / 2, _km_text(length / 2).split()[0]),
                    (x0 + length, _km_text(length))):
        ax.text(x, y0 + bar_h + 0.008 * height, text, ha="center", va="bottom",
                fontsize=fontsize, zorder=22)
    return length


def true_north_angle(crs, x: float, y: float) -> float:
    """Degrees from grid north (up) to true north at (x, y), clockwise positive."""
    to_geo = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
    to_map = pyproj.Transformer.from_crs(WGS84, crs, always_xy=True)
    lon, lat = to_geo.transform(x, y)
    x2, y2 = to_map.transform(lon, min(lat + 0.01, 89.99))
    return math.degrees(math.atan2(x2 - x, y2 - y))


def north_arrow(ax, extent, crs, corner: str = "upper right", *, fontsize: float = 8) -> float:
    """Draw an arrow to true north in ``corner`` of ``ax``; return its angle (degrees)."""
    xmin, ymin, xmax, ymax = extent
    width, height = xmax - xmin, ymax - ymin
    cx = xmin + 0.07 * width if "left" in corner else xmax - 0.07 * width
    cy = ymin + 0.09 * height if "lower" in corner else ymax - 0.09 * height
    angle = true_north_angle(crs, (xmin + xmax) / 2, (ymin + ymax) / 2)
    size = 0.045 * min(width, height * 0.8)
    dx, dy = size * math.sin(math.radians(angle)), size * math.cos(math.radians(angle))
    ax.add_patch(Rectangle((cx - 1.1 * size, cy - 1.4 * size), 2.2 * size, 3.4 * size,
                           facecolor="white", edgecolor="#555555", linewidth=0.4, alpha=0.9,
                           zorder=21))
    ax.annotate("", xy=(cx + dx, cy + dy), xytext=(cx - dx, cy - dy), zorder=22,
                arrowprops=dict(arrowstyle="-|>,head_width=0.35,head_length=0.7",
                                color="#000000", linewidth=1.2))
    ax.text(cx + 1.45 * dx, cy + 1.45 * dy, "N", ha="center", va="center", fontsize=fontsize,
            fontweight="bold", zorder=22)
    return angle


def _degree_step(span: float, most: int = 6) -> float:
    return next((s for s in DEGREE_STEPS if span / s <= most), DEGREE_STEPS[-1])


def _degree_text(value: float, step: float, positive: str, negative: str) -> str:
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    if step in (0.025, 0.25, 0.005):
        decimals += 1
    hemisphere = positive if value >= 0 else negative
    return f"{abs(value):.{decimals}f}°{hemisphere}"


def edge_ticks(crs, extent, *, axis: str) -> tuple[list[float], list[str]]:
    """Positions (metres along the edge) and labels of round degree values along the
    bottom edge (``axis="x"``: longitudes) or the left edge (``axis="y"``: latitudes)."""
    xmin, ymin, xmax, ymax = extent
    to_geo = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
    along = np.linspace(xmin, xmax, 256) if axis == "x" else np.linspace(ymin, ymax, 256)
    edge = np.full_like(along, ymin if axis == "x" else xmin)
    xs, ys = (along, edge) if axis == "x" else (edge, along)
    lon, lat = to_geo.transform(xs, ys)
    degrees = np.asarray(lon if axis == "x" else lat)
    step = _degree_step(float(degrees.max() - degrees.min()))
    first = math.ceil(degrees.min() / step - 1e-9)
    values = [k * step for k in range(first, math.floor(degrees.max() / step + 1e-9) + 1)]
    order = np.argsort(degrees)
    positions = np.interp(values, degrees[order], along[order]).tolist()
    names = ("E", "W") if axis == "x" else ("N", "S")
    return positions, [_degree_text(v, step, *names) for v in values]


def coordinate_frame(ax, extent, crs, *, fontsize: float = 6) -> None:
    """Label the bottom edge in longitude and the left edge in latitude, ticks inward."""
    xs, xlabels = edge_ticks(crs, extent, axis="x")
    ys, ylabels = edge_ticks(crs, extent, axis="y")
    ax.set_xticks(xs, xlabels, fontsize=fontsize)
    ax.set_yticks(ys, ylabels, fontsize=fontsize, rotation=90, va="center")
    ax.tick_params(direction="in", length=3, width=0.5, top=True, right=True, pad=2)
    for side in ax.spines.values():
        side.set_linewidth(0.8)
