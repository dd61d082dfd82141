import pytest

from geo.zones import PhaseZones

from factory import MINI_LAYERS, frame, rect


def zones(held=None):
    return PhaseZones(MINI_LAYERS["territory"](), held if held is not None
                      else MINI_LAYERS["held"](), (1, 2))


def test_vacated_zones_are_territory_minus_held_area():
    table = zones().vacated_frame
    assert table["vacated_km2"].tolist() == pytest.approx([16.0, 24.0])
    assert table["held_fraction"].tolist() == pytest.approx([0.5, 0.25])
    assert table["increment_km2"].tolist() == pytest.approx([16.0, 8.0])


def test_increment_of_a_phase_is_what_it_vacates_beyond_the_previous_one():
    z = zones()
    assert z.increments[2].symmetric_difference(rect(0, 1000, 8000, 2000)).area < 1e-3
    assert z.increments_frame.geometry.iloc[1].equals(z.increments[2])


def test_regained_reports_a_phase_whose_held_area_grows():
    held = frame({"phase": [1, 2]}, [rect(0, 0, 8000, 1000), rect(0, 0, 8000, 2000)])
    assert zones(held).regained() == [(2, 8.0)]
    assert zones().regained() == []
