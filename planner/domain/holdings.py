"""Who holds what at each phase: the parties (or the army), the force, each authority.

The ground itself comes from one place, :meth:`geo.zones.PhaseZones.holdings`; this module
adds what readers need on top of it: the share of the territory, the words a planner reads
("the army", "the force"), the handed-over ground in pieces by the phase each piece passed to
its authority, and the handovers and lines a scenario declares. The app's map, side panel
and exports, ``planner scenario holdings`` and ``planner scenario inspect`` all read these, so
they show the same figures.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo.zones import ARMY

KINDS = ("party", "force", "authority")  # the order holders are listed in
PIECE_M2 = 1.0  # handed-over pieces smaller than this (m²) are what differences leave: dropped


def holder_words(holder: str, kind: str) -> str:
    """A holder as a planner reads it: ``the army`` (held ground of a scenario naming no
    party), ``the force``, or the party's or authority's own name."""
    if kind == "force":
        return "the force"
    if kind == "party" and holder == ARMY:
        return "the army"
    return holder


def holdings_layer(zones) -> gpd.GeoDataFrame:
    """Who holds what at every phase, one row per phase and holder: ``phase``, ``holder``,
    ``kind`` (``party``, ``force``, ``authority``), ``km2``, ``share`` (of the territory,
    0 to 1) and the geometry (metric CRS). A new frame: free to modify.

    The rows of a phase cover the territory once, so their ``km2`` add up to the
    territory's area (less the dust and slivers :func:`geo.zones.solid_parts` drops).
    """
    frame = zones.holdings_frame.copy()
    land_km2 = zones.land.area / 1e6
    share = frame["km2"].to_numpy(dtype=float) / land_km2 if land_km2 else 0.0
    frame.insert(frame.columns.get_loc("km2") + 1, "share", np.round(share, 4))
    return frame


def holdings_rows(zones, phase: int) -> list[dict]:
    """The holders of ``phase`` as table rows: ``holder`` (in words, see
    :func:`holder_words`), ``kind``, ``km²`` and ``share`` (0 to 1), parties first, then the
    force, then each authority."""
    frame = holdings_layer(zones)
    frame = frame[frame["phase"] == phase]
    return [{"holder": holder_words(h, k), "kind": k, "km²": round(float(km2), 2),
             "share": round(float(share), 3)}
            for h, k, km2, share in zip(frame["holder"], frame["kind"], frame["km2"],
                                        frame["share"])]


def handover_pieces(zones, phase: int) -> gpd.GeoDataFrame:
    """The ground each authority holds at ``phase``, in pieces by the phase it passed to
    the authority (``since``: the handover's phase, or the later phase that vacated ground
    handed over while still held). Columns ``authority``, ``since``, ``km2``, geometry
    (metric CRS); empty when nothing is handed over by ``phase``."""
    rows = []
    for name, ground in zones.handed[phase].items():
        before = shapely.Polygon()
        for p in [q for q in zones.phases if q <= phase]:
            now = shapely.intersection(zones.handed[p].get(name, shapely.Polygon()), ground)
            piece = shapely.difference(now, before)
            if piece.area >= PIECE_M2:
                rows.append((name, p, piece))
            before = shapely.union(before, now)
    return gpd.GeoDataFrame({"authority": [r[0] for r in rows],
                             "since": [r[1] for r in rows],
                             "km2": [r[2].area / 1e6 for r in rows]},
                            geometry=[r[2] for r in rows], crs=zones.territory.crs)


def handovers(scenario) -> list[dict]:
    """The handovers the scenario declares, as written: ``phase``, ``authority`` and the
    ``km2`` of territory each hands over, by phase then authority."""
    layer = scenario.layers.handover
    if layer is None or layer.empty:
        return []
    land = scenario.zones.land
    authority = layer["authority"].astype(str).str.strip().to_numpy()
    phase = layer["phase"].to_numpy()
    out = []
    for p, name in sorted({(int(q), a) for q, a in zip(phase, authority)}):
        ground = shapely.union_all(layer.geometry.values[(phase == p) & (authority == name)])
        out.append({"phase": p, "authority": name,
                    "km2": round(shapely.intersection(land, ground).area / 1e6, 3)})
    return out


def line_names(scenario) -> list[dict]:
    """The scenario's named lines with their length in km (``name``, ``km``), in the
    layer's order (several features of one name are one line)."""
    layer = scenario.layers.lines
    if layer is None or layer.empty:
        return []
    names = layer["name"].astype(str).str.strip()
    return [{"name": name,
             "km": round(float(layer.geometry[names == name].length.sum()) / 1000, 3)}
            for name in dict.fromkeys(names)]


def authorities(scenario) -> list[str]:
    """Every authority the scenario's handovers name, sorted (a stable order for colours)."""
    layer = scenario.layers.handover
    if layer is None or layer.empty:
        return []
    return sorted(set(layer["authority"].astype(str).str.strip()))


# One colour per holder, the same on the app's map and on every page of a briefing: muted,
# and apart from the lead colours. Authorities' colours are their hatches' ink; a briefing
# fills under the hatch with a lighter shade of the same colour (:func:`lighter`).
HELD_COLOUR = "#7f7f7f"  # held ground of the one army (a held layer that names no party)
PARTY_COLOURS = ("#8c6d46", "#5b6f8c", "#7a8a5c", "#8a5c7a", "#5c8a88", "#6f6f6f")
AUTHORITY_COLOURS = ("#00441b", "#3f007d", "#7f2704", "#08306b", "#67000d", "#252525")


def party_colours(scenario) -> dict[str, str]:
    """A stable colour for each party the held layer names (none: ``{}``, the army's held
    ground is :data:`HELD_COLOUR`)."""
    return {p: PARTY_COLOURS[i % len(PARTY_COLOURS)]
            for i, p in enumerate(scenario.zones.parties)}


def authority_colours(scenario) -> dict[str, str]:
    """A stable colour for each authority the scenario's handovers name."""
    return {a: AUTHORITY_COLOURS[i % len(AUTHORITY_COLOURS)]
            for i, a in enumerate(authorities(scenario))}


def lighter(colour: str, white: float = 0.75) -> str:
    """``colour`` (``#rrggbb``) mixed with ``white`` parts of white: a fill under its hatch."""
    return "#" + "".join(f"{round(int(colour[i:i + 2], 16) * (1 - white) + 255 * white):02x}"
                         for i in (1, 3, 5))



# One look per named line, the same on the app's map and legend and on a briefing's maps and
# legend: a colour apart from the holders' and a dash pattern of its own, so that two lines
# tell apart in colour and in a black-and-white print. Dashes are in line widths (on, off,
# ...), as matplotlib scales them; the app multiplies them by its line weight in pixels.
LINE_COLOURS = ("#c51b7d", "#d95f02", "#01665e", "#542788", "#b2182b", "#7f6000")
LINE_DASHES = ((3.3, 2.0), (1.0, 1.5), (5.0, 1.5, 1.0, 1.5), (2.0, 2.0),
               (6.0, 1.5, 1.0, 1.5, 1.0, 1.5), (1.0, 3.5))


@dataclass(frozen=True)
class LineStyle:
    """How one named line is drawn: ``colour`` (``#rrggbb``) and ``dash`` (on, off, ...
    lengths in line widths)."""

    colour: str
    dash: tuple[float, ...]

    def dash_array(self, width: float) -> str:
        """The dash as an SVG ``stroke-dasharray`` for a line ``width`` pixels wide."""
        return " ".join(f"{d * width:g}" for d in self.dash)

    def swatch_css(self, width: float, unit: str) -> str:
        """CSS for a legend swatch that shows the line: a ``width`` (in ``unit``) high
        stripe dashed in the line's colour and pattern."""
        stops, at = [], 0.0
        for i, d in enumerate(self.dash):
            ink = self.colour if i % 2 == 0 else "transparent"
            stops.append(f"{ink} {at * width:g}{unit} {(at + d) * width:g}{unit}")
            at += d
        return (f"border:none;height:{width:g}{unit};background:repeating-linear-gradient("
                f"90deg,{','.join(stops)})")


def line_styles(scenario) -> dict[str, LineStyle]:
    """Each named line of the scenario (names stripped, in the layer's order) with its own
    :class:`LineStyle`: the i-th name takes the i-th colour and the i-th dash (both cycle,
    in steps that differ, so two lines of a scenario never share both)."""
    layer = scenario.layers.lines
    if layer is None or layer.empty:
        return {}
    names = dict.fromkeys(n for n in layer["name"].astype(str).str.strip() if n)
    return {n: LineStyle(LINE_COLOURS[i % len(LINE_COLOURS)],
                         LINE_DASHES[(i + i // len(LINE_COLOURS)) % len(LINE_DASHES)])
            for i, n in enumerate(names)}
