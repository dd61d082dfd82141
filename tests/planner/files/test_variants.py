"""Scenario variants (``extends: ../base``): what a variant changes, the resolved scenario the
commands see, errors naming the file each entry comes from, digests covering the base, and the
bundled scenarios' variants in tests/data/variants loaded, inspected, solved, diffed and swept."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from factory import MINI_YAML, write_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from planner.cli.main import main
from planner.files.format import scenario_schema
from planner.files.scenario_file import load_scenario
from planner.files.variant_files import write_resolved
from planner.files.variants import resolve_extends
from planner.sweep.problem import folder_digest

VARIANTS = Path(__file__).resolve().parents[2] / "data" / "variants"
GAZA_VARIANT = VARIANTS / "gaza-bangladesh"
LEBANON_VARIANT = VARIANTS / "lebanon-finland"


def write_variant(folder: Path, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False,
                                                         allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture
def base_dir(tmp_path):
    return write_scenario(tmp_path / "base")


def codes(scenario):
    return [c.code for c in scenario.contingents]


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


# --- the bundled scenarios' variants ---------------------------------------------------------
def test_gaza_variant_removes_a_contingent_adds_one_changes_one_and_adds_a_veto(gaza):
    v = load_scenario(GAZA_VARIANT)
    assert v.name == "Gaza ISF, Bangladesh for Türkiye (illustrative)"
    assert codes(v) == [c for c in codes(gaza) if c != "TUR"] + ["BGD"]
    idn, base_idn = v.contingent("IDN"), gaza.contingent("IDN")
    assert idn.troops == 7000 and base_idn.troops == 8000
    assert (idn.tasks, idn.mandates, idn.name) == (base_idn.tasks, base_idn.mandates,
                                                   base_idn.name)  # only troops given
    assert [(x.id, x.nation, x.phases) for x in v.vetoes] == \
        [(x.id, x.nation, x.phases) for x in gaza.vetoes if x.nation != "TUR"] + \
        [("V-PA-ARE", "ARE", (3,))]
    assert v.rules == gaza.rules and v.mandates == gaza.mandates
    assert v.root == GAZA_VARIANT  # its layers are the base's, read where they are
    assert len(v.layers.sectors) == len(gaza.layers.sectors) and v.layers.warnings == ()
    assert v.digest != gaza.digest


def test_lebanon_variant_adds_a_contingent_and_changes_one_rules_parameters():
    from planner.domain.scenario import BUNDLED_SCENARIOS
    base = load_scenario(next(p for p in BUNDLED_SCENARIOS if p.name == "south-lebanon"))
    v = load_scenario(LEBANON_VARIANT)
    assert codes(v) == codes(base) + ["FIN"]
    assert v.contingent("FIN").available_from == 2 and v.unit_of("FIN") == 50
    share = {r.id: r for r in v.rules}["R-SHARE"]
    assert dict(share.params) == {"max_share": 0.45} and share.kind == "max_share"
    assert [r.id for r in v.rules] == [r.id for r in base.rules]


def test_inspect_shows_what_the_variant_changes_and_resolved_prints_the_whole_scenario(capsys):
    code, out, err = run(capsys, "scenario", "inspect", GAZA_VARIANT)
    assert code == 0, err
    assert "extends ../../../../data/gaza-isf (" in out
    assert "contingents: added BGD; removed TUR; changed IDN (troops)" in out
    assert "vetoes: added V-PA-ARE; removed V-ISR-TUR" in out
    assert "BGD" in out.split("contingent  troops")[1]  # and in the force table
    code, out, _ = run(capsys, "scenario", "inspect", GAZA_VARIANT, "--format", "json")
    change = json.loads(out)["extends"][0]
    assert change["removed"] == {"contingents": ["TUR"], "vetoes": ["V-ISR-TUR"]}
    code, out, _ = run(capsys, "scenario", "inspect", GAZA_VARIANT, "--resolved")
    doc = yaml.safe_load(out)
    assert code == 0 and "extends" not in doc and "remove" not in doc
    assert [c["code"] for c in doc["contingents"]][-1] == "BGD"
    held = Path(__file__).resolve().parents[3] / "data" / "gaza-isf" / "held.geojson"
    assert doc["layers"]["held"] == str(held)  # absolute: the text loads from any folder
    resolved = resolve_extends(GAZA_VARIANT / "scenario.yaml").doc
    assert {k: v for k, v in doc.items() if k != "layers"} == \
        {k: v for k, v in resolved.items() if k != "layers"}


def test_resolved_text_saved_in_another_folder_loads_as_the_variant(tmp_path, capsys):
    """README: ``planner scenario inspect VARIANT --resolved > resolved.yaml``; the file
    saved in a folder of its own is the variant's scenario, layers and all."""
    code, out, err = run(capsys, "scenario", "inspect", GAZA_VARIANT, "--resolved")
    assert code == 0, err
    assert out.splitlines()[1] == "# Layer files are absolute paths: save this file in any " \
        "folder."
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "scenario.yaml").write_text(out, encoding="utf-8")
    saved, variant = load_scenario(elsewhere), load_scenario(GAZA_VARIANT)
    assert [c.code for c in saved.contingents] == [c.code for c in variant.contingents]
    assert saved.layers.held.equals(variant.layers.held)


def test_a_plain_scenario_inspects_as_before(capsys):
    code, out, _ = run(capsys, "scenario", "inspect", "--format", "json")
    assert code == 0 and "extends" not in json.loads(out)


def test_variant_solves_and_its_plan_records_the_variants_name_and_hash(tmp_path, capsys):
    plan = tmp_path / "plan.geojson"
    code, out, err = run(capsys, "solve", GAZA_VARIANT, "--time-limit", 10, "-o", plan)
    assert code == 0, err + out
    written = json.loads(plan.read_text(encoding="utf-8"))
    variant = load_scenario(GAZA_VARIANT)
    assert written["scenario"] == variant.identity
    nations = {f["properties"].get("lead") for f in written["features"]}
    assert "TUR" not in nations
    code, out, err = run(capsys, "diff", plan, plan, "--scenario", GAZA_VARIANT)
    assert code == 0 and "SAME" in out, err
    code, _, err = run(capsys, "check", plan)  # the base scenario is another scenario
    assert code == 2 and "Bangladesh for Türkiye" in err


def test_variant_sweeps_and_the_sweep_records_a_digest_covering_its_base(tmp_path, capsys):
    coalitions = tmp_path / "coalitions.txt"
    coalitions.write_text("IDN,PAK,EGY,AZE,ITA,ARE,QAT,BGD\nIDN,EGY,BGD\n", encoding="utf-8")
    out = tmp_path / "r.parquet"
    code, text, err = run(capsys, "sweep", GAZA_VARIANT, "--coalitions", coalitions,
                          "--mandates", "chapter-vi", "--time-limit", 2, "--workers", 0,
                          "-o", out)
    assert code == 0, err
    assert "2 cases: 2 decided now" in text
    from planner.sweep.results import read_results
    frame = read_results(out)
    assert set(frame["scenario"]) == {folder_digest(GAZA_VARIANT)}
    assert folder_digest(GAZA_VARIANT) != folder_digest(GAZA_VARIANT / "../../../../data/gaza-isf")
    assert set(frame["coalition"]) == {"IDN+PAK+EGY+AZE+ITA+ARE+QAT+BGD", "IDN+EGY+BGD"}


def test_the_apps_what_if_base_of_a_variant_is_the_variants_force(tmp_path):
    from appstate import env_for, opened

    from planner.files.store import PlanStore
    from planner.ui import whatif_view as wv
    v = load_scenario(GAZA_VARIANT)
    env = env_for(v, PlanStore(tmp_path / "ws"))
    state = opened(env)
    base = wv.sweep_base(env.scenario_for(state.work), env.table_for(state.work), state.work)
    assert base.force == tuple(codes(v)) and "BGD" in base.force
    assert base.problem.digest == folder_digest(GAZA_VARIANT)


def test_an_uploaded_layer_replaces_the_bases_in_a_copy_of_its_own(tmp_path):
    from planner.ui.uploads import scenario_with_layer
    v = load_scenario(GAZA_VARIANT)
    pop = json.loads((v.root / "../../../../data/gaza-isf/population.geojson").read_text(
        encoding="utf-8"))
    for f in pop["features"]:
        f["properties"]["population"] //= 2
    halved = scenario_with_layer(v, "population", "census.geojson", json.dumps(pop).encode(),
                                 tmp_path / "a")
    assert halved.name == v.name and codes(halved) == codes(v)
    assert halved.layers.population["population"].sum() == \
        pytest.approx(v.layers.population["population"].sum() / 2, abs=5)
    assert resolve_extends(halved.root / "scenario.yaml").is_variant is False


# --- how keys merge (the mini scenario) -----------------------------------------------------
def test_entries_merge_on_their_key_and_mappings_key_by_key(base_dir, tmp_path):
    vi = dict(MINI_YAML["mandates"]["chapter-vi"], troops_min=50)
    variant = write_variant(tmp_path / "v", {
        "extends": "../base",
        "remove": {"rules": ["R-TASKS"], "mandates": ["chapter-vii"]},
        "geography": {"border_m": 900},
        "mandates": {"chapter-vi": vi, "light": {"troops_min": 10,
                                                 "tasks": {"all": ["monitoring"]}}},
        "contingents": [{"code": "AAA", "mandates": ["chapter-vi"]},
                        {"code": "BBB", "mandates": ["chapter-vi", "light"]}],
        "rules": [{"id": "R-CAP", "severity": "soft", "weight": 3}],
        "troop_unit": 20})
    v, base = load_scenario(variant), load_scenario(base_dir)
    assert v.name == "Mini (variant v)"  # a variant without a name of its own
    assert list(v.mandates) == ["chapter-vi", "light"] and v.mandates["chapter-vi"].troops_min == 50
    assert v.contingent("BBB").mandates == {"chapter-vi", "light"}
    assert v.contingent("BBB").prefers == base.contingent("BBB").prefers
    assert v.geography.border_m == 900 and v.geography.touch_m == base.geography.touch_m
    assert [r.id for r in v.rules] == ["R-LEAD", "R-TROOPS", "R-CAP", "R-MANDATE", "R-PHASE",
                                       "R-VETO"]
    cap = next(r for r in v.rules if r.id == "R-CAP")
    assert (cap.kind, cap.severity, cap.weight) == ("capacity", "soft", 3.0)
    assert v.troop_unit == 20


def test_a_variant_of_a_variant_and_a_variant_dropping_the_sector_layer(base_dir, tmp_path):
    write_variant(tmp_path / "one", {"extends": "../base", "name": "One",
                                     "contingents": [{"code": "AAA", "troops": 500}]})
    two = write_variant(tmp_path / "two", {
        "extends": "../one", "remove": {"layers": ["sectors"], "contingents": ["CCC"]},
        "sectoring": {"counts": {1: 3, 2: 2}, "balance": "area"},
        "contingents": [{"code": "DDD", "troops": 250}]})
    v = load_scenario(two)
    assert v.name == "One (variant two)"
    assert codes(v) == ["AAA", "BBB", "DDD"]
    assert v.contingent("AAA").troops == 500 and v.contingent("DDD").troops == 250
    assert v.layers.sectors.groupby("phase").size().to_dict() == {1: 3, 2: 2}
    resolved = resolve_extends(two / "scenario.yaml")
    assert [p.parent.name for p in resolved.chain] == ["two", "one", "base"]
    assert resolved.changes[0].removed == {"contingents": ["CCC"], "layers": ["sectors"]}


def test_the_digest_covers_the_variant_its_bases_and_their_layers(base_dir, tmp_path):
    variant = write_variant(tmp_path / "v", {"extends": "../base", "name": "V"})
    first, folder = load_scenario(variant).digest, folder_digest(variant)
    doc = yaml.safe_load((base_dir / "scenario.yaml").read_text())
    doc["contingents"][0]["troops"] = 450
    (base_dir / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    second = load_scenario(variant).digest
    assert second != first and folder_digest(variant) != folder
    pop = base_dir / "population.geojson"
    pop.write_text(pop.read_text().replace("40000", "40001"))
    assert load_scenario(variant).digest != second
    assert load_scenario(variant).contingent("AAA").troops == 450


def test_a_variant_sweep_runs_again_when_its_base_changes(base_dir, tmp_path, capsys):
    variant = write_variant(tmp_path / "v", {"extends": "../base", "name": "V"})
    out = tmp_path / "r.parquet"
    args = ("sweep", variant, "--mandates", "chapter-vi", "--workers", 0, "--time-limit", 2,
            "-o", out)
    assert run(capsys, *args)[0] == 0
    assert "0 decided now" in run(capsys, *args)[1]
    doc = yaml.safe_load((base_dir / "scenario.yaml").read_text())
    doc["contingents"][0]["troops"] = 100
    (base_dir / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    code, text, _ = run(capsys, *args)
    assert code == 0 and "5 decided now" in text


def test_write_resolved_makes_a_folder_that_stands_alone(base_dir, tmp_path):
    variant = write_variant(tmp_path / "v", {"extends": "../base", "name": "V",
                                             "contingents": [{"code": "AAA", "troops": 420}]})
    copy = write_resolved(variant, tmp_path / "elsewhere" / "copy")
    (base_dir / "scenario.yaml").unlink()  # the copy needs nothing of the base
    s = load_scenario(copy)
    assert s.name == "V" and s.contingent("AAA").troops == 420
    assert (copy / "extends" / "held" / "held.geojson").is_file()


# --- errors name the file each entry comes from ---------------------------------------------
def error(path) -> str:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return str(caught.value)


def test_removing_what_the_base_lacks_names_both_files(base_dir, tmp_path):
    variant = write_variant(tmp_path / "v", {"extends": "../base",
                                             "remove": {"contingents": ["ZZZ"],
                                                        "rules": ["R-NONE"]}})
    text = error(variant)
    assert (f"{variant / 'scenario.yaml'}: field 'remove.contingents': value 'ZZZ': the base "
            f"({base_dir / 'scenario.yaml'}) has no contingent 'ZZZ'; it has: AAA, BBB, CCC, "
            "DDD") in text
    assert "field 'remove.rules': value 'R-NONE': the base" in text


def test_removing_a_contingent_a_veto_still_bars_says_what_to_remove_too(base_dir, tmp_path):
    variant = write_variant(tmp_path / "v", {"extends": "../base",
                                             "remove": {"contingents": ["DDD"]}})
    assert (f"field 'remove.contingents': value 'DDD': veto 'V1' ({base_dir / 'scenario.yaml'})"
            " still bars DDD: remove it too (`remove.vetoes`)") in error(variant)
    write_variant(variant, {"extends": "../base",
                            "remove": {"contingents": ["DDD"], "vetoes": ["V1"]}})
    assert codes(load_scenario(variant)) == ["AAA", "BBB", "CCC"]


def test_a_cycle_is_refused_naming_the_chain(tmp_path):
    write_variant(tmp_path / "a", {"extends": "../b"})
    write_variant(tmp_path / "b", {"extends": "../a"})
    text = error(tmp_path / "a")
    assert "field 'extends': value '../a': `extends` makes a cycle: " in text
    assert "a/scenario.yaml -> " in text and "b/scenario.yaml -> " in text


def test_a_missing_base_and_remove_without_extends_are_refused(tmp_path):
    write_variant(tmp_path / "v", {"extends": "../nowhere"})
    assert "field 'extends': value '../nowhere': no scenario to extend" in error(tmp_path / "v")
    write_variant(tmp_path / "w", {**MINI_YAML, "remove": {"rules": ["R-LEAD"]}})
    assert "field 'remove': `remove` drops entries of a base: give `extends` too" in \
        error(tmp_path / "w")


def test_problems_name_the_variant_or_the_base_and_the_entry_in_that_file(base_dir, tmp_path):
    variant = write_variant(tmp_path / "v", {
        "extends": "../base",
        "remove": {"contingents": ["AAA"]},
        "phases": [{"phase": 1, "label": "one"}],  # the base's CCC arrives in phase 2
        "contingents": [{"code": "BBB", "troops": -3}, {"code": "EEE", "troops": 10,
                                                        "colour": "red"}]})
    text = error(variant)
    mine, base = variant / "scenario.yaml", base_dir / "scenario.yaml"
    # BBB is the base's contingent 1; its troops come from the variant's entry 0
    assert f"{mine}: contingent 0 (id 'BBB'): field 'troops': value -3" in text
    assert f"{mine}: contingent 1 (id 'EEE'): field 'colour': unknown key" in text
    assert (f"{base}: contingent 2 (id 'CCC'): field 'available_from': value 2: must be one of 1"
            f" (in the scenario as {mine} extends it)") in text


def test_an_entry_given_twice_or_both_removed_and_given_is_refused(base_dir, tmp_path):
    variant = write_variant(tmp_path / "v", {
        "extends": "../base", "remove": {"vetoes": ["V1"]},
        "contingents": [{"code": "AAA", "troops": 1}, {"code": "AAA", "troops": 2}],
        "vetoes": [{"id": "V1", "by": "Beta", "nation": "AAA"}]})
    text = error(variant)
    assert "contingent 1 (id 'AAA'): field 'code': value 'AAA': this contingent is given twice" \
        in text
    assert "veto 0 (id 'V1'): field 'id': value 'V1': both removed (`remove.vetoes`) and given" \
        in text


# --- the schema ------------------------------------------------------------------------------
def test_the_schema_takes_a_variant_without_required_keys_but_not_a_plain_file_without_them():
    validator = jsonschema.Draft202012Validator(scenario_schema())
    for folder in (GAZA_VARIANT, LEBANON_VARIANT):
        doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(doc)] == []
    every = {"extends": "../base", "remove": {k: ["x"] for k in
                                              ("contingents", "vetoes", "rules", "mandates",
                                               "layers")},
             "rules": [{"id": "R-SHARE", "params": {"max_share": 0.5}}]}
    assert list(validator.iter_errors(every)) == []
    assert list(validator.iter_errors({"name": "plain", "contingents": [{"code": "A"}]}))
    assert list(validator.iter_errors({**MINI_YAML, "remove": {"rules": ["R-LEAD"]}}))
    assert list(validator.iter_errors({"extends": "../b", "remove": {"nations": ["A"]}}))


# --- fuzzing: only InputError escapes --------------------------------------------------------
_names = st.sampled_from(["AAA", "DDD", "V1", "R-CAP", "chapter-vi", "sectors", "held", "x",
                          "ZZZ"])
_values = st.recursive(st.one_of(st.none(), st.integers(-5, 500), st.text(max_size=6), _names),
                       lambda inner: st.one_of(
                           st.lists(inner, max_size=3),
                           st.dictionaries(st.sampled_from(
                               ["code", "id", "troops", "nation", "by", "params", "mandates",
                                "tasks", "contingents", "vetoes", "rules", "layers", "x"]),
                               inner, max_size=4)), max_leaves=12)
_variant = st.fixed_dictionaries(
    {"extends": st.sampled_from(["../base", "../base", ".", "../nowhere"])},
    optional={"remove": st.one_of(_values, st.dictionaries(
        st.sampled_from(["contingents", "vetoes", "rules", "mandates", "layers", "x"]),
        st.lists(_names, max_size=3), max_size=3)),
        "contingents": st.lists(st.one_of(_values, st.fixed_dictionaries(
            {"code": _names}, optional={"troops": _values})), max_size=3),
        "vetoes": _values, "rules": _values, "mandates": _values, "layers": _values,
        "geography": _values, "phases": _values, "name": _values})


@pytest.fixture(scope="module")
def fuzz_base(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("fuzz") / "base")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=_variant)
def test_fuzz_variants_only_input_errors_escape(doc, fuzz_base):
    variant = write_variant(fuzz_base.parent / "v", doc)
    try:
        load_scenario(variant, sectors=False)
    except InputError as exc:
        assert all(p.file for p in exc.problems)
