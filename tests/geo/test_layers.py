import json
import zipfile

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point

from geo.errors import InputError
from geo.layers import read_layer, utm_crs

from factory import UTM, frame, rect


def write_json(path, doc):
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def fc(*geoms, props=None):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": (props or [{}] * len(geoms))[i], "geometry": g}
        for i, g in enumerate(geoms)]}


SQUARE = {"type": "Polygon", "coordinates": [[[34.0, 31.0], [34.1, 31.0], [34.1, 31.1],
                                              [34.0, 31.1], [34.0, 31.0]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[34.0, 31.0], [34.1, 31.1], [34.1, 31.0],
                                              [34.0, 31.1], [34.0, 31.0]]]}


def test_read_layer_sets_wgs84_on_geojson_without_crs(tmp_path):
    layer = read_layer(write_json(tmp_path / "a.geojson", fc(SQUARE)), geometry="polygon")
    assert layer.frame.crs.to_epsg() == 4326
    assert layer.repairs == ()


def test_read_layer_accepts_clockwise_and_counter_clockwise_rings(tmp_path):
    cw = {"type": "Polygon", "coordinates": [list(reversed(SQUARE["coordinates"][0]))]}
    layer = read_layer(write_json(tmp_path / "a.geojson", fc(SQUARE, cw)), geometry="polygon")
    areas = layer.frame.to_crs(UTM).area
    assert areas.iloc[0] == pytest.approx(areas.iloc[1])


def test_read_layer_rejects_projected_coordinates_in_geojson_naming_feature(tmp_path):
    projected = {"type": "Point", "coordinates": [600000.0, 3500000.0]}
    path = write_json(tmp_path / "p.geojson", fc({"type": "Point", "coordinates": [34, 31]},
                                                 projected, props=[{"name": "ok"}, {"name": "bad"}]))
    with pytest.raises(InputError, match=r"p\.geojson: feature 1 \(id 'bad'\): field 'geometry'"
                                         r".*projected coordinates need a CRS") as err:
        read_layer(path, geometry="point")
    assert len(err.value.problems) == 1


def test_read_layer_refuses_a_self_intersecting_polygon_or_repairs_it_when_asked(tmp_path):
    path = write_json(tmp_path / "b.geojson", fc(BOWTIE, props=[{"id": "x7"}]))
    with pytest.raises(InputError, match=r"feature 0 \(id 'x7'\).*Self-intersection.*--repair"):
        read_layer(path, geometry="polygon")
    layer = read_layer(path, geometry="polygon", repair=True)
    assert shapely.is_valid(layer.frame.geometry.values).all()
    assert layer.frame.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
    assert len(layer.repairs) == 1
    assert "feature 0 (id 'x7')" in str(layer.repairs[0]) and "Self-intersection" in str(layer.repairs[0])


def test_read_layer_reports_every_empty_and_wrong_type_geometry_at_once(tmp_path):
    doc = fc(SQUARE, None, {"type": "Point", "coordinates": [34, 31]},
             {"type": "Polygon", "coordinates": []})
    with pytest.raises(InputError) as err:
        read_layer(write_json(tmp_path / "c.geojson", doc), geometry="polygon")
    text = str(err.value)
    assert "feature 1" in text and "empty or missing" in text
    assert "feature 2" in text and "expected a polygon geometry" in text and "'Point'" in text
    assert "feature 3" in text
    assert len(err.value.problems) == 3


def test_read_layer_refuses_polygon_that_repair_cannot_save(tmp_path):
    flat = {"type": "Polygon", "coordinates": [[[34, 31], [34.1, 31], [34.2, 31], [34, 31]]]}
    with pytest.raises(InputError, match="feature 0.*cannot be repaired"):
        read_layer(write_json(tmp_path / "d.geojson", fc(flat)), geometry="polygon")


def test_read_layer_reports_invalid_json_with_file_name(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.geojson: cannot read as a vector layer"):
        read_layer(path)


def test_read_layer_reports_missing_file(tmp_path):
    with pytest.raises(InputError, match="nothere.geojson: file not found"):
        read_layer(tmp_path / "nothere.geojson")


def test_read_layer_refuses_z_coordinates_naming_the_feature(tmp_path):
    point = {"type": "Point", "coordinates": [34.0, 31.0, 12.5]}
    with pytest.raises(InputError, match=r"feature 0.*3D coordinates"):
        read_layer(write_json(tmp_path / "z.geojson", fc(point)), geometry="point")


def test_read_layer_reads_geopackage_in_its_own_crs(tmp_path):
    path = tmp_path / "layer.gpkg"
    frame({"name": ["a"]}, [rect(0, 0, 100, 100)]).to_file(path, driver="GPKG")
    layer = read_layer(path, geometry="polygon")
    assert layer.frame.crs.to_epsg() == 32636
    assert layer.frame.area.iloc[0] == pytest.approx(10_000)


def test_read_layer_reads_zipped_shapefile(tmp_path):
    shp = tmp_path / "shp"
    shp.mkdir()
    frame({"name": ["a"]}, [rect(0, 0, 100, 100)]).to_file(shp / "zone.shp")
    archive = tmp_path / "zone.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in shp.iterdir():
            z.write(f, f.name)
    layer = read_layer(archive, geometry="polygon")
    assert layer.frame.crs.to_epsg() == 32636 and len(layer.frame) == 1


def test_read_layer_refuses_shapefile_without_crs(tmp_path):
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[rect(0, 0, 100, 100)]).to_file(tmp_path / "n.shp")
    with pytest.raises(InputError, match=r"n\.shp: layer has no CRS"):
        read_layer(tmp_path / "n.shp")


def test_read_layer_reads_kml(tmp_path):
    path = tmp_path / "places.kml"
    gpd.GeoDataFrame({"Name": ["gate"]}, geometry=[Point(34.2, 31.3)], crs=4326).to_file(
        path, driver="KML")
    layer = read_layer(path, geometry="point")
    assert layer.frame.geometry.iloc[0].x == pytest.approx(34.2)


def test_utm_crs_picks_zone_36n_for_gaza(tmp_path):
    layer = read_layer(write_json(tmp_path / "a.geojson", fc(SQUARE)))
    assert utm_crs(layer.frame).to_epsg() == 32636
