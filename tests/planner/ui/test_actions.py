"""Actions on the app's state: one revision per change, nothing for views and refusals,
the whole working state saved and restored, two planners merged or asked to choose."""
import json

import pytest

from planner.files.planfile import read_plan
from planner.ui import actions
from planner.ui.exports import export_csv, export_geojson, export_gpkg
from planner.ui.view import view_of

from appstate import env_for, opened


def latest(store, state):
    return store.revision(state.name)


def first_sector(env, state, phase=1):
    return env.table_for(state.work).open_in(phase)[0]


def count(store, state):
    return store.latest_number(state.name)


def test_each_change_writes_one_revision_whose_message_names_the_action(scenario, store):
    env = env_for(scenario, store)
    s = opened(env)
    sector = first_sector(env, s)
    code = next(c.code for c in scenario.contingents if c.code != s.plan.get(1, sector).lead)
    unit = scenario.unit_of(code)
    steps = [
        (lambda s: actions.edit_lead(s, env, 1, sector, code), f"lead"),
        (lambda s: actions.edit_troops(s, env, 1, sector, code, 3 * unit), f"{code} troops"),
        (lambda s: actions.set_lock(s, env, 1, sector, True), f"lock {sector} (phase 1)"),
        (lambda s: actions.set_lock(s, env, 1, sector, False), f"unlock {sector} (phase 1)"),
        (lambda s: actions.set_mandate(s, env, list(scenario.mandates)[1]), "mandate: "),
        (lambda s: actions.set_force(s, env, [c.code for c in scenario.contingents
                                              if c.code != code]), f"force: without {code}"),
        (lambda s: actions.set_vetoes(s, env, False), "vetoes: off"),
        (lambda s: actions.undo(s, env), "undo"),
        (lambda s: actions.redo(s, env), "redo"),
    ]
    for step, words in steps:
        before = count(store, s)
        s = step(s)
        assert not s.error, s.error
        assert count(store, s) == before + 1, words
        assert words in latest(store, s).message
        assert latest(store, s).working(scenario) == s.work


def test_views_downloads_and_refused_input_write_nothing(scenario, store):
    env = env_for(scenario, store)
    s = opened(env)
    before = count(store, s)
    s = actions.set_phase(s, scenario.phase_numbers[-1])
    s = actions.select(s, first_sector(env, s, s.phase))
    view = view_of(s, env)
    export_geojson(view), export_csv(view)
    code = scenario.contingents[0].code
    s = actions.edit_troops(s, env, 1, first_sector(env, s), code, scenario.unit_of(code) + 1)
    assert "units of" in s.error and "not a multiple" in s.error
    s = actions.edit_troops(s, env, 1, first_sector(env, s), code, -5)
    assert "0 or more" in s.error
    s = actions.import_file(s, env, "broken.csv", b"phase,sector_id\n1,X\n")
    assert "Nothing was imported" in s.error and "broken.csv" in s.error
    assert count(store, s) == before


def test_locked_sectors_refuse_edits_until_unlocked(gaza, store):
    env = env_for(gaza, store)
    s = actions.set_lock(opened(env), env, 1, "P1-S05", True)
    before = (count(store, s), s.plan)
    for refused in (actions.edit_lead(s, env, 1, "P1-S05", "EGY"),
                    actions.edit_troops(s, env, 1, "P1-S05", "EGY", 100),
                    actions.edit_sectors(s, env, 1, {"P1-S05": {"lead": "EGY"}})):
        assert "locked" in refused.error
        assert (count(store, refused), refused.plan) == before
    s = actions.set_lock(s, env, 1, "P1-S05", False)
    s = actions.edit_lead(s, env, 1, "P1-S05", "EGY")
    assert s.plan.get(1, "P1-S05").lead == "EGY" and not s.error


def test_table_edits_apply_together_or_not_at_all(gaza, store):
    env = env_for(gaza, store)
    s = opened(env)
    s = actions.edit_sectors(s, env, 1, {"P1-S12": {"lead": "IDN", "TUR": 0, "IDN": 300},
                                         "P1-S11": {"ITA": 100}})
    assert s.plan.get(1, "P1-S12").lead == "IDN" and s.plan.get(1, "P1-S11").troops["ITA"] == 100
    before = (count(store, s), s.plan)
    s = actions.edit_sectors(s, env, 1, {"P1-S01": {"lead": "QQQ"}, "P1-S02": {"PAK": 75}})
    assert "'QQQ' is not a contingent" in s.error and "P1-S02: PAK troops move in units of 50" in s.error
    assert (count(store, s), s.plan) == before


def test_reopening_restores_settings_locks_and_recut_sectors(gaza, store):
    env = env_for(gaza, store)
    s = opened(env)
    s = actions.recut(s, env, 2, 6, "population")
    assert len([k for k in env.table_for(s.work).keys if k[1].startswith("P2-")]) == 6 * 3  # 2-4
    s = actions.set_mandate(s, env, "chapter-vi")
    s = actions.set_force(s, env, [c.code for c in gaza.contingents if c.code != "QAT"])
    s = actions.optimize(s, env)
    s = actions.apply_proposal(s, env)
    s = actions.set_lock(s, env, 2, "P2-R1-S06", True)
    assert view_of(s, env).report.totals()["hard"] == 0
    again = opened(env)  # a reload, a new tab or a server restart
    assert again.work == s.work and again.revision == s.revision
    view = view_of(again, env)
    assert (view.table.sectors["phase"] == 2).sum() == 6
    assert view.report.totals()["hard"] == 0
    assert all(v.sector in set(view.table.ids) for v in view.report.violations if v.sector)
    assert "QAT" not in again.settings.force and (2, "P2-R1-S06") in again.plan.pins


def test_optimizer_result_waits_for_apply_and_goes_out_of_date(scenario, store):
    env = env_for(scenario, store)
    s = opened(env)
    before = count(store, s)
    s = actions.optimize(s, env, least_change=False)
    assert s.proposal is not None and s.current(s.proposal) and count(store, s) == before
    applied = actions.apply_proposal(s, env)
    assert applied.plan == s.proposal.result.plan and applied.proposal is None
    assert applied.current(applied.solved)
    assert "optimize: " in latest(store, applied).message
    sector = first_sector(env, applied)
    code = next(c.code for c in scenario.contingents if c.code != applied.plan.get(1, sector).lead)
    edited = actions.edit_lead(applied, env, 1, sector, code)
    assert not edited.current(edited.solved)  # a manual edit: the solve result no longer holds
    again = actions.optimize(edited, env)
    other = actions.set_mandate(again, env, list(scenario.mandates)[1])
    assert not other.current(other.proposal)
    assert "out of date" in actions.apply_proposal(other, env).error


def test_exports_hold_the_shown_plan_and_every_contingent_column(scenario, store, tmp_path):
    import pyogrio
    env = env_for(scenario, store)
    s = actions.set_vetoes(opened(env), env, False)
    view = view_of(s, env)
    codes = [c.code for c in scenario.contingents]
    doc = json.loads(export_geojson(view))
    assert doc["settings"] == s.settings.as_dict() and doc["plan"]["revision"] == s.revision
    columns = set(doc["features"][0]["properties"])
    assert {f"troops_{c}" for c in codes} | {"mandate", "plan_name", "revision"} <= columns
    (tmp_path / "p.geojson").write_bytes(export_geojson(view))
    (tmp_path / "p.csv").write_bytes(export_csv(view))
    for name in ("p.geojson", "p.csv"):
        assert read_plan(tmp_path / name, view.table, codes) == s.plan
    (tmp_path / "p.gpkg").write_bytes(export_gpkg(view))
    layer = pyogrio.read_dataframe(tmp_path / "p.gpkg", layer="plan")
    assert {f"troops_{c}" for c in codes} | {"mandate", "plan_name", "revision"} <= set(layer.columns)


def test_importing_an_exported_geojson_restores_plan_and_settings(gaza, store):
    env = env_for(gaza, store)
    s = actions.set_mandate(opened(env), env, "chapter-vii")
    s = actions.set_vetoes(s, env, False)
    exported = export_geojson(view_of(s, env))
    changed = actions.set_mandate(actions.edit_lead(s, env, 1, "P1-S01", "ITA"), env, "chapter-vi")
    changed = actions.set_vetoes(changed, env, True)
    back = actions.import_file(changed, env, "plan.geojson", exported)
    assert back.work == s.work and "import plan.geojson" in latest(store, back).message
    assert back.notice == "Imported plan.geojson."


def test_two_planners_on_different_sectors_are_merged(gaza, store):
    alice, bob = env_for(gaza, store, "alice"), env_for(gaza, store, "bob")
    a, b = opened(alice), opened(bob)
    b = actions.edit_lead(b, bob, 1, "P1-S03", "EGY")
    a = actions.edit_lead(a, alice, 1, "P1-S04", "ITA")  # based on an older revision
    assert a.conflict is None and "merged with revision" in a.notice and "bob" in a.notice
    saved = latest(store, a).working(gaza)
    assert saved == a.work
    assert saved.plan.get(1, "P1-S03").lead == "EGY" and saved.plan.get(1, "P1-S04").lead == "ITA"
    b = actions.refresh(b, bob)
    assert b.work == a.work and "P1-S04 (phase 1)" in b.notice and "alice" in b.notice


def test_a_true_conflict_writes_nothing_until_the_planner_chooses(gaza, store):
    alice, bob = env_for(gaza, store, "alice"), env_for(gaza, store, "bob")
    a, b = opened(alice), opened(bob)
    b = actions.edit_lead(b, bob, 1, "P1-S03", "EGY")
    before = store.latest_number(a.name)
    a = actions.edit_lead(a, alice, 1, "P1-S03", "ITA")
    assert store.latest_number(a.name) == before and a.conflict is not None
    assert a.plan.get(1, "P1-S03").lead == "EGY"  # the page shows what is saved
    item = a.conflict.items[0]
    assert item.label == "P1-S03 (phase 1)" and "ITA" in item.mine and "EGY" in item.theirs
    # an unrelated change does not carry the refused value with it
    unrelated = actions.set_phase(actions.edit_lead(a, alice, 1, "P1-S07", "PAK"), 2)
    assert latest(store, unrelated).plan.get(1, "P1-S03").lead == "EGY"
    assert "Choose mine or theirs" in actions.resolve_conflict(a, alice, {}).error
    mine = actions.resolve_conflict(a, alice, {item.unit: "mine"})
    assert latest(store, mine).plan.get(1, "P1-S03").lead == "ITA" and mine.conflict is None
    assert "conflict with revision" in latest(store, mine).message


def test_replaced_layer_survives_a_reload(gaza, store):
    env = env_for(gaza, store)
    s = opened(env)
    pop = json.loads((gaza.root / "population.geojson").read_text(encoding="utf-8"))
    for f in pop["features"]:
        f["properties"]["population"] //= 2
    s = actions.replace_layer(s, env, "population", "census.geojson", json.dumps(pop).encode())
    assert not s.error and s.work.source
    again = opened(env)
    assert again.work == s.work
    assert view_of(again, env).scenario.layers.population["population"].sum() == pytest.approx(
        gaza.layers.population["population"].sum() / 2, abs=5)


def test_two_tabs_opening_a_new_workspace_at_once_share_one_plan(gaza, store, monkeypatch):
    from planner.domain.plan import Plan
    env = env_for(gaza, store)
    first = actions.open_plan(env, fallback=Plan({}).with_lead(1, "P1-S01", "IDN"))
    # the second tab looked before the first had created 'main' (a real race when two tabs
    # open a new workspace together): its creation is refused and it opens that plan
    monkeypatch.setattr(store, "names", lambda scope=None: [])
    second = actions.open_plan(env, "main", fallback=Plan({}).with_lead(1, "P1-S01", "EGY"))
    assert second.revision == first.revision == 1 and second.work == first.work


def test_importing_a_plan_made_for_a_changed_scenario_says_so(gaza, store):
    env = env_for(gaza, store)
    s = opened(env)
    doc = json.loads(export_geojson(view_of(s, env)))
    doc["scenario"]["hash"] = "0" * 16  # as if the scenario's files changed since
    s = actions.import_file(s, env, "old.geojson", json.dumps(doc).encode())
    assert s.notice.startswith("Imported old.geojson.") and "files have changed" in s.notice
    assert "old.geojson" in s.notice and "/tmp" not in s.notice


def test_re_cut_sectors_get_ids_of_their_own_each_time(gaza, store):
    env = env_for(gaza, store)
    s = actions.recut(opened(env), env, 2, 3, "area")
    s = actions.recut(s, env, 2, 2, "population")
    ids = sorted(k[1] for k in env.table_for(s.work).keys if k[0] == 2 and k[1][1] == "2")
    assert ids == ["P2-R2-S01", "P2-R2-S02"]


def test_optimize_refuses_a_lock_in_broken_units_naming_it_instead_of_crashing(gaza, store):
    env = env_for(gaza, store)
    state = opened(env)
    a = state.plan.get(3, "P2-S04")
    odd = {n: t for n, t in a.troops.items() if t % gaza.unit_of(n)}
    assert odd, "the example plan's P2-S04 holds troops off the unit in phase 3"
    state = actions.set_lock(state, env, 3, "P2-S04", True)
    before = count(store, state)
    state = actions.optimize(state, env, least_change=False)
    assert state.proposal is None and count(store, state) == before
    nation, troops = next(iter(odd.items()))
    assert state.error.startswith("Optimize did not run: P2-S04 (phase 3): pinned troops "
                                  f"{troops} are not a multiple of {nation}'s troop unit")
