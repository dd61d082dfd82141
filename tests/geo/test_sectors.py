import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geo.export import write_geojson
from geo.partition import PartitionError
from geo.sectors import partition_zone, polsby_popper

from factory import MINI_LAYERS, UTM, X0, Y0, rect


def overlaps(geoms):
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    return shapely.area(shapely.intersection(geoms[left[keep]], geoms[right[keep]]))


def assert_sector_guarantees(zone, sectors, k):
    geoms = sectors.geometry.values
    assert len(geoms) == k
    union = shapely.union_all(geoms)
    assert shapely.symmetric_difference(union, zone).area < 1e-4 * zone.area
    assert (overlaps(geoms) <= 1.0).all()
    assert (shapely.get_type_id(geoms) == 3).all(), "each sector is one polygon"
    # holes only where the zone has them: a sector's hole holds no zone area
    for g in geoms:
        for ring in g.interiors:
            assert shapely.Polygon(ring).intersection(zone).area < 1.0


@st.composite
def zones(draw):
    """Random blobs: unions of a few discs and boxes, sometimes with a hole or in two pieces."""
    n = draw(st.integers(1, 4))
    parts = []
    for _ in range(n):
        x, y = draw(st.floats(0, 6000)), draw(st.floats(0, 6000))
        r = draw(st.floats(800, 3000))
        if draw(st.booleans()):
            parts.append(Point(X0 + x, Y0 + y).buffer(r, quad_segs=6))
        else:
            parts.append(rect(x, y, x + r * 1.5, y + r * 0.7))
    zone = shapely.union_all(parts)
    if draw(st.booleans()):
        c = zone.representative_point()
        zone = zone.difference(c.buffer(200))
    return zone


@settings(max_examples=25, deadline=None)
@given(zone=zones(), k=st.integers(1, 7), seed=st.integers(0, 1000),
       balance=st.sampled_from(["population", "area"]))
def test_partition_zone_covers_exactly_with_one_piece_sectors(zone, k, seed, balance):
    pop = MINI_LAYERS["population"]()
    pieces = shapely.get_num_geometries(zone)
    if pieces > k:
        with pytest.raises(PartitionError, match="separate parts"):
            partition_zone(zone, k, balance=balance, population=pop, seed=seed, cell_share=0.05)
        return
    sectors = partition_zone(zone, k, balance=balance, population=pop, seed=seed,
                             cell_share=0.05, crs=UTM)
    assert_sector_guarantees(zone, sectors, k)


def test_partition_zone_balances_area_within_five_percent():
    zone = rect(0, 0, 9000, 3000)
    sectors = partition_zone(zone, 6, balance="area", seed=2, crs=UTM)
    areas = sectors.area.to_numpy()
    assert np.abs(areas - areas.mean()).max() / areas.mean() < 0.05


def test_partition_zone_numbers_sectors_north_to_south():
    sectors = partition_zone(rect(0, 0, 2000, 12000), 4, balance="area", seed=0, crs=UTM)
    ys = shapely.get_y(shapely.centroid(sectors.geometry.values))
    assert (np.diff(ys) < 0).all()


def test_partition_zone_refuses_more_sectors_than_cells():
    with pytest.raises(PartitionError, match="cells for 50 sectors"):
        partition_zone(rect(0, 0, 1000, 1000), 50, balance="area", cell_m=250)


def test_partition_zone_writes_byte_identical_files_for_the_same_seed(tmp_path):
    zone = Point(X0, Y0).buffer(4000)
    for name in ("a", "b"):
        write_geojson(partition_zone(zone, 5, balance="area", seed=11, crs=UTM),
                      tmp_path / f"{name}.geojson")
    assert (tmp_path / "a.geojson").read_bytes() == (tmp_path / "b.geojson").read_bytes()


def test_bundled_sectors_meet_balance_compactness_and_cover(gaza):
    from planner.domain.derive import scenario_increments
    inc = scenario_increments(gaza)
    sectors = gaza.layers.sectors
    for phase, zone in zip(inc["phase"], inc.geometry.values):
        mine = sectors[sectors["phase"] == phase]
        if zone.is_empty:  # phase 4, a steady state: nothing new to cut
            assert mine.empty
            continue
        assert_sector_guarantees(zone, mine, len(mine))
        pop = mine["population"].to_numpy()
        assert np.abs(pop - pop.mean()).max() / pop.mean() <= 0.10
    assert np.median(polsby_popper(sectors.geometry.values)) >= 0.25


def test_bundled_sector_file_is_what_the_generator_writes(gaza, tmp_path):
    import shutil

    from data.sector_layers import write_sectors
    folder = shutil.copytree(gaza.root, tmp_path / "gaza")
    write_sectors(folder)  # as make_layers.py does: cut before the handover was drawn
    shipped = gaza.root / "sectors.geojson"
    assert (folder / "sectors.geojson").read_bytes() == shipped.read_bytes()


def test_balance_is_measured_within_each_part_of_the_zone():
    from shapely.geometry import box

    from geo.sectors import balance_by_part
    zone = box(0, 0, 100, 10).union(box(200, 0, 201, 1))  # a long zone and a tiny enclave
    sectors = [box(0, 0, 50, 10), box(50, 0, 100, 10), box(200, 0, 201, 1)]
    weights = [500, 490, 1]
    worst, alone = balance_by_part(sectors, weights, zone)
    assert alone == 1 and round(worst, 4) == round(5 / 495, 4)  # the enclave is not counted
