"""``planner scenario holdings`` and what ``planner scenario inspect`` says of parties, lines,
handovers and who holds what, on the disengagement scenario (see factory.disengagement)."""
import json
import re

import geopandas as gpd
import pytest

from factory import disengagement
from planner.cli import main


@pytest.fixture
def dis(tmp_path):
    return disengagement(tmp_path / "dis")


def phase_block(text: str, phase: int) -> str:
    """The lines of one phase's table in the holdings text."""
    return re.split(rf"\n  Phase {phase}\b[^\n]*\n", text, maxsplit=1)[1].split("\n  Phase")[0]


def test_holdings_prints_each_phase_and_writes_a_layer_covering_the_territory(dis, tmp_path,
                                                                             capsys):
    out = tmp_path / "holdings.geojson"
    assert main(["scenario", "holdings", str(dis), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    third = phase_block(text, 3)
    assert re.search(r"Civil Administration\s+authority\s+4\.0\s+8%", third)
    assert re.search(r"the force\s+force\s+28\.0\s+58%", third)
    assert re.search(r"West\s+party\s+8\.0\s+17%", third)
    assert "Civil Administration" not in phase_block(text, 2)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "crs" not in doc and doc["name"] == "holdings"
    layer = gpd.read_file(out)
    assert layer.crs.to_epsg() == 4326
    assert layer.groupby("phase")["km2"].sum().to_dict() == pytest.approx(
        {1: 48.0, 2: 48.0, 3: 48.0})
    assert set(layer["kind"]) == {"party", "force", "authority"}


def test_holdings_writes_a_geopackage_and_json_rows(dis, tmp_path, capsys):
    out = tmp_path / "holdings.gpkg"
    assert main(["scenario", "holdings", "--scenario", str(dis), "-o", str(out),
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"phase": 3, "holder": "Civil Administration", "kind": "authority", "km2": 4.0,
            "share": pytest.approx(0.0833)} in rows
    assert gpd.read_file(out, layer="holdings")["holder"].tolist() == [r["holder"] for r in rows]


def test_holdings_of_one_army_say_the_army_and_a_missing_folder_exits_2(tmp_path, capsys):
    assert main(["scenario", "holdings"]) == 0  # the bundled Gaza scenario
    assert re.search(r"the army\s+party\s+[\d.]+\s+1[2-8]%",
                     phase_block(capsys.readouterr().out, 3))
    assert main(["scenario", "holdings", "-o", str(tmp_path / "no" / "h.geojson")]) == 2
    assert "'--output'" in capsys.readouterr().err


def test_inspect_names_parties_lines_handovers_and_holdings(dis, capsys):
    assert main(["scenario", "inspect", str(dis)]) == 0
    text = capsys.readouterr().out
    assert "parties: East, West" in text
    assert "lines: Line A (5.0 km)" in text
    assert "phase 3: 4.0 km² to Civil Administration" in text
    assert re.search(r"Civil Administration\s+authority\s+4\.0", text)
    assert main(["scenario", "inspect", str(dis), "--format", "json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["parties"] == ["East", "West"] and s["lines"] == [{"name": "Line A", "km": 5.0}]
    assert s["handovers"] == [{"phase": 3, "authority": "Civil Administration", "km2": 4.0}]
    assert sum(h["km2"] for h in s["holdings"] if h["phase"] == 2) == pytest.approx(48.0)
