"""The Compare page's logic (planner/ui/compare_view.py) on a real plan store and real
scenarios (the mini one and the bundled Gaza one): sides of every kind, the tables, the map
document, and what-if variants solved by CP-SAT into named plans."""
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.plan import Assignment, Plan
from planner.domain.working import Working, default_settings
from planner.rules.check import check
from planner.ui import actions
from planner.ui.mapview import NO_LEAD, lead_colours
from planner.ui import compare_view as cv
from planner.ui.exports import export_csv, export_geojson
from planner.ui.view import view_of

from appstate import env_for, opened


def other_code(scenario, code):
    return next(c.code for c in scenario.contingents if c.code != code)


def edited(env, s, phase=1):
    """``s`` with the first open sector of ``phase`` given another lead and troops (two
    revisions); returns the state and the sector."""
    sector = env.table_for(s.work).open_in(phase)[0]
    lead = other_code(env.base, s.plan.get(phase, sector).lead)
    s = actions.edit_lead(s, env, phase, sector, lead)
    s = actions.edit_troops(s, env, phase, sector, lead, 3 * env.base.unit_of(lead))
    assert not s.error, s.error
    return s, sector


def data_of(doc: str) -> dict:
    """The data a map document draws (its ``var D = ...;`` line)."""
    return json.loads(re.search(r"var D = (.*?);\n", doc).group(1))


# --- sides --------------------------------------------------------------------------------
def test_an_earlier_revision_against_the_working_plan_shows_the_sector_edited(scenario, store):
    env = env_for(scenario, store)
    s, sector = edited(env, opened(env))
    before = store.revision(s.name, 1).working(scenario).plan
    a = cv.resolve(("revision", s.name, 1), s, env)
    b = cv.resolve(("working",), s, env)
    assert (a.revision, b.revision) == (1, s.revision)
    c = cv.comparison_of(a, b, env)
    rows = cv.change_rows(env, a, b, c, 1)
    assert [r["sector"] for r in rows] == [sector]
    row = rows[0]
    assert row["change"] == "lead, troops"
    assert (row["lead A"], row["lead B"]) == (before.get(1, sector).lead or "",
                                              s.plan.get(1, sector).lead)
    assert row["troops B"] == s.plan.get(1, sector).total
    assert s.plan.get(1, sector).lead in row["troops by contingent"]
    assert cv.summary_lines(env, a, b, c)[0].startswith("B differs from A: 1 lead change")
    assert c.change.leads_changed == 1
    assert cv.sector_at(rows, [0]) == sector and cv.sector_at(rows, []) is None
    for phase in c.phases[1:]:  # the other phases did not change
        assert cv.change_rows(env, a, b, c, phase) == []
    lead = s.plan.get(1, sector).lead
    mine = next(r for r in cv.contingent_table(c, 1) if r["nation"] == lead)
    assert mine["led B"] == mine["led A"] + 1
    assert mine["troops B"] - mine["troops A"] == mine["change"]


def test_every_kind_of_side_resolves_with_its_own_settings_and_table(scenario, store):
    env = env_for(scenario, store)
    s, sector = edited(env, opened(env))
    assert cv.kinds_available(s, env) == ["working", "revision", "file"]
    # another saved plan, with another mandate and a contingent out
    other_mandate = list(scenario.mandates)[1]
    out = scenario.contingents[0].code
    other = s.work.with_settings(mandate=other_mandate,
                                 force=tuple(c for c in s.settings.force if c != out))
    store.save("other", other, base=None, author="bob", message="other plan",
               scope=scenario.name)
    store.save(f"{s.name}~what-if", s.work, base=None, message="what-if: x",
               scope=scenario.name)
    s = actions.optimize(s, env)
    assert cv.kinds_available(s, env) == list(cv.KINDS)
    assert cv.saved_names(s, env) == ["other"]
    assert cv.variant_names(s, env) == [f"{s.name}~what-if"]
    data = export_geojson(view_of(s, env))
    files = {"mine.geojson": data}
    for kind in cv.KINDS:
        choice = cv.default_choice(kind, s, env)
        if kind == "file":
            assert choice == ("file", None)
            with pytest.raises(cv.SideError, match="Upload a plan file"):
                cv.resolve(choice, s, env, files)
            choice = ("file", "mine.geojson")
        assert cv.kind_of(choice, s) == kind
        chosen = cv.resolve(choice, s, env, files)
        side = cv.side_of(chosen, env)
        assert side.mandate == chosen.work.settings.mandate
        assert [c.code for c in side.contingents] == list(chosen.work.settings.force)
        assert side.table is env.table_for(chosen.work)
    saved = cv.resolve(("revision", "other", None), s, env)
    assert "other" in saved.label and "latest" in saved.label
    side = cv.side_of(saved, env)
    assert side.mandate == other_mandate and out not in {c.code for c in side.contingents}
    # the file is the working plan, read back with its settings
    assert cv.resolve(("file", "mine.geojson"), s, env, files).work == s.work
    proposal = cv.resolve(("proposal",), s, env)
    assert proposal.work.plan == s.proposal.result.plan and not proposal.note


def test_a_csv_without_settings_is_checked_under_the_working_plans(scenario, store):
    env = env_for(scenario, store)
    s = actions.set_vetoes(opened(env), env, False)
    chosen = cv.resolve(("file", "plan.csv"), s, env,
                        {"plan.csv": export_csv(view_of(s, env))})
    assert chosen.work.plan == s.plan and chosen.work.settings == s.settings
    assert "checked under the working plan's" in chosen.note  # (CSV: mandate only)


def test_a_bad_file_or_a_missing_revision_is_refused_in_words_and_nothing_is_written(
        scenario, store):
    env = env_for(scenario, store)
    s, sector = edited(env, opened(env))
    before = store.latest_number(s.name)
    bad = f"phase,sector_id,nation,troops,lead\n1,{sector},QQQ,100,1\n".encode()
    with pytest.raises(cv.SideError) as refused:
        cv.resolve(("file", "bad<b>.csv"), s, env, {"bad<b>.csv": bad})
    assert "bad<b>.csv" in str(refused.value) and "QQQ" in str(refused.value)
    assert "nothing was written" in str(refused.value)
    with pytest.raises(cv.SideError, match="no revision 99"):
        cv.resolve(("revision", s.name, 99), s, env)
    with pytest.raises(cv.SideError, match="no plan named 'nope'"):
        cv.resolve(("revision", "nope", None), s, env)
    with pytest.raises(cv.SideError, match="no optimizer proposal"):
        cv.resolve(("proposal",), s, env)
    assert store.latest_number(s.name) == before and store.names() == [s.name]


def test_a_side_is_checked_with_its_what_if_troop_figures(gaza, store):
    env = env_for(gaza, store)
    s = actions.set_troop_figure(opened(env), env, "IDN", 500)
    side = cv.side_of(cv.resolve(("working",), s, env), env)
    assert next(c for c in side.contingents if c.code == "IDN").troops == 500
    plain = cv.resolve(("revision", s.name, 1), s, env)
    c = cv.comparison_of(plain, cv.resolve(("working",), s, env), env)
    # IDN's 500 troops cannot cover what it deploys in the example plan: B breaks capacity
    assert any(v.rule_id == "R-CAPACITY" and v.nation == "IDN"
               for v in c.violations_introduced)


def test_requests_from_the_plan_page_and_what_the_page_shows_first(scenario, store):
    env = env_for(scenario, store)
    s = opened(env)
    assert cv.initial(s) == cv.CompareState(("working",), ("working",))
    s, _ = edited(env, s)
    first = cv.initial(s)
    assert (first.a, first.b) == (("revision", s.name, s.revision - 1), ("working",))
    asked = cv.requested(first, {"a": ("revision", s.name, 1), "b": ("working",)})
    assert (asked.a, asked.b, asked.n) == (("revision", s.name, 1), ("working",), 1)
    for junk in (None, {"a": ("nope",), "b": ("working",)}, {"a": ("working",)},
                 {"a": ("revision", s.name, "1"), "b": ("working",)}):
        assert cv.requested(first, junk) == first
    assert cv.swapped(asked).a == ("working",) and cv.swapped(asked).n == 2
    s = actions.optimize(s, env)
    assert (cv.initial(s).a, cv.initial(s).b) == (("working",), ("proposal",))


# --- the map document ---------------------------------------------------------------------
def test_the_map_document_is_offline_escaped_and_draws_both_plans(scenario, store):
    env = env_for(scenario, store)
    s, sector = edited(env, opened(env))
    name = '<img src=x onerror="alert(1)">.csv'
    files = {name: export_csv(view_of(s, env))}
    a = cv.resolve(("revision", s.name, 1), s, env)
    b = cv.resolve(("file", name), s, env, files)
    c = cv.comparison_of(a, b, env)
    doc = cv.compare_map_html(env, a, b, c, 1, selected=sector)
    # every script and style comes from the app's static folder
    sources = re.findall(r'(?:src|href)="([^"]*)"', doc)
    assert sources and all(u.startswith("/app/static/leaflet/") for u in sources)
    assert "/app/static/leaflet/L.Map.Sync.js" in sources
    assert "sync(maps[1])" in doc and "http" not in doc.replace(
        "http://www.w3.org/2000/svg", "")
    assert "<img" not in doc and "onerror=\"" not in doc  # the file name is text, not markup
    d = data_of(doc)
    assert [p["title"].split(":")[0] for p in d["panes"]] == ["A", "B"]
    open_ = env.table_for(s.work).open_in(1)
    for pane, plan in zip(d["panes"], (a.work.plan, b.work.plan)):
        assert [x["sector_id"] for x in pane["sectors"]] == open_
        changed = [x["sector_id"] for x in pane["sectors"] if x["changed"]]
        assert changed == [sector]
        lead = plan.get(1, sector).lead
        item = next(x for x in pane["sectors"] if x["sector_id"] == sector)
        assert item["colour"] == lead_colours(
            x.code for x in scenario.contingents).get(lead, NO_LEAD)
    assert len(d["shapes"]) == len(open_)  # both plans share the sectors: each shape once
    assert d["selected"] == sector
    (south, west), (north, east) = d["bounds"]
    lon, lat = zip(*[xy for f in d["territory"]["features"]
                     for xy in f["geometry"]["coordinates"][0]])
    assert (west, east, south, north) == pytest.approx((min(lon), max(lon), min(lat),
                                                        max(lat)))


def test_one_map_hatches_the_changed_sectors_in_their_new_lead_colour(scenario, store):
    env = env_for(scenario, store)
    s, sector = edited(env, opened(env))
    a = cv.resolve(("revision", s.name, 1), s, env)
    b = cv.resolve(("working",), s, env)
    c = cv.comparison_of(a, b, env)
    d = data_of(cv.compare_map_html(env, a, b, c, 1, one_map=True))
    assert len(d["panes"]) == 1 and d["panes"][0]["hatch"]
    hatched = [x for x in d["panes"][0]["sectors"] if "hatch" in x]
    assert [x["sector_id"] for x in hatched] == [sector]
    pattern = next(h for h in d["hatches"] if h["id"] == hatched[0]["hatch"])
    assert pattern["colour"] == hatched[0]["colour"]


def test_re_cut_sectors_are_drawn_from_each_plans_own_table(gaza, store):
    env = env_for(gaza, store)
    s = opened(env)
    s = actions.recut(s, env, 2, 3, "area")
    assert not s.error, s.error
    a = cv.resolve(("revision", s.name, 1), s, env)
    b = cv.resolve(("working",), s, env)
    c = cv.comparison_of(a, b, env)
    rows = cv.change_rows(env, a, b, c, 2)
    old = {sid for sid in env.table_for(a.work).open_in(2) if sid.startswith("P2-")}
    new = {sid for sid in env.table_for(b.work).open_in(2) if sid.startswith("P2-")}
    assert not old & new  # re-cut sectors have ids of their own: other ground
    changed = {r["sector"]: r["change"] for r in rows}
    assert {s for s in changed if changed[s] == "only in A (re-cut)"} == old
    assert set(changed) - old <= new  # new sectors show where they hold something
    d = data_of(cv.compare_map_html(env, a, b, c, 2))
    ids_a = [x["sector_id"] for x in d["panes"][0]["sectors"]]
    ids_b = [x["sector_id"] for x in d["panes"][1]["sectors"]]
    assert ids_a == env.table_for(a.work).open_in(2) and ids_b == env.table_for(
        b.work).open_in(2)
    assert ids_a != ids_b


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_change_rows_name_exactly_the_sectors_that_differ_and_mirror_when_swapped(
        mini_shared, data):
    """On random plans of the mini scenario: the change table of each phase lists the
    sectors the comparison says changed, with each plan's lead, and swapping A and B swaps
    the lead and troop columns."""
    import tempfile

    from planner.files.store import PlanStore
    env = env_for(mini_shared, PlanStore(tempfile.mkdtemp()))
    table = env.table_for(Working(Plan({}), default_settings(mini_shared)))
    codes = [c.code for c in mini_shared.contingents]
    unit = mini_shared.troop_unit

    def plan():
        rows = [Assignment(p, sid, data.draw(st.sampled_from(codes + [None])),
                           {n: unit * data.draw(st.integers(0, 3)) for n in codes[:2]})
                for p, sid in table.keys]
        return Plan.from_assignments(rows)
    base = Working(Plan({}), default_settings(mini_shared))
    a = cv.Chosen(("working",), "A", base.with_plan(plan()))
    b = cv.Chosen(("working",), "B", base.with_plan(plan()))
    c, back = cv.comparison_of(a, b, env), cv.comparison_of(b, a, env)
    for phase in c.phases:
        rows = cv.change_rows(env, a, b, c, phase)
        assert [r["sector"] for r in rows] == [s for p, s in c.changed_sectors() if p == phase]
        for r in rows:
            assert r["lead A"] == (a.work.plan.get(phase, r["sector"]).lead or "")
            assert r["lead B"] == (b.work.plan.get(phase, r["sector"]).lead or "")
        mirrored = cv.change_rows(env, b, a, back, phase)
        assert [(r["lead B"], r["lead A"], r["troops B"], r["troops A"]) for r in mirrored] \
            == [(r["lead A"], r["lead B"], r["troops A"], r["troops B"]) for r in rows]
        fixed, introduced = cv.violation_lines(c, phase)
        assert cv.violation_lines(back, phase) == (introduced, fixed)


# --- what-if variants ---------------------------------------------------------------------
def test_a_variant_is_the_working_settings_with_its_changes_and_a_name_that_says_them(gaza):
    s = default_settings(gaza)
    v = cv.Variant(without=("PAK", "IDN"), vetoes_off=tuple(s.vetoes), mandate="chapter-vii",
                   troops={"EGY": 5000}, locks=((1, "P1-S02"), (1, "P1-S01")))
    got = cv.variant_settings(s, v)
    assert got.force == tuple(c for c in s.force if c not in ("IDN", "PAK"))
    assert got.vetoes == () and got.mandate == "chapter-vii" and dict(got.troops) == {
        "EGY": 5000}
    assert cv.variant_name("main", v, s) == \
        "main~without-IDN-PAK+vetoes-off+chapter-vii+EGY-5000+2-locked"
    assert cv.variant_label(v, s, gaza).startswith("without IDN, PAK; vetoes off: V-ISR-TUR")
    assert cv.variant_name("main", cv.Variant(), s) == "main~re-solved"
    long = cv.variant_name("x" * 70, v, s)
    assert len(long) <= 80 and long.startswith("x" * 70)
    assert cv.variant_problems(cv.Variant(without=("NOPE",), troops={"IDN": -1},
                                          mandate="chapter-ix"), s, gaza) == [
        "unknown mandate 'chapter-ix'; mandates are chapter-vi, chapter-vii",
        "NOPE is not in the working plan's force",
        "IDN's troop figure must be a whole number, 0 or more; got -1"]


def test_solving_a_variant_writes_a_named_plan_and_never_the_working_plan(scenario, store):
    env = env_for(scenario, store)
    s = opened(env)
    if len(s.plan) < len(env.table_for(s.work).keys):  # the mini scenario starts empty
        s = actions.apply_proposal(actions.optimize(s, env), env)
    out = s.plan.get(1, env.table_for(s.work).open_in(1)[0]).lead  # leaves the force
    keep = next(k for k in env.table_for(s.work).keys if s.plan.get(*k).lead
                and out not in s.plan.get(*k).nations)
    before = (store.latest_number(s.name), s.work)
    v = cv.Variant(without=(out,), locks=(keep,))
    outcome = cv.solve_variant(s, env, v)
    assert outcome.solved, (outcome.error, outcome.result and outcome.result.status)
    assert outcome.name == f"{s.name}~without-{out}+1-locked" and outcome.revision == 1
    assert (store.latest_number(s.name), s.work) == before
    saved = store.revision(outcome.name)
    assert saved.message.startswith(f"what-if: without {out}; 1 sector locked (")
    work = saved.working(scenario)
    assert work == outcome.work and out not in work.settings.force
    assert work.plan.get(*keep) == s.plan.get(*keep) and keep in work.plan.pins
    report = check(work.plan, scenario, work.settings.mandate, table=env.table_for(work),
                   contingents=work.settings.contingents(scenario),
                   vetoes=work.settings.vetoes_in_force(scenario))
    assert report.totals()["hard"] == 0
    assert all(out not in a.nations for a in work.plan)
    # it shows as B against the working plan, and applying it is one revision
    b = cv.resolve(("variant", outcome.name), s, env)
    assert b.work == work
    applied = actions.apply_variant(s, env, b.work, f"'{outcome.name}' revision 1")
    assert not applied.error and applied.work == work
    assert store.latest_number(s.name) == before[0] + 1
    assert store.revision(s.name).message == f"apply what-if '{outcome.name}' revision 1"
    again = actions.apply_variant(applied, env, b.work, "it")
    assert store.latest_number(s.name) == before[0] + 1 and "already is" in again.notice
    # solving again appends a revision to the same what-if plan
    assert cv.solve_variant(s, env, cv.Variant(without=(out,)),
                            name=outcome.name).revision == 2


def test_an_infeasible_variant_says_why_in_plain_words_and_saves_nothing(scenario, store):
    env = env_for(scenario, store)
    s = opened(env)
    names = store.names()
    outcome = cv.solve_variant(s, env, cv.Variant(mandate="chapter-vii"))
    assert not outcome.solved and outcome.result.status == "INFEASIBLE"
    lines = cv.explanation_lines(outcome.result)
    assert any("disarmament" in line and "R-TASKS" in line for line in lines)
    assert store.names() == names


def test_a_variant_name_outside_the_working_plans_what_ifs_is_refused(mini_shared, store):
    env = env_for(mini_shared, store)
    s = opened(env)
    for name in (s.name, "other", f"{s.name}~"):
        outcome = cv.solve_variant(s, env, cv.Variant(), name=name)
        assert not outcome.solved and "never the working plan" in outcome.error
        assert outcome.result is None  # refused before any solve
    assert store.names() == [s.name]


def test_two_maps_of_1000_sectors_stay_under_1_mb(tmp_path, store):
    """Each sector shape is sent once for both maps: the document of two maps of 1,000
    sectors (a synthetic scenario) stays under 1 MB, like the Plan page's map."""
    import random

    from bench.synthetic import write_synthetic
    from planner.files.scenario_file import load_scenario
    scenario = load_scenario(write_synthetic(tmp_path / "syn", sectors=(500, 300, 200),
                                             contingents=40, seed=2, rules="planning"))
    env = env_for(scenario, store)
    base = Working(Plan({}), default_settings(scenario))
    keys = env.table_for(base).keys
    codes = [c.code for c in scenario.contingents]
    pick = random.Random(0).choice
    a = Plan.from_assignments([Assignment(p, s, pick(codes), {pick(codes): 100})
                               for p, s in keys])
    b = Plan.from_assignments([Assignment(x.phase, x.sector_id, pick(codes), x.troops)
                               if i % 20 == 0 else x for i, x in enumerate(a)])
    sa, sb = (cv.Chosen(("working",), label, base.with_plan(p)) for label, p in
              (("A", a), ("B", b)))
    c = cv.comparison_of(sa, sb, env)
    last = scenario.phase_numbers[-1]
    assert len(env.table_for(base).open_in(last)) == 1000
    doc = cv.compare_map_html(env, sa, sb, c, last)
    assert len(data_of(doc)["shapes"]) == 1000
    assert len(doc.encode("utf-8")) < 1_000_000


def test_compare_maps_show_who_holds_the_ground_around_the_sectors(tmp_path):
    from factory import disengagement
    from planner.domain.holdings import authority_colours, party_colours
    from planner.files.scenario_file import load_scenario
    from planner.ui.compare_view.maps import holdings_data
    scenario = load_scenario(disengagement(tmp_path / "s"))
    one, three = holdings_data(scenario, 1), holdings_data(scenario, 3)
    assert one["handed"] is None  # nothing is handed over before phase 3
    tips = [f["properties"]["tip"] for f in three["handed"]["features"]]
    assert tips == ["Handed over to Civil Administration"]
    colours = {f["properties"]["name"]: f["properties"]["colour"]
               for f in three["held"]["features"]}
    assert colours == party_colours(scenario)  # the Plan page's colours
    assert [f["properties"]["tip"] for f in three["lines"]["features"]] == ["Line A"]
    assert {(h["kind"], h["name"]) for h in three["holders"]} == {
        ("party", "West"), ("party", "East"), ("authority", "Civil Administration"),
        ("line", "Line A")}
    assert three["holders"][2]["colour"] == authority_colours(scenario)["Civil Administration"]
