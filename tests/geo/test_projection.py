"""Layers checked where they are measured: once projected to the scenario's metric CRS.

A layer valid in longitude and latitude can break once projected; a CRS can be in feet or
distort areas; sectors sharing edges in lon/lat, and slivers where layers were digitised
separately, must be judged alike at 16 km² and at 30,000 km²."""
import copy

import geopandas as gpd
import pyproj
import pytest
import shapely
import yaml
from shapely.geometry import LineString, Point, Polygon, box

from geo.errors import InputError
from geo.export import write_geojson
from geo.layers import Layer, area_distortion, crs_problem, project_layer
from geo.partition import PartitionError
from geo.sectors import partition_zone
from planner.cli import main
from planner.files.scenario_file import load_scenario

from factory import MINI_YAML, UTM, frame, rect, write_scenario

# Valid in lon/lat, inside the mini territory; the bottom edge bows once projected and the
# notch, 0.1 mm above it, ends up on the other side.
NOTCH = Polygon([(34.06, 31.64), (34.10, 31.64), (34.10, 31.65), (34.085, 31.640000001),
                 (34.06, 31.65)])


def lonlat(geoms, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=list(geoms), crs="EPSG:4326")


def test_project_layer_keeps_long_edges_on_their_course():
    # a 1,000 km edge with a vertex 1 km above its middle: projected vertex by vertex, the
    # edge cuts the corner and the polygon crosses itself
    w = Polygon([(30, 30), (40, 30), (40, 32), (35, 30.01), (30, 32)])
    layer = Layer("w.geojson", lonlat([w], name=["w"]))
    assert not layer.frame.to_crs(UTM).geometry.iloc[0].is_valid
    projected = project_layer(layer, UTM, geometry="polygon")
    assert projected.frame.geometry.iloc[0].is_valid and projected.repairs == ()


def test_project_layer_refuses_a_polygon_invalid_once_projected_or_repairs_it():
    layer = Layer("pop.geojson", lonlat([NOTCH], name=["notch"]))
    assert NOTCH.is_valid
    with pytest.raises(InputError, match=r"pop\.geojson: feature 0 \(id 'notch'\): field "
                                         r"'geometry': invalid polygon once projected to "
                                         r"EPSG:32636 \(Self-intersection"):
        project_layer(layer, UTM, geometry="polygon")
    fixed = project_layer(layer, UTM, geometry="polygon", repair=True)
    assert fixed.frame.geometry.iloc[0].is_valid
    assert "repaired with make_valid" in str(fixed.repairs[0])


def test_project_layer_refuses_features_the_crs_cannot_hold():
    layer = Layer("places.geojson", lonlat([Point(34.4, 31.4), Point(120, 0)],
                                           name=["ok", "far"]))
    with pytest.raises(InputError, match=r"feature 1 \(id 'far'\).*cannot be projected to "
                                         r"EPSG:32636") as err:
        project_layer(layer, UTM, geometry="point")
    assert len(err.value.problems) == 1


@pytest.mark.parametrize("crs,wanted", [("EPSG:2263", "US survey foot"),
                                        ("EPSG:4326", "geographic"),
                                        ("EPSG:4978", "not a projected CRS")])
def test_crs_problem_refuses_what_is_not_projected_in_metres(crs, wanted):
    assert wanted in crs_problem(pyproj.CRS(crs))


@pytest.mark.parametrize("crs", ["EPSG:32636", "EPSG:3857", "EPSG:6933"])
def test_crs_problem_accepts_projected_crs_in_metres(crs):
    assert crs_problem(pyproj.CRS(crs)) is None


def test_area_distortion_measures_web_mercator_against_the_ellipsoid(gaza):
    territory = gaza.layers.territory.to_crs("EPSG:4326")
    measured, geodesic = area_distortion(territory, "EPSG:3857")
    assert measured / geodesic == pytest.approx(1.377, abs=0.01)  # sec²(31.4°)
    measured, geodesic = area_distortion(territory, "EPSG:32636")
    assert abs(measured / geodesic - 1) < 0.001


# --- the scenario loader -------------------------------------------------------------------
def test_scenario_in_web_mercator_loads_with_a_warning_naming_the_distortion(tmp_path):
    doc = copy.deepcopy(MINI_YAML)
    doc["crs"] = "EPSG:3857"
    scenario = load_scenario(write_scenario(tmp_path / "s", doc))
    (warning,) = [w for w in scenario.layers.warnings if w.field == "crs"]
    assert "scenario.yaml" in str(warning) and "EPSG:3857" in str(warning)
    assert "differ from geodesic areas by +38" in str(warning)
    mini = load_scenario(write_scenario(tmp_path / "m"))
    assert not [w for w in mini.layers.warnings if w.field == "crs"]


def test_scenario_refuses_a_crs_in_feet_naming_the_field(tmp_path):
    doc = copy.deepcopy(MINI_YAML)
    doc["crs"] = "EPSG:2263"
    with pytest.raises(InputError, match=r"scenario\.yaml: field 'crs': value 'EPSG:2263': "
                                         r"must be a projected CRS in metres"):
        load_scenario(write_scenario(tmp_path / "s", doc))


def test_scenario_repairs_a_layer_invalid_once_projected_only_when_asked(tmp_path):
    people = gpd.GeoDataFrame(pd_concat(frame({"name": ["all"], "population": [60_000]},
                                              [rect(0, 0, 8000, 4000)]).to_crs("EPSG:4326"),
                                        lonlat([NOTCH], name=["notch"], population=[5])),
                              crs="EPSG:4326")
    folder = write_scenario(tmp_path / "s", layers={"population": people})
    with pytest.raises(InputError, match=r"population\.geojson: feature 1 \(id 'notch'\).*"
                                         r"once projected to EPSG:32636.*geography\.repair"):
        load_scenario(folder)
    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    doc["geography"]["repair"] = True
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    scenario = load_scenario(folder)
    (warning,) = [w for w in scenario.layers.warnings if "repaired" in w.message]
    assert "population.geojson: feature 1 (id 'notch')" in str(warning)


def pd_concat(*frames):
    import pandas as pd
    return pd.concat(frames, ignore_index=True)


def test_unset_distances_scale_with_the_territory(tmp_path):
    doc = copy.deepcopy(MINI_YAML)
    doc["geography"] = {"urban_density": 2000}
    g = load_scenario(write_scenario(tmp_path / "s", doc)).geography
    # the mini territory is 32 km²: its side is 5,657 m
    assert (g.touch_m, g.border_m, g.crossing_m, g.min_contact_m) == (5.7, 110, 280, 57)


# --- the same layout at 32 km² and at 29,000 km², drawn in lon/lat ----------------------------
def lonlat_scenario(folder, scale, *, sectors=True, zigzag=False):
    """The mini layout drawn in lon/lat at ``scale`` (1: 0.08° x 0.04°), sectors that share
    edges exactly in lon/lat, one with an extra vertex along a shared edge."""
    dx, dy = 0.02 * scale, 0.01 * scale  # the mini's 2 km and 1 km steps
    x0, y0 = 34.0, 31.0
    cell = lambda i, j, w=1, h=1: box(x0 + i * dx, y0 + j * dy, x0 + (i + w) * dx,  # noqa: E731
                                      y0 + (j + h) * dy)
    held1 = cell(0, 0, 4, 2)
    if zigzag:  # the held area's west edge digitised apart from the territory's: slivers
        wiggle = 2e-6 * scale
        west = [(x0 + (wiggle if k % 2 else -wiggle), y0 + k * dy * 2 / 20) for k in range(21)]
        held1 = Polygon([(x0 + 4 * dx, y0), (x0 + 4 * dx, y0 + 2 * dy)] + west[::-1])
    layers = {
        "territory": lonlat([cell(0, 0, 4, 4)], name=["Mini"]),
        "held": lonlat([held1, cell(0, 0, 4, 1)], phase=[1, 2]),
        "population": lonlat([cell(0, 0, 2, 4), cell(2, 0, 2, 4)], name=["west", "east"],
                             population=[40_000 * scale ** 2, 20_000 * scale ** 2]),
        "places": lonlat([Point(x0 + dx, y0 + 3 * dy), Point(x0 + 3.5 * dx, y0 + 1.5 * dy)],
                         name=["Town", "Gate"], kind=["city", "crossing"]),
        "borders": lonlat([LineString([(x0, y0 + 4 * dy), (x0 + 4 * dx, y0 + 4 * dy)]),
                           LineString([(x0, y0), (x0 + 4 * dx, y0)]),
                           LineString([(x0, y0), (x0, y0 + 4 * dy)])],
                          kind=["coast", "land", "land"], neighbour=[None, "Alpha", "Beta"]),
    }
    west = shapely.segmentize(cell(0, 2, 2, 2), dy)  # extra vertices along the shared edge
    if sectors:
        layers["sectors"] = lonlat([west, cell(2, 2, 2, 2), cell(0, 1, 2, 1), cell(2, 1, 2, 1)],
                                   sector_id=["P1-S01", "P1-S02", "P2-S01", "P2-S02"],
                                   phase=[1, 1, 2, 2])
    folder.mkdir(parents=True)
    for name, layer in layers.items():
        write_geojson(layer, folder / f"{name}.geojson")
    doc = copy.deepcopy(MINI_YAML)
    del doc["crs"]  # the territory's own UTM zone
    doc["geography"] = {"urban_density": 2000}
    doc["layers"] = {name: f"{name}.geojson" for name in layers}
    doc["sectoring"] = {"counts": {1: 2, 2: 2}}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    return folder


@pytest.mark.parametrize("scale", [1, 30])
def test_sectors_sharing_edges_in_lon_lat_are_accepted_at_any_scale(tmp_path, scale):
    scenario = load_scenario(lonlat_scenario(tmp_path / "s", scale))
    sectors = scenario.layers.sectors
    assert sectors["sector_id"].tolist() == ["P1-S01", "P1-S02", "P2-S01", "P2-S02"]
    assert not [w for w in scenario.layers.warnings if "sectors.geojson" in w.file]
    geoms = sectors.geometry.values
    assert shapely.intersection(geoms[0], geoms[1]).area < 1e-6 * geoms[0].area


@pytest.mark.parametrize("scale", [1, 30])
def test_slivers_between_territory_and_held_area_are_not_separate_parts(tmp_path, scale):
    folder = lonlat_scenario(tmp_path / "s", scale, sectors=False, zigzag=True)
    bare = load_scenario(folder, sectors=False)
    raw = shapely.difference(shapely.union_all(bare.layers.territory.geometry.values),
                             bare.layers.held.geometry.values[0])
    assert shapely.get_num_geometries(raw) > 5  # the slivers are there ...
    assert sorted(shapely.area(shapely.get_parts(raw)))[-2] < 1e-5 * raw.area
    scenario = load_scenario(folder)  # ... and one sector per part is enough
    assert (scenario.layers.sectors["phase"] == 1).sum() == 2
    one = partition_zone(raw, 1, balance="area", crs=bare.crs)
    assert shapely.get_type_id(one.geometry.iloc[0]) == 3


def test_partition_names_each_separate_part_and_its_size():
    zone = shapely.union_all([rect(0, 0, 4000, 2000), rect(6000, 0, 8000, 1000)])
    with pytest.raises(PartitionError, match=r"2 separate parts \(8\.0 km² and 2\.0 km²\) but "
                                             r"only 1 sector was asked for"):
        partition_zone(zone, 1, balance="area")


def test_sectors_command_names_phase_file_parts_and_sizes(tmp_path, capsys):
    held = frame({"phase": [1, 2]}, [rect(3000, 0, 5000, 4000), rect(0, 0, 8000, 1000)])
    folder = write_scenario(tmp_path / "s", layers={"held": held})
    code = main(["sectors", str(folder), "--phase", "1", "--count", "1",
                 "-o", str(tmp_path / "x.geojson")])
    err = capsys.readouterr().err
    assert code == 2
    assert "command line: field '--count': value 1: phase 1:" in err
    assert "2 separate parts (12.0 km² and 12.0 km²)" in err
    assert not (tmp_path / "x.geojson").exists()


def test_layers_validate_says_usable_only_once_checked_in_the_metric_crs(tmp_path, capsys):
    path = tmp_path / "notch.geojson"
    write_geojson(lonlat([NOTCH], name=["notch"]), path)
    assert main(["layers", "validate", str(path), "--geometry", "polygon"]) == 2
    assert "once projected to EPSG:32636" in capsys.readouterr().err
    assert main(["layers", "validate", str(path), "--geometry", "polygon", "--repair"]) == 0
    out = capsys.readouterr().out
    assert "checked once projected to EPSG:32636 (the layer's UTM zone)" in out
    assert out.strip().endswith("usable after 1 repairs")
    assert main(["layers", "validate", str(path), "--crs", "EPSG:2263"]) == 2
    assert "field '--crs': value 'EPSG:2263': must be a projected CRS in metres" \
        in capsys.readouterr().err
