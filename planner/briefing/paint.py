"""Drawing primitives the briefing's maps share: polygons and lines in the map's metric CRS,
simplified to what shows on paper, and names on a white halo."""
from __future__ import annotations

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.collections import PathCollection
from matplotlib.path import Path as MplPath


def paths(geoms) -> list[MplPath]:
    """One matplotlib path per (multi)polygon, holes included."""
    out = []
    for geom in geoms:
        verts, codes = [], []
        for poly in shapely.get_parts(geom):
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords)[:, :2]
                if len(xy) < 4:
                    continue
                verts.append(xy)
                codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY]
        out.append(MplPath(np.concatenate(verts), codes) if verts else MplPath(np.zeros((0, 2))))
    return out


def segments(geoms) -> list[np.ndarray]:
    lines = shapely.get_parts(shapely.get_parts(np.asarray(geoms)))
    return [np.asarray(line.coords)[:, :2] for line in lines if not line.is_empty]


def points_per_metre(ax, extent) -> float:
    width_in = ax.get_position().width * ax.figure.get_figwidth()
    return width_in * 72 / (extent[2] - extent[0])


def simplified(geoms, ax, extent) -> np.ndarray:
    """Geometry simplified to a quarter point on the page: invisible, and files stay small."""
    tolerance = 0.25 / points_per_metre(ax, extent)
    return shapely.simplify(np.asarray(geoms), tolerance, preserve_topology=True)


def polygons(ax, geoms, zorder, **style) -> None:
    ax.add_collection(PathCollection(paths(geoms), zorder=zorder, **style))


def haloed_text(ax, xy, text: str, size: float, *, zorder: float, offset=(0, 0),
                ink: str = "black", **style):
    """``text`` at ``xy`` (data units, moved by ``offset`` points) in ``ink`` on a white halo.

    Names are never read as mathtext (a ``$`` stays a ``$``). The halo is a stroked outline
    drawn under a plain text artist, so the SVG keeps the name as text (searchable in the
    PDF) instead of glyph outlines.
    """
    common = dict(xytext=offset, textcoords="offset points", fontsize=size, parse_math=False,
                  annotation_clip=False, **style)
    ax.annotate(text, xy, zorder=zorder, color="white", path_effects=[
        patheffects.Stroke(linewidth=max(size / 3.5, 1.2), foreground="white")], **common)
    ax.annotate(text, xy, zorder=zorder + 0.1, color=ink, **common)
