import geopandas as gpd
import numpy as np
import shapely

from planner.ui.mapview import build_map, display_frame, map_html_size

from factory import UTM, X0, Y0


def many_sectors(n=1000):
    """n detailed sector shapes (64-vertex discs) in a grid, as sector_display would give."""
    side = int(np.ceil(np.sqrt(n)))
    centres = [(X0 + 800 * (i % side), Y0 + 800 * (i // side)) for i in range(n)]
    geoms = [shapely.Point(x, y).buffer(390, quad_segs=16) for x, y in centres]
    return gpd.GeoDataFrame({"sector_id": [f"P1-S{i:04d}" for i in range(n)], "phase": 1,
                             "lead": "AAA", "troops": 100, "required": 90, "status": "ok",
                             "hard": False}, geometry=geoms, crs=UTM)


def test_map_of_a_thousand_sectors_stays_under_one_megabyte(mini):
    fmap = build_map(mini, 1, sectors_shown=many_sectors())
    assert map_html_size(fmap) < 1_000_000


def test_display_frame_simplifies_and_rounds_but_exports_keep_full_precision(mini):
    frame = many_sectors(4)
    shown = display_frame(frame)
    assert shapely.get_num_coordinates(shown.geometry.values).sum() < \
        shapely.get_num_coordinates(frame.geometry.values).sum()
    x = shapely.get_coordinates(shown.geometry.values)[:, 0]
    assert np.allclose(x, np.round(x, 5))
    assert frame.geometry.iloc[0].equals(many_sectors(4).geometry.iloc[0])  # input untouched


def test_names_from_a_scenario_reach_the_map_html_escaped(mini):
    frame = many_sectors(2)
    frame["lead"] = "<script>alert(1)</script>"
    frame["status"] = '<img src=x onerror="alert(2)">'
    html = build_map(mini, 1, sectors_shown=frame).get_root().render()
    # tooltips set innerHTML: neither the raw tag nor its JSON form (\u003c) may reach them
    for raw in ("<script>alert(1)", "<img src=x", "\\u003cscript\\u003ealert", "\\u003cimg src=x"):
        assert raw not in html
    assert "\\u0026lt;script\\u0026gt;alert(1)" in html or "&lt;script&gt;alert(1)" in html


def test_map_builds_for_layers_without_optional_fields(mini):
    held = mini.layers.held.drop(columns=["label"])
    borders = mini.layers.borders.drop(columns=["name"])
    layers = type(mini.layers)(**{**mini.layers.__dict__, "held": held, "borders": borders})
    bare = mini.with_changes(layers=layers)
    html = build_map(bare, 1, sectors_shown=many_sectors(3), held=held).get_root().render()
    assert "leaflet" in html
