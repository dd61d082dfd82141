import numpy as np
import pytest

from geo.attributes import Surroundings, areal_population, polygon_attributes
from geo.zones import held_by_phase

from factory import MINI_LAYERS, rect


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
