"""Every rule kind: a conforming plan passes, a breaking edit is caught with the right figures."""
from types import MappingProxyType

import pytest

from geo.errors import InputError
from planner.rules.check import check
from planner.domain.plan import Assignment, Plan
from planner.rules import REGISTRY, Rule, bind_all


def spec(kind, severity="hard", **params):
    return Rule(f"T-{kind}", kind, severity, MappingProxyType(params))


def found(plan, scenario, kind, mandate="chapter-vi", **params):
    report = check(plan, scenario, mandate, rules=[spec(kind, **params)])
    return [(v.phase, v.sector, v.nation, v.measured, v.limit) for v in report.violations]


@pytest.fixture
def good(mini):
    """A plan that keeps every rule of the mini scenario under Chapter VI."""
    rows = [Assignment(1, "P1-S01", "AAA", {"AAA": 60}),
            Assignment(1, "P1-S02", "AAA", {"AAA": 30}),
            Assignment(2, "P1-S01", "AAA", {"AAA": 60}),
            Assignment(2, "P1-S02", "BBB", {"BBB": 30}),
            Assignment(2, "P2-S01", "BBB", {"BBB": 30}),
            Assignment(2, "P2-S02", "CCC", {"CCC": 10, "AAA": 10})]
    return Plan.from_assignments(rows)


def test_good_plan_keeps_every_rule_of_the_mini_scenario(mini, good):
    report = check(good, mini, "chapter-vi")
    assert report.violations == ()
    assert report.ok and report.rules_checked == 7


def test_every_registered_kind_has_a_check_and_an_encoding():
    assert len(REGISTRY) >= 17
    for name, kind in REGISTRY.items():
        assert callable(kind.check) and callable(kind.encode), name
        assert kind.doc, name


def test_one_lead_per_sector(mini, good):
    assert found(good, mini, "one_lead_per_sector") == []
    plan = good.with_lead(1, "P1-S02", None)
    assert found(plan, mini, "one_lead_per_sector") == [(1, "P1-S02", None, 0, 1)]
    plan = good.with_lead(1, "P1-S02", "BBB")  # BBB has no troops there
    assert found(plan, mini, "one_lead_per_sector") == [(1, "P1-S02", "BBB", 0, 1)]
    assert found(plan, mini, "one_lead_per_sector", lead_deploys=False) == []


def test_troops_required_measures_troops_against_requirement(mini, good):
    assert found(good, mini, "troops_required") == []
    plan = good.with_troops(1, "P1-S01", "AAA", 45)
    assert found(plan, mini, "troops_required") == [(1, "P1-S01", None, 45, 60)]
    # Chapter VII: 12 per 1,000 residents, at least 100
    assert (1, "P1-S01", None, 60, 240) in found(good, mini, "troops_required", "chapter-vii")


def test_capacity_flags_a_contingent_over_its_troops_per_phase(mini, good):
    assert found(good, mini, "capacity") == []
    plan = good.with_troops(2, "P2-S01", "BBB", 280)
    assert found(plan, mini, "capacity") == [(2, None, "BBB", 310, 300)]
    plan = good.with_troops(1, "P1-S01", "ZZZ", 5)
    assert found(plan, mini, "capacity") == [(1, None, "ZZZ", 5, 0)]


def test_tasks_required_accepts_lead_or_a_contingent_with_enough_share(mini, good):
    assert found(good, mini, "tasks_required", min_share=0.25) == []
    # P2-S02 needs humanitarian (crossing) and separation (contact line); CCC leads
    # (no separation) and AAA brings it with 50% of the troops.
    plan = good.with_troops(2, "P2-S02", "CCC", 40)  # AAA drops to 10 of 50 = 20%
    assert found(plan, mini, "tasks_required", min_share=0.25) == \
        [(2, "P2-S02", None, None, "separation")]
    assert found(plan, mini, "tasks_required", min_share=0.2) == []


def test_mandate_accepted_flags_nations_that_refuse_the_mandate(mini, good):
    assert found(good, mini, "mandate_accepted", "chapter-vi") == []
    assert found(good, mini, "mandate_accepted", "chapter-vii") == \
        [(2, "P2-S02", "CCC", "chapter-vi", "chapter-vii")]


def test_phase_available_flags_early_deployment(mini, good):
    assert found(good, mini, "phase_available") == []
    plan = good.with_troops(1, "P1-S01", "CCC", 10)
    assert found(plan, mini, "phase_available") == [(1, "P1-S01", "CCC", 1, 2)]


def test_veto_bars_a_nation_only_where_the_stakeholder_says(mini, good):
    assert found(good, mini, "veto") == []
    plan = good.with_troops(1, "P1-S01", "DDD", 10)  # DDD is vetoed in P1-S02 only
    assert found(plan, mini, "veto") == []
    plan = good.with_troops(1, "P1-S02", "DDD", 10)
    assert found(plan, mini, "veto") == [(1, "P1-S02", "DDD", "DDD", "not DDD")]


def test_lead_restriction_limits_who_leads_sectors_with_an_attribute(mini, good):
    # P1-S01 and P2-S01 lie on Beta's border (x = 0)
    params = {"attribute": "border:Beta", "nations": ["AAA", "BBB"]}
    assert found(good, mini, "lead_restriction", **params) == []
    plan = good.with_lead(2, "P2-S01", "DDD").with_troops(2, "P2-S01", "DDD", 30)
    assert found(plan, mini, "lead_restriction", **params) == \
        [(2, "P2-S01", "DDD", "DDD", "AAA, BBB")]
    params = {"attribute": "border:Beta", "nations": ["BBB"]}
    assert found(good, mini, "lead_restriction", **params) == \
        [(1, "P1-S01", "AAA", "AAA", "BBB"), (2, "P1-S01", "AAA", "AAA", "BBB")]


def test_max_share_flags_a_dominant_nation(mini, good):
    # phase 1: AAA has 100%; phase 2: AAA 70 of 140 = 50%
    assert found(good, mini, "max_share", max_share=1.0) == []
    assert found(good, mini, "max_share", max_share=0.5) == [(1, None, "AAA", 1.0, 0.5)]


def test_min_nations_counts_nations_deployed_per_phase(mini, good):
    assert found(good, mini, "min_nations", min_nations=1) == []
    assert found(good, mini, "min_nations", min_nations=3) == [(1, None, None, 1, 3)]


def test_max_sectors_limits_sectors_led_per_phase(mini, good):
    assert found(good, mini, "max_sectors", max_sectors=2) == []
    assert found(good, mini, "max_sectors", max_sectors=1) == \
        [(1, None, "AAA", 2, 1), (2, None, "BBB", 2, 1)]
    assert found(good, mini, "max_sectors", max_sectors=1, nations=["BBB"]) == \
        [(2, None, "BBB", 2, 1)]


def test_contiguous_area_counts_separate_areas_of_a_nation(mini, good):
    # phase 2: BBB leads P1-S02 (north-east) and P2-S01 (south-west): they meet only at a
    # corner, which is not a shared edge, so they are two separate areas
    assert found(good, mini, "contiguous_area") == [(2, None, "BBB", 2, 1)]
    joined = good.with_lead(2, "P2-S01", "AAA").with_troops(2, "P2-S01", "AAA", 30)
    assert found(joined, mini, "contiguous_area") == []  # AAA: P1-S01 above P2-S01


def test_adjacency_exclusion_keeps_two_nations_apart(mini, good):
    params = {"nations": ["AAA", "BBB"]}
    phase1 = [(p, s, n, m, l) for p, s, n, m, l in found(good, mini, "adjacency_exclusion", **params)]
    # phase 2: AAA in P1-S01 is next to BBB in P1-S02 and P2-S01
    assert (2, "P1-S01", "AAA", "BBB in P1-S02", "AAA and BBB apart") in phase1
    plan = Plan.from_assignments([a for a in good if a.phase == 1])
    assert found(plan, mini, "adjacency_exclusion", **params) == []


def test_continuity_flags_a_lead_change_between_phases(mini, good):
    assert found(good, mini, "continuity") == [(2, "P1-S02", "BBB", "BBB", "AAA")]
    plan = good.with_lead(2, "P1-S02", "AAA").with_troops(2, "P1-S02", "AAA", 30)
    assert found(plan, mini, "continuity") == []


def test_pinned_keeps_what_a_planner_locked(mini, good):
    plan = good.with_pin(1, "P1-S01")
    assert found(plan, mini, "pinned") == []
    edited = plan.with_lead(1, "P1-S01", "BBB")
    assert found(edited, mini, "pinned") == [(1, "P1-S01", "BBB", "BBB", "AAA")]
    edited = plan.with_troops(1, "P1-S01", "AAA", 70)
    assert found(edited, mini, "pinned") == [(1, "P1-S01", None, {"AAA": 70}, {"AAA": 60})]


def test_preference_asks_preferring_nations_to_lead_their_sectors(mini, good):
    # BBB prefers border:Beta: P1-S01 (led by AAA) and P2-S01 (led by BBB) are on it
    on_beta = [(1, "P1-S01", "AAA", "AAA", "BBB"), (2, "P1-S01", "AAA", "AAA", "BBB")]
    assert found(good, mini, "preference") == on_beta
    plan = good.with_lead(2, "P2-S01", "AAA").with_troops(2, "P2-S01", "AAA", 30)
    assert found(plan, mini, "preference") == on_beta + [(2, "P2-S01", "AAA", "AAA", "BBB")]


def test_troop_balance_flags_sectors_far_above_requirement(mini, good):
    assert found(good, mini, "troop_balance", max_surplus=0.25) == []
    plan = good.with_troops(1, "P1-S01", "AAA", 100)
    assert found(plan, mini, "troop_balance", max_surplus=0.25) == [(1, "P1-S01", None, 100, 75)]


def test_check_never_stops_at_the_first_failure_and_orders_hard_first(mini, good):
    plan = good.with_lead(1, "P1-S01", None).with_troops(2, "P2-S01", "CCC", 300)
    plan = plan.with_troops(1, "P1-S02", "DDD", 10)  # a whole unit: only the veto
    rules = [spec("continuity", "soft"), spec("one_lead_per_sector"), spec("capacity"),
             spec("veto"), spec("phase_available")]
    report = check(plan, mini, "chapter-vi", rules=rules)
    kinds = [v.kind for v in report.violations]
    assert kinds == ["one_lead_per_sector", "veto", "capacity", "continuity"]
    assert [v.severity for v in report.violations] == ["hard", "hard", "hard", "soft"]
    assert report.totals() == {"hard": 3, "soft": 1, "rules_checked": 5, "ok": False}


def test_scenario_severity_override_makes_a_rule_soft(mini, good):
    plan = good.with_troops(1, "P1-S01", "AAA", 45)
    report = check(plan, mini, "chapter-vi", rules=[spec("troops_required", "soft")])
    assert report.ok and len(report.soft) == 1


def test_check_refuses_bad_rule_parameters_naming_the_rule(mini, good):
    with pytest.raises(InputError, match=r"\(id 'T-max_share'\): field 'params.max_share': "
                                         r"value 2: must be a fraction"):
        check(good, mini, "chapter-vi", rules=[spec("max_share", max_share=2)])


def test_check_with_contingent_left_out_flags_its_troops(mini, good):
    force = [c for c in mini.contingents if c.code != "CCC"]
    report = check(good, mini, "chapter-vi", contingents=force)
    assert any(v.kind == "capacity" and v.nation == "CCC" and v.limit == 0 for v in report.hard)


def test_check_with_vetoes_off_drops_veto_violations(mini, good):
    plan = good.with_troops(1, "P1-S02", "DDD", 10)
    assert not check(plan, mini, "chapter-vi").ok
    assert check(plan, mini, "chapter-vi", vetoes=[]).ok


def test_check_takes_bound_rules_as_they_are_and_defaults_to_the_first_mandate(mini, good):
    plan = good.with_lead(1, "P1-S02", None)
    bound = bind_all(mini.rules)
    assert bind_all(bound) == bound  # binding a bound rule changes nothing
    assert check(plan, mini, rules=bound) == check(plan, mini, "chapter-vi")
    assert check(plan, mini).mandate == next(iter(mini.mandates))


def test_kinds_that_bar_contingents_say_so_with_the_checks_reason(mini, good):
    from planner.rules.check import situation
    sit = situation(good, mini)
    veto, = bind_all([spec("veto")])
    assert veto.bars(sit, (1, "P1-S02"), "DDD").text.startswith("vetoed by Alpha")
    assert veto.bars(sit, (1, "P1-S01"), "DDD") is None
    lead, = bind_all([spec("lead_restriction", attribute="border:Beta", nations=["BBB"])])
    assert lead.bars(sit, (1, "P1-S01"), "AAA") is None  # troops may still go there
    assert lead.bars_lead(sit, (1, "P1-S01"), "AAA").limit == "BBB"
    share, = bind_all([spec("max_share", max_share=0.3)])
    assert share.share_cap == 0.3 and veto.share_cap is None
