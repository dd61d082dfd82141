"""What a planner uploads in the app: plan files and replacement layers, fully validated."""
from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

from geo.errors import InputError
from planner.files.planfile import plan_members, read_plan

LAYER_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".kml")


def import_plan(name: str, data: bytes, table, codes):
    """Read an uploaded plan (GeoJSON or CSV by name).

    Returns
    -------
    (Plan, dict)
        The plan and the file's top-level members (``settings`` and the like; {} for CSV).

    Raises
    ------
    InputError
        Naming the uploaded file (the name the planner knows), feature, field and value.
    """
    import tempfile
    suffix = ".csv" if name.lower().endswith(".csv") else ".geojson"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        if path.suffix.lower() not in (".csv", ".geojson", ".json"):
            path = path.with_suffix(suffix)
        path.write_bytes(data)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                found = read_plan(path, table, codes), plan_members(path)
        except InputError as exc:
            shown = [replace(p, file=name) for p in exc.problems]  # the name the user knows
            raise InputError(shown) from None
        for w in caught:  # said again, naming the file the planner knows
            warnings.warn(w.category(str(w.message).replace(str(path), name)), stacklevel=2)
        return found


def scenario_with_layer(scenario, layer: str, name: str, data: bytes, workdir):
    """The scenario with one layer replaced by an uploaded file, fully validated.

    The scenario folder is copied into ``workdir`` and the upload takes the layer's place,
    so the whole scenario is loaded and checked as usual; on any problem nothing changes
    and :class:`InputError` names the uploaded file, feature, field and value.
    """
    import yaml

    from geo.errors import problem
    from planner.domain.scenario import LAYER_SPECS
    from planner.files.scenario_file import load_scenario
    from planner.files.variant_files import write_resolved
    suffix = Path(name).suffix.lower()
    if layer not in LAYER_SPECS:
        raise ValueError(f"`layer` must be one of {sorted(LAYER_SPECS)}; got {layer!r}")
    if suffix not in LAYER_SUFFIXES:
        raise InputError(problem(name, f"unsupported file type; use one of "
                                       f"{', '.join(LAYER_SUFFIXES)}", value=suffix))
    folder = Path(workdir) / "scenario"
    write_resolved(scenario.root, folder)  # a variant comes with its base's files
    target = folder / f"uploaded-{layer}{suffix}"
    target.write_bytes(data)
    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    doc.setdefault("layers", {})[layer] = target.name
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
                                          encoding="utf-8")
    try:
        return load_scenario(folder)
    except InputError as exc:
        raise InputError([replace(p, file=name) if Path(p.file).name == target.name else p
                          for p in exc.problems]) from None
