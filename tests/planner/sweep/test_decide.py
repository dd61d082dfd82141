"""Deciding one case: the problem without geometry answers as the full scenario does, every
feasible case's plan passes the checker, and infeasible verdicts hold against brute force."""
from __future__ import annotations

import importlib.util
import os
import pickle
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import cloudpickle
from hypothesis import HealthCheck, given, settings

from planner.domain.sectors import SectorTable
from planner.rules.check import check
from planner.rules.sector import with_roles_rule
from planner.solver.optimize import solve
from planner.sweep.cases import (Case, build_cases, contingents_for, subset_coalitions,
                                 vetoes_for)
from planner.sweep.decide import decide, solve_case
from planner.sweep.problem import TABLE_FACTS, problem_from_scenario


def _optimizer_tests():
    """tests/planner/solver/test_optimize.py as a module: its random scenarios and brute
    force (imported by path: test folders are not packages)."""
    path = Path(__file__).resolve().parents[1] / "solver" / "test_optimize.py"
    spec = importlib.util.spec_from_file_location("optimizer_tests", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LONG = os.environ.get("PLANNER_LONG_TESTS") == "1"
OPT = _optimizer_tests()
tiny = OPT.tiny  # the mini scenario cut to two sectors (a fixture, reused)


def test_detached_table_keeps_every_fact_a_sector_table_computes():
    computed = {name for name, v in vars(SectorTable).items() if isinstance(v, cached_property)}
    assert computed - {"_requirements"} == set(TABLE_FACTS)


def test_problem_shipped_to_workers_holds_no_geometry(gaza, gaza_problem):
    shipped = cloudpickle.dumps(gaza_problem)
    assert b"shapely" in cloudpickle.dumps(gaza)  # the scenario itself carries layers
    assert b"shapely" not in shipped and b"geopandas" not in shipped
    assert pickle.loads(shipped).table.keys == gaza_problem.table.keys


def test_case_solved_from_the_problem_gives_the_full_scenarios_plan(gaza, gaza_problem):
    case = Case(("IDN", "PAK", "EGY"), "chapter-vi")
    shipped = pickle.loads(cloudpickle.dumps(gaza_problem))
    from_problem = solve_case(shipped, case, time_limit_s=10)
    force = [c for c in gaza.contingents if c.code in case.coalition]
    direct = solve(gaza, "chapter-vi", contingents=force, workers=1, seed=0,
                   deterministic=True, time_limit_s=10)
    assert from_problem.status == direct.status == "OPTIMAL"
    assert from_problem.plan == direct.plan
    assert check(from_problem.plan, gaza, "chapter-vi", contingents=force).ok


def test_troop_scale_and_veto_setting_change_the_inputs_of_a_case(gaza):
    case = Case(("IDN", "TUR"), "chapter-vi", "off", 0.8)
    assert [(c.code, c.troops) for c in contingents_for(case, gaza.contingents)] == \
        [("IDN", 6400), ("TUR", 2000)]
    assert vetoes_for(case, gaza.vetoes) == ()
    assert vetoes_for(replace(case, vetoes="on"), gaza.vetoes) == gaza.vetoes


def test_every_feasible_case_of_the_mini_sweep_has_a_plan_the_checker_passes(mini, mini_problem):
    cases = build_cases(subset_coalitions(mini_problem.codes, 1), list(mini.mandates),
                        ["on", "off"], [0.5, 1.0])
    rows = [decide(mini_problem, c, time_limit_s=5) for c in cases]
    feasible = [(c, r) for c, r in zip(cases, rows) if r["feasible"]]
    assert feasible and len(feasible) < len(cases)  # both verdicts occur
    for case, row in feasible:
        assert Case.from_row(row) == case  # what the app reopens a results row with
        result = solve_case(mini_problem, case, time_limit_s=5)
        force = contingents_for(case, mini.contingents)
        report = check(result.plan, mini, case.mandate, contingents=force,
                       vetoes=vetoes_for(case, mini.vetoes))
        assert report.ok, case.key
        assert row["troops"] == sum(a.total for a in result.plan)
        assert row["hard_violations"] == 0
    for row in rows:
        if row["feasible"] is False:
            assert row["rules"] and row["explanation"]


@settings(max_examples=60 if LONG else 12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=OPT.scenarios())
def test_random_small_sweeps_infeasible_verdicts_agree_with_brute_force(tiny, case):
    base, table = tiny
    contingents, mandate, vetoes, rules = case
    scenario = replace(base, mandates=MappingProxyType({"chapter-vi": mandate}),
                       contingents=tuple(contingents), vetoes=vetoes, rules=tuple(rules))
    problem = problem_from_scenario(scenario, table, digest="random")
    codes = [c.code for c in contingents]
    for c in build_cases(subset_coalitions(codes, 1), ["chapter-vi"], ["on", "off"]):
        row = decide(problem, c, time_limit_s=5)
        force, in_force = contingents_for(c, contingents), vetoes_for(c, vetoes)
        if row["feasible"]:
            plan = solve_case(problem, c, time_limit_s=5).plan
            assert check(plan, scenario, "chapter-vi", rules=rules, table=table,
                         contingents=force, vetoes=in_force).ok
            continue
        assert row["feasible"] is False  # never out of time on two sectors
        if len(force) > 2:
            continue  # too many plans to enumerate
        broken = OPT.broken_rule_sets(scenario, table, rules, force, in_force)
        checked = with_roles_rule(rules, force)  # R-ROLES guards observers and logistics
        assert not OPT.feasible(frozenset(r.id for r in checked), broken), c.key
        for core in row["rules"].split(" | "):
            ids = frozenset(r.split("@")[0] for r in core.split(", "))
            assert not OPT.feasible(ids, broken), f"{c.key}: {ids} can hold together"
