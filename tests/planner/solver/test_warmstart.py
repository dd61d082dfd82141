"""The optimizer's starting plan (planner.solver.warmstart) and the hint it becomes (Model.hint,
Model.complete_hint): lasting, connected leads, and a complete hint CP-SAT accepts as is."""
from collections import Counter

import pytest
from ortools.sat.python import cp_model

from bench.synthetic import write_synthetic
from planner.rules.check import check
from planner.solver.greedy import greedy
from planner.solver.model import SOFT_SCALE
from planner.solver.problem import PlanProblem
from planner.solver.stages import Limits, new_solver, tiers
from planner.domain.plan import Assignment, Plan
from planner.domain.sectors import sector_table
from planner.files.scenario_file import load_scenario
from planner.solver.warmstart import region_plan


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = write_synthetic(tmp_path_factory.mktemp("synth") / "s", sectors=(60, 40, 20),
                             contingents=12, seed=3, rules="planning")
    scenario = load_scenario(folder)
    return scenario, sector_table(scenario)


def start(scenario, table, **kw):
    """The warm start's plan for ``scenario`` under Chapter VI."""
    return region_plan(PlanProblem.from_scenario(scenario, "chapter-vi", table=table, **kw))


def baseline(scenario, table):
    return greedy(scenario, "chapter-vi", table)


def kinds(report):
    return Counter(v.kind for v in report.violations)


def test_region_plan_keeps_leads_and_areas_where_greedy_scatters_them(synthetic):
    scenario, table = synthetic
    ours = check(start(scenario, table), scenario, "chapter-vi", table=table)
    base = check(baseline(scenario, table), scenario, "chapter-vi", table=table)
    assert ours.hard == []
    assert kinds(ours)["continuity"] == 0 < kinds(base)["continuity"]
    assert kinds(ours)["contiguous_area"] < kinds(base)["contiguous_area"]
    assert kinds(ours)["preference"] <= kinds(base)["preference"]
    assert ours.violations == ()  # here every soft rule is kept as well


def test_preferred_sectors_of_later_phases_are_joined_into_one_area(tmp_path):
    # the benchmark's scenario: N00 and N07 prefer the east border, whose sectors in the three
    # bands do not touch; without look-ahead one nation ends with two areas
    scenario = load_scenario(write_synthetic(tmp_path / "s", sectors=(150, 90, 60),
                                             contingents=40, seed=1, rules="planning"))
    table = sector_table(scenario)
    report = check(start(scenario, table), scenario, "chapter-vi", table=table)
    assert report.violations == ()


def test_region_plan_never_uses_a_contingent_where_it_may_not_deploy(mini):
    plan = start(mini, sector_table(mini))
    found = {v.kind for v in check(plan, mini, "chapter-vi").hard}
    assert not found & {"veto", "phase_available", "mandate_accepted"}
    assert plan.get(1, "P1-S02").lead != "DDD"  # vetoed there
    assert all(plan.get(1, s).lead != "CCC" for s in sector_table(mini).open_in(1))  # phase 2 on


def test_warm_start_reads_the_rules_being_solved_not_the_scenarios(mini):
    # the scenario vetoes DDD in P1-S02; solving without the veto rule, the start may use it
    table = sector_table(mini)
    rules = [r for r in mini.rules if r.kind != "veto"]
    free = PlanProblem.from_scenario(mini, "chapter-vi", table=table, rules=rules)
    kept = PlanProblem.from_scenario(mini, "chapter-vi", table=table)
    assert free.eligibility.may_lead("DDD", 1, "P1-S02")
    assert not kept.eligibility.may_lead("DDD", 1, "P1-S02")
    assert [c.code for c in kept.eligibility.able(1, "P1-S02")] == ["AAA", "BBB"]


def test_region_plan_is_deterministic(synthetic):
    scenario, table = synthetic
    assert start(scenario, table) == start(scenario, table)


def _model(scenario, table):
    model = PlanProblem.from_scenario(scenario, "chapter-vi", table=table).model()
    model.hold_guards(True)
    model.cp.Minimize(tiers(model, None)[0][1])
    return model


def _value_of_hint(model):
    """Solve with every variable fixed to its hint: the hint's objective, or None."""
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    status = solver.Solve(model.cp)
    return solver.ObjectiveValue() if status == cp_model.OPTIMAL else None


def test_completed_hint_is_a_solution_worth_exactly_the_plans_soft_penalty(synthetic):
    scenario, table = synthetic
    plan = start(scenario, table)
    report = check(plan, scenario, "chapter-vi", table=table)
    weights = {r.id: r.weight for r in scenario.rules}
    penalty = sum(weights[v.rule_id] for v in report.soft)
    model = _model(scenario, table)
    model.hint(plan)
    assert model.complete_hint(new_solver(Limits(30)))
    hinted = model.cp.Proto().solution_hint
    assert len(hinted.vars) == len(model.cp.Proto().variables)
    assert _value_of_hint(model) == pytest.approx(penalty * SOFT_SCALE)


def test_a_hint_that_breaks_a_hard_rule_is_left_for_the_solver_to_repair(mini):
    table = sector_table(mini)
    rows = [Assignment(p, s, "DDD", {"DDD": 1000}) for p, s in table.keys]  # over capacity
    model = _model(mini, table)
    model.hint(Plan.from_assignments(rows))
    before = list(model.cp.Proto().solution_hint.vars)
    assert not model.complete_hint(new_solver(Limits(30)))
    assert list(model.cp.Proto().solution_hint.vars) == before
