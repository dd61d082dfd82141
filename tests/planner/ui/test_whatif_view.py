"""The What-if sweeps page's logic (planner/ui/whatif_view.py) on a real plan store, real
scenarios (the mini one and the bundled Gaza one) and real CP-SAT: what a sweep of the plan in
use holds, the refusal of sweeps too large for the page, a sweep run into the workspace and
resumed, the analyses as table rows, and a case opened as a named what-if plan."""
import io
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from planner.rules.check import check
from planner.sweep.analysis import report_data
from planner.sweep.cases import Case
from planner.sweep.decide import decide
from planner.sweep.problem import folder_digest, problem_from_scenario
from planner.sweep.results import frame_from_rows, read_results
from planner.ui import compare_view as cv
from planner.ui import whatif_view as wv

from appstate import env_for, opened


def base_of(env, state, work=None):
    work = work or state.work
    return wv.sweep_base(env.scenario_for(work), env.table_for(work), work)


def codes(scenario):
    return [c.code for c in scenario.contingents]


def first_mandate(scenario):
    return next(iter(scenario.mandates))


# --- what a sweep holds ----------------------------------------------------------------------
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_case_count_is_the_number_of_cases_built_and_all_come_from_the_force(
        scenario, store, data):
    env = env_for(scenario, store)
    state = opened(env)
    force = data.draw(st.lists(st.sampled_from(codes(scenario)), min_size=1, unique=True))
    vetoes_in_force = data.draw(st.lists(st.sampled_from([v.id for v in scenario.vetoes]),
                                         unique=True)) if scenario.vetoes else []
    work = state.work.with_settings(
        force=tuple(c for c in codes(scenario) if c in force),
        vetoes=tuple(v.id for v in scenario.vetoes if v.id in vetoes_in_force))
    base = base_of(env, state, work)
    settings_ = ["on", "off", "each"] + [f"without:{v}" for v in vetoes_in_force]
    spec = wv.SweepSpec(
        tuple(data.draw(st.lists(st.sampled_from(list(scenario.mandates)), min_size=1,
                                 unique=True))),
        data.draw(st.sampled_from(list(wv.COALITIONS))),
        data.draw(st.integers(0, len(force))),
        tuple(data.draw(st.lists(st.sampled_from(settings_), min_size=1, unique=True))),
        tuple(data.draw(st.lists(st.sampled_from([0.5, 0.8, 1.0, 1.5]), min_size=1,
                                 unique=True))))
    assert wv.spec_problems(spec, base) == []
    cases = wv.sweep_cases(spec, base)
    assert wv.case_count(spec, base) == len(cases) == len({c.key for c in cases})
    assert all(set(c.coalition) <= set(force) for c in cases)
    assert all(v in ("on", "off") or v[len("without:"):] in vetoes_in_force
               for v in {c.vetoes for c in cases})
    assert (wv.refusal(len(cases), spec, base) is None) == (len(cases) <= wv.MAX_PAGE_CASES)


def test_a_sweep_above_the_page_limit_is_refused_with_its_count_and_the_command(gaza, store):
    env = env_for(gaza, store)
    base = base_of(env, opened(env))
    every = wv.SweepSpec(tuple(gaza.mandates), "subsets", min_size=0)
    assert wv.case_count(every, base) == 512
    refusal = wv.refusal(512, every, base)
    assert "This sweep has 512 cases; the page runs at most 300" in refusal
    assert (f"planner sweep --scenario {gaza.root} --mandates chapter-vi,chapter-vii "
            "--subsets --min-size 0 --vetoes on --troops 1 --time-limit 10 "
            "-o results.parquet") in refusal
    one_mandate = wv.SweepSpec(("chapter-vi",), "subsets", min_size=1)
    assert wv.case_count(one_mandate, base) == 255
    assert wv.refusal(255, one_mandate, base) is None
    # a pledging round of 40 nations is counted, never listed
    assert wv.coalition_count(wv.SweepSpec(("m",), "subsets", min_size=0), 40) == 2 ** 40
    assert wv.coalition_count(wv.SweepSpec(("m",), "drop-2"), 40) == 1 + 40 + 780


def test_the_base_is_the_working_plans_force_vetoes_and_troop_figures(scenario, store):
    env = env_for(scenario, store)
    state = opened(env)
    base = base_of(env, state)
    assert base.problem.digest == folder_digest(scenario.root)  # what planner sweep records
    assert base.force == tuple(codes(scenario))
    out, other = codes(scenario)[0], codes(scenario)[1]
    pledged = scenario.contingent(other).troops
    work = state.work.with_settings(force=tuple(codes(scenario)[1:]), vetoes=(),
                                    troops=((other, pledged // 2),))
    what_if = base_of(env, state, work)
    assert what_if.problem.digest != base.problem.digest
    assert what_if.problem.scenario.vetoes == ()
    assert what_if.problem.scenario.contingent(other).troops == pledged // 2
    assert "troop figures" in what_if.label and "no veto in force" in what_if.label
    cases = wv.sweep_cases(wv.SweepSpec((first_mandate(scenario),), "drop-1",
                                        vetoes=("on", "off", "each")), what_if)
    assert cases and all(out not in c.coalition for c in cases)
    assert {c.vetoes for c in cases} == {"on", "off"}  # no veto in force to lift one by one


def test_troop_scales_and_mistakes_are_read_as_planner_sweep_reads_them():
    assert wv.parse_scales("0.8, 1") == ((0.8, 1.0), [])
    assert wv.parse_scales("1;1") == ((1.0,), [])
    values, problems = wv.parse_scales("abc, -1, 0.5")
    assert values == (0.5,)
    assert problems[0].startswith("troop scale 'abc'") and "'-1'" in problems[1]
    assert wv.parse_scales(" ")[1] == ["name at least one troop scale, such as 1 or 0.8, 1"]


def test_a_spec_with_mistakes_says_each_one(mini_shared, store):
    env = env_for(mini_shared, store)
    base = base_of(env, opened(env))
    found = wv.spec_problems(wv.SweepSpec(("chapter-x",), "subsets", min_size=9,
                                          vetoes=("sideways",), troop_scales=(),
                                          time_limit_s=0), base)
    assert any("unknown mandate 'chapter-x'" in p for p in found)
    assert any("0 to 4 contingents; got 9" in p for p in found)
    assert any("unknown veto setting 'sideways'" in p for p in found)
    assert any("troop scale" in p for p in found) and any("time limit" in p for p in found)


# --- running and resuming --------------------------------------------------------------------
def test_a_page_sweep_writes_its_results_in_the_workspace_and_a_rerun_decides_nothing(
        mini_shared, store):
    env = env_for(mini_shared, store)
    base = base_of(env, opened(env))
    spec = wv.SweepSpec(("chapter-vi",), "drop-1", vetoes=("on", "off"))
    cases = wv.sweep_cases(spec, base)
    path = wv.results_path(store.folder, spec, base)
    assert path.parent == store.folder / "sweeps" and wv.results_files(store.folder) == []
    seen = []
    stats = wv.run_page_sweep(spec, base, cases, path, progress=lambda f, w: seen.append((f, w)))
    assert (stats.decided, stats.skipped) == (10, 0)
    assert [f for f, _ in seen] == [i / 10 for i in range(11)]
    assert seen[-1][1].startswith("10 of 10 cases decided · ") and "cases/s" in seen[-1][1]
    assert wv.results_files(store.folder) == [path]
    frame = read_results(path)
    # the same answers as the sweep engine's own decision, case by case
    problem = problem_from_scenario(mini_shared)
    for case in cases:
        row, alone = wv.row_of(frame, case.key), decide(problem, case, time_limit_s=10)
        assert (row["feasible"], row["status"], row["decided_by"]) == \
            (alone["feasible"], alone["status"], alone["decided_by"])
        assert wv.no_plan(row) == (alone["feasible"] is False)
    assert wv.cases_recorded(path, spec, base, cases) == 10
    again = wv.run_page_sweep(spec, base, cases, path)
    assert (again.decided, again.skipped) == (0, 10)
    # another time limit is another sweep, in another file
    assert wv.results_path(store.folder, wv.SweepSpec(("chapter-vi",), "drop-1",
                                                      vetoes=("on", "off"), time_limit_s=5),
                           base, ) != path


def test_the_progress_words_give_cases_done_rate_and_time_left():
    now = [0.0]
    meter = wv.Meter(10, done=2, clock=lambda: now[0])
    assert meter.words() == "2 of 10 cases decided · 0.0 cases/s · time left unknown"
    now[0] = 2.0
    meter.step()
    now[0] = 4.0
    assert meter.step() == "4 of 10 cases decided · 0.5 cases/s · 12 s left"  # 2 in 4 s
    assert meter.fraction == 0.4


# --- analyses --------------------------------------------------------------------------------
def row(coalition, feasible, vetoes="on", troops=None, by="solver"):
    return {"case": f"m|{vetoes}|1|{coalition}", "coalition": coalition,
            "size": len(coalition.split("+")), "mandate": "m", "vetoes": vetoes,
            "troop_scale": 1.0, "feasible": feasible,
            "status": {True: "OPTIMAL", False: "INFEASIBLE", None: "UNKNOWN"}[feasible],
            "decided_by": by, "troops": troops, "peak_troops": troops and troops // 2,
            "soft_penalty": 1.5 if feasible else None, "hard_violations": 0 if feasible else None,
            "rules": None, "explanation": None if feasible is not False else "why not",
            "seconds": 0.1, "scenario": "x", "options": "{}"}


def test_the_analyses_become_table_rows_with_each_coalitions_troops():
    frame = frame_from_rows([
        row("A+B+C", True, troops=300), row("A+B", True, troops=320), row("A+C", True, troops=310),
        row("B+C", False), row("A", False), row("B", False, by="pre-check"), row("C", None),
        row("A+B+C", True, "off", 250), row("B+C", True, "off", 400)])
    mandates = {"m": SimpleNamespace(label="Mandate M")}
    tables = wv.analysis_tables(frame, mandates)
    assert tables["outcomes"][1] == {
        "mandate, vetoes, troops": "Mandate M, vetoes on, troops x1", "cases": 7,
        "feasible": 3, "infeasible (pre-check)": 1, "infeasible (solver)": 2, "unknown": 1,
        "seconds": 0.7}
    on = [(r["coalition"], r["troops (all phases)"], r["troops (busiest phase)"])
          for r in tables["minimal"] if "vetoes on" in r["mandate, vetoes, troops"]]
    assert on == [("A + B", 320, 160), ("A + C", 310, 155)]
    critical = {r["nation"]: (r["breaks"], r["of feasible coalitions"], r["share"])
                for r in tables["criticality"] if "vetoes on" in r["mandate, vetoes, troops"]}
    assert critical == {"A": (2, 2, 1.0), "B": (1, 2, 0.5), "C": (1, 2, 0.5)}
    (cost,) = tables["veto_costs"]
    assert (cost["veto lifted"], cost["coalitions"], cost["lost to it"], cost["extra troops"]) \
        == ("all vetoes", 2, 1, 50)
    words = dict(wv.case_choices(frame, mandates))
    assert words["m|on|1|A+B"] == "Mandate M, vetoes on, troops x1: A + B: a plan, 320 troops"
    assert words["m|on|1|B"].endswith("B: no plan (pre-check)")
    assert words["m|on|1|C"].endswith("C: unknown (out of time)")


def test_each_groups_tables_and_charts_are_its_own():
    frame = frame_from_rows([row("A+B", True, troops=10), row("A", False),
                             row("A+B", True, "off", troops=8), row("A", True, "off", troops=9)])
    mandates = {"m": SimpleNamespace(label="M")}
    titles = wv.groups(frame, mandates)
    assert titles == ["M, vetoes off, troops x1", "M, vetoes on, troops x1"]
    tables = wv.analysis_tables(frame, mandates)
    assert wv.of_group(tables["minimal"], titles[0]) == [
        {"coalition": "A", "contingents": 1, "troops (all phases)": 9,
         "troops (busiest phase)": 4, "soft penalty": 1.5}]
    assert [r["coalition"] for r in wv.of_group(tables["minimal"], titles[1])] == ["A + B"]
    assert all(wv.GROUP_COLUMN not in r for r in wv.of_group(tables["criticality"], titles[1]))
    charts = [wv.outcome_chart(frame)] + [wv.criticality_chart(frame, t, mandates)
                                          for t in titles]
    assert all(png.startswith(b"\x89PNG") for png in charts)
    assert charts[1] != charts[2]  # each group drawn from its own cases


def test_an_uploaded_results_file_is_read_and_a_bad_one_refused_naming_it(tmp_path):
    frame = frame_from_rows([row("A+B", True, troops=10)])
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    assert wv.read_upload("mine.parquet", buffer.getvalue())["coalition"].tolist() == ["A+B"]
    with pytest.raises(InputError, match=r"^mine\.parquet: not a Parquet file") as error:
        wv.read_upload("mine.parquet", b"PAR1 not really")
    assert "planner-sweep-" not in str(error.value)  # never the temporary copy's path
    other = io.BytesIO()
    pd.DataFrame({"x": [1]}).to_parquet(other, index=False)
    with pytest.raises(InputError, match="not a sweep results file: no column case"):
        wv.read_upload("table.parquet", other.getvalue())


# --- opening a case --------------------------------------------------------------------------
def opened_case(scenario, store, case, time_limit_s=10):
    env = env_for(scenario, store)
    state = opened(env)
    base = base_of(env, state)
    results = decide(base.problem, case, time_limit_s=time_limit_s)
    results["options"] = f'{{"seed": 0, "time_limit_s": {time_limit_s}}}'
    return env, state, base, results, wv.open_case(state, env, base, results, source="r.parquet")


@pytest.mark.parametrize("name, coalition", [("mini_shared", ("AAA", "BBB", "CCC")),
                                             ("gaza", ("IDN", "PAK", "EGY"))])
def test_an_opened_case_is_a_named_plan_with_the_case_settings_and_the_working_plan_kept(
        request, store, name, coalition):
    scenario = request.getfixturevalue(name)
    case = Case(coalition, "chapter-vi")
    env, state, base, results, outcome = opened_case(scenario, store, case)
    assert results["feasible"] is True and outcome.solved, outcome.error
    dropped = [c for c in codes(scenario) if c not in coalition]
    if len(dropped) <= len(coalition):
        assert outcome.name == f"main~sweep-without-{'-'.join(dropped)}-chapter-vi"
    else:
        assert outcome.name == f"main~sweep-only-{'-'.join(coalition)}-chapter-vi"
    saved = store.revision(outcome.name)
    work = saved.working(scenario)
    assert work == outcome.work and saved.number == outcome.revision == 1
    assert saved.message.startswith("what-if: sweep case ") and "r.parquet" in saved.message
    s = work.settings
    assert (s.mandate, s.force, s.vetoes, s.troops) == \
        ("chapter-vi", coalition, state.settings.vetoes, ())
    # the plan the sweep found: its troops, and no hard rule broken under the case's settings
    assert sum(a.total for a in work.plan) == results["troops"]
    report = check(work.plan, scenario, s.mandate, table=env.table_for(work),
                   contingents=s.contingents(scenario), vetoes=s.vetoes_in_force(scenario))
    assert report.hard == []
    # the working plan is untouched; the Compare page reads the request and shows the case
    assert store.latest_number(state.name) == state.revision
    assert store.revision(state.name).plan == state.plan
    request_ = wv.compare_request(outcome)
    compared = cv.requested(cv.initial(state), request_)
    assert (compared.a, compared.b) == (("working",), ("variant", outcome.name))
    assert outcome.name in cv.variant_names(state, env)
    side = cv.resolve(compared.b, state, env)
    assert side.work == work and outcome.name in side.label


def test_a_case_with_a_troop_scale_and_vetoes_off_keeps_its_troop_figures(mini_shared, store):
    case = Case(("AAA", "BBB", "DDD"), "chapter-vi", "off", 0.5)
    env, state, base, results, outcome = opened_case(mini_shared, store, case)
    assert outcome.solved, outcome.error
    s = outcome.work.settings
    assert s.vetoes == () and s.force == ("AAA", "BBB", "DDD")
    assert s.troops == (("AAA", 200), ("BBB", 150), ("DDD", 100))
    assert outcome.name == "main~sweep-without-CCC-chapter-vi-vetoes-off-troops-x0.5"
    # Compare checks it under those figures: the plan keeps every hard rule
    side = cv.side_of(cv.resolve(("variant", outcome.name), state, env), env)
    assert [c.troops for c in side.contingents] == [200, 150, 100]
    report = check(outcome.work.plan, mini_shared, s.mandate, table=env.table_for(outcome.work),
                   contingents=side.contingents, vetoes=side.vetoes)
    assert report.hard == []


def test_a_case_without_a_plan_saves_nothing_and_says_why(mini_shared, store):
    env, state, base, results, outcome = opened_case(mini_shared, store,
                                                     Case(("AAA", "BBB"), "chapter-vii"))
    assert results["feasible"] is False and wv.no_plan(results)
    assert not outcome.solved and outcome.error is None
    assert cv.explanation_lines(outcome.result)  # the rules that cannot hold together
    assert store.names() == [state.name]


def test_a_case_of_another_scenario_is_refused_naming_what_it_lacks(mini_shared, store):
    env = env_for(mini_shared, store)
    state = opened(env)
    base = base_of(env, state)
    stray = {"case": "x", "coalition": "AAA+ZZZ", "mandate": "chapter-ix",
             "vetoes": "without:V9", "troop_scale": 1.0, "options": "{}"}
    outcome = wv.open_case(state, env, base, stray)
    assert not outcome.solved
    assert "ZZZ is not a contingent of Mini" in outcome.error
    assert "mandate 'chapter-ix'" in outcome.error and "'without:V9'" in outcome.error
    assert store.names() == [state.name]


def test_case_names_stay_readable_and_short():
    base = SimpleNamespace(force=tuple(f"N{i:02d}" for i in range(40)))
    whole = Case(base.force, "chapter-vi")
    assert wv.case_name("main", whole, base) == "main~sweep-all-chapter-vi"
    few = Case(("N01", "N02"), "chapter-vi", "without:V1")
    name = wv.case_name("main", few, base)
    assert name == "main~sweep-only-N01-N02-chapter-vi-veto-off-V1"
    long = Case(base.force[:20], "chapter-vi")
    assert len(wv.case_name("main", long, base)) <= wv.MAX_NAME
    assert wv.case_name("main", long, base) != wv.case_name("main", Case(base.force[:21],
                                                                         "chapter-vi"), base)
