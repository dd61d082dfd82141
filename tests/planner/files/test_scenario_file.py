
import pytest
import yaml

from geo.errors import InputError
from planner.files.scenario_file import load_rules, load_scenario

from factory import MINI_LAYERS, frame, rect, write_scenario


def test_bundled_scenario_loads_with_labelled_illustrative_data(gaza):
    assert "ILLUSTRATIVE" in gaza.disclaimer
    assert gaza.crs.to_epsg() == 32636
    assert gaza.phase_numbers == [1, 2, 3, 4]  # phase 4: the police take over (illustrative)
    assert [c.code for c in gaza.contingents] == ["IDN", "PAK", "EGY", "AZE", "ITA", "TUR",
                                                  "ARE", "QAT"]
    assert [(v.nation, v.sectors) for v in gaza.vetoes] == [("TUR", None)]
    assert set(gaza.mandates) == {"chapter-vi", "chapter-vii"}
    assert gaza.layers.warnings == ()


def test_bundled_sectors_match_the_documented_counts(gaza):
    counts = gaza.layers.sectors.groupby("phase").size().to_dict()
    assert dict(gaza.sectoring.counts) == {1: 12, 2: 4, 3: 8, 4: 0}  # 4: a steady state
    assert counts == {p: n for p, n in gaza.sectoring.counts.items() if n}


def test_mini_scenario_projects_layers_to_its_metric_crs(mini):
    assert mini.layers.territory.crs.to_epsg() == 32636
    assert mini.layers.territory.area.iloc[0] == pytest.approx(32e6, rel=1e-6)
    assert mini.layers.sectors["population"].tolist() == [20_000, 10_000, 10_000, 5_000]


def test_scenario_without_crs_gets_auto_utm(tmp_path, mini_doc):
    del mini_doc["crs"]
    s = load_scenario(write_scenario(tmp_path / "s", mini_doc))
    assert s.crs.to_epsg() == 32636


def test_missing_and_wrongly_typed_fields_are_all_reported_at_once(tmp_path, mini_doc):
    del mini_doc["name"]
    mini_doc["contingents"][1]["troops"] = "lots"
    mini_doc["contingents"][2]["tasks"] = ["monitoring", "flying"]
    mini_doc["mandates"]["chapter-vi"]["troops_min"] = -5
    with pytest.raises(InputError) as err:
        load_scenario(write_scenario(tmp_path / "s", mini_doc))
    text = str(err.value)
    assert "scenario.yaml: field 'name': required field is missing" in text
    assert "contingent 1 (id 'BBB'): field 'troops': value 'lots': must be a whole number" in text
    assert "contingent 2 (id 'CCC'): field 'tasks': value 'flying': unknown task" in text
    assert "mandate 'chapter-vi' (id 'chapter-vi'): field 'troops_min': value -5: must be at " \
        "least 0" in text
    assert len(err.value.problems) == 4


def test_unknown_keys_are_refused(tmp_path, mini_doc):
    mini_doc["colour"] = "blue"
    mini_doc["contingents"][0]["trops"] = 5
    with pytest.raises(InputError) as err:
        load_scenario(write_scenario(tmp_path / "s", mini_doc))
    assert "field 'colour': unknown key" in str(err.value)
    assert "contingent 0 (id 'AAA'): field 'trops': unknown key" in str(err.value)


def test_unknown_rule_kind_and_parameter_name_the_rule_id(tmp_path, mini_doc):
    mini_doc["rules"].append({"id": "R-X", "kind": "no_such_kind", "severity": "hard"})
    mini_doc["rules"].append({"id": "R-Y", "kind": "max_share", "params": {"max": 0.5}})
    with pytest.raises(InputError) as err:
        load_scenario(write_scenario(tmp_path / "s", mini_doc))
    text = str(err.value)
    assert "(id 'R-X'): field 'kind': value 'no_such_kind': unknown rule kind" in text
    assert "(id 'R-Y'): field 'params.max': unknown parameter for kind 'max_share'" in text


def test_unknown_phase_in_held_layer_names_file_feature_and_value(tmp_path):
    held = frame({"phase": [1, 7], "label": ["a", "b"]},
                 [rect(0, 0, 8000, 2000), rect(0, 0, 8000, 1000)])
    with pytest.raises(InputError, match=r"held\.geojson: feature 1 \(id None\)|held\.geojson: "
                                         r"feature 1: field 'phase': value 7: unknown phase"):
        load_scenario(write_scenario(tmp_path / "s", layers={"held": held}))


def test_missing_population_field_and_bad_border_kind_are_reported_together(tmp_path):
    pop = frame({"name": ["all"]}, [rect(0, 0, 8000, 4000)])
    borders = MINI_LAYERS["borders"]()
    borders.loc[1, "kind"] = "river"
    with pytest.raises(InputError) as err:
        load_scenario(write_scenario(tmp_path / "s", layers={"population": pop,
                                                              "borders": borders}))
    text = str(err.value)
    assert "population.geojson: field 'population': required field is missing" in text
    assert "borders.geojson: feature 1 (id 'Alpha'): field 'kind': value 'river'" in text


def test_invalid_yaml_is_reported_with_its_position(tmp_path, mini_dir):
    (mini_dir / "scenario.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"scenario\.yaml: invalid YAML.*line"):
        load_scenario(mini_dir)


def test_yaml_aliases_are_refused(tmp_path, mini_dir):
    (mini_dir / "scenario.yaml").write_text("a: &x [1, 2]\nb: *x\n", encoding="utf-8")
    with pytest.raises(InputError, match="aliases"):
        load_scenario(mini_dir)


def test_overlapping_user_sectors_are_refused_and_gaps_warned(tmp_path):
    sectors = MINI_LAYERS["sectors"]()
    sectors.loc[0, "geometry"] = rect(0, 2000, 4500, 4000)   # overlaps P1-S02 by 1 km²
    sectors.loc[3, "geometry"] = rect(4000, 1000, 7000, 2000)  # leaves a 1 km² gap
    with pytest.raises(InputError, match=r"feature 0 \(id 'P1-S01'\).*overlaps sector P1-S02"):
        load_scenario(write_scenario(tmp_path / "a", layers={"sectors": sectors}))
    sectors.loc[0, "geometry"] = rect(0, 2000, 4000, 4000)
    s = load_scenario(write_scenario(tmp_path / "b", layers={"sectors": sectors}))
    assert any("phase 2: 1.000 km² of the increment is in no sector" in str(w)
               for w in s.layers.warnings)


def test_sector_straddling_two_increments_is_refused(tmp_path):
    sectors = MINI_LAYERS["sectors"]()
    sectors.loc[2, "geometry"] = rect(0, 1000, 4000, 2500)
    sectors.loc[0, "geometry"] = rect(0, 2500, 4000, 4000)
    with pytest.raises(InputError, match=r"P2-S01.*outside the increment of phase 2"):
        load_scenario(write_scenario(tmp_path / "s", layers={"sectors": sectors}))


def test_held_area_that_grows_in_a_later_phase_is_warned_naming_the_phase(tmp_path):
    held = MINI_LAYERS["held"]()
    held.loc[1, "geometry"] = rect(0, 0, 8000, 2500)  # phase 2 holds 2 km² more than phase 1
    sectors = MINI_LAYERS["sectors"]()
    sectors = sectors[sectors["phase"] == 1].reset_index(drop=True)
    sectors.loc[:, "geometry"] = [rect(0, 2500, 4000, 4000), rect(4000, 2500, 8000, 4000)]
    s = load_scenario(write_scenario(tmp_path / "s", layers={"held": held, "sectors": sectors}))
    (warning,) = [w for w in s.layers.warnings if "beyond the previous phase" in str(w)]
    assert "held.geojson: field 'phase': value 2: the held area of phase 2 reaches 4.000 km²" \
        in str(warning)


def test_scenario_without_sector_layer_cuts_sectors_from_its_counts(tmp_path, mini_doc):
    del mini_doc["layers"]["sectors"]
    mini_doc["sectoring"] = {"counts": {1: 3, 2: 2}, "balance": "area", "seed": 1}
    s = load_scenario(write_scenario(tmp_path / "s", mini_doc, layers={"sectors": None}))
    assert s.layers.sectors["sector_id"].tolist() == ["P1-S01", "P1-S02", "P1-S03",
                                                      "P2-S01", "P2-S02"]


def test_load_rules_reads_an_override_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": [{"id": "S", "kind": "max_share",
                                               "params": {"max_share": 0.5}}]}), encoding="utf-8")
    (spec,) = load_rules(path)
    assert (spec.id, spec.kind, spec.severity, dict(spec.params)) == \
        ("S", "max_share", "hard", {"max_share": 0.5})


def test_rules_naming_unknown_contingents_and_vetoes_naming_unknown_sectors_are_refused(
        tmp_path, mini_doc):
    import copy
    typo = copy.deepcopy(mini_doc)
    typo["rules"].append({"id": "R-COAST", "kind": "lead_restriction", "severity": "hard",
                          "params": {"attribute": "coastal", "nations": ["AAA", "GRB"]}})
    with pytest.raises(InputError, match=r"rule 7 \(id 'R-COAST'\): field 'params.nations': "
                                         r"value 'GRB': unknown contingent"):
        load_scenario(write_scenario(tmp_path / "a", typo))
    mini_doc["vetoes"][0]["sectors"] = ["P1-S09"]
    with pytest.raises(InputError, match=r"veto 0 \(id 'V1'\): field 'sectors': value "
                                         r"'P1-S09': unknown sector"):
        load_scenario(write_scenario(tmp_path / "b", mini_doc))


def test_a_crossing_is_a_crossing_whatever_the_case_of_its_kind(tmp_path):
    from shapely.geometry import Point

    from factory import at
    places = frame({"name": ["Town", "Gate"], "kind": ["city", "Crossing"]},
                   [Point(at(2000, 3000)), Point(at(7000, 1500))])
    scenario = load_scenario(write_scenario(tmp_path / "s", layers={"places": places}))
    assert scenario.layers.crossings["name"].tolist() == ["Gate"]
