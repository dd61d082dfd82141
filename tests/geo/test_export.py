import json

import pyogrio
import pytest
import shapely

from geo.export import geojson_text, write_geojson, write_gpkg
from geo.layers import read_layer

from factory import MINI_LAYERS


def test_geojson_text_follows_rfc7946(tmp_path):
    doc = json.loads(geojson_text(MINI_LAYERS["sectors"]()))
    assert "crs" not in doc
    ring = doc["features"][0]["geometry"]["coordinates"][0]
    assert 30 < ring[0][0] < 40 and 30 < ring[0][1] < 33  # lon, lat
    assert shapely.Polygon(ring).exterior.is_ccw


def test_write_geojson_round_trips_geometry_and_properties(tmp_path):
    sectors = MINI_LAYERS["sectors"]()
    write_geojson(sectors, tmp_path / "s.geojson")
    back = read_layer(tmp_path / "s.geojson", geometry="polygon").frame.to_crs(sectors.crs)
    assert back["sector_id"].tolist() == sectors["sector_id"].tolist()
    assert back.area.tolist() == pytest.approx(sectors.area.tolist(), rel=1e-9)


def test_write_geojson_is_byte_identical_for_the_same_frame(tmp_path):
    write_geojson(MINI_LAYERS["sectors"](), tmp_path / "a.geojson")
    write_geojson(MINI_LAYERS["sectors"](), tmp_path / "b.geojson")
    assert (tmp_path / "a.geojson").read_bytes() == (tmp_path / "b.geojson").read_bytes()


def test_failed_write_leaves_existing_file_untouched(tmp_path):
    target = tmp_path / "keep.geojson"
    target.write_text("precious", encoding="utf-8")
    bad = MINI_LAYERS["sectors"]()
    bad["oops"] = [object()] * len(bad)  # not JSON-serialisable: the write fails midway
    with pytest.raises(TypeError):
        write_geojson(bad, target)
    assert target.read_text(encoding="utf-8") == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.geojson"]


def test_write_gpkg_holds_every_layer_as_geopackage_1_3(tmp_path):
    import sqlite3
    write_gpkg({"sectors": MINI_LAYERS["sectors"](), "held": MINI_LAYERS["held"]()},
               tmp_path / "all.gpkg")
    names = [n for n, _ in pyogrio.list_layers(tmp_path / "all.gpkg")]
    assert names == ["sectors", "held"]
    with sqlite3.connect(tmp_path / "all.gpkg") as db:
        assert db.execute("pragma user_version").fetchone()[0] == 10300
