import pytest

from planner.rules.check import check
from planner.files.planfile import plan_csv
from planner.ui.panels import (clicked_sector, page_of, phase_rows, starting_plan,
                               violation_groups, violation_summary)
from planner.domain.plan import Plan
from planner.domain.sectors import sector_table


def test_clicked_sector_reads_the_tooltip_or_feature_and_ignores_other_layers():
    tooltip = {"last_object_clicked_tooltip": "sector P1-S02 lead TUR troops 300 required 263",
               "last_active_drawing": None}
    assert clicked_sector(tooltip, ["P1-S01", "P1-S02"]) == "P1-S02"
    assert clicked_sector(tooltip, ["P1-S01"]) is None  # not open in this phase
    feature = {"last_active_drawing": {"properties": {"sector_id": "P1-S01"}}}
    assert clicked_sector(feature, ["P1-S01"]) == "P1-S01"
    held = {"last_object_clicked_tooltip": "held area Phase 1: the yellow line"}
    assert clicked_sector(held, ["P1-S01"]) is None
    assert clicked_sector(None, ["P1-S01"]) is None


def test_violation_groups_keep_the_phase_and_put_hard_first(gaza):
    table = sector_table(gaza)
    report = check(starting_plan(gaza, table), gaza, "chapter-vi", table=table)
    groups = violation_groups(report, 3)
    assert groups["hard"] and all(v.severity == "hard" and v.phase == 3 for v in groups["hard"])
    assert all(v.phase in (3, None) for v in groups["soft"])


def test_violations_are_paged_and_summarised_by_rule(gaza):
    table = sector_table(gaza)
    report = check(Plan({}), gaza, "chapter-vi", table=table)  # nothing assigned: many
    items = violation_groups(report, 3)["hard"]
    assert len(items) > 30
    first, pages = page_of(items, 1, per_page=10)
    assert first == items[:10] and pages == -(-len(items) // 10)
    last, _ = page_of(items, 999, per_page=10)  # clamped to the last page
    assert last == items[(pages - 1) * 10:] and last
    assert page_of([], 3, 25) == ([], 1)
    summary = violation_summary(items)
    assert sum(n for _, _, n in summary) == len(items)
    assert [n for _, _, n in summary] == sorted((n for _, _, n in summary), reverse=True)
    assert ("R-LEAD", "one_lead_per_sector") in {(r, k) for r, k, _ in summary}


def test_import_plan_names_the_uploaded_file_in_errors(gaza):
    from geo.errors import InputError
    from planner.ui.uploads import import_plan
    table = sector_table(gaza)
    codes = [c.code for c in gaza.contingents]
    good = plan_csv(starting_plan(gaza, table), table).encode()
    plan, members = import_plan("mine.csv", good, table, codes)
    assert plan.get(1, "P1-S12").lead == "TUR" and members == {}
    with pytest.raises(InputError, match=r"mine\.csv: row 1 \(line 2\) \(id 'P1-S01'\): "
                                         r"column 'nation': value 'XX'"):
        import_plan("mine.csv", b"phase,sector_id,nation,troops,lead\n1,P1-S01,XX,5,true\n",
                    table, codes)


def test_replacing_a_layer_with_an_upload_validates_the_whole_scenario(gaza, tmp_path):
    import json

    from geo.errors import InputError
    from planner.ui.uploads import scenario_with_layer
    pop = json.loads((gaza.root / "population.geojson").read_text(encoding="utf-8"))
    for f in pop["features"]:
        f["properties"]["population"] //= 2
    halved = scenario_with_layer(gaza, "population", "census.geojson",
                                 json.dumps(pop).encode(), tmp_path / "a")
    assert halved.layers.population["population"].sum() == \
        pytest.approx(gaza.layers.population["population"].sum() / 2, abs=5)
    assert halved.layers.sectors["population"].sum() < gaza.layers.sectors["population"].sum()
    pop["features"][1]["properties"]["population"] = -7
    with pytest.raises(InputError, match=r"census\.geojson: feature 1 \(id 'Gaza'\): "
                                         r"field 'population': value -7"):
        scenario_with_layer(gaza, "population", "census.geojson", json.dumps(pop).encode(),
                            tmp_path / "b")
    with pytest.raises(InputError, match=r"notes\.txt: value '\.txt': unsupported file type"):
        scenario_with_layer(gaza, "places", "notes.txt", b"hello", tmp_path / "c")


def test_starting_plan_is_the_bundled_example_and_the_table_rows_show_locks(gaza):
    table = sector_table(gaza)
    plan = starting_plan(gaza, table).with_pin(1, "P1-S02")
    assert plan.get(1, "P1-S12").lead == "TUR"
    rows = phase_rows(plan, 1, table.open_in(1), [c.code for c in gaza.contingents],
                      table.requirements(gaza.mandates["chapter-vi"]))
    by_sector = {r["sector"]: r for r in rows}
    assert by_sector["P1-S12"]["lead"] == "TUR" and by_sector["P1-S12"]["TUR"] == 300
    assert by_sector["P1-S02"]["locked"] and not by_sector["P1-S01"]["locked"]
