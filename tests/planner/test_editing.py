import pytest

from planner.check import check
from planner.editing import (History, clicked_sector, edit_sector, export_csv, starting_plan,
                             violation_groups)
from planner.plan import Plan
from planner.requirements import sector_table


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


def test_starting_plan_is_the_bundled_example_and_exports_as_csv(gaza):
    table = sector_table(gaza)
    plan = starting_plan(gaza, table)
    assert plan.get(1, "P1-S12").lead == "TUR"
    assert export_csv(plan, table).decode().startswith("phase,sector_id,nation,troops,lead")
