import numpy as np
import pytest

from shapely.geometry import Point

from geo.attributes import Surroundings, areal_population, far_crossings, polygon_attributes
from geo.zones import held_by_phase

from factory import MINI_LAYERS, at, frame, rect


@pytest.fixture
def around():
    places = MINI_LAYERS["places"]()
    return Surroundings(MINI_LAYERS["population"](), places[places["kind"] == "crossing"],
                        MINI_LAYERS["borders"](), urban_density=2000, touch_m=25, border_m=600,
                        crossing_m=600, min_contact_m=200)


def test_areal_population_splits_counts_by_overlapping_area():
    pop = areal_population([rect(2000, 0, 6000, 4000), rect(0, 0, 1000, 1000)],
                           MINI_LAYERS["population"]())
    # half of west (20,000) plus half of east (10,000); 1/16 of west
    assert pop == pytest.approx([30_000, 2_500])


def test_polygon_attributes_on_hand_made_sectors(around):
    sectors = MINI_LAYERS["sectors"]()
    phase2 = sectors[sectors["phase"] == 2].reset_index(drop=True)
    held = held_by_phase(MINI_LAYERS["held"](), [1, 2])[2]
    out = polygon_attributes(phase2, around, held)
    assert out["area_km2"].tolist() == pytest.approx([4.0, 4.0])
    assert out["population"].tolist() == [10_000, 5_000]
    assert out["density"].tolist() == pytest.approx([2500, 1250])
    assert out["urban"].tolist() == [True, False]
    assert out["contact_line"].tolist() == [True, True]
    assert out["contact_km"].tolist() == pytest.approx([4.0, 4.0], abs=0.06)
    assert out["crossings"].tolist() == ["", "Gate"]
    assert out["borders"].tolist() == ["Beta", ""]  # Alpha is 1 km away, beyond 600 m
    assert out["coastal"].tolist() == [False, False]


def test_contact_line_needs_a_real_shared_edge_not_a_corner(around):
    sector = MINI_LAYERS["sectors"]().iloc[[2]]  # x 0..4000, y 1000..2000
    corner = polygon_attributes(sector, around, rect(4000, 0, 5000, 1000))
    assert not corner["contact_line"].iloc[0]  # ~50 m inside the 25 m band: under 200 m
    edge = polygon_attributes(sector, around, rect(0, 0, 1000, 1000))
    assert edge["contact_line"].iloc[0]
    assert edge["contact_km"].iloc[0] == pytest.approx(1.0, abs=0.06)


def test_coastal_flag_marks_sectors_on_the_coast(around):
    out = polygon_attributes(MINI_LAYERS["sectors"]().iloc[:2], around, None)
    assert out["coastal"].tolist() == [True, True]
    assert not out["contact_line"].any()
    assert np.all(out["contact_km"] == 0)


def sector_with(people):
    """A 4,800 km² square sector and population polygons ``people``: [(km², residents)],
    each a square in the sector's south-west corner."""
    side = 4800 ** 0.5 * 1000
    geoms = [rect(0, 0, (km2 ** 0.5) * 1000, (km2 ** 0.5) * 1000) for km2, _ in people]
    pop = frame({"population": [n for _, n in people]}, geoms)
    sector = frame({"sector_id": ["S"]}, [rect(0, 0, side, side)])
    places = MINI_LAYERS["places"]()
    return sector, Surroundings(pop, places[places["kind"] == "crossing"],
                                MINI_LAYERS["borders"](), urban_density=5000, touch_m=25,
                                border_m=500, crossing_m=1000, min_contact_m=200)


def test_a_city_makes_a_large_rural_sector_urban_whatever_its_average_density():
    # 180,000 people in a 30 km² city (6,000 per km²), 400,000 over 4,800 km² of countryside
    sector, around = sector_with([(4800, 400_000), (30, 180_000)])
    out = polygon_attributes(sector, around, None)
    assert out["density"].iloc[0] < 200  # the average says rural ...
    assert out["urban"].iloc[0]  # ... but 180,000 people live densely


def test_a_small_dense_town_does_not_make_a_rural_sector_urban():
    sector, around = sector_with([(4800, 400_000), (2, 12_000)])
    assert not polygon_attributes(sector, around, None)["urban"].iloc[0]


def test_a_sector_is_urban_when_most_of_its_residents_live_densely():
    # 30,000 people: under the 50,000 of an urban centre, but 20,000 (two thirds) live densely
    sector, around = sector_with([(4800, 10_000), (2, 20_000)])
    assert polygon_attributes(sector, around, None)["urban"].iloc[0]


def test_far_crossings_names_each_crossing_beyond_reach_with_its_distance():
    crossings = frame({"name": ["near", "far"]}, [Point(at(100, 100)), Point(at(-2000, 500))])
    far = far_crossings([rect(0, 0, 1000, 1000)], crossings, 600)
    assert [(row, round(metres)) for row, metres in far] == [(1, 2000)]


def test_scenario_warns_of_a_crossing_no_sector_holds(tmp_path):
    from planner.files.scenario_file import load_scenario
    from factory import write_scenario
    places = frame({"name": ["Town", "Gate", "Far gate"], "kind": ["city", "crossing", "crossing"]},
                   [Point(at(2000, 3000)), Point(at(7000, 1500)), Point(at(-2000, 3000))])
    scenario = load_scenario(write_scenario(tmp_path / "s", layers={"places": places}))
    (warning,) = [w for w in scenario.layers.warnings if "crossing" in w.message]
    assert "places.geojson: feature 2 (id 'Far gate')" in str(warning)
    assert "lies 2,000 m from the nearest sector, beyond geography.crossing_m (600 m)" \
        in str(warning)
