"""The scenario file format: every key of ``scenario.yaml``, once, as a JSON Schema.

:func:`scenario_schema` is the one list of keys: the reader (:mod:`planner.files.scenario_file`)
takes the keys it accepts from it, ``planner scenario schema`` prints it for editors, and a
test checks that ``docs/scenario-format.md`` describes every key in it. Each key carries its
type, default and meaning (units in the words); rule parameters come from the rule kinds'
own definitions.

Identifiers (sector ids, contingent codes, rule and veto ids, context layer names) keep to
:data:`ID_PATTERN`: letters, digits, ``_``, ``.`` and ``-``, starting with a letter or a
digit, at most 64 characters. So none can start a spreadsheet formula (``=``, ``+``, ``-``,
``@``) or carry markup into a file or a page.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
_ID = re.compile(ID_PATTERN)
ID_RULE = ("letters, digits, '_', '.' and '-', starting with a letter or a digit, at most 64 "
           "characters")
TRIGGER_PATTERN = r"^(all|contact_line|crossing|urban|coastal|(border|coast|zone|line|contact):.+)$"
SCHEMA_ID = "https://withdrawal-zone-planner.invalid/scenario.schema.json"


def id_problem(value: Any) -> str | None:
    """Why ``value`` is not a safe identifier, or None when it is."""
    if isinstance(value, str) and _ID.match(value):
        return None
    return f"must be an identifier: {ID_RULE}"


def _key(type_: str | list, doc: str, **kw) -> dict:
    return {"type": type_, "description": doc, **kw}


def _text(doc: str, **kw) -> dict:
    return _key("string", doc, minLength=1, **kw)


def _strict(properties: dict, required=(), doc: str = "") -> dict:
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    if doc:
        out["description"] = doc
    return out


def _identifier(doc: str) -> dict:
    return _key("string", doc, pattern=ID_PATTERN)


def _tasks(doc: str) -> dict:
    from planner.domain.scenario import TASKS
    return _key("array", doc, items={"enum": list(TASKS)}, uniqueItems=True)


def _layers() -> dict:
    file = lambda doc, **kw: _text(f"File name, relative to the scenario folder: {doc}", **kw)
    return _strict({
        "territory": file("polygons of the whole territory."),
        "held": file("polygons with `phase` (and optional `label` and `party`): the ground the "
                     "army (or each party) still holds at each phase."),
        "population": file("polygons with `population` (residents)."),
        "places": file("points with `name` and `kind`; kind `crossing` marks a crossing."),
        "borders": file("lines with `kind` (land or coast), `neighbour` (land borders) and an "
                        "optional `name` (a coast's name makes the `coast:<name>` tag)."),
        "sectors": file("optional: polygons with `sector_id` and `phase`; without it, sectors "
                        "are cut from `sectoring`."),
        "zones": file("optional: context zones, polygons with a `zone` name; a sector is in a "
                      "zone when more than half of its area lies inside (tag `zone:<name>`)."),
        "handover": file("optional: polygons with `phase` and `authority`: ground that leaves "
                         "the force's responsibility from that phase on, to that authority."),
        "lines": file("optional: named agreed lines (`name`): sector boundaries follow them; "
                      "tag `line:<name>` for sectors along one."),
        "context": {"type": "object", "description": "Optional: other layers by name, drawn "
                    "on the app's map and exported in its GeoPackage (any geometry).",
                    "propertyNames": {"pattern": ID_PATTERN},
                    "additionalProperties": _text("File name of the layer.")},
    }, required=("territory", "held", "population", "places", "borders"),
        doc="The layer files (any format GDAL reads; GeoJSON is WGS84 longitude/latitude).")


def _geography() -> dict:
    metres = lambda doc: _key("number", f"Metres: {doc} Default: a share of the territory's "
                                        "size (see docs/scenario-format.md).", minimum=0)
    return _strict({
        "urban_density": _key("number", "Residents per km²: people in population polygons "
                              "denser than this live densely.", minimum=0, default=5000),
        "urban_share": _key("number", "Share (0 to 1): a sector is urban when at least this "
                            "share of its residents live densely ...", minimum=0, maximum=1,
                            default=0.5),
        "urban_residents": _key("number", "Residents: ... or when at least this many of them "
                                "live densely.", minimum=0, default=50000),
        "touch_m": metres("within this a sector touches the coast or the held area."),
        "border_m": metres("within this a sector is on a land border."),
        "crossing_m": metres("a crossing belongs to the nearest sector within this."),
        "min_contact_m": metres("the shortest edge shared with the held area that makes a "
                                "contact line."),
        "repair": _key("boolean", "Repair invalid polygons with make_valid, each with a "
                       "warning, instead of refusing them.", default=False),
    }, doc="How sector attributes are measured.")


def _sectoring() -> dict:
    return _strict({
        "counts": {"type": "object", "description": "Sectors per phase: phase number -> "
                   "count (every phase, or none; 0 for a phase that opens no ground to the "
                   "force).",
                   "propertyNames": {"pattern": "^[0-9]+$"},
                   "additionalProperties": {"type": "integer", "minimum": 0}},
        "balance": _key("string", "Balance sectors by `population` or `area`.",
                        enum=["population", "area"], default="population"),
        "seed": _key("integer", "Random seed of the cut (same seed, same sectors).", default=0),
        "cell_m": _key("number", "Metres: the smallest cell side (default: about 1/2048 of the "
                       "zone's side).", exclusiveMinimum=0),
    }, doc="How sectors are cut when the scenario has no sector layer, and what `planner "
           "sectors` uses by default.")


def _terms(doc_tasks: str) -> dict:
    return {
        "troops_per_1000": _key("number", "Troops per 1,000 residents of a sector.",
                                minimum=0, default=0),
        "troops_per_km2": _key("number", "Troops per km² of a sector.", minimum=0, default=0),
        "troops_min": _key("integer", "Troops: the least any sector gets.", minimum=0,
                           default=0),
        "tasks": doc_tasks,
        "observer_troops": _key("integer", "Troops: enough for an observation-only sector "
                                "(tasks: monitoring alone) held only by observers (default: "
                                "the normal requirement).", minimum=0),
    }


def _mandate() -> dict:
    triggers = {"type": "object", "description": "Sector tag -> tasks sectors with that tag "
                "need: all, contact_line, crossing, urban, coastal, border:<neighbour>, "
                "coast:<name>, zone:<name>, line:<name>, contact:<party>.",
                "propertyNames": {"pattern": TRIGGER_PATTERN},
                "additionalProperties": _tasks("Tasks.")}
    override = _strict(_terms(_tasks("Tasks: replace the sector's tasks.")),
                       doc="Terms replacing the mandate's for sectors with the tag.")
    overrides = {"type": "object", "description": "Sector tag -> terms replacing the "
                 "mandate's for sectors with that tag; when several apply, the last listed "
                 "wins for each key it sets.",
                 "propertyNames": {"pattern": TRIGGER_PATTERN},
                 "additionalProperties": override}
    return _strict({"label": _text("Name shown to people (default: the key)."),
                    **_terms(triggers), "overrides": overrides})


def _contingent() -> dict:
    from planner.domain.scenario import ROLES
    return _strict({
        "code": _identifier("Contingent code, unique (for example ITA)."),
        "name": _text("The nation's name (default: the code)."),
        "troops": _key("integer", "Troops pledged.", minimum=0),
        "unit": _key("integer", "Troops: they deploy in whole units of this many (default: "
                     "`troop_unit`).", minimum=1),
        "tasks": _tasks("Tasks it accepts."),
        "mandates": _key("array", "Mandate keys it accepts.", items={"type": "string"}),
        "available_from": _key("integer", "First phase it serves in (default: the first).",
                               minimum=1),
        "available_until": _key("integer", "Last phase it serves in (default: the last): it "
                                "leaves after this phase.", minimum=1),
        "prefers": _key("array", "Sector tags whose sectors it prefers to lead.",
                        items={"type": "string", "pattern": TRIGGER_PATTERN}),
        "role": _key("string", "What it is for: ground units garrison sectors, observers "
                     "man observation-only sectors, logistics, staff and naval units hold no "
                     "ground (they count towards the force only).", enum=list(ROLES),
                     default="ground"),
    }, required=("code", "troops"))


def _veto() -> dict:
    sectors = {"description": "`all` or a list of sector ids (default: all).",
               "oneOf": [{"const": "all"},
                         {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}}]}
    return _strict({
        "id": _identifier("Veto id, unique."),
        "by": _text("Who vetoes (a party, a stakeholder)."),
        "nation": _key("string", "Code of the contingent barred."),
        "sectors": sectors,
        "phases": _key("array", "Phases it holds in (default: every phase).",
                       items={"type": "integer", "minimum": 1}, minItems=1),
        "note": _key("string", "Why, in a few words (shown in messages)."),
    }, required=("by", "nation"))


_PARAM_TYPES = {"str": {"type": "string"}, "int": {"type": "integer"},
                "number": {"type": "number"}, "bool": {"type": "boolean"},
                "str_list": {"type": "array", "items": {"type": "string"}},
                "mapping": {"type": "object"}, "list": {"type": "array"}}


def _rule() -> dict:
    from planner.rules import REGISTRY
    from planner.rules.base import REQUIRED
    rule = _strict({
        "id": _identifier("Rule id, unique."),
        "kind": _key("string", "Rule kind (`planner rules` lists them).",
                     enum=sorted(REGISTRY)),
        "severity": _key("string", "hard: a plan must keep it; soft: a weighted penalty.",
                         enum=["hard", "soft"], default="hard"),
        "params": _key("object", "The kind's parameters."),
        "weight": _key("number", "Penalty per violation of a soft rule.", minimum=0,
                       default=1.0),
        "note": _key("string", "Why the rule is there."),
    }, required=("id", "kind"))
    cases = []
    for name, kind in sorted(REGISTRY.items()):
        params = {p: {**_PARAM_TYPES[param.kind], "description": param.doc,
                      **({} if param.default is REQUIRED else {"default": param.default})}
                  for p, param in kind.params.items()}
        required = [p for p, param in kind.params.items() if param.default is REQUIRED]
        then = _strict(params, required)
        cases.append({"if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
                      "then": {"properties": {"params": then},
                               **({"required": ["params"]} if required else {})}})
    rule["allOf"] = cases
    return rule


def _variant_keys() -> dict:
    names = lambda doc: _key("array", doc, items={"type": "string"}, uniqueItems=True)
    return {
        "extends": _text("A variant: the scenario folder (relative to this file's folder) "
                         "whose scenario.yaml this file extends; the keys given here are laid "
                         "over the base's (see docs/scenario-format.md, Variants)."),
        "remove": _strict({
            "contingents": names("Codes of the base's contingents to drop."),
            "vetoes": names("Ids of the base's vetoes to drop."),
            "rules": names("Ids of the base's rules to drop."),
            "mandates": names("Keys of the base's mandates to drop."),
            "layers": names("Names of the base's layers to drop (for example `sectors`, so "
                            "that sectors are cut from `sectoring`)."),
        }, doc="A variant's entries of the base to drop."),
    }


def _with_variants(schema: dict) -> dict:
    """``schema`` accepting variants (see :mod:`planner.files.variants`): a file with
    `extends` need not carry the required keys, and its contingents, vetoes and rules need
    only their code or id (an entry of the base changes only the fields given); the loader
    validates the resolved scenario."""
    schema["properties"].update(_variant_keys())
    whole = {"required": schema.pop("required"), "properties": {}}
    for key, kept in (("contingents", ["code"]), ("vetoes", []), ("rules", ["id"])):
        item = schema["properties"][key]["items"]
        whole["properties"][key] = {"items": {"required": item.pop("required")}}
        if kept:
            item["required"] = kept
    schema["if"] = {"required": ["extends"]}
    schema["else"] = whole
    schema["dependentRequired"] = {"remove": ["extends"]}
    return schema


@lru_cache(maxsize=1)
def _schema() -> dict:
    listed = lambda doc, item, **kw: _key("array", doc, items=item, **kw)
    return _with_variants({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Withdrawal-Zone Planner scenario (scenario.yaml)",
        "description": "A phased withdrawal and the multinational force that takes over the "
                       "ground: see docs/scenario-format.md.",
        **_strict({
            "name": _text("The scenario's name (plans record it)."),
            "description": _key("string", "What the withdrawal is."),
            "disclaimer": _key("string", "Where the figures come from and how far to trust "
                               "them; shown in the app, summaries and briefings."),
            "marking": _key("string", "A marking line heading and footing every briefing page "
                            "(for example UNCLASSIFIED // EXERCISE)."),
            "crs": _text("A projected CRS in metres (for example EPSG:32636); default: the "
                         "territory's UTM zone."),
            "layers": _layers(),
            "geography": _geography(),
            "sectoring": _sectoring(),
            "troop_unit": _key("integer", "Troops: contingents deploy in whole units of this "
                               "many unless they set their own `unit`.", minimum=1, default=50),
            "phases": listed("The phases in increasing order.", _strict({
                "phase": _key("integer", "Phase number.", minimum=1),
                "label": _text("Name shown to people (default: Phase N).")},
                required=("phase",)), minItems=1),
            "mandates": {"type": "object", "description": "Mandate key -> what it asks of "
                         "each sector; the first is the default.", "minProperties": 1,
                         "additionalProperties": _mandate()},
            "contingents": listed("The force: one entry per nation's contingent.",
                                  _contingent(), minItems=1),
            "vetoes": listed("Stakeholders' vetoes on nations.", _veto()),
            "rules": listed("Composition rules (`planner rules` lists the kinds).", _rule()),
        }, required=("name", "layers", "phases", "mandates", "contingents")),
    })


def scenario_schema() -> dict:
    """The JSON Schema of ``scenario.yaml`` (a fresh copy: free to change)."""
    import copy
    return copy.deepcopy(_schema())


def keys_at(*path: str) -> set[str]:
    """The keys the object at ``path`` accepts, e.g. ``keys_at()`` (top level),
    ``keys_at("contingents")`` (an entry of the list), ``keys_at("mandates")`` (one
    mandate), ``keys_at("mandates", "overrides")`` (one override)."""
    node = _schema()
    for step in path:
        node = node["properties"][step]
        while "properties" not in node:  # through lists and open mappings to their entries
            node = node.get("items") or node["additionalProperties"]
    return set(node["properties"])


def key_paths(node: dict | None = None, prefix: str = "") -> list[str]:
    """Every key of the format as a dotted path (``contingents[].unit``,
    ``mandates.*.overrides.*.tasks``), in schema order: what the documentation must cover."""
    node = _schema() if node is None else node
    out = []
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        out.append(path)
        while "properties" not in child and ("items" in child or isinstance(
                child.get("additionalProperties"), dict)):
            if "items" in child and isinstance(child["items"], dict):
                path, child = path + "[]", child["items"]
            elif isinstance(child.get("additionalProperties"), dict):
                path, child = path + ".*", child["additionalProperties"]
            else:
                break
        if "properties" in child and name != "params":
            out += key_paths(child, path + ".")
    return out
