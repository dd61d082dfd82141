import pytest

from geo.zones import increments, regained, vacated_zones

from factory import MINI_LAYERS, frame, rect


def test_vacated_zones_are_territory_minus_held_area():
    zones = vacated_zones(MINI_LAYERS["territory"](), MINI_LAYERS["held"](), [1, 2])
    assert zones["vacated_km2"].tolist() == pytest.approx([16.0, 24.0])
    assert zones["held_fraction"].tolist() == pytest.approx([0.5, 0.25])
    assert zones["increment_km2"].tolist() == pytest.approx([16.0, 8.0])


def test_increment_of_a_phase_is_what_it_vacates_beyond_the_previous_one():
    inc = increments(MINI_LAYERS["territory"](), MINI_LAYERS["held"](), [1, 2])
    assert inc.geometry.iloc[1].symmetric_difference(rect(0, 1000, 8000, 2000)).area < 1e-3


def test_regained_reports_a_phase_whose_held_area_grows():
    held = frame({"phase": [1, 2]}, [rect(0, 0, 8000, 1000), rect(0, 0, 8000, 2000)])
    assert regained(held, [1, 2]) == [(2, 8.0)]
