"""Plan files: RFC 7946 GeoJSON (one feature per sector and phase) and CSV assignments.

Writing then reading a plan gives the same plan. Reading validates every row against the
scenario and reports every problem at once, naming file, feature, field and value.

A plan file records the scenario it was made for (``Scenario.identity``: name and content
hash), as the GeoJSON's top-level ``scenario`` member or the CSV's ``scenario`` and
``scenario_hash`` columns. Read against a scenario of another name, it is refused, naming
the scenario it was made for; of the same name but other content, it is read with a
:class:`ScenarioChanged` warning. A file without the record is accepted.

CSV cells a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are written with a leading ``'`` (OWASP's advice against CSV
injection) and read back without it.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
import warnings

import geopandas as gpd

from geo.errors import InputError, checked_file, problem
from geo.export import geojson_text, write_text_atomic
from planner.domain.plan import Assignment, Pin, Plan

MAX_PLAN_BYTES = 50 * 1024 * 1024
CSV_COLUMNS = ["phase", "sector_id", "nation", "troops", "lead"]
TROOPS = re.compile(r"^troops_(?!total$|required$)(.+)$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ScenarioChanged(UserWarning):
    """A plan file made for a scenario of this name whose content has changed since."""


def csv_cell(value):
    """``value`` as a CSV cell no spreadsheet runs: text starting like a formula gets a
    leading ``'`` (numbers are left as they are)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_value(text: str) -> str:
    """The text :func:`csv_cell` wrote: its leading ``'`` taken off again."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


# --- writing -------------------------------------------------------------------------------
def plan_frame(plan: Plan, table, *, report=None, requirements=None, mandate=None,
               nations=None, plan_name=None, revision=None) -> gpd.GeoDataFrame:
    """The plan as a layer: one row per (phase, sector) with flat properties and geometry.

    With ``nations`` (every contingent of the scenario) the columns do not depend on the
    plan: each has its ``troops_<CODE>``, even at 0. ``mandate``, ``plan_name`` and
    ``revision``, when given, are columns too.
    """
    geom = dict(zip(table.sectors["sector_id"].astype(str), table.sectors.geometry.values))
    nations = sorted(set(nations or ()) | {n for a in plan for n in a.troops})
    rows = []
    for p, s in table.keys:
        a = plan.get(p, s)
        broken = report.by_sector.get((p, s), []) if report else []
        row = {"sector_id": s, "phase": p, "lead": a.lead, "troops_total": a.total}
        if requirements is not None:
            row["troops_required"] = requirements[p, s].troops
        row.update({f"troops_{n}": a.troops.get(n, 0) for n in nations})
        if report is not None:
            row["status"] = "violations" if broken else "ok"
            row["rules"] = ";".join(broken)
        row["locked"] = (p, s) in plan.pins
        if mandate:
            row["mandate"] = mandate
        if plan_name is not None:
            row["plan_name"], row["revision"] = plan_name, revision
        rows.append(row)
    geoms = [geom[r["sector_id"]] for r in rows]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=table.sectors.crs)


def plan_geojson(plan: Plan, table, *, members: dict | None = None, **kw) -> str:
    """RFC 7946 text of :func:`plan_frame`; ``members`` are top-level foreign members (the
    settings the plan is made under, its name and revision). The table's scenario is the
    ``scenario`` member unless ``members`` has one."""
    members = dict(members or {})
    if table.scenario and "scenario" not in members:
        members["scenario"] = dict(table.scenario)
    return geojson_text(plan_frame(plan, table, **kw), name="plan", members=members or None)


def plan_csv(plan: Plan, table, *, mandate=None, plan_name=None, revision=None) -> str:
    """CSV assignments: one row per phase, sector and contingent (leads without troops too);
    a sector with nothing assigned has one row with an empty ``nation``.

    With ``mandate`` (and ``plan_name``, ``revision``), every row carries them as columns,
    and so the table's scenario (``scenario``, ``scenario_hash``). Cells are written with
    :func:`csv_cell`.
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    who = table.scenario or {}
    extra = ([mandate] if mandate else []) + ([plan_name, revision] if plan_name else []) \
        + ([who.get("name"), who.get("hash")] if who else [])
    w.writerow(CSV_COLUMNS + ["locked"] + (["mandate"] if mandate else [])
               + (["plan_name", "revision"] if plan_name else [])
               + (["scenario", "scenario_hash"] if who else []))
    for p, s in table.keys:
        a = plan.get(p, s)
        locked = str((p, s) in plan.pins).lower()
        rows = [[p, s, n, a.troops.get(n, 0), str(n == a.lead).lower(), locked]
                for n in sorted(a.nations)]
        # nothing assigned: one row says so, so the file names every sector
        for row in rows or [[p, s, "", 0, "false", locked]]:
            w.writerow([csv_cell(v) for v in row + extra])
    return out.getvalue()


def write_plan(plan: Plan, table, path, **kw) -> None:
    """Write ``plan`` to ``path``: CSV when it ends in ``.csv`` (with the ``mandate``,
    ``plan_name`` and ``revision`` columns when given), else RFC 7946 GeoJSON."""
    if str(path).lower().endswith(".csv"):
        text = plan_csv(plan, table, **{k: kw[k] for k in ("mandate", "plan_name", "revision")
                                        if kw.get(k) is not None})
    else:
        text = plan_geojson(plan, table, **kw)
    write_text_atomic(path, text)


# --- reading -------------------------------------------------------------------------------
class _Rows:
    """Gathers problems while rows are read into assignments."""

    def __init__(self, path, table, known_nations, *, csv_rows: bool = False):
        self.path, self.table, self.known = str(path), table, set(known_nations)
        self.problems, self.leads, self.troops, self.locked = [], {}, {}, set()
        self.csv_rows = csv_rows

    def bad(self, i, sid, field, message, **value):
        if self.csv_rows:  # said as a spreadsheet shows it: row, line and column
            where = f"row {i + 1} (line {i + 2})"
            if field.startswith("troops_"):
                field = "nation" if message.startswith("unknown nation") else "troops"
        else:
            where = i
        self.problems.append(problem(self.path, message, feature=where, feature_id=sid,
                                     field=field, **value))

    def key(self, i, sid, phase):
        if not isinstance(sid, str) or not sid.strip():
            self.bad(i, None, "sector_id", "must be a non-empty sector id", value=sid)
            return None
        if isinstance(phase, str) and phase.strip().lstrip("-").isdigit():
            phase = int(phase)
        if not isinstance(phase, int) or isinstance(phase, bool):
            self.bad(i, sid, "phase", "must be a whole phase number", value=phase)
            return None
        if sid not in self.table.info:
            self.bad(i, sid, "sector_id", "unknown sector; it is not in the scenario's sector "
                     "layer", value=sid)
            return None
        if (phase, sid) not in self.table.contact:
            opens = self.table.info[sid].phase
            self.bad(i, sid, "phase", f"sector {sid} is not open in this phase (it opens in "
                     f"phase {opens}; phases are {', '.join(map(str, self.table.phases))})",
                     value=phase)
            return None
        return (phase, sid)

    def troop(self, i, sid, key, nation, value):
        field = f"troops_{nation}"
        if nation not in self.known:
            self.bad(i, sid, field, "unknown nation; it is not a contingent of the scenario",
                     value=nation)
            return
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.bad(i, sid, field, "must be a whole number of troops, 0 or more", value=value)
            return
        self.troops.setdefault(key, {})[nation] = self.troops.get(key, {}).get(nation, 0) + value

    def lead(self, i, sid, key, lead):
        if lead in (None, ""):
            self.leads.setdefault(key, None)
            return
        if not isinstance(lead, str) or lead not in self.known:
            self.bad(i, sid, "lead", "unknown nation; it is not a contingent of the scenario",
                     value=lead)
            return
        if self.leads.get(key) not in (None, lead):
            self.bad(i, sid, "lead", f"a second lead for {sid} in phase {key[0]} (already "
                     f"{self.leads[key]})", value=lead)
            return
        self.leads[key] = lead

    def plan(self) -> Plan:
        if self.problems:
            raise InputError(self.problems)
        keys = sorted(set(self.leads) | set(self.troops))
        if not keys:
            raise InputError(problem(self.path, "the plan has no rows (an empty file or "
                                     "collection); export a plan to see the expected form"))
        rows = [Assignment(p, s, self.leads.get((p, s)), self.troops.get((p, s), {}))
                for p, s in keys]
        pins = {k: Pin(self.leads.get(k), dict(self.troops.get(k, {}))) for k in self.locked}
        return Plan.from_assignments(rows, pins)


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _load_json(path):
    p = checked_file(path, MAX_PLAN_BYTES)
    try:
        return json.loads(p.read_bytes().decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise InputError(problem(path, f"not UTF-8 text (byte {exc.start})")) from None
    except ValueError as exc:
        raise InputError(problem(path, f"invalid JSON: {exc}")) from None


def made_for(path, recorded, expected) -> None:
    """Refuse a plan file made for another scenario (see the module docstring).

    ``recorded`` is the file's record (``{"name", "hash"}``, or None: nothing recorded),
    ``expected`` the scenario it is read against (``Scenario.identity`` or None).

    Raises
    ------
    InputError
        The file records another scenario's name.
    """
    if not expected or recorded is None:
        return
    if not isinstance(recorded, dict) or not isinstance(recorded.get("name"), str):
        raise InputError(problem(path, "must record the scenario as {\"name\": ..., "
                                 "\"hash\": ...}", field="scenario", value=recorded))
    name, digest = recorded["name"], recorded.get("hash")
    if name != expected["name"]:
        raise InputError(problem(
            path, f"this plan was made for scenario {name!r} (content {digest or 'unknown'}),"
            f" not {expected['name']!r}: open it with that scenario",
            field="scenario", value=name))
    if digest and expected.get("hash") and digest != expected["hash"]:
        warnings.warn(ScenarioChanged(
            f"{path}: this plan was made for scenario {name!r} with content {digest}; the "
            f"scenario's content is now {expected['hash']} (its files have changed since): "
            "checked against what it is now"), stacklevel=3)


def read_plan_geojson(path, table, known_nations) -> Plan:
    """Read a plan GeoJSON written by :func:`write_plan` (geometry is not needed)."""
    doc = _load_json(path)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise InputError(problem(path, "must be a GeoJSON FeatureCollection", field="type",
                                 value=doc.get("type") if isinstance(doc, dict) else type(doc).__name__))
    made_for(path, doc.get("scenario"), table.scenario)
    rows = _Rows(path, table, known_nations)
    for i, feat in enumerate(doc["features"]):
        props = feat.get("properties") if isinstance(feat, dict) else None
        if not isinstance(props, dict):
            rows.bad(i, None, "properties", "feature has no properties mapping")
            continue
        sid = props.get("sector_id")
        key = rows.key(i, sid, props.get("phase"))
        if key is None:
            continue
        if key in rows.leads:
            rows.bad(i, sid, "sector_id", f"duplicate row for {sid} in phase {key[0]}", value=sid)
            continue
        rows.lead(i, sid, key, props.get("lead"))
        for name, value in props.items():
            m = TROOPS.match(name)
            if m:
                rows.troop(i, sid, key, m.group(1), value)
        if props.get("locked") is True:
            rows.locked.add(key)
    return rows.plan()


def read_plan_csv(path, table, known_nations) -> Plan:
    """Read CSV assignments (``phase,sector_id,nation,troops,lead[,locked]``)."""
    p = checked_file(path, MAX_PLAN_BYTES)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(problem(path, f"not UTF-8 text (byte {exc.start})")) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(problem(path, f"missing columns; the header must include "
                                       f"{','.join(CSV_COLUMNS)}", field=", ".join(missing)))
    rows = _Rows(path, table, known_nations, csv_rows=True)
    records = [{k: csv_value(v) if isinstance(v, str) else v for k, v in rec.items()}
               for rec in reader]
    if records and records[0].get("scenario"):
        made_for(path, {"name": records[0]["scenario"],
                        "hash": records[0].get("scenario_hash") or None}, table.scenario)
    for i, rec in enumerate(records):
        sid = (rec["sector_id"] or "").strip()
        key = rows.key(i, sid, (rec["phase"] or "").strip())
        if key is None:
            continue
        nation = (rec["nation"] or "").strip()
        if not nation and (rec["troops"] or "").strip() in ("", "0"):
            rows.leads.setdefault(key, None)  # a sector with nothing assigned
            if (rec.get("locked") or "").strip().lower() in ("true", "1", "yes"):
                rows.locked.add(key)
            continue
        rows.troop(i, sid, key, nation, (rec["troops"] or "").strip())
        flag = (rec["lead"] or "").strip().lower()
        if flag not in ("true", "false", "1", "0", "yes", "no", ""):
            rows.bad(i, sid, "lead", "must be true or false", value=rec["lead"])
        elif flag in ("true", "1", "yes"):
            rows.lead(i, sid, key, nation)
        else:
            rows.leads.setdefault(key, None)
        if (rec.get("locked") or "").strip().lower() in ("true", "1", "yes"):
            rows.locked.add(key)
    return rows.plan()


def plan_members(path) -> dict:
    """The top-level foreign members of a plan GeoJSON (``settings``, ``plan``, ...); for a
    CSV file, ``{"settings": {"mandate": ...}}`` when its rows carry a mandate column, else
    {}. The file must already have been read by :func:`read_plan`."""
    if str(path).lower().endswith(".csv"):
        text = checked_file(path, MAX_PLAN_BYTES).read_bytes().decode("utf-8-sig")
        first = next(csv.DictReader(io.StringIO(text)), None) or {}
        mandate = (first.get("mandate") or "").strip()
        return {"settings": {"mandate": mandate}} if mandate else {}
    doc = _load_json(path)
    return {k: v for k, v in doc.items() if k not in ("type", "features", "name", "bbox")}


def read_plan(path, table, known_nations) -> Plan:
    """Read a plan file (CSV by extension, else GeoJSON), validated against the sector table."""
    if str(path).lower().endswith(".csv"):
        return read_plan_csv(path, table, known_nations)
    return read_plan_geojson(path, table, known_nations)
