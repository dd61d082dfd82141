"""Who holds the ground on a phase map: each party's held area, each authority's ground
handed over, and the named agreed lines, with their names where they fit.

Colours come from :mod:`planner.briefing.holdings`, so a holder looks the same on every
page; the legend (:mod:`planner.briefing.legend`) lists the holders a map shows.
"""
from __future__ import annotations

import math

import numpy as np
import shapely
from matplotlib import rc_context
from matplotlib.collections import LineCollection
from shapely.ops import polylabel

from geo.zones import parties_of
from planner.briefing.holdings import HELD, authority_colours, hatch_colour, party_colours
from planner.briefing.paint import (haloed_text, points_per_metre, polygons, segments,
                                    simplified)
from planner.domain.holdings import line_styles

TERRITORY = "#f5f1e6"  # the territory under everything
HELD_ALPHA = 0.55
HANDOVER_HATCH = "\\\\\\\\"  # leaning the other way from the locked sectors' hatch
LINE_WIDTH = 1.6  # named agreed lines (each its colour and dash: holdings.line_styles)


def held_as_drawn(fill: str) -> str:
    """The colour held ground of ``fill`` shows on the territory (drawn at HELD_ALPHA)."""
    mix = [HELD_ALPHA * int(fill[i:i + 2], 16) + (1 - HELD_ALPHA) * int(TERRITORY[i:i + 2], 16)
           for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c):02x}" for c in mix)


def draw_held(ax, scenario, extent, phase: int) -> None:
    """The held area of ``phase`` in grey; where the held layer names parties, each party's
    ground in its own tone, labelled with its name."""
    held = scenario.layers.held
    here = (held["phase"] == phase).to_numpy()
    if not here.any():
        return
    colours = party_colours(scenario)
    party = parties_of(held)[here]
    geoms = simplified(held.geometry.values[here], ax, extent)
    polygons(ax, geoms, 2, facecolors=[colours.get(n, HELD) for n in party],
             edgecolors="none", alpha=HELD_ALPHA)
    if not scenario.zones.parties:
        return
    land = scenario.zones.land
    for name, ground in scenario.zones.held_by_party[phase].items():
        spot = _label_spot(shapely.intersection(ground, land))
        if spot is not None:
            haloed_text(ax, (spot.x, spot.y), name, 7.5, zorder=11, ha="center",
                        va="center", fontweight="bold")


def draw_handed(ax, scenario, extent, phase: int) -> None:
    """The ground handed over by ``phase``: each authority's in its muted fill, hatched in
    a darker shade, named where the name fits."""
    handed = scenario.zones.handed[phase]
    colours = authority_colours(scenario)
    per_metre = points_per_metre(ax, extent)
    crowded = place_names(scenario, per_metre) if handed else None
    for name, ground in handed.items():
        fill = colours.get(name, "#cccccc")
        geoms = simplified([ground], ax, extent)
        with rc_context({"hatch.linewidth": 0.5, "hatch.color": hatch_colour(fill)}):
            polygons(ax, geoms, 2.5, facecolors=fill, edgecolors=hatch_colour(fill),
                     linewidths=0.0, hatch=HANDOVER_HATCH)
        largest = _largest_part(ground)
        fit = _fitting_text(largest, name, per_metre, crowded)
        if fit is not None:
            point, text, size, rotation = fit
            haloed_text(ax, (point.x, point.y), text, size, zorder=11, ha="center",
                        va="center", style="italic", linespacing=1.0, rotation=rotation,
                        rotation_mode="anchor")


def draw_lines(ax, scenario, extent) -> None:
    """The named agreed lines, dashed, each labelled with its name along it where it fits."""
    lines = scenario.layers.lines
    if lines is None or lines.empty:
        return
    geoms = lines.geometry.values
    names = lines["name"].astype(str).str.strip().to_numpy()
    styles = line_styles(scenario)
    for name, look in styles.items():  # matplotlib scales the dashes by the line width
        ax.add_collection(LineCollection(segments(geoms[names == name]), colors=look.colour,
                                         linewidths=LINE_WIDTH, linestyles=(0, look.dash),
                                         zorder=9))
    per_metre = points_per_metre(ax, extent)
    crowded = place_names(scenario, per_metre)
    shown = shapely.line_merge(shapely.intersection(geoms, shapely.box(*extent)))
    for name, geom in zip(names, shown):
        if name in styles:
            _line_label(ax, geom, name, per_metre, crowded, ink=styles[name].colour)


def place_names(scenario, per_metre: float) -> shapely.Geometry:
    """Roughly where the places and their names are on the map (a disc around each place as
    wide as its name): labels of ground and lines keep clear of it."""
    places = scenario.layers.places
    if places.empty:
        return shapely.Polygon()
    names = places["name"].astype(str).str.len().to_numpy()
    return shapely.union_all(shapely.buffer(places.geometry.values, 0.62 * 6 * names / per_metre))


def _largest_part(geom: shapely.Geometry) -> shapely.Geometry:
    parts = shapely.get_parts(geom)
    return parts[int(np.argmax(shapely.area(parts)))] if len(parts) else geom


def _label_spot(geom: shapely.Geometry):
    """A point inside the largest part of ``geom`` (None when it is empty)."""
    if geom.is_empty:
        return None
    return shapely.point_on_surface(_largest_part(geom))


def _text_box(point, text: str, size: float, per_metre: float, rotation: float = 0):
    """The box (metres) ``text`` at ``size`` points takes when centred on ``point``."""
    lines = text.split("\n")
    width = 0.62 * size * max(len(line) for line in lines) / per_metre
    height = 1.25 * size * len(lines) / per_metre
    if rotation:
        width, height = height, width
    return shapely.box(point.x - width / 2, point.y - height / 2, point.x + width / 2,
                       point.y + height / 2)


def _fitting_text(geom, name: str, per_metre: float, crowded):
    """``(point, text, size, rotation)``: ``name`` (or its words one to a line), across or
    turned upright, at the largest size from 7 down to 4 points whose box around the label
    point of ``geom`` (its pole of inaccessibility, else a point on its surface) lies inside
    ``geom`` clear of ``crowded``; None when none fits (the legend names it)."""
    tolerance = max(math.sqrt(geom.area) / 100, 1.0)
    points = [polylabel(geom, tolerance), shapely.point_on_surface(geom)]
    tries = [(name, 0), ("\n".join(name.split()), 0), (name, 90)]
    for size in np.arange(7.0, 3.99, -0.5):
        for point in points:
            for text, rotation in tries:
                box = _text_box(point, text, size, per_metre, rotation)
                if geom.contains(box) and not box.intersects(crowded):
                    return point, text, float(size), rotation
    return None


def _line_label(ax, line, name: str, per_metre: float, avoid, size: float = 6.5, *,
                ink: str = "#000000") -> None:
    """``name`` along the longest part of ``line`` (upright, on a halo), when that part is
    at least twice as long on paper as the name: at its middle, or nearer an end where the
    middle is crowded by ``avoid`` (a geometry of places)."""
    parts = [p for p in shapely.get_parts(line) if p.length > 0]
    if not parts or not name:
        return
    part = max(parts, key=lambda p: p.length)
    half = 0.62 * size * len(name) / 2 / per_metre  # half the name's length, in metres
    if part.length < 4 * half:
        return
    spots = [0.5, 0.35, 0.65, 0.2, 0.8]
    clear = [f for f in spots if avoid.is_empty or
             shapely.distance(part.interpolate(f, normalized=True), avoid) > 1.2 * half]
    where = part.length * (clear[0] if clear else 0.5)
    here = part.interpolate(where)
    ahead = part.interpolate(min(part.length, where + half))
    behind = part.interpolate(max(0.0, where - half))
    angle = math.degrees(math.atan2(ahead.y - behind.y, ahead.x - behind.x))
    angle = angle - 180 if angle > 90 else angle + 180 if angle <= -90 else angle
    haloed_text(ax, (here.x, here.y), name, size, zorder=11, ha="center", va="center",
                rotation=angle, rotation_mode="anchor", ink=ink)
