"""Adaptive cells: fine where people live, coarse where the land is empty."""
import copy

import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from geo.sectors import CELL_SHARE, make_cells

from factory import MINI_YAML, X0, Y0, frame, rect, write_scenario


def town_and_countryside(side_m):
    """A square zone of ``side_m`` with 1% of its people spread thin and the rest in a town."""
    zone = rect(0, 0, side_m, side_m)
    town = Point(X0 + 0.3 * side_m, Y0 + 0.6 * side_m).buffer(0.03 * side_m)
    pop = frame({"population": [1_000, 99_000]}, [zone, town])
    return zone, town, pop


@pytest.mark.parametrize("side_m", [4_000, 250_000])  # 16 km² and 62,500 km²
def test_cells_are_fine_in_the_town_and_coarse_in_the_countryside(side_m):
    zone, town, pop = town_and_countryside(side_m)
    k = 6
    cells = make_cells(zone, k, population=pop)
    sides = np.sqrt(shapely.area(cells.geoms))
    in_town = shapely.within(shapely.centroid(cells.geoms), town)
    assert np.median(sides[in_town]) * 4 <= np.median(sides[~in_town])
    ideal = cells.weights.sum() / k
    assert cells.weights.max() <= 1.05 * CELL_SHARE * ideal  # 5%: slivers merged in
    assert shapely.symmetric_difference(shapely.union_all(cells.geoms), zone).area < 1e-6 * zone.area
    assert (cells.lengths > 0).all() and len(cells.lengths) == len(cells.pairs)


def test_the_countryside_keeps_the_coarse_cells_of_an_empty_zone():
    zone, town, pop = town_and_countryside(250_000)
    people = make_cells(zone, 6, population=pop)
    empty = make_cells(zone, 6, balance="area")  # the coarsest squares, nowhere split
    near_town = shapely.dwithin(people.geoms, town, 0.1 * 250_000)
    assert (~near_town).sum() <= len(empty.weights)
    assert len(people.weights) > 2 * len(empty.weights)  # the town's fine cells


def test_cell_m_sets_the_smallest_side():
    zone, town, pop = town_and_countryside(4_000)
    cells = make_cells(zone, 6, population=pop, cell_m=50)
    assert cells.cell_m == 50
    assert np.sqrt(shapely.area(cells.geoms)).min() == pytest.approx(50, rel=0.05)


def test_sectors_command_cell_m_option_and_scenario_key_reach_the_cells(tmp_path, capsys):
    from planner.cli import main
    folder = write_scenario(tmp_path / "s")
    out = str(tmp_path / "x.geojson")
    # phase 1's increment is 8 x 2 km: 2 km cells make 4 of them, too few for 5 sectors
    assert main(["sectors", str(folder), "--phase", "1", "--count", "5", "--cell-m", "2000",
                 "-o", out]) == 2
    assert "field '--count': value 5: phase 1: the increment (territory minus the held area) " \
           "cannot take 5 sectors: the zone has only 4 cells for 5 sectors" in capsys.readouterr().err
    doc = copy.deepcopy(MINI_YAML)
    doc["sectoring"] = {"counts": {1: 2, 2: 2}, "cell_m": 2000}
    folder = write_scenario(tmp_path / "t", doc)
    assert main(["sectors", str(folder), "--phase", "1", "--count", "5", "-o", out]) == 2
    assert "only 4 cells for 5 sectors" in capsys.readouterr().err
    assert main(["sectors", str(folder), "--phase", "1", "--count", "5", "--cell-m", "100",
                 "-o", out]) == 0
