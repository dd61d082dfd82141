import json
import subprocess
import sys

import pytest

from planner.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, timeout=120)


def test_inspect_json_reports_the_bundled_figures():
    out = run("scenario", "inspect", "--format", "json")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert 330 <= s["territory_km2"] <= 400
    assert 2_000_000 <= s["population_total"] <= 2_400_000
    held = [p["held_fraction"] for p in s["phases"]]
    assert held == pytest.approx([0.53, 0.40, 0.15, 0.15], abs=0.03)  # 4 keeps the perimeter
    first = s["phases"][0]
    assert set(first) >= {"phase", "held_fraction", "vacated_km2", "increment_km2",
                          "population_vacated"}
    assert {c["code"]: c["troops"] for c in s["contingents"]}["IDN"] == 8000
    assert set(s["contingents"][0]) >= {"code", "troops", "tasks", "mandates"}


def test_inspect_text_names_the_disclaimer_and_phases(capsys):
    assert main(["scenario", "inspect"]) == 0
    out = capsys.readouterr().out
    assert "ILLUSTRATIVE DATA" in out and "Phase 3: security perimeter" in out


def test_inspect_bad_scenario_exits_2_without_traceback(tmp_path):
    (tmp_path / "scenario.yaml").write_text("name: x\nphases: 3\n", encoding="utf-8")
    out = run("scenario", "inspect", str(tmp_path))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "scenario.yaml: field 'phases': value 3: must be a list" in out.stderr


def test_layers_validate_reports_features_crs_and_repairs(tmp_path, capsys):
    bowtie = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
              "geometry": {"type": "Polygon", "coordinates": [[[34, 31], [34.1, 31.1],
                                                               [34.1, 31], [34, 31.1], [34, 31]]]}}]}
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(bowtie), encoding="utf-8")
    assert main(["layers", "validate", str(path), "--geometry", "polygon"]) == 2
    assert "--repair" in capsys.readouterr().err
    assert main(["layers", "validate", str(path), "--geometry", "polygon", "--repair"]) == 0
    out = capsys.readouterr().out
    assert "1 features" in out and "EPSG:4326" in out and "repaired:" in out


def test_layers_validate_wrong_geometry_exits_2_naming_feature(capsys):
    assert main(["layers", "validate", "data/gaza-isf/places.geojson", "--geometry", "line"]) == 2
    err = capsys.readouterr().err
    assert "places.geojson: feature 0 (id 'Gaza City'): field 'geometry'" in err


def command_lines(parser, prefix=()):
    """Every command line of ``parser``'s sub-commands, nested actions included."""
    import argparse
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield prefix + (name,)
                yield from command_lines(sub, prefix + (name,))


def test_help_is_available_for_every_command(capsys):
    from planner.cli.main import COMMANDS, build_parser
    lines = list(command_lines(build_parser()))
    assert {line[0] for line in lines} == set(COMMANDS)  # a command added later is covered
    for args in [()] + lines:
        with pytest.raises(SystemExit) as done:
            main([*args, "--help"])
        assert done.value.code == 0, args
        assert capsys.readouterr().out.startswith("usage: planner"), args
    assert run("--help").returncode == 0  # and as a program


def test_sectors_command_writes_rfc7946_with_progress_and_identical_reruns(tmp_path):
    outs = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.geojson"
        out = run("sectors", "--phase", "2", "--count", "4", "--seed", "3", "-o", str(path))
        assert out.returncode == 0, out.stderr
        assert "4/4 sectors of phase 2" in out.stderr  # the progress bar reached the end
        outs.append(path.read_bytes())
    assert outs[0] == outs[1]
    doc = json.loads(outs[0])
    assert "crs" not in doc
    assert [f["properties"]["sector_id"] for f in doc["features"]] == \
        ["P2-S01", "P2-S02", "P2-S03", "P2-S04"]
    assert {"population", "area_km2", "contact_line", "crossings", "borders", "coastal",
            "urban", "density"} <= set(doc["features"][0]["properties"])


def test_sectors_command_writes_geopackage_by_extension(tmp_path):
    import pyogrio
    path = tmp_path / "s.gpkg"
    assert main(["sectors", "--phase", "3", "--count", "2", "--balance", "area",
                 "-o", str(path)]) == 0
    info = pyogrio.read_info(path)
    assert info["features"] == 2


def test_sectors_command_refuses_impossible_counts_with_exit_2(tmp_path, capsys):
    assert main(["sectors", "--phase", "2", "--count", "100000", "-o",
                 str(tmp_path / "x.geojson")]) == 2
    assert "cells for 100000 sectors" in capsys.readouterr().err
    assert main(["sectors", "--phase", "9", "--count", "2", "-o",
                 str(tmp_path / "x.geojson")]) == 2
    assert "unknown phase" in capsys.readouterr().err
    assert not (tmp_path / "x.geojson").exists()
