"""Who holds what (planner.domain.holdings) on the disengagement scenario and variants of it."""
import pytest

from factory import disengagement, frame, rect
from geo.export import write_geojson
from planner.domain.holdings import (handover_pieces, handovers, holder_words, holdings_layer,
                                     holdings_rows)
from planner.files.scenario_file import load_scenario


def strip(x1, x2):
    return rect(x1, 0, x2, 4000)


@pytest.fixture
def dis(tmp_path):
    return load_scenario(disengagement(tmp_path / "dis"))


def test_holdings_cover_the_territory_each_phase_with_shares_that_add_to_one(dis):
    layer = holdings_layer(dis.zones)
    assert layer.groupby("phase")["km2"].sum().to_numpy() == pytest.approx([48.0] * 3)
    assert layer.groupby("phase")["share"].sum().to_numpy() == pytest.approx([1.0] * 3,
                                                                              abs=1e-3)
    assert holdings_rows(dis.zones, 3)[-1] == {"holder": "Civil Administration",
                                               "kind": "authority", "km²": 4.0,
                                               "share": pytest.approx(0.083)}


def test_ground_handed_over_while_held_passes_to_the_authority_when_vacated(tmp_path):
    folder = disengagement(tmp_path / "dis")
    # West still holds x < 4 km in phase 1 and vacates 2 to 4 km in phase 2: ground handed
    # over in phase 1 at 2.5 to 3 km is the authority's from phase 2 only
    write_geojson(frame({"phase": [1, 3], "authority": ["Police", "Civil Administration"]},
                        [strip(2500, 3000), strip(4000, 5000)]), folder / "handover.geojson")
    scenario = load_scenario(folder, sectors=False)  # holdings need no sectors
    assert handover_pieces(scenario.zones, 1).empty
    pieces = handover_pieces(scenario.zones, 3).set_index("authority")
    assert pieces.loc["Police", "since"] == 2 and pieces.loc["Police", "km2"] == \
        pytest.approx(2.0)
    assert pieces.loc["Civil Administration", "since"] == 3
    assert handovers(scenario) == [
        {"phase": 1, "authority": "Police", "km2": 2.0},
        {"phase": 3, "authority": "Civil Administration", "km2": 4.0}]


def test_holders_read_as_a_planner_says_them():
    assert holder_words("army", "party") == "the army"
    assert holder_words("force", "force") == "the force"
    assert holder_words("West", "party") == "West"
    assert holder_words("LAF", "authority") == "LAF"
