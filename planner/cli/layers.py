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
    p.add_argument("--repair", action="store_true",
                   help="repair invalid polygons with make_valid and list what was repaired "
                        "(without it they are errors)")
    p.set_defaults(func=run_validate)


def run_validate(args) -> int:
    from geo.layers import read_layer
    layer = read_layer(args.file, geometry=args.geometry, repair=args.repair)
    frame = layer.frame
    bounds = [round(float(b), 6) for b in frame.total_bounds] if len(frame) else []
    kinds = sorted(set(frame.geom_type.dropna()))
    print(f"{args.file}: {len(frame)} features ({', '.join(kinds) or 'none'}), "
          f"CRS {frame.crs.to_string() if frame.crs else 'none'}, bounds {bounds}")
    print(f"fields: {', '.join(c for c in frame.columns if c != frame.geometry.name) or 'none'}")
    for repair in layer.repairs:
        print(f"repaired: {repair}")
    print("usable" if not layer.repairs else f"usable after {len(layer.repairs)} repairs")
    return EXIT_OK
