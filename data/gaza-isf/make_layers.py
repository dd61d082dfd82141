"""Build the illustrative layers of the Gaza ISF scenario from the figures in DOMAIN.md.

Run from the repository root: ``python data/gaza-isf/make_layers.py``. Deterministic: the
same code writes the same files. Everything here is ILLUSTRATIVE, not authoritative:
an outline that reproduces the strip's size, governorates as bands across its long axis
with pre-war population estimates, and held areas built as a band inward from the land
border whose depth is found by bisection to hit each phase's published fraction. Phase 4 is
an illustration, not reporting: the army keeps the perimeter of phase 3, and trained
Palestinian police take over the middle area (Nuseirat to Deir al-Balah) from the force,
drawn as the sectors that cover it (see ``data/sector_layers.py``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
from data.sector_layers import write_handover, write_sectors  # noqa: E402
from geo.export import write_geojson  # noqa: E402

CRS = "EPSG:32636"
COAST = [(34.2190, 31.3220), (34.2600, 31.3600), (34.3100, 31.4050), (34.3600, 31.4480),
         (34.4150, 31.4950), (34.4450, 31.5300), (34.4700, 31.5650), (34.4900, 31.5960)]
ISRAEL = [(34.4900, 31.5960), (34.5250, 31.5870), (34.5620, 31.5560), (34.5350, 31.5230),
          (34.4950, 31.4900), (34.4800, 31.4580), (34.4330, 31.4180), (34.3930, 31.3860),
          (34.3720, 31.3520), (34.3560, 31.3210), (34.3050, 31.2620), (34.2750, 31.2270),
          (34.2670, 31.2200)]
EGYPT = [(34.2670, 31.2200), (34.2450, 31.2550), (34.2300, 31.2950), (34.2190, 31.3220)]
# North to south, pre-war (2023) estimates; the cut below each one, as a latitude on the coast.
# DOMAIN.md puts the Khan Younis / Rafah cut near 31.31, but this outline's coast starts at
# 31.322, so the cut sits at 31.33 (Khan Younis city stays north of it, Rafah city south).
GOVERNORATES = [("North Gaza", 440_000, 31.525), ("Gaza", 780_000, 31.450),
                ("Deir al-Balah", 310_000, 31.370), ("Khan Younis", 440_000, 31.330),
                ("Rafah", 280_000, None)]
PLACES = [("Gaza City", 34.46, 31.50), ("Jabalia", 34.48, 31.53), ("Beit Lahia", 34.50, 31.55),
          ("Beit Hanoun", 34.54, 31.54), ("Nuseirat", 34.39, 31.45),
          ("Deir al-Balah", 34.35, 31.42), ("Khan Younis", 34.30, 31.34),
          ("al-Mawasi", 34.26, 31.36), ("Rafah", 34.25, 31.29)]
CROSSINGS = [("Erez/Beit Hanoun", 34.54, 31.56), ("Kissufim", 34.39, 31.38),
             ("Kerem Shalom", 34.28, 31.23), ("Rafah crossing", 34.26, 31.25)]
# (phase, label, fraction held, with Rafah); None: the same as the phase before.
HELD = [(1, "Phase 1: the yellow line", 0.53, True), (2, "Phase 2", 0.40, False),
        (3, "Phase 3: security perimeter", 0.15, False),
        (4, "Phase 4: security perimeter (illustrative)", None, False)]
# (name, phase, authority, sectors): ILLUSTRATIVE. A later phase in which police trained
# abroad take over the middle area's coastal plain, away from the perimeter.
HANDOVER = [("Middle area", 4, "Palestinian Police (trained, illustrative)",
             ["P1-S06", "P1-S07", "P1-S08"])]


def to_metric(geom):
    return gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(CRS).iloc[0]


def frame(rows, geoms):
    return gpd.GeoDataFrame(rows, geometry=list(geoms), crs=CRS)


def governorates(strip):
    """Bands across the strip's long axis, cut perpendicular to it at the coast latitudes."""
    coast = to_metric(LineString(COAST))
    south, north = np.array(coast.coords[0]), np.array(coast.coords[-1])
    axis = (north - south) / np.linalg.norm(north - south)
    normal = np.array([axis[1], -axis[0]])
    cuts = [coast_point(coast, lat) for _, _, lat in GOVERNORATES[:-1]]
    far = 1e6  # metres: beyond the strip in every direction
    bounds = [far] + [float(np.dot(c - south, axis)) for c in cuts] + [-far]
    bands = []
    for top, bottom in zip(bounds, bounds[1:]):
        corners = [south + a * axis + n * normal for a, n in
                   ((top, -far), (top, far), (bottom, far), (bottom, -far))]
        bands.append(strip.intersection(Polygon(corners)))
    rows = {"name": [g[0] for g in GOVERNORATES], "population": [g[1] for g in GOVERNORATES]}
    return frame(rows, bands)


def coast_point(coast, lat):
    """The metric point of the coast at latitude ``lat``."""
    lonlat = LineString(COAST)
    cut = LineString([(34.0, lat), (34.8, lat)])
    return np.array(to_metric(lonlat.intersection(cut)).coords[0])


def band_to_fraction(strip, land, target, *, extra, within):
    """Held area: the band along ``land`` plus ``extra``, inside ``within``, covering
    ``target`` of the strip; the band's depth is found by bisection."""
    low, high = 0.0, 15_000.0
    for _ in range(60):
        depth = (low + high) / 2
        held = strip.intersection(land.buffer(depth).union(extra)).intersection(within)
        low, high = (depth, high) if held.area / strip.area < target else (low, depth)
    return held, depth


def held_areas(strip, land, rafah):
    """Nested held areas: each phase holds part of what the previous phase held."""
    geoms, previous = [], strip
    for phase, label, target, with_rafah in HELD:
        if target is None:
            held = previous
            print(f"phase {phase}: as phase {phase - 1}")
        else:
            held, depth = band_to_fraction(strip, land, target, within=previous,
                                           extra=rafah if with_rafah else Point())
            print(f"phase {phase}: band depth {depth:,.0f} m, "
                  f"held {held.area / strip.area:.3f}")
        geoms.append(held)
        previous = held
    rows = {"phase": [h[0] for h in HELD], "label": [h[1] for h in HELD]}
    return frame(rows, geoms)


def main(out=HERE):
    strip = to_metric(Polygon(COAST + ISRAEL[1:] + EGYPT[1:]))
    coast = to_metric(LineString(COAST))
    land = to_metric(LineString(ISRAEL + EGYPT[1:]))
    govs = governorates(strip)
    borders = frame({"kind": ["coast", "land", "land"], "neighbour": [None, "Israel", "Egypt"],
                     "name": ["Mediterranean coast", "Israel", "Egypt"]},
                    [coast, to_metric(LineString(ISRAEL)), to_metric(LineString(EGYPT))])
    places = frame({"name": [p[0] for p in PLACES + CROSSINGS],
                    "kind": ["city"] * len(PLACES) + ["crossing"] * len(CROSSINGS)},
                   [to_metric(Point(lon, lat)) for _, lon, lat in PLACES + CROSSINGS])
    rafah = govs.geometry.iloc[-1]
    held = held_areas(strip, land, rafah)
    write_geojson(frame({"name": ["Gaza Strip"]}, [strip]), out / "territory.geojson")
    write_geojson(borders, out / "borders.geojson")
    write_geojson(govs, out / "population.geojson")
    write_geojson(places, out / "places.geojson")
    write_geojson(held, out / "held.geojson")
    print(f"territory {strip.area / 1e6:.1f} km², coast {coast.length / 1e3:.1f} km, "
          f"land border {land.length / 1e3:.1f} km")
    write_handover(out, write_sectors(out), HANDOVER)


if __name__ == "__main__":
    main()
