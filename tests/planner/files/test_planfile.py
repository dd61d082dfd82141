import json
import random

import pyogrio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from planner.rules.check import check
from planner.domain.plan import Assignment, Plan
from planner.files.planfile import plan_csv, read_plan, write_plan
from planner.domain.sectors import sector_table

CODES = ["IDN", "PAK", "EGY", "AZE", "ITA", "TUR", "ARE", "QAT"]


@pytest.fixture(scope="module")
def table(gaza):
    return sector_table(gaza)


def random_plan(table, seed, pins=0):
    rng = random.Random(seed)
    rows = []
    for p, s in table.keys:
        lead = rng.choice(CODES + [None])
        troops = {n: rng.randrange(0, 500, 25) for n in rng.sample(CODES, rng.randint(0, 3))}
        rows.append(Assignment(p, s, lead, troops))
    plan = Plan.from_assignments(rows)
    for p, s in rng.sample(table.keys, pins):
        plan = plan.with_pin(p, s)
    return plan


def test_geojson_export_then_import_is_the_identity(table, tmp_path, gaza):
    plan = random_plan(table, 1, pins=3)
    report = check(plan, gaza, "chapter-vi", table=table)
    write_plan(plan, table, tmp_path / "p.geojson", report=report,
               requirements=table.requirements(gaza.mandates["chapter-vi"]), mandate="chapter-vi")
    assert read_plan(tmp_path / "p.geojson", table, CODES) == plan


def test_csv_export_then_import_is_the_identity(table, tmp_path):
    plan = random_plan(table, 2, pins=2)
    write_plan(plan, table, tmp_path / "p.csv")
    back = read_plan(tmp_path / "p.csv", table, CODES)
    # a sector with neither lead nor troops has no CSV row: it reads back as empty
    assert {k: a for k, a in back.assignments.items()} == \
        {k: a for k, a in plan.assignments.items() if a.lead or a.troops}
    assert back.pins == plan.pins


def test_csv_has_one_row_per_phase_sector_and_contingent_naming_its_scenario(table, gaza):
    plan = Plan.from_assignments([Assignment(1, "P1-S01", "IDN", {"IDN": 200, "PAK": 100})])
    lines = plan_csv(plan, table).splitlines()
    made_for = f"{gaza.name},{gaza.digest}"
    assert lines[:4] == ["phase,sector_id,nation,troops,lead,locked,scenario,scenario_hash",
                         f"1,P1-S01,IDN,200,true,false,{made_for}",
                         f"1,P1-S01,PAK,100,false,false,{made_for}",
                         f"1,P1-S02,,0,false,false,{made_for}"]  # nothing assigned: one row
    assert len(lines) == 1 + 2 + len(table.keys) - 1


def test_plan_geojson_has_flat_gis_properties_that_gdal_reads(table, tmp_path, gaza):
    plan = random_plan(table, 3)
    report = check(plan, gaza, "chapter-vi", table=table)
    write_plan(plan, table, tmp_path / "p.geojson", report=report,
               requirements=table.requirements(gaza.mandates["chapter-vi"]),
               nations=CODES, mandate="chapter-vi")
    frame = pyogrio.read_dataframe(tmp_path / "p.geojson")
    assert len(frame) == len(table.keys)
    assert {"sector_id", "phase", "lead", "troops_total", "troops_required", "troops_IDN",
            "status", "rules"} <= set(frame.columns)
    bad = frame[frame["status"] == "violations"]
    assert len(bad) and all(bad["rules"].str.len() > 0)


def test_read_plan_reports_every_bad_row(table, tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": p} for p in [
            {"sector_id": "P9-S99", "phase": 1, "lead": "IDN"},
            {"sector_id": "P3-S01", "phase": 1, "lead": "IDN"},
            {"sector_id": "P1-S01", "phase": 1, "lead": "QQQ", "troops_ZZZ": 5},
            {"sector_id": "P1-S02", "phase": 1, "lead": "IDN", "troops_IDN": -3},
            {"sector_id": "P1-S03", "phase": "one", "lead": "IDN"},
        ]]}
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_plan(path, table, CODES)
    text = str(err.value)
    assert "feature 0 (id 'P9-S99'): field 'sector_id': value 'P9-S99': unknown sector" in text
    assert "feature 1 (id 'P3-S01'): field 'phase': value 1: sector P3-S01 is not open" in text
    assert "feature 2 (id 'P1-S01'): field 'lead': value 'QQQ': unknown nation" in text
    assert "feature 2 (id 'P1-S01'): field 'troops_ZZZ': value 'ZZZ': unknown nation" in text
    assert "feature 3 (id 'P1-S02'): field 'troops_IDN': value -3: must be a whole number" in text
    assert "feature 4 (id 'P1-S03'): field 'phase': value 'one'" in text
    assert len(err.value.problems) == 6


def test_read_plan_csv_refuses_two_leads_and_negative_troops(table, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("phase,sector_id,nation,troops,lead\n1,P1-S01,IDN,200,true\n"
                    "1,P1-S01,PAK,100,true\n1,P1-S02,EGY,-5,true\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_plan(path, table, CODES)
    assert "row 2 (line 3) (id 'P1-S01'): column 'lead': value 'true': a second lead for " \
        "P1-S01 in phase 1: PAK (already led by IDN)" in str(err.value)
    assert "row 3 (line 4) (id 'P1-S02'): column 'troops': value '-5'" in str(err.value)


def test_read_plan_refuses_nan_and_invalid_json(table, tmp_path):
    path = tmp_path / "n.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    '"properties": {"troops_IDN": NaN}}]}', encoding="utf-8")
    with pytest.raises(InputError, match="n.geojson: invalid JSON: NaN"):
        read_plan(path, table, CODES)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), order=st.randoms(use_true_random=False))
def test_check_report_does_not_depend_on_row_order(gaza, table, tmp_path_factory, seed, order):
    plan = random_plan(table, seed)
    folder = tmp_path_factory.mktemp("order")
    write_plan(plan, table, folder / "a.geojson")
    doc = json.loads((folder / "a.geojson").read_text(encoding="utf-8"))
    order.shuffle(doc["features"])
    (folder / "b.geojson").write_text(json.dumps(doc), encoding="utf-8")
    shuffled = read_plan(folder / "b.geojson", table, CODES)
    assert check(shuffled, gaza, "chapter-vi", table=table) == \
        check(plan, gaza, "chapter-vi", table=table)


# --- which scenario a plan was made for --------------------------------------------------------
def test_a_plan_file_records_its_scenario_and_is_refused_by_another(table, gaza, tmp_path,
                                                                     mini):
    from planner.domain.sectors import sector_table
    plan = random_plan(table, 4)
    write_plan(plan, table, tmp_path / "p.geojson")
    write_plan(plan, table, tmp_path / "p.csv")
    doc = json.loads((tmp_path / "p.geojson").read_text(encoding="utf-8"))
    assert doc["scenario"] == {"name": gaza.name, "hash": gaza.digest} and len(gaza.digest) == 16
    for name, where in (("p.geojson", "field 'scenario'"), ("p.csv", "line 2: column 'scenario'")):
        with pytest.raises(InputError) as err:
            read_plan(tmp_path / name, sector_table(mini), [c.code for c in mini.contingents])
        assert f"{name}: {where}: value {gaza.name!r}: this plan was made for " \
            f"scenario {gaza.name!r} (content {gaza.digest}), not 'Mini'" in str(err.value)


def test_a_plan_of_a_changed_scenario_is_read_with_a_warning_and_one_without_a_record_as_is(
        table, gaza, tmp_path):
    import warnings

    from planner.files.planfile import ScenarioChanged
    plan = random_plan(table, 5)
    write_plan(plan, table, tmp_path / "p.geojson")
    doc = json.loads((tmp_path / "p.geojson").read_text(encoding="utf-8"))
    doc["scenario"]["hash"] = "0123456789abcdef"
    (tmp_path / "old.geojson").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.warns(ScenarioChanged, match="content 0123456789abcdef"):
        assert read_plan(tmp_path / "old.geojson", table, CODES) == plan
    del doc["scenario"]
    (tmp_path / "bare.geojson").write_text(json.dumps(doc), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_plan(tmp_path / "bare.geojson", table, CODES) == plan


def test_the_scenario_content_hash_follows_the_files(tmp_path, mini_dir):
    from planner.files.scenario_file import load_scenario
    before = load_scenario(mini_dir, sectors=False).digest
    assert load_scenario(mini_dir, sectors=False).digest == before
    text = (mini_dir / "scenario.yaml").read_text(encoding="utf-8")
    (mini_dir / "scenario.yaml").write_text(text.replace("Test data", "Test data, v2"),
                                            encoding="utf-8")
    assert load_scenario(mini_dir, sectors=False).digest != before
