import pytest
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


def test_sectors_carry_words_locks_and_the_selection_and_labels_are_text(gaza):
    from planner.domain.sectors import sector_table
    from planner.rules.check import check
    from planner.ui.mapview import build_map, label_features, sector_display, sector_style
    from planner.ui.panels import starting_plan
    table = sector_table(gaza)
    plan = starting_plan(gaza, table).with_pin(1, "P1-S02")
    report = check(plan, gaza, "chapter-vi", table=table)
    shown = sector_display(table, 1, plan, report,
                           table.requirements(gaza.mandates["chapter-vi"]), selected="P1-S05")
    rows = shown.set_index("sector_id")
    assert rows.loc["P1-S12", "status"] == "1 hard" and rows.loc["P1-S05", "status"] == "ok"
    assert rows.loc["P1-S02", "locked"] and rows["selected"].sum() == 1
    colours = {"IDN": "#1f77b4"}
    assert sector_style(dict(rows.loc["P1-S12"]), colours)["color"] == "#d62728"
    assert sector_style(dict(rows.loc["P1-S02"]), colours)["dashArray"] == "6 4"
    assert sector_style(dict(rows.loc["P1-S05"]), colours)["weight"] == 5
    labels = label_features(shown.reset_index())
    assert [f["properties"]["id"] for f in labels["features"]][:2] == ["P1-S01", "P1-S02"]
    marked = shown.reset_index().assign(lead="<b>X</b>")
    script = build_map(gaza, 1, sectors_shown=marked).get_root().render()
    assert "\\u0026lt;b\\u0026gt;X" in script  # escaped, then written into the JSON
    assert "<b>X</b>" not in script and "\\u003cb\\u003eX" not in script


def test_the_map_zooms_only_after_a_click_folds_its_layers_and_fits_the_territory(mini):
    from planner.ui.mapview import build_map, layer_switcher, zoom_for
    html = build_map(mini, 1).get_root().render()
    assert '"scrollWheelZoom": false' in html and "scrollWheelZoom.enable()" in html
    assert '"keyboard": false' in html  # no focus: a click is never scrolled away
    assert "Fit the territory" in html and "fitBounds" in html
    assert layer_switcher().options["collapsed"] is True
    # a sector of 2 km fits a 800 x 600 map at a closer zoom than a territory of 40 km
    assert zoom_for((34.4, 31.4, 34.42, 31.42)) > zoom_for((34.2, 31.2, 34.6, 31.6)) >= 9


def test_display_rounding_never_crashes_on_a_polygon_geos_cannot_snap():
    import shapely
    from planner.ui.mapview import _rounded
    # a hole outside its shell (what simplifying then projecting can leave): GEOS raises
    # "unable to assign free hole to a shell" when snapping it
    shell = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
    tricky = shapely.Polygon(shell, [[(20, 20), (21, 20), (21, 21), (20, 20)]])
    with pytest.raises(shapely.errors.GEOSException):
        shapely.set_precision(tricky, 1.0)
    out = _rounded(np.array([tricky, shapely.box(0, 0, 1.23456, 1)], dtype=object), 1.0)
    assert out[0].is_valid and out[0].area >= 100
    assert out[1].equals(shapely.box(0, 0, 1, 1))


def test_authority_and_line_names_reach_the_map_escaped(tmp_path):
    from factory import disengagement, frame
    from geo.export import write_geojson
    from planner.files.scenario_file import load_scenario
    from planner.ui.mapview import holdings_legend
    folder = disengagement(tmp_path / "dis")
    for name, layer in (("handover", {"phase": [3], "authority": ["<b>Civil</b>"]}),
                        ("lines", {"name": ["<i>Line A</i>"]})):
        old = load_scenario(folder, sectors=False).layers.__dict__[name]
        write_geojson(frame(layer, old.geometry.values), folder / f"{name}.geojson")
    scenario = load_scenario(folder, sectors=False)
    held = scenario.layers.held[scenario.layers.held["phase"] == 3]
    page = build_map(scenario, 3, held=held).get_root().render()
    # escaped, then written into the map's JSON (& as \u0026): tooltips show the markup as text
    assert "Handed over to \\u0026lt;b\\u0026gt;Civil\\u0026lt;/b\\u0026gt; in phase 3" in page
    assert "\\u0026lt;i\\u0026gt;Line A" in page
    for raw in ("<b>Civil", "<i>Line", "\\u003cb\\u003eCivil", "\\u003ci\\u003eLine"):
        assert raw not in page
    words = [w for _, _, w in holdings_legend(scenario, 3)]
    assert "handed over to <b>Civil</b> (phase 3)" in words  # the page escapes legend words
