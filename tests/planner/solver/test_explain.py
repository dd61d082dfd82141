"""Why no plan exists, in words that name the real cause: whole troop units, the part of the
force that may deploy at all, tasks only vetoed nations accept, the mandate's whole label."""
import pytest

from factory import write_scenario
from planner.files.scenario_file import load_scenario
from planner.solver.optimize import solve


def explained(tmp_path, doc, mandate="chapter-vi", **kw):
    result = solve(load_scenario(write_scenario(tmp_path / "s", doc)), mandate,
                   time_limit_s=20, **kw)
    assert result.status == "INFEASIBLE"
    return result.explanation


def troops_reason(explanation):
    return next(r for r in explanation.reasons if any(i.startswith("R-TROOPS") for i in r.rules))


@pytest.fixture
def two_contingents(mini_doc):
    """Only AAA and BBB can deploy in phase 1; tasks are monitoring only."""
    for c in mini_doc["contingents"][2:]:
        c["troops"] = 0
    mini_doc["mandates"]["chapter-vi"]["tasks"] = {"all": ["monitoring"]}
    mini_doc["vetoes"] = []
    return mini_doc


def test_unit_rounding_is_named_as_the_cause_not_the_vetoes(tmp_path, two_contingents):
    # phase 1 needs 60 + 30 = 90 troops; AAA's 100 and BBB's 40 are enough counted one by
    # one, but in units of 50 BBB cannot deploy and the sectors take 2 + 1 units
    doc = two_contingents
    doc["troop_unit"] = 50
    doc["contingents"][0]["troops"], doc["contingents"][1]["troops"] = 100, 40
    reason = troops_reason(explained(tmp_path, doc))
    text = " ".join(reason.sentences)
    assert "enough troops, but not in whole units" in text
    assert "BBB (40 troops, unit 50) can never deploy (smaller than its unit)" in text
    assert "In units of 50, the 2 sectors of phase 1 take 150 troops, not 90" in text
    assert "veto" not in text.lower()
    assert reason.rules == ("R-TROOPS@1", "R-CAP@1")


def test_the_troops_offered_count_whole_units_and_say_which_part_may_deploy(tmp_path, mini_doc):
    # the whole force is short in phase 1; of it, only contingents accepting VI could go
    mini_doc["contingents"][0]["troops"] = 30   # AAA accepts VI
    mini_doc["contingents"][1].update(troops=25, mandates=["chapter-vii"])  # BBB does not
    mini_doc["contingents"][3]["troops"] = 0
    reason = troops_reason(explained(tmp_path, mini_doc))
    text = " ".join(reason.sentences)
    # CCC (from phase 2) is left out by the rule named; BBB's 25 are 20 in units of 10
    assert "VI needs 90 troops in phase 1; the coalition offers 55 that are available in " \
        "phase 1 (AAA 30, BBB 25), 50 of them in whole units: short by 40." in text
    assert "Of these, only 30 troops (AAA 30) belong to contingents that accept VI; the " \
        "others may not deploy in phase 1." in text


def test_a_task_only_vetoed_nations_accept_is_reported_before_solving(tmp_path, mini_doc):
    # humanitarian (the gate's sector) is accepted by AAA and CCC; Alpha vetoes both there
    mini_doc["vetoes"] = [{"id": "V-A", "by": "Alpha", "nation": "AAA", "sectors": ["P1-S02", "P2-S02"]},
                          {"id": "V-C", "by": "Alpha", "nation": "CCC", "sectors": ["P1-S02", "P2-S02"]}]
    explanation = explained(tmp_path, mini_doc)
    assert not explanation.solved
    reason = next(r for r in explanation.reasons if "R-VETO" in r.rules)
    assert set(reason.rules) == {"R-TASKS", "R-VETO"}
    text = reason.sentences[0]
    assert text.startswith("Humanitarian is needed in 2 sectors in phases 1, 2 (P1-S02, P2-S02)")
    assert "AAA vetoed by Alpha [V-A]" in text and "CCC vetoed by Alpha [V-C]" in text


def test_one_sector_is_one_sector(tmp_path, mini_doc):
    mini_doc["mandates"]["chapter-vi"]["tasks"]["crossing"] = ["disarmament"]
    text = explained(tmp_path, mini_doc, phases=[1]).text()  # the gate: P1-S02 in phase 1
    assert "which 1 sector needs in phase 1 (P1-S02)" in text


def test_a_mandate_label_is_quoted_whole_colons_and_all(tmp_path, two_contingents):
    doc = two_contingents
    doc["mandates"]["chapter-vi"]["label"] = "What-if: twice the troops"
    doc["mandates"]["chapter-vi"]["troops_per_1000"] = 300
    doc["contingents"][1]["mandates"] = ["chapter-vii"]
    text = explained(tmp_path, doc).text()
    assert "What-if: twice the troops needs" in text
