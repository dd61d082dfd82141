"""``planner layers validate``: read one layer and report what it holds."""
from __future__ import annotations

from planner.cli.common import EXIT_OK


def add_parser(sub) -> None:
    lay = sub.add_parser("layers", help="work with single layers")
    actions = lay.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("validate", help="read one layer and report features, CRS, repairs")
    p.add_argument("file", help="GeoJSON, GeoPackage, zipped Shapefile, KML ...")
    p.add_argument("--geometry", choices=["polygon", "point", "line"],
                   help="geometry kind every feature must have")
    p.add_argument("--crs", metavar="CRS",
                   help="metric CRS the layer must stay valid in once projected, such as "
                        "EPSG:32636 (default: the layer's own UTM zone)")
    p.add_argument("--repair", action="store_true",
                   help="repair invalid polygons with make_valid and list what was repaired "
                        "(without it they are errors)")
    p.set_defaults(func=run_validate)


def run_validate(args) -> int:
    from geo.layers import project_layer, read_layer
    layer = read_layer(args.file, geometry=args.geometry, repair=args.repair)
    crs, label = _target_crs(args, layer.frame)
    checked = project_layer(layer, crs, geometry=args.geometry, repair=args.repair)
    frame = layer.frame
    bounds = [round(float(b), 6) for b in frame.total_bounds] if len(frame) else []
    kinds = sorted(set(frame.geom_type.dropna()))
    print(f"{args.file}: {len(frame)} features ({', '.join(kinds) or 'none'}), "
          f"CRS {frame.crs.to_string() if frame.crs else 'none'}, bounds {bounds}")
    print(f"fields: {', '.join(c for c in frame.columns if c != frame.geometry.name) or 'none'}")
    print(f"checked once projected to {label}")
    for repair in checked.repairs:
        print(f"repaired: {repair}")
    print("usable" if not checked.repairs else f"usable after {len(checked.repairs)} repairs")
    return EXIT_OK


def _target_crs(args, frame):
    """The CRS to check the layer in and how to name it: ``--crs`` or the local UTM zone."""
    import pyproj

    from geo.errors import InputError, problem
    from geo.layers import crs_problem, utm_crs
    if args.crs is None:
        crs = utm_crs(frame)
        return crs, f"{crs.to_string()} (the layer's UTM zone)"
    try:
        crs = pyproj.CRS.from_user_input(args.crs)
    except pyproj.exceptions.CRSError:
        raise InputError(problem(args.file, "not a CRS pyproj knows", field="--crs",
                                 value=args.crs)) from None
    reason = crs_problem(crs)
    if reason:
        raise InputError(problem(args.file, reason, field="--crs", value=args.crs))
    return crs, crs.to_string()
