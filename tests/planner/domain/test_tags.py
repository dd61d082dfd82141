"""Tags from named context (coasts, zones) and the requirement overrides they trigger."""
from types import MappingProxyType

import pytest
import yaml

from factory import frame, rect, write_scenario
from geo.export import write_geojson
from planner.domain.scenario import Mandate, Override
from planner.domain.sectors import sector_table
from planner.files.scenario_file import load_scenario


def with_zones(folder):
    """``folder`` with the zones layer written beside the mini scenario's layers."""
    write_geojson(zones_layer(), folder / "zones.geojson")
    return folder


def zones_layer():
    # A holds three quarters of the western sectors, B all of the eastern ones and a quarter
    # of the western ones, C a thin band across the middle: a tenth of each sector beside it
    return frame({"zone": ["A", "B", "C"]},
                 [rect(0, 0, 3000, 4000), rect(3000, 0, 8000, 4000), rect(3600, 0, 4400, 4000)])


@pytest.fixture
def zoned(tmp_path, mini_doc):
    mini_doc["layers"]["zones"] = "zones.geojson"
    mini_doc["mandates"]["chapter-vi"]["overrides"] = {
        "zone:B": {"troops_min": 500, "tasks": ["monitoring", "policing"]},
        "coast:coast": {"troops_per_1000": 10},
    }
    return load_scenario(with_zones(write_scenario(tmp_path / "zoned", mini_doc)))


def test_a_sector_is_in_a_zone_when_most_of_its_area_lies_inside(zoned):
    zones = dict(zip(zoned.layers.sectors["sector_id"], zoned.layers.sectors["zones"]))
    assert zones == {"P1-S01": "A", "P1-S02": "B", "P2-S01": "A", "P2-S02": "B"}


def test_named_coasts_and_zones_become_tags(zoned):
    table = sector_table(zoned)
    assert {"coast:coast", "coastal", "zone:A", "border:Beta"} <= table.tags(1, "P1-S01")
    assert "zone:B" not in table.tags(1, "P1-S01") and "zone:C" not in table.tags(1, "P1-S01")
    assert "coast:coast" not in table.tags(2, "P2-S01")  # inland


def test_overrides_replace_the_mandates_terms_for_tagged_sectors_in_order(zoned):
    table = sector_table(zoned)
    vi = zoned.mandates["chapter-vi"]
    west = table.requirement(2, "P2-S01", vi)  # zone A, inland: the mandate's own terms
    assert west.troops == max(20, 3 * 10_000 // 1000) and west.overrides == ()
    north_west = table.requirement(1, "P1-S01", vi)  # coast: 10 per 1,000 of 20,000
    assert north_west.troops == 200 and north_west.overrides == ("coast:coast",)
    north_east = table.requirement(1, "P1-S02", vi)  # zone B and coast: both apply
    assert north_east.troops == 500 and north_east.overrides == ("zone:B", "coast:coast")
    assert north_east.tasks == {"monitoring", "policing"}  # tasks replaced, the gate's too


def test_when_overrides_disagree_the_last_listed_wins_for_each_key_it_sets():
    mandate = Mandate("m", "M", 3, 0, 100, MappingProxyType({"all": ("monitoring",)}), (
        Override("zone:A", troops_min=600, tasks=("separation",)),
        Override("zone:B", troops_min=50, troops_per_1000=1)))
    terms = mandate.terms({"all", "zone:A", "zone:B"})
    assert (terms.troops_min, terms.troops_per_1000, terms.tasks) == (50, 1, {"separation"})
    assert mandate.terms({"all", "zone:A"}).troops_min == 600
    assert mandate.terms({"all"}).overrides == ()


def test_a_tag_naming_no_zone_or_coast_is_warned_about_naming_what_exists(tmp_path, mini_doc):
    mini_doc["layers"]["zones"] = "zones.geojson"
    mini_doc["mandates"]["chapter-vi"]["tasks"]["zone:Z"] = ["policing"]
    mini_doc["contingents"][0]["prefers"] = ["coast:Red Sea"]
    scenario = load_scenario(with_zones(write_scenario(tmp_path / "s", mini_doc)))
    text = "\n".join(str(w) for w in scenario.layers.warnings)
    assert "field 'tasks.zone:Z': value 'zone:Z': unknown zone: no zones layer's `zone` is " \
        "'Z' (there are: A, B, C); the tag matches no sector" in text
    assert "contingent 0 (id 'AAA'): field 'prefers': value 'coast:Red Sea': unknown coast" in text


def test_the_mini_sectors_carry_coast_and_zone_columns_even_without_zones(mini):
    assert mini.layers.zones is None
    assert mini.layers.sectors["coasts"].tolist() == ["coast", "coast", "", ""]
    assert mini.layers.sectors["zones"].tolist() == ["", "", "", ""]
    assert yaml.safe_load((mini.root / "scenario.yaml").read_text())["name"] == "Mini"
