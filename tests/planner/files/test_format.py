"""The scenario format's one key list: the JSON Schema, the reader and docs/scenario-format.md
agree, and both bundled scenarios are valid under the schema."""
import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from factory import MINI_YAML, write_scenario
from geo.errors import InputError
from geo.export import write_geojson
from planner.domain.scenario import BUNDLED_SCENARIOS
from planner.files.format import key_paths, scenario_schema
from planner.files.scenario_file import load_scenario

DOC = Path(__file__).resolve().parents[3] / "docs" / "scenario-format.md"
VARIANT_KEYS = {"extends", "remove", "remove.contingents", "remove.vetoes", "remove.rules",
                "remove.mandates", "remove.layers"}


def validator():
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def full_doc() -> dict:
    """The mini scenario with every key of the format set (the reader must accept them)."""
    doc = copy.deepcopy(MINI_YAML)
    doc["marking"] = "UNCLASSIFIED // TEST"
    doc["layers"]["zones"] = "zones.geojson"
    doc["layers"]["context"] = {"roads": "roads.geojson"}
    doc["layers"]["handover"] = "handover.geojson"
    doc["layers"]["lines"] = "lines.geojson"
    doc["geography"].update(urban_share=0.5, urban_residents=50000, repair=False)
    doc["sectoring"] = {"counts": {1: 2, 2: 2}, "balance": "area", "seed": 1, "cell_m": 50}
    doc["mandates"]["chapter-vi"]["overrides"] = {"zone:A": {
        "troops_per_1000": 1, "troops_per_km2": 2, "troops_min": 30, "tasks": ["monitoring"],
        "observer_troops": 10}}
    doc["mandates"]["chapter-vi"]["observer_troops"] = 20
    doc["contingents"][0].update(unit=20, available_until=2, prefers=["zone:A"], role="ground")
    doc["vetoes"][0].update(phases=[1])
    doc["rules"].append({"id": "R-NOTE", "kind": "continuity", "severity": "soft",
                         "weight": 2, "params": {}, "note": "why"})
    return doc


def write_full(folder: Path) -> Path:
    from factory import frame, rect
    from shapely.geometry import LineString
    from factory import at
    write_scenario(folder, full_doc())
    write_geojson(frame({"zone": ["A"]}, [rect(0, 0, 4000, 4000)]), folder / "zones.geojson")
    write_geojson(frame({"name": ["road"]}, [LineString([at(0, 3000), at(8000, 3000)])]),
                  folder / "roads.geojson")
    write_geojson(frame({"phase": [2], "authority": ["Police"]}, [rect(0, 2000, 4000, 4000)]),
                  folder / "handover.geojson")
    write_geojson(frame({"name": ["Line A"]}, [LineString([at(4000, 0), at(4000, 4000)])]),
                  folder / "lines.geojson")
    return folder


@pytest.mark.parametrize("folder", BUNDLED_SCENARIOS, ids=lambda p: p.name)
def test_bundled_scenarios_are_valid_under_the_json_schema(folder):
    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    errors = [f"{list(e.path)}: {e.message}" for e in validator().iter_errors(doc)]
    assert errors == []


def test_a_scenario_setting_every_key_of_the_schema_is_valid_and_loads(tmp_path):
    doc = full_doc()
    assert list(validator().iter_errors(json.loads(json.dumps(doc)))) == []
    used = set(_paths(doc))
    # the document above sets every key but a variant's (test_variants.py sets those)
    assert set(key_paths()) - used - VARIANT_KEYS == set()
    scenario = load_scenario(write_full(tmp_path / "full"))
    assert scenario.unit_of("AAA") == 20 and scenario.layers.context["roads"] is not None


def _paths(value, prefix=""):
    """Dotted paths of ``value`` in the schema's notation (lists ``[]``, mappings ``.*``)."""
    if isinstance(value, dict):
        for key, child in value.items():
            if prefix in ("mandates", "layers.context") or prefix.endswith((".tasks", ".overrides")) \
                    or prefix == "sectoring.counts":
                yield from _paths(child, f"{prefix}.*")
                continue
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path
            if key != "params":
                yield from _paths(child, path)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield from _paths(item, f"{prefix}[]")


def test_every_key_is_described_in_the_documentation():
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9.*\[\]]+)`", text))
    missing = [p for p in key_paths() if p not in documented]
    assert missing == []


@pytest.mark.parametrize("where", ["", "layers", "geography", "sectoring", "phases",
                                   "mandates", "overrides", "contingents", "vetoes", "rules"])
def test_a_key_the_schema_does_not_have_is_refused_by_the_reader_and_the_schema(tmp_path, where):
    doc = full_doc()
    target = {"": doc, "layers": doc["layers"], "geography": doc["geography"],
              "sectoring": doc["sectoring"], "phases": doc["phases"][0],
              "mandates": doc["mandates"]["chapter-vi"],
              "overrides": doc["mandates"]["chapter-vi"]["overrides"]["zone:A"],
              "contingents": doc["contingents"][0], "vetoes": doc["vetoes"][0],
              "rules": doc["rules"][0]}[where]
    target["colour"] = "blue"
    assert list(validator().iter_errors(json.loads(json.dumps(doc))))
    folder = write_full(tmp_path / "s")
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError, match="colour'?: unknown key"):
        load_scenario(folder)


def test_the_schema_command_prints_the_schema(capsys):
    from planner.cli import main
    assert main(["scenario", "schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == scenario_schema()
    assert printed["properties"]["contingents"]["items"]["properties"]["unit"]["minimum"] == 1


def test_identifiers_that_could_start_a_formula_are_refused_by_the_schema():
    doc = copy.deepcopy(MINI_YAML)
    doc["contingents"][0]["code"] = "=1+2"
    doc["rules"][0]["id"] = "@SUM"
    bad = {tuple(e.path) for e in validator().iter_errors(doc)}
    assert ("contingents", 0, "code") in bad and ("rules", 0, "id") in bad
