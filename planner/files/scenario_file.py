"""Read a scenario folder: ``scenario.yaml`` plus its layers, validated as a whole.

Loading validates the YAML and every layer and reports every problem at once, each naming
the file, the feature (index and id), the field and the value.
"""
from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pyproj
import shapely

from geo.errors import InputError, Problem, problem, raise_if
from geo.layers import Layer, crs_problem, project_layer, read_layer, utm_crs
from planner.domain.scenario import (BUNDLED, LAYER_SPECS, ROLES, SEVERITIES, TASK_TRIGGERS,
                                     TASKS, Contingent, Geography, Layers, Mandate, Override, Phase,
                                     Scenario, Sectoring, Veto, is_trigger, unit_of)
from planner.files.format import id_problem, keys_at
from planner.files.schema import Reader, at_least, load_yaml, one_of
from planner.files.variants import resolve_extends
from planner.rules.base import Rule, rule_problems
from planner.rules.sector import with_roles_rule


def load_scenario(path=None, *, sectors: bool = True) -> Scenario:
    """Load and validate the scenario folder ``path`` (default: the bundled Gaza ISF).

    A variant (``extends: ../base``, see :mod:`planner.files.variants`) is laid over its
    base first; each problem then names the file its entry comes from.

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
    resolved = resolve_extends(given if given.is_file() else given / "scenario.yaml")
    try:
        scenario = _load_resolved(resolved.file, resolved.doc, sectors=sectors)
    except InputError as exc:
        raise InputError(resolved.attribute(exc.problems)) from None
    if not resolved.is_variant:
        return scenario
    return scenario.with_changes(digest=resolved.content_digest(scenario.digest), layers=replace(
        scenario.layers, warnings=tuple(resolved.attribute(scenario.layers.warnings))))


def _load_resolved(yaml_path: Path, doc, *, sectors: bool) -> Scenario:
    """:func:`load_scenario` of the mapping ``doc`` read from ``yaml_path`` (resolved)."""
    root = yaml_path.parent
    r = Reader(yaml_path)
    if not isinstance(doc, dict):
        r.report("the document must be a mapping of scenario fields", value=type(doc).__name__)
        raise InputError(r.problems)
    r.keys(doc, keys_at())
    parts = _read_document(doc, r)
    rules_problems = _validate_rules(parts["rules"], yaml_path) if parts["rules"] else []
    layer_files = r.get(doc, "layers", "mapping", default={}) or {}
    layers, layer_problems = _read_layers(root, layer_files or {}, r, parts,
                                          skip=() if sectors else ("sectors",))
    problems = r.problems + rules_problems + layer_problems + _nation_problems(yaml_path, parts)
    if problems:
        raise InputError(problems)
    digest = content_digest(yaml_path, layer_files)
    scenario = Scenario(root=root, layers=replace(layers, sectors=None), digest=digest, **parts)
    if layers.handover is not None:
        raise_if(handover_overlaps(layers.handover, root / str(layer_files["handover"])))
    found = _regained_warnings(scenario, root / str(layer_files["held"])) + \
        _unit_warnings(scenario, yaml_path) + _tag_warnings(yaml_path, parts, layers) + \
        (idle_handovers(scenario, root / str(layer_files["handover"]))
         if layers.handover is not None else [])
    if found:
        scenario = scenario.with_changes(layers=replace(
            scenario.layers, warnings=scenario.layers.warnings + tuple(found)))
    if not sectors:
        return scenario
    scenario = _attach_sectors(scenario, layers.sectors, root / str(layer_files.get("sectors", "")))
    raise_if(_veto_sector_problems(yaml_path, scenario))
    return _with_crossing_warnings(scenario, root / str(layer_files["places"]))


def _nation_problems(path, parts) -> list[Problem]:
    """Rule parameters naming contingents (``nations``) that the scenario does not have: a
    typo there would silently change what the rule allows."""
    codes = [c.code for c in parts["contingents"] if c.code]
    out = []
    for i, rule in enumerate(parts["rules"] or ()):
        named = rule.params.get("nations") if isinstance(rule.params, Mapping) else None
        for code in named if isinstance(named, list) else []:
            if code not in codes:
                out.append(problem(path, "unknown contingent; contingents are "
                                   f"{', '.join(codes)}", feature=f"rule {i}",
                                   feature_id=rule.id, field="params.nations", value=code))
    return out


def _veto_sector_problems(path, scenario) -> list[Problem]:
    """Vetoes listing sectors that the sector layer does not have (such a veto bars nothing)."""
    ids = set(scenario.layers.sectors["sector_id"].astype(str))
    return [problem(path, "unknown sector; it is not in the scenario's sector layer",
                    feature=f"veto {i}", feature_id=v.id, field="sectors", value=s)
            for i, v in enumerate(scenario.vetoes) for s in (v.sectors or ()) if s not in ids]


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
        notes = [problem(scenario.root / "scenario.yaml", note, field="sectoring.counts")
                 for note in frame.attrs.get("notes", [])]
        return scenario.with_changes(layers=replace(
            scenario.layers, sectors=frame, warnings=scenario.layers.warnings + tuple(notes)))
    errors, warnings = sector_layer_problems(raw, scenario.zones.opened_frame, path)
    if errors:
        raise InputError(errors)
    frame = with_attributes(raw, scenario)
    warnings += straddle_warnings(frame, path)
    layers = replace(scenario.layers, sectors=frame,
                     warnings=scenario.layers.warnings + tuple(warnings))
    return scenario.with_changes(layers=layers)


def straddle_warnings(sectors, path) -> list[Problem]:
    """A planner's sector that straddles a handover boundary: it is taken as handed over
    whole when more than half of it is, else not at all."""
    ids = sectors["sector_id"].astype(str).tolist()
    return [problem(path, f"straddles the handover to {who} in phase {q}: {share:.0%} of it "
                    f"is handed over then; it is taken as {'handed over whole' if share > 0.5 else 'not handed over'} "
                    "(cut it along the handover boundary)", feature=int(row),
                    feature_id=ids[row], field="geometry")
            for row, q, who, share in sectors.attrs.get("straddles", [])]


def _with_crossing_warnings(scenario: Scenario, path) -> Scenario:
    """Warn of each crossing farther than ``crossing_m`` from every sector: no sector holds it."""
    from geo.attributes import far_crossings
    crossings, limit = scenario.layers.crossings, scenario.geography.crossing_m
    far = far_crossings(scenario.layers.sectors.geometry.values, crossings, limit)
    names = crossings["name"].astype(str).tolist()
    held = scenario.zones.held[scenario.phase_numbers[-1]]
    inside = set(np.flatnonzero(shapely.intersects(held, crossings.geometry.values))) \
        if held is not None and not held.is_empty else set()
    found = [problem(path, f"crossing {names[row]!r} lies {metres:,.0f} m from the nearest "
                     f"sector, beyond geography.crossing_m ({limit:,.0f} m): no sector holds it"
                     + (" (it lies in ground the army still holds in the last phase)"
                        if row in inside else ""),
                     feature=int(crossings.index[row]), feature_id=names[row], field="geometry")
             for row, metres in far]
    if not found:
        return scenario
    return scenario.with_changes(layers=replace(
        scenario.layers, warnings=scenario.layers.warnings + tuple(found)))


def content_digest(yaml_path, layer_files: dict) -> str:
    """SHA-256 (16 hex digits) over ``scenario.yaml`` and every layer file it names: what a
    plan records as the content of the scenario it was made for."""
    import hashlib
    root = Path(yaml_path).parent
    h = hashlib.sha256(Path(yaml_path).read_bytes())
    named = {k: v for k, v in layer_files.items() if k != "context"}
    named.update({f"context.{k}": v for k, v in (layer_files.get("context") or {}).items()})
    for name, file in sorted(named.items()):
        path = root / str(file)
        if path.is_file():  # a sector layer about to be cut need not exist yet
            h.update(f"\0{name}\0".encode("utf-8"))
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _unit_warnings(scenario: Scenario, path) -> list[Problem]:
    """Each contingent smaller than its troop unit: it can never deploy."""
    out = []
    for i, c in enumerate(scenario.contingents):
        unit = unit_of(c, scenario.troop_unit)
        if 0 < c.troops < unit:
            whose = "its `unit`" if c.unit else "the scenario's `troop_unit`"
            out.append(problem(path, f"{c.code} has {c.troops:,} troops, fewer than one unit of "
                               f"{unit:,} ({whose}): it can never deploy; give it a `unit:` "
                               "that fits", feature=f"contingent {i}", feature_id=c.code,
                               field="troops", value=c.troops))
    return out


def _tag_warnings(path, parts, layers) -> list[Problem]:
    """Tags naming a zone, a coast or a neighbour the layers do not have: they match no
    sector (a typo would otherwise go unnoticed)."""
    from geo.zones import party_names
    known = {"zone": _names(layers.zones, "zone"),
             "coast": _names(_rows(layers.borders, "coast"), "name"),
             "border": _names(_rows(layers.borders, "land"), "neighbour"),
             "line": {n.strip() for n in _names(layers.lines, "name")},
             "contact": set(party_names(layers.held))}
    described = {"zone": "zones layer's `zone`", "coast": "coast lines' `name`",
                 "border": "land borders' `neighbour`", "line": "lines layer's `name`",
                 "contact": "held areas' `party`"}
    out = []
    for where, field, tag in _tag_uses(parts):
        prefix, _, name = tag.partition(":")
        if prefix in known and name not in known[prefix]:
            shown = ", ".join(sorted(known[prefix])) or "none"
            close = [k for k in sorted(known[prefix]) if k.lower() == name.lower()][:1] or \
                difflib.get_close_matches(name, sorted(known[prefix]), n=1, cutoff=0.6)
            if close:
                shown += f"; did you mean {prefix}:{close[0]}?"
            layer = described[prefix]
            out.append(problem(path, f"unknown {prefix}: no {layer} is {name!r} (there are: "
                               f"{shown}); the tag matches no sector", feature=where[0],
                               feature_id=where[1], field=field, value=tag))
    return out


def _rows(frame, kind):
    return None if frame is None else frame[frame["kind"].astype(str) == kind]


def _names(frame, column) -> set[str]:
    if frame is None or column not in frame.columns:
        return set()
    return {str(v) for v in frame[column].tolist() if v is not None and v == v and str(v)}


def _tag_uses(parts):
    """(where, field, tag) for every tag the scenario names: mandate triggers and overrides,
    lead restrictions' attributes and contingents' preferences."""
    for m in parts["mandates"].values():
        where = (f"mandate {m.key!r}", m.key)
        yield from ((where, f"tasks.{t}", t) for t in m.tasks)
        yield from ((where, f"overrides.{o.trigger}", o.trigger) for o in m.overrides)
    for i, c in enumerate(parts["contingents"]):
        yield from (((f"contingent {i}", c.code), "prefers", t) for t in c.prefers)
    for i, rule in enumerate(parts["rules"]):
        attribute = rule.params.get("attribute") if rule.kind == "lead_restriction" else None
        if isinstance(attribute, str):
            yield (f"rule {i}", rule.id), "params.attribute", attribute


def handover_overlaps(handover, path) -> list[Problem]:
    """Handover polygons of two authorities that overlap: the ground would have two holders
    (overlaps under a millionth of the smaller polygon are edge noise)."""
    geoms = handover.geometry.values
    who = handover["authority"].astype(str).str.strip().to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = (left < right) & (who[left] != who[right])
    left, right = left[keep], right[keep]
    shared = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    small = 1e-6 * np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
    return [problem(path, f"overlaps feature {j} (authority {who[j]!r}) by {a / 1e6:,.3f} km²: "
                    "ground is handed over to one authority", feature=int(i),
                    feature_id=who[i], field="geometry")
            for i, j, a in zip(left[shared > small], right[shared > small], shared[shared > small])]


def idle_handovers(scenario: Scenario, path) -> list[Problem]:
    """Handover polygons none of whose ground the army ever vacates: they never take effect."""
    layer = scenario.layers.handover
    vacated = scenario.zones.vacated[scenario.phase_numbers[-1]]
    inside = shapely.area(shapely.intersection(layer.geometry.values, vacated))
    return [problem(path, f"none of its {area / 1e6:,.3f} km² is vacated by the last phase: "
                    "the handover never takes effect", feature=int(i),
                    feature_id=str(layer["authority"].iloc[i]), field="geometry")
            for i, (area, got) in enumerate(zip(shapely.area(layer.geometry.values), inside))
            if got <= 1e-6 * max(area, 1.0)]


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
    force = _read_contingents(doc, r, numbers, set(mandates))
    return dict(
        name=r.get(doc, "name", "str"),
        description=r.get(doc, "description", "str", default=""),
        disclaimer=r.get(doc, "disclaimer", "str", default=""),
        marking=r.get(doc, "marking", "str", default=""),
        crs=_read_crs(doc, r),
        phases=phases,
        mandates=mandates,
        contingents=force,
        vetoes=_read_vetoes(doc, r, numbers, [c.code for c in force if c.code]),
        rules=with_roles_rule(_read_rules(doc, r), force),  # R-ROLES when roles need it
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
        r.keys(item, keys_at("phases"), where=where)
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
        r.keys(item, keys_at("mandates"), where=where)
        triggers = r.get(item, "tasks", "mapping", where=where, default={})
        tasks = {}
        for trigger in triggers:
            if _trigger_ok(trigger, r, where, f"tasks.{trigger}"):
                tasks[trigger] = _task_list(triggers, trigger, r, where, prefix="tasks.")
        out[str(key)] = Mandate(
            key=str(key), label=r.get(item, "label", "str", where=where, default=str(key)),
            troops_per_1000=r.get(item, "troops_per_1000", "number", where=where, default=0.0,
                                  check=at_least(0)),
            troops_per_km2=r.get(item, "troops_per_km2", "number", where=where, default=0.0,
                                 check=at_least(0)),
            troops_min=r.get(item, "troops_min", "int", where=where, default=0, check=at_least(0)),
            tasks=MappingProxyType(tasks), overrides=_read_overrides(item, r, where),
            observer_troops=r.get(item, "observer_troops", "int", where=where, default=None,
                                  check=at_least(0)))
    if not out:
        r.report("at least one mandate is required", field="mandates")
    return MappingProxyType(out)


def _trigger_ok(trigger, r, where, field) -> bool:
    if isinstance(trigger, str) and is_trigger(trigger):
        return True
    r.report(f"unknown trigger; use {', '.join(TASK_TRIGGERS)}, border:<neighbour>, "
             "coast:<name> or zone:<name>", where=where, field=field, value=trigger)
    return False


def _read_overrides(item, r, where) -> tuple[Override, ...]:
    """A mandate's ``overrides``: trigger -> terms replacing the mandate's, in order."""
    out = []
    for trigger, terms in r.get(item, "overrides", "mapping", where=where, default={}).items():
        field = f"overrides.{trigger}"
        if not _trigger_ok(trigger, r, where, field):
            continue
        if not isinstance(terms, dict) or not terms:
            r.report("must be a mapping of troops_per_1000, troops_per_km2, troops_min, tasks "
                     "or observer_troops",
                     where=where, field=field, value=terms)
            continue
        r.keys(terms, keys_at("mandates", "overrides"), where=where, prefix=f"{field}.")
        prefix = f"{field}."
        out.append(Override(
            trigger,
            r.get(terms, "troops_per_1000", "number", where=where, prefix=prefix, default=None,
                  check=at_least(0)),
            r.get(terms, "troops_per_km2", "number", where=where, prefix=prefix, default=None,
                  check=at_least(0)),
            r.get(terms, "troops_min", "int", where=where, prefix=prefix, default=None,
                  check=at_least(0)),
            _task_list(terms, "tasks", r, where, prefix=prefix) if "tasks" in terms else None,
            r.get(terms, "observer_troops", "int", where=where, prefix=prefix, default=None,
                  check=at_least(0))))
    return tuple(out)


def _identifier(item, key, r, where):
    """A required identifier (see :data:`planner.files.format.ID_PATTERN`)."""
    return r.get(item, key, "str", where=where, check=id_problem)


def _read_contingents(doc, r, phases, mandates) -> tuple[Contingent, ...]:
    out, seen = [], set()
    for i, item in _entries(doc, "contingents", r):
        if not isinstance(item, dict):
            r.report("must be a mapping", where=(f"contingent {i}", None), field="contingents")
            continue
        where = (f"contingent {i}", item.get("code"))
        r.keys(item, keys_at("contingents"), where=where)
        code = _identifier(item, "code", r, where)
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
        until = r.get(item, "available_until", "int", where=where, default=None,
                      check=one_of(phases) if phases else None)
        if until is not None and start is not None and until < start:
            r.report(f"must not come before available_from ({start})", where=where,
                     field="available_until", value=until)
        prefers = r.get(item, "prefers", "str_list", where=where, default=[])
        prefers = [t for t in prefers if _trigger_ok(t, r, where, "prefers")]
        out.append(Contingent(
            code=code, name=r.get(item, "name", "str", where=where, default=code),
            troops=r.get(item, "troops", "int", where=where, check=at_least(0)),
            tasks=frozenset(_task_list(item, "tasks", r, where)),
            mandates=frozenset(accepted), available_from=start, prefers=tuple(prefers),
            unit=r.get(item, "unit", "int", where=where, default=None, check=at_least(1)),
            available_until=until,
            role=r.get(item, "role", "str", where=where, default="ground",
                       check=one_of(ROLES))))
    return tuple(out)


def _read_vetoes(doc, r, phases, codes) -> tuple[Veto, ...]:
    out, seen = [], set()
    for i, item in _entries(doc, "vetoes", r, required=False):
        if not isinstance(item, dict):
            r.report("must be a mapping", where=(f"veto {i}", None), field="vetoes")
            continue
        where = (f"veto {i}", item.get("id"))
        r.keys(item, keys_at("vetoes"), where=where)
        sectors = item.get("sectors", "all")
        if sectors != "all" and not (isinstance(sectors, list)
                                     and all(isinstance(s, str) for s in sectors)):
            r.report("must be 'all' or a list of sector ids", where=where, field="sectors",
                     value=sectors)
            sectors = "all"
        vid = r.get(item, "id", "str", where=where, default=f"veto-{i}", check=id_problem)
        if vid in seen:
            r.report("duplicate veto id", where=where, field="id", value=vid)
        seen.add(vid)
        nation = r.get(item, "nation", "str", where=where)
        if nation is not None and nation not in codes:
            r.report(f"unknown contingent; codes are {', '.join(codes)}", where=where,
                     field="nation", value=nation)
        out.append(Veto(id=vid, by=r.get(item, "by", "str", where=where), nation=nation,
                        sectors=None if sectors == "all" else tuple(sectors),
                        note=r.get(item, "note", "str", where=where, default=""),
                        phases=_veto_phases(item, r, where, phases)))
    return tuple(out)


def _veto_phases(item, r, where, phases) -> tuple[int, ...] | None:
    """The phases a veto holds in (None: all of them)."""
    if item.get("phases") is None:
        return None
    listed = r.get(item, "phases", "list", where=where, default=None)
    if listed is None:
        return None
    bad = [p for p in listed if not (isinstance(p, int) and not isinstance(p, bool)
                                     and p in phases)]
    if bad or not listed:
        r.report(f"must be a non-empty list of the scenario's phases ({', '.join(map(str, phases))})",
                 where=where, field="phases", value=listed)
        return None
    return tuple(sorted(set(listed)))


def _read_rules(doc, r) -> tuple[Rule, ...]:
    out, seen = [], set()
    for i, item in _entries(doc, "rules", r, required=False):
        if not isinstance(item, dict):
            r.report("must be a mapping", where=(f"rule {i}", None), field="rules")
            continue
        where = (f"rule {i}", item.get("id"))
        r.keys(item, keys_at("rules"), where=where)
        rid = _identifier(item, "id", r, where)
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
    names = keys_at("geography")
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
    r.keys(item, keys_at("sectoring"), prefix="sectoring.")
    counts = r.get(item, "counts", "mapping", prefix="sectoring.", default={})
    clean = {}
    for phase, count in counts.items():
        if phase not in phases:
            r.report(f"unknown phase; phases are {', '.join(map(str, phases))}",
                     field=f"sectoring.counts.{phase}", value=phase)
        elif not isinstance(count, int) or isinstance(count, bool) or count < 0:
            r.report("must be a whole number of sectors, 0 or more (0: a phase that opens no "
                     "ground to the force)",
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
    r.keys(files, keys_at("layers"), prefix="layers.")
    read, problems = {}, []
    repair = parts["geography"].repair
    wanted = {n: spec for n, spec in LAYER_SPECS.items() if n not in skip}
    wanted.update({f"context.{n}": (None, False) for n in _context_files(files, r)})
    for name, (kind, required) in wanted.items():
        file = _layer_file(files, name)
        if file is None:
            if required:
                r.report("required layer file is missing", field=f"layers.{name}")
            continue
        if not isinstance(file, str):
            r.report("must be a file name", field=f"layers.{name}", value=file)
            continue
        try:
            layer = read_layer(root / file, geometry=kind,
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
                layer, crs, geometry=wanted[name][0], repair=repair,
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
    context = {n.split(".", 1)[1]: frames.pop(n) for n in list(frames) if n.startswith("context.")}
    return Layers(sectors=frames.pop("sectors", None), zones=frames.pop("zones", None),
                  handover=frames.pop("handover", None), lines=frames.pop("lines", None),
                  context=MappingProxyType(context), warnings=tuple(warnings), **frames), []


def _layer_file(files: dict, name: str):
    """The file a layer name (``borders``, ``context.roads``) points to, or None."""
    if name.startswith("context."):
        return (files.get("context") or {}).get(name.split(".", 1)[1])
    return files.get(name)


def _context_files(files: dict, r: Reader) -> list[str]:
    """The names of ``layers.context``, each an identifier."""
    context = r.get(files, "context", "mapping", prefix="layers.", default={})
    return [n for n in context
            if not _bad_id(r, n, field=f"layers.context.{n}")]


def _bad_id(r: Reader, value, *, field: str, where=(None, None)) -> bool:
    message = id_problem(value)
    if message:
        r.report(message, where=where, field=field, value=value)
    return message is not None


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
        if name == "territory" or name.startswith("context."):
            continue  # context layers may reach beyond the territory (a region's roads)
        ids = frame.get("sector_id", frame.get("name"))
        for far in far_features(frame, territory, read[name].frame):
            message = f"lies {far.km:,.0f} km from the territory"
            if far.swapped:
                message += "; its longitude and latitude look swapped"
            problems.append(problem(root / _layer_file(files, name), message, feature=far.index,
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
