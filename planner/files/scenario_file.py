"""Read a scenario folder: ``scenario.yaml`` plus its layers, validated as a whole.

Loading validates the YAML and every layer and reports every problem at once, each naming
the file, the feature (index and id), the field and the value.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import pyproj

from geo.errors import InputError, Problem, problem
from geo.layers import Layer, crs_problem, project_layer, read_layer, utm_crs
from planner.domain.scenario import (BUNDLED, LAYER_SPECS, SEVERITIES, TASK_TRIGGERS, TASKS,
                                     Contingent, Geography, Layers, Mandate, Phase, Scenario,
                                     Sectoring, Veto)
from planner.files.schema import Reader, at_least, load_yaml, one_of
from planner.rules.base import Rule, rule_problems

_TOP_KEYS = {"name", "description", "disclaimer", "crs", "layers", "geography", "phases",
             "troop_unit", "mandates", "contingents", "vetoes", "rules", "sectoring", "marking"}


def load_scenario(path=None, *, sectors: bool = True) -> Scenario:
    """Load and validate the scenario folder ``path`` (default: the bundled Gaza ISF).

    Parameters
    ----------
    path
        Scenario folder, or its ``scenario.yaml``.
    sectors
        Attach the sector layer: the scenario's own (validated, attributes recomputed) or,
        when it ships none, one cut from its ``sectoring`` block. False skips sectors.

    Raises
    ------
    InputError
        Every problem in ``scenario.yaml`` and the layers, together.
    """
    given = Path(path) if path is not None else BUNDLED
    yaml_path = given if given.is_file() else given / "scenario.yaml"
    root = yaml_path.parent
    doc = load_yaml(yaml_path)
    r = Reader(yaml_path)
    if not isinstance(doc, dict):
        r.report("the document must be a mapping of scenario fields", value=type(doc).__name__)
        raise InputError(r.problems)
    r.keys(doc, _TOP_KEYS)
    parts = _read_document(doc, r)
    rules_problems = _validate_rules(parts["rules"], yaml_path) if parts["rules"] else []
    layer_files = r.get(doc, "layers", "mapping", default={})
    layers, layer_problems = _read_layers(root, layer_files or {}, r, parts,
                                          skip=() if sectors else ("sectors",))
    problems = r.problems + rules_problems + layer_problems
    if problems:
        raise InputError(problems)
    scenario = Scenario(root=root, layers=replace(layers, sectors=None), **parts)
    regained = _regained_warnings(scenario, root / str(layer_files["held"]))
    if regained:
        scenario = scenario.with_changes(layers=replace(
            scenario.layers, warnings=scenario.layers.warnings + tuple(regained)))
    if not sectors:
        return scenario
    scenario = _attach_sectors(scenario, layers.sectors, root / str(layer_files.get("sectors", "")))
    return _with_crossing_warnings(scenario, root / str(layer_files["places"]))


def _attach_sectors(scenario: Scenario, raw, path) -> Scenario:
    from geo.partition import PartitionError
    from geo.sectors import sector_layer_problems
    from planner.domain.derive import scenario_sectors, with_attributes
    if raw is None:
        if not scenario.sectoring.counts:
            raise InputError(problem(scenario.root / "scenario.yaml", "the scenario has no "
                                     "sector layer and no sectoring counts to cut one",
                                     field="sectoring.counts"))
        s = scenario.sectoring
        try:
            frame = scenario_sectors(scenario, s.counts, balance=s.balance, seed=s.seed,
                                     cell_m=s.cell_m)
        except PartitionError as exc:
            raise InputError(problem(scenario.root / "scenario.yaml", str(exc),
                                     field="sectoring.counts", value=dict(s.counts))) from None
        return scenario.with_changes(layers=replace(scenario.layers, sectors=frame))
    errors, warnings = sector_layer_problems(raw, scenario.zones.increments_frame, path)
    if errors:
        raise InputError(errors)
    layers = replace(scenario.layers, sectors=with_attributes(raw, scenario),
                     warnings=scenario.layers.warnings + tuple(warnings))
    return scenario.with_changes(layers=layers)


def _with_crossing_warnings(scenario: Scenario, path) -> Scenario:
    """Warn of each crossing farther than ``crossing_m`` from every sector: no sector holds it."""
    from geo.attributes import far_crossings
    crossings, limit = scenario.layers.crossings, scenario.geography.crossing_m
    far = far_crossings(scenario.layers.sectors.geometry.values, crossings, limit)
    names = crossings["name"].astype(str).tolist()
    found = [problem(path, f"crossing {names[row]!r} lies {metres:,.0f} m from the nearest "
                     f"sector, beyond geography.crossing_m ({limit:,.0f} m): no sector holds it",
                     feature=int(crossings.index[row]), feature_id=names[row], field="geometry")
             for row, metres in far]
    if not found:
        return scenario
    return scenario.with_changes(layers=replace(
        scenario.layers, warnings=scenario.layers.warnings + tuple(found)))


def _regained_warnings(scenario: Scenario, path) -> list[Problem]:
    """A phase whose held area reaches beyond the previous phase's: ground taken back,
    which no increment holds (allowed, but rarely meant)."""
    return [problem(path, f"the held area of phase {phase} reaches {km2:,.3f} km² beyond "
                    "the previous phase's; that ground is in no phase's increment",
                    field="phase", value=phase) for phase, km2 in scenario.zones.regained()]


def _read_document(doc: dict, r: Reader) -> dict:
    phases = _read_phases(doc, r)
    numbers = [p.phase for p in phases]
    mandates = _read_mandates(doc, r)
    return dict(
        name=r.get(doc, "name", "str"),
        description=r.get(doc, "description", "str", default=""),
        disclaimer=r.get(doc, "disclaimer", "str", default=""),
        marking=r.get(doc, "marking", "str", default=""),
        crs=_read_crs(doc, r),
        phases=phases,
        mandates=mandates,
        contingents=_read_contingents(doc, r, numbers, set(mandates)),
        vetoes=_read_vetoes(doc, r),
        rules=_read_rules(doc, r),
        geography=_read_geography(doc, r),
        sectoring=_read_sectoring(doc, r, numbers),
        troop_unit=r.get(doc, "troop_unit", "int", default=50, check=at_least(1)),
    )


def _read_crs(doc, r):
    text = r.get(doc, "crs", "str", default=None)
    if text is None:
        return None
    try:
        crs = pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError:
        r.report("not a CRS pyproj knows", field="crs", value=text)
        return None
    reason = crs_problem(crs)
    if reason:
        r.report(reason, field="crs", value=text)
        return None
    return crs


def _entries(doc, key, r, *, required=True):
    items = r.get(doc, key, "list", default=None if not required else [])
    if required and not items and key in doc and isinstance(doc.get(key), list):
        r.report("must not be empty", field=key)
    return list(enumerate(items or []))


def _read_phases(doc, r) -> tuple[Phase, ...]:
    out = []
    for i, item in _entries(doc, "phases", r):
        where = (f"phase entry {i}", None)
        if not isinstance(item, dict):
            r.report("must be a mapping with phase and label", where=where, field="phases")
            continue
        r.keys(item, {"phase", "label"}, where=where)
        number = r.get(item, "phase", "int", where=where, check=at_least(1))
        label = r.get(item, "label", "str", where=where, default=f"Phase {number}")
        if number is not None:
            out.append(Phase(number, label))
    numbers = [p.phase for p in out]
    if numbers != sorted(set(numbers)):
        r.report("phases must be listed once each, in increasing order", field="phases",
                 value=numbers)
    return tuple(out)


def _task_list(item, key, r, where, prefix=""):
    tasks = r.get(item, key, "str_list", where=where, prefix=prefix, default=[])
    for t in tasks:
        if t not in TASKS:
            r.report(f"unknown task; tasks are {', '.join(TASKS)}", where=where,
                     field=f"{prefix}{key}", value=t)
    return tuple(t for t in tasks if t in TASKS)


def _read_mandates(doc, r) -> Mapping[str, Mandate]:
    out = {}
    mandates = r.get(doc, "mandates", "mapping", default={})
    for key, item in (mandates or {}).items():
        where = (f"mandate {key!r}", key)
        if not isinstance(item, dict):
            r.report("must be a mapping", where=where, field="mandates")
            continue
        r.keys(item, {"label", "troops_per_1000", "troops_per_km2", "troops_min", "tasks"},
               where=where)
        triggers = r.get(item, "tasks", "mapping", where=where, default={})
        tasks = {}
        for trigger in triggers:
            if trigger not in TASK_TRIGGERS and not str(trigger).startswith("border:"):
                r.report(f"unknown trigger; use {', '.join(TASK_TRIGGERS)} or border:<neighbour>",
                         where=where, field=f"tasks.{trigger}")
                continue
            tasks[trigger] = _task_list(triggers, trigger, r, where, prefix="tasks.")
        out[str(key)] = Mandate(
            key=str(key), label=r.get(item, "label", "str", where=where, default=str(key)),
            troops_per_1000=r.get(item, "troops_per_1000", "number", where=where, default=0.0,
                                  check=at_least(0)),
            troops_per_km2=r.get(item, "troops_per_km2", "number", where=where, default=0.0,
                                 check=at_least(0)),
            troops_min=r.get(item, "troops_min", "int", where=where, default=0, check=at_least(0)),
            tasks=MappingProxyType(tasks))
    if not out:
        r.report("at least one mandate is required", field="mandates")
    return MappingProxyType(out)


_CONTINGENT_KEYS = {"code", "name", "troops", "tasks", "mandates", "available_from", "prefers"}


def _read_contingents(doc, r, phases, mandates) -> tuple[Contingent, ...]:
    out, seen = [], set()
    for i, item in _entries(doc, "contingents", r):
        if not isinstance(item, dict):
            r.report("must be a mapping", where=(f"contingent {i}", None), field="contingents")
            continue
        where = (f"contingent {i}", item.get("code"))
        r.keys(item, _CONTINGENT_KEYS, where=where)
        code = r.get(item, "code", "str", where=where)
        if code in seen:
            r.report("duplicate contingent code", where=where, field="code", value=code)
        seen.add(code)
        accepted = r.get(item, "mandates", "str_list", where=where, default=[])
        for m in accepted:
            if m not in mandates:
                r.report(f"unknown mandate; mandates are {', '.join(sorted(mandates))}",
                         where=where, field="mandates", value=m)
        start = r.get(item, "available_from", "int", where=where, default=phases[0] if phases else 1,
                      check=one_of(phases) if phases else None)
        out.append(Contingent(
            code=code, name=r.get(item, "name", "str", where=where, default=code),
            troops=r.get(item, "troops", "int", where=where, check=at_least(0)),
            tasks=frozenset(_task_list(item, "tasks", r, where)),
            mandates=frozenset(accepted), available_from=start,
            prefers=tuple(r.get(item, "prefers", "str_list", where=where, default=[]))))
    return tuple(out)


def _read_vetoes(doc, r) -> tuple[Veto, ...]:
    out = []
    for i, item in _entries(doc, "vetoes", r, required=False):
        if not isinstance(item, dict):
            r.report("must be a mapping", where=(f"veto {i}", None), field="vetoes")
            continue
        where = (f"veto {i}", item.get("id"))
        r.keys(item, {"id", "by", "nation", "sectors", "note"}, where=where)
        sectors = item.get("sectors", "all")
        if sectors != "all" and not (isinstance(sectors, list)
                                     and all(isinstance(s, str) for s in sectors)):
            r.report("must be 'all' or a list of sector ids", where=where, field="sectors",
                     value=sectors)
            sectors = "all"
        out.append(Veto(id=r.get(item, "id", "str", where=where, default=f"veto-{i}"),
                        by=r.get(item, "by", "str", where=where),
                        nation=r.get(item, "nation", "str", where=where),
                        sectors=None if sectors == "all" else tuple(sectors),
                        note=r.get(item, "note", "str", where=where, default="")))
    return tuple(out)


def _read_rules(doc, r) -> tuple[Rule, ...]:
    out, seen = [], set()
    for i, item in _entries(doc, "rules", r, required=False):
        if not isinstance(item, dict):
            r.report("must be a mapping", where=(f"rule {i}", None), field="rules")
            continue
        where = (f"rule {i}", item.get("id"))
        r.keys(item, {"id", "kind", "severity", "params", "weight", "note"}, where=where)
        rid = r.get(item, "id", "str", where=where)
        if rid in seen:
            r.report("duplicate rule id", where=where, field="id", value=rid)
        seen.add(rid)
        out.append(Rule(
            id=rid, kind=r.get(item, "kind", "str", where=where),
            severity=r.get(item, "severity", "str", where=where, default="hard",
                           check=one_of(SEVERITIES)),
            params=MappingProxyType(dict(r.get(item, "params", "mapping", where=where, default={}))),
            weight=float(r.get(item, "weight", "number", where=where, default=1.0,
                               check=at_least(0)))))
    return tuple(out)


def _validate_rules(rules, path) -> list[Problem]:
    return rule_problems([r for r in rules if r.id and r.kind], path)


def _read_geography(doc, r) -> Geography:
    item = r.get(doc, "geography", "mapping", default={})
    names = set(Geography.__dataclass_fields__)
    r.keys(item, names, prefix="geography.")
    values = {k: r.get(item, k, "number", prefix="geography.", default=getattr(Geography, k),
                       check=at_least(0)) for k in names - {"repair", "urban_share"}}
    values["urban_share"] = r.get(item, "urban_share", "number", prefix="geography.",
                                  default=Geography.urban_share,
                                  check=lambda v: None if 0 <= v <= 1 else "must be 0 to 1")
    values["repair"] = r.get(item, "repair", "bool", prefix="geography.", default=False)
    return Geography(**values)


def _read_sectoring(doc, r, phases) -> Sectoring:
    item = r.get(doc, "sectoring", "mapping", default={})
    r.keys(item, {"counts", "balance", "seed", "cell_m"}, prefix="sectoring.")
    counts = r.get(item, "counts", "mapping", prefix="sectoring.", default={})
    clean = {}
    for phase, count in counts.items():
        if phase not in phases:
            r.report(f"unknown phase; phases are {', '.join(map(str, phases))}",
                     field=f"sectoring.counts.{phase}", value=phase)
        elif not isinstance(count, int) or isinstance(count, bool) or count < 1:
            r.report("must be a whole number of sectors, at least 1",
                     field=f"sectoring.counts.{phase}", value=count)
        else:
            clean[phase] = count
    if clean and set(clean) != set(phases):
        r.report("give a count for every phase", field="sectoring.counts",
                 value=sorted(clean))
    return Sectoring(MappingProxyType(clean),
                     r.get(item, "balance", "str", prefix="sectoring.", default="population",
                           check=one_of(("population", "area"))),
                     r.get(item, "seed", "int", prefix="sectoring.", default=0),
                     r.get(item, "cell_m", "number", prefix="sectoring.", default=None,
                           check=lambda v: None if v > 0 else "must be more than 0"))


def _read_layers(root: Path, files: dict, r: Reader, parts: dict, skip=()):
    r.keys(files, set(LAYER_SPECS), prefix="layers.")
    read, problems = {}, []
    repair = parts["geography"].repair
    for name, (kind, required) in LAYER_SPECS.items():
        if name in skip:
            continue
        if name not in files:
            if required:
                r.report("required layer file is missing", field=f"layers.{name}")
            continue
        if not isinstance(files[name], str):
            r.report("must be a file name", field=f"layers.{name}", value=files[name])
            continue
        try:
            layer = read_layer(root / files[name], geometry=kind,
                               id_field="sector_id" if name == "sectors" else None,
                               repair=repair)
        except InputError as exc:
            problems += exc.problems
            continue
        read[name] = layer
    if problems or any(n not in read for n, (_, req) in LAYER_SPECS.items() if req):
        return None, problems
    problems += _check_fields(read, [p.phase for p in parts["phases"]])
    if problems:
        return None, problems
    given = parts["crs"] is not None
    crs = parts["crs"] or utm_crs(read["territory"].frame)
    parts["crs"] = pyproj.CRS(crs)
    projected = {}
    for name, layer in read.items():  # validated again: valid in lon/lat is not enough
        try:
            projected[name] = project_layer(
                layer, crs, geometry=LAYER_SPECS[name][0], repair=repair,
                id_field="sector_id" if name == "sectors" else None)
        except InputError as exc:
            problems += exc.problems
    if problems:
        return None, problems
    frames = {n: layer.frame for n, layer in projected.items()}
    problems = _check_extent(root, files, read, frames)
    if problems:
        return None, problems
    warnings = [w for layer in projected.values() for w in layer.repairs]
    warnings += _crs_warnings(root / "scenario.yaml", read["territory"].frame, parts["crs"],
                              given)
    parts["geography"] = _scaled_geography(parts["geography"], frames["territory"])
    return Layers(sectors=frames.pop("sectors", None), warnings=tuple(warnings), **frames), []


def _crs_warnings(path, territory, crs, given: bool) -> list[Problem]:
    """A CRS whose areas differ from geodesic ones by more than 1% over the territory."""
    from geo.layers import AREA_DISTORTION, area_distortion
    measured, geodesic = area_distortion(territory, crs)
    if geodesic <= 0 or abs(measured / geodesic - 1) <= AREA_DISTORTION:
        return []
    advice = ("choose an equal-area CRS or the territory's UTM zone (omit `crs`)" if given
              else "the territory spans more than one UTM zone: set `crs` to an equal-area "
                   "CRS for the region")
    return [problem(path, f"areas in {crs.to_string()} differ from geodesic areas by "
                    f"{measured / geodesic - 1:+.1%} over the territory ({measured / 1e6:,.0f} "
                    f"km² against {geodesic / 1e6:,.0f} km²); {advice}",
                    field="crs", value=crs.to_string())]


def _scaled_geography(geography: Geography, territory) -> Geography:
    """``geography`` with every distance left unset scaled to the territory's size."""
    from geo.attributes import scaled_distances
    scaled = scaled_distances(float(territory.area.sum()))
    return replace(geography, **{k: v for k, v in scaled.items()
                                 if getattr(geography, k) is None})


def _check_extent(root, files, read, frames) -> list[Problem]:
    """Features far from the territory: a wrong CRS, or longitude and latitude swapped."""
    import shapely
    from geo.extent import far_features
    territory = shapely.union_all(frames["territory"].geometry.values)
    problems = []
    for name, frame in frames.items():
        if name == "territory":
            continue
        ids = frame.get("sector_id", frame.get("name"))
        for far in far_features(frame, territory, read[name].frame):
            message = f"lies {far.km:,.0f} km from the territory"
            if far.swapped:
                message += "; its longitude and latitude look swapped"
            problems.append(problem(root / files[name], message, feature=far.index,
                                    feature_id=None if ids is None else ids.iloc[far.index],
                                    field="geometry"))
    return problems


def _check_fields(read: dict[str, Layer], phases: list[int]) -> list[Problem]:
    from planner.files.layerfields import check_layer_fields
    return check_layer_fields(read, phases)


def load_rules(path) -> tuple[Rule, ...]:
    """Rules from a YAML file holding ``rules:`` (as in scenario.yaml), validated.

    Raises
    ------
    InputError
        Bad YAML, unknown keys, unknown kinds or parameters, naming the rule id.
    """
    doc = load_yaml(path)
    r = Reader(path)
    if not isinstance(doc, dict) or "rules" not in doc:
        r.report("must be a mapping with a 'rules' list", field="rules")
        raise InputError(r.problems)
    r.keys(doc, {"rules"})
    rules = _read_rules(doc, r)
    problems = r.problems + _validate_rules(rules, path)
    if problems:
        raise InputError(problems)
    return rules
