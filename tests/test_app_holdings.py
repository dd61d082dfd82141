"""Who holds what, through the real Plan page (AppTest): the map and legend at each phase,
the summary table, and the exports, on the disengagement scenario (two parties, Line A, a
handover to the Civil Administration in phase 3) and on the bundled Gaza one (one army)."""
import json

import geopandas as gpd
import pytest
import shapely

from apppage import open_app, page_view, widget
from factory import disengagement

AUTHORITY = "Civil Administration"


def map_args(at) -> dict:
    """What the page hands the map component: ``script`` (the map without sectors) and
    ``feature_group`` (the sectors)."""
    return json.loads(at.get("component_instance")[0].proto.json_args)


def legend(at) -> str:
    return next(m.value for m in at.markdown if "land border" in m.value)


def holdings_table(at):
    return next(d.value for d in at.dataframe if "holder" in d.value.columns)


@pytest.fixture
def dis(tmp_path, monkeypatch):
    folder = disengagement(tmp_path / "dis")
    monkeypatch.setenv("PLANNER_SCENARIO", str(folder))
    return folder


def test_phase_3_draws_the_authoritys_ground_and_not_the_sector_handed_over(dis):
    at = open_app()
    drawn = map_args(at)
    assert "P1-S03" in drawn["feature_group"] and "Handed over to" not in drawn["script"]
    assert "P1-S03" in widget(at, "selectbox", "selected|").options
    widget(at, "selectbox", "phase|").select(3).run()
    assert not at.exception, at.exception
    drawn = map_args(at)
    assert f"Handed over to {AUTHORITY} in phase 3" in drawn["script"]
    assert "planner-hatch-" in drawn["script"]  # hatched in the authority's colour
    assert "P1-S03" not in drawn["feature_group"] and "P1-S01" in drawn["feature_group"]
    assert "P1-S03" not in widget(at, "selectbox", "selected|").options
    assert "P1-S03" not in set(next(d.value for d in at.dataframe
                                    if "sector" in d.value.columns)["sector"])
    assert '"line"' in drawn["script"] and "Line A" in drawn["script"]  # its tooltip
    assert "held by" in drawn["script"] and "West" in drawn["script"]


def test_the_legend_lists_the_parties_the_authority_and_the_line_only_when_present(dis):
    at = open_app()
    words = legend(at)
    assert "ground West still holds" in words and "ground East still holds" in words
    assert "agreed line: Line A" in words
    assert "handed over to" not in words and "ground the army" not in words
    widget(at, "selectbox", "phase|").select(3).run()
    assert f"handed over to {AUTHORITY} (phase 3)" in legend(at)


def test_the_page_says_who_holds_what_at_the_phase_shown(dis):
    at = open_app()
    widget(at, "selectbox", "phase|").select(3).run()
    table = holdings_table(at).set_index("holder")
    assert list(table.index) == ["East", "West", "the force", AUTHORITY]
    assert table.loc[AUTHORITY, "km²"] == pytest.approx(4.0)
    assert table.loc["the force", "km²"] == pytest.approx(28.0)  # 32 vacated, 4 handed over
    assert table["km²"].sum() == pytest.approx(48.0)
    assert table["share"].sum() == pytest.approx(1.0, abs=0.002)
    assert any("opens no new ground" in c.value for c in at.caption)  # a steady state


def test_exports_carry_holdings_handover_and_lines_and_holdings_cover_the_territory(
        dis, tmp_path):
    from planner.files.scenario_file import load_scenario
    from planner.ui.exports import export_gpkg, export_holdings
    at = open_app()
    scenario = load_scenario(dis)
    view = page_view(at, scenario)
    path = tmp_path / "all.gpkg"
    path.write_bytes(export_gpkg(view))
    import pyogrio
    assert {"holdings", "handover", "lines"} <= {n for n, _ in pyogrio.list_layers(path)}
    holdings = gpd.read_file(path, layer="holdings")
    assert set(holdings.columns) >= {"phase", "holder", "kind", "km2", "share", "geometry"}
    assert holdings.groupby("phase")["km2"].sum().to_dict() == pytest.approx(
        {1: 48.0, 2: 48.0, 3: 48.0})
    assert gpd.read_file(path, layer="lines")["name"].tolist() == ["Line A"]
    doc = json.loads(export_holdings(view))
    assert "crs" not in doc and len(doc["features"]) == len(holdings)
    ring = doc["features"][0]["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw  # RFC 7946: exteriors counter-clockwise
    assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)  # WGS84 lon/lat
    handed = [f["properties"] for f in doc["features"] if f["properties"]["kind"] == "authority"]
    assert handed == [{"phase": 3, "holder": AUTHORITY, "kind": "authority",
                       "km2": pytest.approx(4.0), "share": pytest.approx(1 / 12, abs=1e-4)}]


def test_the_bundled_scenario_keeps_one_army_and_says_who_holds_what(tmp_path):
    from planner.files.scenario_file import load_scenario
    from planner.ui.exports import export_gpkg
    scenario = load_scenario()
    zones, land_km2 = scenario.zones, scenario.zones.land.area / 1e6
    at = open_app()
    widget(at, "selectbox", "phase|").select(3).run()
    assert not at.exception, at.exception
    assert "ground the army still holds in this phase" in legend(at)
    table = holdings_table(at).set_index("holder")
    assert table.loc["the army", "share"] == pytest.approx(0.15, abs=0.03)
    assert table["km²"].sum() == pytest.approx(land_km2, rel=1e-4)
    assert "held by" not in map_args(at)["script"]  # one army: the held area looks as it did
    last = scenario.phase_numbers[-1]
    widget(at, "selectbox", "phase|").select(last).run()
    for name in zones.handed[last]:  # where the data hands ground over by the last phase
        assert f"handed over to {name}" in legend(at)
        assert f"Handed over to {name} in phase" in map_args(at)["script"]
        assert holdings_table(at).set_index("holder").loc[name, "kind"] == "authority"
    path = tmp_path / "all.gpkg"
    path.write_bytes(export_gpkg(page_view(at, scenario)))
    sums = gpd.read_file(path, layer="holdings").groupby("phase")["km2"].sum()
    assert list(sums.index) == scenario.phase_numbers
    assert sums.to_numpy() == pytest.approx([land_km2] * len(sums), rel=1e-4)


@pytest.fixture
def with_staff(tmp_path, monkeypatch):
    """The disengagement with a logistics and a staff unit besides the ground contingents."""
    from factory import disengagement_with_staff
    folder = disengagement_with_staff(tmp_path / "staff")
    monkeypatch.setenv("PLANNER_SCENARIO", str(folder))
    return folder


def test_units_that_hold_no_ground_are_in_the_force_table_but_offered_for_no_sector(with_staff):
    from apppage import assignments, widgets
    at = open_app()
    assert {"LOG", "HQS"} <= set(next(d.value for d in at.dataframe
                                      if "contingent" in d.value.columns)["contingent"])
    lead = widget(at, "selectbox", "lead|")
    assert "AAA" in lead.options and "LOG" not in lead.options and "HQS" not in lead.options
    boxes = {w.label for w in widgets(at, "number_input", "troops|")}
    assert any(b.startswith("AAA troops") for b in boxes)
    assert not any(b.startswith(("LOG", "HQS")) for b in boxes)
    columns = set(assignments(at).columns)
    assert "AAA" in columns and not {"LOG", "HQS"} & columns


def test_two_named_lines_each_have_their_own_colour_and_dash_on_the_map_and_legend(
        tmp_path, monkeypatch):
    import re

    from shapely.geometry import LineString

    from factory import at as metres, frame
    from geo.export import write_geojson
    from planner.domain.holdings import line_styles
    from planner.files.scenario_file import load_scenario
    folder = disengagement(tmp_path / "two")
    write_geojson(frame({"name": ["Line A", "Line B"]},
                        [LineString([metres(6000, -500), metres(6000, 4500)]),
                         LineString([metres(7000, -500), metres(7000, 4500)])]),
                  folder / "lines.geojson")
    monkeypatch.setenv("PLANNER_SCENARIO", str(folder))
    looks = line_styles(load_scenario(folder))
    a, b = looks["Line A"], looks["Line B"]
    assert a.colour != b.colour and a.dash != b.dash
    page = open_app()
    script = map_args(page)["script"]
    for look in (a, b):  # the map draws each line in its colour and dash
        assert re.search(rf'"color": "{look.colour}", "dashArray": "{look.dash_array(3)}"',
                         script), look
    swatches = dict((name, style) for style, name in re.findall(
        r'<span style="([^"]*)"></span>agreed line: (Line [AB])', legend(page)))
    assert set(swatches) == {"Line A", "Line B"} and swatches["Line A"] != swatches["Line B"]
    assert a.colour in swatches["Line A"] and b.colour in swatches["Line B"]


def test_the_legend_lists_only_symbols_the_scenario_has_and_tooltips_name_every_row(dis):
    import re
    at = open_app()
    words = legend(at)
    assert "land border" in words and "place (town, city)" in words
    for absent in ("coast", "context zones", "crossing"):  # none in the disengagement
        assert absent not in words, absent
    widget(at, "selectbox", "phase|").select(3).run()
    script = map_args(at)["script"]
    aliases = re.findall(r"let aliases = \[([^\]]*)\]", script)
    assert '"ground", "km\\u00b2"' in aliases  # the handed-over ground's tooltip
    assert not [a for a in aliases if '""' in a]  # no row without its name


def test_both_share_columns_show_a_percent_with_one_decimal(dis):
    at = open_app()
    configs = [json.loads(d.proto.columns) for d in at.dataframe
               if "share" in d.value.columns]
    assert len(configs) == 2  # the force table and who holds what
    for config in configs:
        assert config["share"]["type_config"]["format"] == "percent"
        assert config["share"]["type_config"]["step"] == 0.001  # "40.0%", not "40%"
