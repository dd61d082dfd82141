"""Properties of plan comparison on random plans of several scenarios (the mini scenario and
two synthetic ones): diff(A, A) is empty, diff(B, A) inverts diff(A, B), applying diff(A, B)
to A gives B, and the change measure is what the optimizer minimises with ``--from``."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from bench.synthetic import write_synthetic
from factory import write_scenario
from planner.compare import apply, compare, diff, identity
from planner.domain.change import change_measure, change_terms
from planner.domain.plan import Assignment, Pin, Plan
from planner.domain.sectors import sector_table
from planner.files.scenario_file import load_scenario
from planner.solver.optimize import solve
from planner.solver.problem import PlanProblem

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """(scenario, sector table) of the mini scenario and two synthetic ones."""
    root = tmp_path_factory.mktemp("worlds")
    folders = [write_scenario(root / "mini"),
               write_synthetic(root / "s5", sectors=(6, 4, 3), contingents=12, seed=5,
                               rules="planning"),
               write_synthetic(root / "s1", sectors=(5, 3, 2), contingents=16, seed=1,
                               rules="every kind")]
    out = []
    for folder in folders:
        scenario = load_scenario(folder)
        out.append((scenario, sector_table(scenario)))
    return out


# --- random plans --------------------------------------------------------------------------
def troops(codes, unit, *, aligned=False):
    """Troops per contingent: whole units, or (unless ``aligned``) any count."""
    amount = st.integers(0, 12).map(lambda u: u * unit)
    if not aligned:
        amount = amount | st.integers(0, 12 * unit)
    return st.dictionaries(st.sampled_from(codes), amount, max_size=3)


@st.composite
def plans(draw, world, *, extra=True, locks=True):
    """A random plan over some of the scenario's (phase, sector) pairs, maybe with sectors the
    scenario does not have (a re-cut) and locks."""
    scenario, table = world
    codes = [c.code for c in scenario.contingents]
    keys = list(table.keys) + ([(p, f"X-{p}-{i}") for p in table.phases for i in range(2)]
                               if extra else [])
    chosen = draw(st.lists(st.sampled_from(keys), unique=True))
    rows = [Assignment(*k, draw(st.none() | st.sampled_from(codes)),
                       draw(troops(codes, scenario.troop_unit))) for k in chosen]
    locked = draw(st.lists(st.sampled_from(chosen), unique=True)) if chosen and locks else []
    pins = {k: Pin(draw(st.none() | st.sampled_from(codes)),
                   draw(st.none() | troops(codes, scenario.troop_unit))) for k in locked}
    return Plan.from_assignments(rows, pins)


@st.composite
def edited(draw, world, plan):
    """``plan`` with a few random edits: leads, troops, sectors dropped or added, locks."""
    scenario, table = world
    codes = [c.code for c in scenario.contingents]
    keys = list(table.keys)
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(keys))
        what = draw(st.sampled_from(["lead", "troops", "drop", "lock", "unlock"]))
        if what == "lead":
            plan = plan.with_lead(*key, draw(st.none() | st.sampled_from(codes)))
        elif what == "troops":
            plan = plan.with_troops(*key, draw(st.sampled_from(codes)), draw(st.integers(0, 900)))
        elif what == "drop":
            plan = Plan({k: a for k, a in plan.assignments.items() if k != key}, plan.pins)
        elif what == "lock":
            plan = plan.with_pin(*key, troops=draw(st.booleans()))
        else:
            plan = plan.without_pin(*key)
    return plan


@st.composite
def pairs(draw, worlds):
    """A scenario and two plans of it: unrelated, or the second an edit of the first."""
    world = draw(st.sampled_from(worlds))
    a = draw(plans(world))
    b = draw(plans(world) | edited(world, a))
    return world, a, b


# --- the diff -------------------------------------------------------------------------------
@settings(max_examples=150, **SETTINGS)
@given(data=st.data())
def test_diff_of_a_plan_with_itself_is_empty(worlds, data):
    world = data.draw(st.sampled_from(worlds))
    a = data.draw(plans(world))
    assert diff(a, a).empty
    assert diff(a, a).as_dict() == {k: [] for k in diff(a, a).as_dict()}
    assert change_measure(a, a, world[0].troop_unit).total == 0


@settings(max_examples=150, **SETTINGS)
@given(data=st.data())
def test_diff_backwards_is_the_inverse_of_diff_forwards(worlds, data):
    _, a, b = data.draw(pairs(worlds))
    assert diff(b, a) == diff(a, b).inverse()
    assert diff(a, b).inverse().inverse() == diff(a, b)
    assert diff(a, b).empty == (a == b)


@settings(max_examples=150, **SETTINGS)
@given(data=st.data())
def test_applying_the_diff_of_a_to_b_to_a_gives_b(worlds, data):
    _, a, b = data.draw(pairs(worlds))
    assert apply(diff(a, b), a) == b
    assert apply(diff(b, a), b) == a


@settings(max_examples=150, **SETTINGS)
@given(data=st.data())
def test_change_measure_is_symmetric_and_zero_only_for_the_same_assignments(worlds, data):
    (scenario, _), a, b = data.draw(pairs(worlds))
    forward = change_measure(a, b, scenario.troop_unit)
    assert forward == change_measure(b, a, scenario.troop_unit)
    d = diff(a, b)
    # leads changed: the lead changes plus the sectors added or removed that have a lead
    assert forward.leads_changed == len(d.lead_changes) + sum(
        e.lead is not None for e in d.sectors_added + d.sectors_removed)
    same_rows = {k: v for k, v in a.assignments.items() if v.lead or v.troops} == \
        {k: v for k, v in b.assignments.items() if v.lead or v.troops}
    assert (forward.total == 0) == same_rows


# --- the comparison: violations fixed and introduced ------------------------------------------
@settings(max_examples=25, **SETTINGS)
@given(data=st.data())
def test_comparison_backwards_swaps_violations_fixed_and_introduced(worlds, data):
    world, a, b = data.draw(pairs(worlds))
    scenario, table = world
    forward = compare(a, b, scenario, table=table)
    backward = compare(b, a, scenario, table=table)
    ids = lambda vs: Counter(identity(v) for v in vs)
    assert ids(backward.violations_fixed) == ids(forward.violations_introduced)
    assert ids(backward.violations_introduced) == ids(forward.violations_fixed)
    # what A had, less what B fixed, is what B kept of it
    assert len(forward.violations_a) - len(forward.violations_fixed) == \
        len(forward.violations_b) - len(forward.violations_introduced)
    assert (forward.a.soft_penalty, forward.b.soft_penalty) == \
        (backward.b.soft_penalty, backward.a.soft_penalty)
    assert forward.change == backward.change
    same = compare(a, a, scenario, table=table)
    assert same.same and not same.violations_fixed and not same.violations_introduced
    assert same.change.total == 0


# --- the change measure is the optimizer's least-change objective ---------------------------
def _fixed_model(world, plan_b, force):
    """A model over ``world`` (no rules) whose variables hold ``plan_b``."""
    scenario, table = world
    model = PlanProblem.from_scenario(scenario, contingents=force, rules=[], table=table).model()
    for (p, s, n), var in model.lead.items():
        model.cp.Add(var == int(plan_b.get(p, s).lead == n))
    for (p, s, n), var in model.units.items():
        model.cp.Add(var == plan_b.get(p, s).troops.get(n, 0) // scenario.troop_unit)
    return model


@st.composite
def solver_plans(draw, world, codes):
    """A plan the model can hold: every key, leads and whole units of ``codes`` only."""
    scenario, table = world
    rows = [Assignment(*k, draw(st.none() | st.sampled_from(codes)),
                       draw(troops(codes, scenario.troop_unit, aligned=True)))
            for k in table.keys]
    return Plan.from_assignments(rows)


@settings(max_examples=40, **SETTINGS)
@given(data=st.data())
def test_change_terms_sum_to_the_change_measure_of_any_plan_the_model_holds(worlds, data):
    world = data.draw(st.sampled_from(worlds))
    scenario, table = world
    # a what-if force: contingents left out cannot keep the reference's troops or leads
    force = data.draw(st.lists(st.sampled_from(scenario.contingents), min_size=1,
                               unique_by=lambda c: c.code))
    reference = data.draw(plans(world, extra=False))
    plan_b = data.draw(solver_plans(world, [c.code for c in force]))
    expected = change_measure(reference, plan_b, scenario.troop_unit, keys=table.keys).total
    for sense in ("Minimize", "Maximize"):  # the terms are exact, not bounds
        model = _fixed_model(world, plan_b, force)
        getattr(model.cp, sense)(sum(change_terms(model, reference)))
        solver = cp_model.CpSolver()
        assert solver.Solve(model.cp) == cp_model.OPTIMAL
        assert round(solver.ObjectiveValue()) == expected


@settings(max_examples=6, **SETTINGS)
@given(data=st.data())
def test_least_change_solve_reports_the_change_measure_of_its_plan(worlds, data):
    world = data.draw(st.sampled_from(worlds[:2]))  # the two feasible ones
    scenario, table = world
    reference = data.draw(plans(world, extra=False, locks=False))
    phases = data.draw(st.sampled_from([None, [table.phases[-1]]]))
    result = solve(scenario, table=table, reference=reference, phases=phases,
                   time_limit_s=20, deterministic=True)
    assert result.status == "OPTIMAL"
    measured = change_measure(reference, result.plan, scenario.troop_unit)
    assert result.penalties["changes from the reference"] == measured.total
    assert compare(reference, result.plan, scenario, table=table).change == measured


def test_a_sector_one_plan_leaves_empty_is_a_lead_change_not_an_added_sector(gaza):
    from planner.compare import apply, compare, diff
    from planner.domain.plan import Plan
    b = Plan({}).with_lead(1, "P1-S01", "IDN")
    c = compare(Plan({}), b, gaza)
    assert [(x.sector_id, x.before, x.after) for x in c.diff.lead_changes] == \
        [("P1-S01", None, "IDN")]
    assert not c.diff.sectors_added and c.change.leads_changed == 1
    keys = [(1, "P1-S01"), (1, "P1-S02")]
    assert apply(diff(Plan({}), b, keys_a=keys, keys_b=keys), Plan({})) == b
