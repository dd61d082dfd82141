import pytest

from planner.rules.check import check
from planner.ui.editing import (History, clicked_sector, edit_sector, export_csv, starting_plan,
                             page_of, violation_groups, violation_summary)
from planner.domain.plan import Plan
from planner.domain.sectors import sector_table


def test_history_undoes_and_redoes_edits_in_order():
    a, b, c = Plan({}), Plan({}).with_lead(1, "S", "X"), Plan({}).with_lead(1, "S", "Y")
    h = History(a).push(b).push(c)
    assert h.undo().present == b and h.undo().undo().present == a
    assert h.undo().undo().redo().redo().present == c
    assert h.undo().push(a).future == ()  # a new edit forgets what was undone
    assert History(a).undo().present == a and History(a).redo().present == a


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


def test_edit_sector_replaces_lead_and_troops_and_refuses_negative_troops(gaza):
    plan = edit_sector(Plan({}), 1, "P1-S01", "IDN", {"IDN": 300, "PAK": 0})
    assert plan.get(1, "P1-S01").lead == "IDN" and dict(plan.get(1, "P1-S01").troops) == {"IDN": 300}
    with pytest.raises(ValueError, match="must be 0 or more"):
        edit_sector(plan, 1, "P1-S01", "IDN", {"IDN": -5})


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


def test_starting_plan_is_the_bundled_example_and_exports_as_csv(gaza):
    table = sector_table(gaza)
    plan = starting_plan(gaza, table)
    assert plan.get(1, "P1-S12").lead == "TUR"
    assert export_csv(plan, table).decode().startswith("phase,sector_id,nation,troops,lead")


def test_export_gpkg_holds_every_layer_and_the_plan(gaza, tmp_path):
    import pyogrio
    from planner.ui.editing import export_gpkg
    table = sector_table(gaza)
    plan = starting_plan(gaza, table)
    report = check(plan, gaza, "chapter-vi", table=table)
    path = tmp_path / "all.gpkg"
    path.write_bytes(export_gpkg(gaza, plan, table, report,
                                 table.requirements(gaza.mandates["chapter-vi"]), "chapter-vi"))
    names = [n for n, _ in pyogrio.list_layers(path)]
    assert names == ["territory", "held", "increments", "population", "places", "borders",
                     "sectors", "plan"]
    plan_rows = pyogrio.read_dataframe(path, layer="plan")
    assert len(plan_rows) == len(table.keys) and "status" in plan_rows.columns


def test_export_png_is_a_png_picture(gaza):
    from planner.ui.editing import export_png
    table = sector_table(gaza)
    data = export_png(gaza, starting_plan(gaza, table), table, 3)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_import_plan_names_the_uploaded_file_in_errors(gaza):
    from geo.errors import InputError
    from planner.ui.editing import import_plan
    table = sector_table(gaza)
    codes = [c.code for c in gaza.contingents]
    good = export_csv(starting_plan(gaza, table), table)
    assert import_plan("mine.csv", good, table, codes).get(1, "P1-S12").lead == "TUR"
    with pytest.raises(InputError, match=r"mine\.csv: feature 0 \(id 'P1-S01'\): field 'troops_XX'"):
        import_plan("mine.csv", b"phase,sector_id,nation,troops,lead\n1,P1-S01,XX,5,true\n",
                    table, codes)


def test_bulk_rows_round_trip_and_bad_cells_are_refused_naming_row_and_column(gaza):
    from geo.errors import InputError
    from planner.ui.editing import phase_rows, plan_from_rows
    table = sector_table(gaza)
    codes = [c.code for c in gaza.contingents]
    plan = starting_plan(gaza, table)
    reqs = table.requirements(gaza.mandates["chapter-vi"])
    rows = phase_rows(plan, 1, table.open_in(1), codes, reqs)
    assert plan_from_rows(plan, 1, rows, codes) == plan
    rows[11].update(lead="IDN", TUR=0, IDN=300)
    edited = plan_from_rows(plan, 1, rows, codes)
    assert edited.get(1, "P1-S12").lead == "IDN" and dict(edited.get(1, "P1-S12").troops) == {"IDN": 300}
    rows[0]["lead"], rows[1]["PAK"] = "QQQ", -50
    with pytest.raises(InputError) as err:
        plan_from_rows(plan, 1, rows, codes)
    text = str(err.value)
    assert "row 0 (id 'P1-S01'): field 'lead': value 'QQQ': unknown nation" in text
    assert "row 1 (id 'P1-S02'): field 'PAK': value -50: must be a whole number" in text


def test_regenerating_a_phase_recuts_only_its_sectors_and_clears_their_assignments(gaza):
    from planner.ui.editing import plan_without_sectors, regenerate_sectors
    table = sector_table(gaza)
    layer = regenerate_sectors(gaza, table.sectors, 2, 3, balance="area", seed=1)
    counts = layer.groupby("phase").size().to_dict()
    assert counts == {1: 12, 2: 3, 3: 8}
    kept = layer[layer["phase"] != 2].reset_index(drop=True)
    old = table.sectors[table.sectors["phase"] != 2].reset_index(drop=True)
    assert kept.geometry.geom_equals(old.geometry).all()
    plan = starting_plan(gaza, table)
    cleaned = plan_without_sectors(plan, table.open_in(2)[12:])  # the old P2 sectors
    assert not any(s.startswith("P2-") for _, s in cleaned.assignments)
    assert cleaned.get(1, "P1-S12") == plan.get(1, "P1-S12")


def test_replacing_a_layer_with_an_upload_validates_the_whole_scenario(gaza, tmp_path):
    import json

    from geo.errors import InputError
    from planner.ui.editing import scenario_with_layer
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
