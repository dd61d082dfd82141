"""Build the illustrative layers of the southern Lebanon scenario from the facts in DOMAIN.md.

Run from the repository root: ``python data/south-lebanon/make_layers.py``. Deterministic:
the same code writes the same files. Everything here is ILLUSTRATIVE, not authoritative:
an outline between the Blue Line and the Litani of about the area UNIFIL's area of
operations had (1,000 to 1,100 km²), towns as discs with round population figures over a
rural background, UNIFIL's two lead-nation sectors as context zones split at a meridian, and
held areas built as a band inward from the Blue Line whose depth is found by bisection to
hit each phase's share, the last phase keeping only the northern part of Ghajar. The Blue
Line is also a named line (``line:Blue Line``: a withdrawal line, not a border). The sectors
are cut as ``scenario.yaml`` asks; the Lebanese Armed Forces then take over the Tyre area,
drawn as the sectors that cover it (see ``data/sector_layers.py``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point, Polygon, box

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
from data.sector_layers import write_handover, write_sectors  # noqa: E402
from geo.export import write_geojson  # noqa: E402

CRS = "EPSG:32636"
# (lon, lat). The coast from the Litani's mouth south to Ras Naqoura.
COAST = [(35.2470, 33.3370), (35.2330, 33.3150), (35.2150, 33.2930), (35.1930, 33.2740),
         (35.2000, 33.2560), (35.2030, 33.2350), (35.1950, 33.2050), (35.1800, 33.1750),
         (35.1600, 33.1450), (35.1380, 33.1180), (35.1200, 33.1020), (35.1050, 33.0930)]
# The Blue Line from Ras Naqoura east to the Shebaa foothills (Ghajar near 35.62, 33.27).
BLUE_LINE = [(35.1050, 33.0930), (35.1500, 33.0900), (35.1950, 33.0930), (35.2400, 33.0950),
             (35.2800, 33.0920), (35.3300, 33.0880), (35.3750, 33.0700), (35.4200, 33.0700),
             (35.4500, 33.0900), (35.4900, 33.0950), (35.5150, 33.1250), (35.5250, 33.1700),
             (35.5400, 33.2150), (35.5550, 33.2500), (35.5700, 33.2750), (35.5950, 33.2720),
             (35.6230, 33.2700), (35.6500, 33.2850), (35.6900, 33.3100), (35.7300, 33.3350),
             (35.7550, 33.3550)]
# The area's north-east edge, toward Hasbaya, then the Litani from its bend back to the sea.
NORTH_EAST = [(35.7550, 33.3550), (35.7400, 33.3900), (35.6900, 33.3950), (35.6300, 33.4000),
              (35.5900, 33.4050), (35.5700, 33.4000)]
LITANI = [(35.5700, 33.4000), (35.5650, 33.3700), (35.5600, 33.3400), (35.5500, 33.3250),
          (35.5150, 33.3200), (35.4800, 33.3250), (35.4400, 33.3350), (35.4000, 33.3350),
          (35.3600, 33.3400), (35.3200, 33.3500), (35.2800, 33.3450), (35.2470, 33.3370)]
# Towns: (name, lon, lat, residents, residents per km²), round illustrative figures.
TOWNS = [("Tyre", 35.205, 33.272, 120_000, 10_000), ("Bint Jbeil", 35.433, 33.120, 25_000, 4_000),
         ("Khiam", 35.612, 33.329, 20_000, 3_000), ("Qana", 35.300, 33.208, 15_000, 3_000),
         ("Marjayoun", 35.592, 33.360, 10_000, 2_500), ("Tibnin", 35.410, 33.196, 10_000, 2_500),
         ("Naqoura", 35.142, 33.118, 5_000, 2_000)]
RURAL = 150_000  # residents of the villages and countryside, spread evenly
OUTSIDE = [("Nabatieh", 35.484, 33.378, 80_000)]  # north of the Litani: not in the area
OTHER_PLACES = [("Shama", 35.217, 33.169, "headquarters", "Sector West headquarters"),
                ("Marjayoun barracks", 35.585, 33.352, "headquarters",
                 "Sector East headquarters"),
                ("UNIFIL headquarters", 35.130, 33.110, "headquarters", "at Naqoura")]
SECTOR_SPLIT_LON = 35.455  # Sector West (Italian-led) to the west, Sector East (Spanish-led)
# (phase, label, share of the area still held); phase 3 holds northern Ghajar only.
HELD = [(1, "Phase 1: late August 2006", 0.55), (2, "Phase 2: mid-September 2006", 0.25),
        (3, "Phase 3: 1 October 2006 (northern Ghajar kept)", None)]
GHAJAR_NORTH = (35.6150, 33.2690, 35.6320, 33.2790)  # a box: its part north of the Blue Line
# (name, phase, authority, sectors): illustrative. As the army withdrew, the Lebanese Armed
# Forces deployed south of the Litani beside UNIFIL; here they take over the city of Tyre and
# its outskirts (the four Tyre sectors the force opened in phase 1) from phase 2.
HANDOVER = [("Tyre", 2, "Lebanese Armed Forces", ["P1-S03", "P1-S04", "P1-S05", "P1-S06"])]
COAST_ROAD = [(35.2050, 33.2720), (35.2020, 33.2350), (35.1880, 33.2000), (35.1650, 33.1550),
              (35.1420, 33.1180), (35.1100, 33.0960)]


def to_metric(geom):
    return gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(CRS).iloc[0]


def frame(rows, geoms):
    return gpd.GeoDataFrame(rows, geometry=list(geoms), crs=CRS)


def outline():
    ring = COAST + BLUE_LINE[1:] + NORTH_EAST[1:] + LITANI[1:-1]
    return to_metric(Polygon(ring))


def population(area):
    """Town discs (each the area its residents need at its density) over a rural rest.
    Discs keep 100 m inside the outline, so no edge of theirs runs along it (edges almost
    on top of each other could cross once reprojected)."""
    inside, discs = area.buffer(-100), []
    for name, lon, lat, residents, density in TOWNS:
        radius = (residents / density / 3.14159) ** 0.5 * 1000
        discs.append(to_metric(Point(lon, lat)).buffer(radius, 32).intersection(inside))
    rest = area.difference(shapely.union_all(discs))
    rows = {"name": [t[0] for t in TOWNS] + ["villages and countryside"],
            "population": [t[3] for t in TOWNS] + [RURAL]}
    return frame(rows, discs + [rest])


def places():
    rows = {"name": [], "kind": [], "population": [], "note": []}
    geoms = []
    for name, lon, lat, residents, _ in TOWNS:
        rows["name"].append(name), rows["kind"].append("town")
        rows["population"].append(residents), rows["note"].append("")
        geoms.append(to_metric(Point(lon, lat)))
    for name, lon, lat, residents in OUTSIDE:
        rows["name"].append(name), rows["kind"].append("town")
        rows["population"].append(residents), rows["note"].append("north of the Litani")
        geoms.append(to_metric(Point(lon, lat)))
    for name, lon, lat, kind, note in OTHER_PLACES:
        rows["name"].append(name), rows["kind"].append(kind)
        rows["population"].append(None), rows["note"].append(note)
        geoms.append(to_metric(Point(lon, lat)))
    return frame(rows, geoms)


def zones(area):
    """UNIFIL's two lead-nation sectors, split at a meridian."""
    west = to_metric(box(34.9, 32.9, SECTOR_SPLIT_LON, 33.6)).intersection(area)
    east = to_metric(box(SECTOR_SPLIT_LON, 32.9, 36.0, 33.6)).intersection(area)
    return frame({"zone": ["Sector West", "Sector East"],
                  "lead": ["Italy", "Spain"], "headquarters": ["Shama", "Marjayoun"]},
                 [west, east])


def band_to_share(area, line, target, within):
    """Held area: the band along ``line`` inside ``within`` covering ``target`` of the area;
    the band's depth is found by bisection."""
    low, high = 0.0, 30_000.0
    for _ in range(60):
        depth = (low + high) / 2
        held = area.intersection(line.buffer(depth)).intersection(within)
        low, high = (depth, high) if held.area / area.area < target else (low, depth)
    return held, depth


def held_areas(area, blue_line):
    """Nested held areas: each phase holds part of what the previous phase held."""
    geoms, previous = [], area
    for phase, label, target in HELD:
        if target is None:
            held = to_metric(box(*GHAJAR_NORTH)).intersection(previous)
            print(f"phase {phase}: northern Ghajar, {held.area / 1e6:.2f} km²")
        else:
            held, depth = band_to_share(area, blue_line, target, previous)
            print(f"phase {phase}: band depth {depth:,.0f} m, held {held.area / area.area:.3f}")
        geoms.append(held)
        previous = held
    return frame({"phase": [h[0] for h in HELD], "label": [h[1] for h in HELD]}, geoms)


def main(out=HERE):
    area = outline()
    coast = to_metric(LineString(COAST))
    blue_line = to_metric(LineString(BLUE_LINE))
    litani = to_metric(LineString(LITANI))
    borders = frame({"kind": ["coast", "land", "land"], "neighbour": [None, "Israel", "Litani"],
                     "name": ["Mediterranean coast", "Blue Line", "Litani River"]},
                    [coast, blue_line, litani])
    write_geojson(frame({"name": ["UNIFIL area of operations (illustrative)"]}, [area]),
                  out / "territory.geojson")
    write_geojson(borders, out / "borders.geojson")
    write_geojson(population(area), out / "population.geojson")
    write_geojson(places(), out / "places.geojson")
    write_geojson(zones(area), out / "zones.geojson")
    write_geojson(held_areas(area, blue_line), out / "held.geojson")
    write_geojson(frame({"name": ["Blue Line"]}, [blue_line]), out / "lines.geojson")
    write_geojson(frame({"name": ["coast road"], "kind": ["road"]},
                        [to_metric(LineString(COAST_ROAD))]), out / "roads.geojson")
    print(f"area {area.area / 1e6:,.0f} km², coast {coast.length / 1e3:.1f} km, Blue Line "
          f"{blue_line.length / 1e3:.1f} km, Litani edge {litani.length / 1e3:.1f} km")
    write_handover(out, write_sectors(out), HANDOVER)


if __name__ == "__main__":
    main()
