"""Plan files: RFC 7946 GeoJSON (one feature per sector and phase) and CSV assignments.

Writing then reading a plan gives the same plan. Reading validates every row against the
scenario and reports every problem at once, naming file, feature, field and value; in a CSV
file, the row, its line and the column (header name), as a spreadsheet shows them.

A plan file records the scenario it was made for (``Scenario.identity``: name and content
hash), as the GeoJSON's top-level ``scenario`` member or the CSV's ``scenario`` and
``scenario_hash`` columns. Read against a scenario of another name, it is refused, naming
the scenario it was made for; of the same name but other content, it is read with a
:class:`ScenarioChanged` warning. A file without the record is accepted.

A plan file may record the mandate it was made under (:func:`recorded_mandate`): the
GeoJSON's ``settings`` member, else its features' ``mandate`` property; the CSV's ``mandate``
column. Rows that disagree are refused.

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

from geo.errors import InputError, Problem, checked_file, problem
from geo.export import geojson_text, write_text_atomic
from planner.domain.plan import Assignment, Pin, Plan
from planner.domain.roles import sector_need

MAX_PLAN_BYTES = 50 * 1024 * 1024
CSV_COLUMNS = ["phase", "sector_id", "nation", "troops", "lead"]
TROOPS = re.compile(r"^troops_(?!total$|required$)(.+)$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ScenarioChanged(UserWarning):
    """A plan file made for a scenario of this name whose content has changed since."""


class CsvProblem(Problem):
    """A problem in a CSV plan file, said as a spreadsheet shows it: ``feature`` is the row
    and line (``"row 3 (line 4)"``), ``field`` the column's header name."""

    def __str__(self) -> str:
        where = [] if self.feature is None else [
            str(self.feature) + ("" if self.feature_id is None else f" (id {self.feature_id!r})")]
        where += [] if self.field is None else [f"column {self.field!r}"]
        # said by Problem, with the column where it would name a field
        return str(Problem(self.file, self.message, ": ".join(where) or None, None, None,
                           self.value, self.has_value))


def csv_problem(file, message, *, line=None, row=None, feature_id=None, column=None,
                **value) -> CsvProblem:
    """A :class:`CsvProblem` at ``line`` (1-based, as an editor counts), data ``row``
    (1-based, the header not counted) and ``column``; pass ``value=`` to name the cell."""
    where = None if line is None else (f"line {line}" if row is None
                                        else f"row {row} (line {line})")
    return CsvProblem(str(file), message, where, feature_id, column, value.get("value"),
                      "value" in value)


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
def plan_frame(plan: Plan, table, *, report=None, requirements=None, contingents=(),
               mandate=None, nations=None, plan_name=None, revision=None) -> gpd.GeoDataFrame:
    """The plan as a layer: one row per (phase, sector) with flat properties and geometry.

    With ``requirements``, ``troops_required`` is what the sector needs as the plan holds it
    (:func:`planner.domain.roles.sector_need`, as the checker reads it: the mandate's
    ``observer_troops`` where observers alone hold it; ``contingents``: those in play). With
    ``nations`` (every contingent of the scenario) the columns do not depend on the plan:
    each has its ``troops_<CODE>``, even at 0. ``mandate``, ``plan_name`` and ``revision``,
    when given, are columns too.
    """
    force = {c.code: c for c in contingents}
    geom = dict(zip(table.sectors["sector_id"].astype(str), table.sectors.geometry.values))
    nations = sorted(set(nations or ()) | {n for a in plan for n in a.troops})
    rows = []
    for p, s in table.keys:
        a = plan.get(p, s)
        broken = report.by_sector.get((p, s), []) if report else []
        row = {"sector_id": s, "phase": p, "lead": a.lead, "troops_total": a.total}
        if requirements is not None:
            row["troops_required"] = sector_need(requirements[p, s], a, force)
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

    def __init__(self, path, table, known_nations, *, lines: list[int] | None = None):
        self.path, self.table, self.known = str(path), table, set(known_nations)
        self.problems, self.leads, self.troops, self.locked = [], {}, {}, set()
        self.lines = lines  # a CSV file: the line each row starts on
        self.mandates = {}  # mandate recorded -> the first row recording it
        self.seen = {}  # ((phase, sector), nation) -> the row giving its troops

    def bad(self, i, sid, field, message, **value):
        if self.lines is None:
            self.problems.append(problem(self.path, message, feature=i, feature_id=sid,
                                         field=field, **value))
            return
        if field.startswith("troops_"):  # said as a spreadsheet shows it: the CSV's columns
            field = "nation" if message.startswith("unknown nation") else "troops"
        self.problems.append(csv_problem(self.path, message, line=self.lines[i], row=i + 1,
                                         feature_id=sid, column=field, **value))

    def where(self, i) -> str:
        """How a message names row ``i`` (another than the one at fault)."""
        return f"feature {i}" if self.lines is None else f"line {self.lines[i]}"

    def mandate(self, i, sid, value):
        """Note the mandate row ``i`` records (None or '': it records none)."""
        if value in (None, ""):
            return
        if not isinstance(value, str):
            self.bad(i, sid, "mandate", "must be a mandate key, e.g. chapter-vi", value=value)
        elif self.mandates and value not in self.mandates:
            first, at = next(iter(self.mandates.items()))
            self.bad(i, sid, "mandate", f"another mandate than {self.where(at)}'s ({first}); "
                     "a plan is made under one mandate", value=value)
        else:
            self.mandates.setdefault(value, i)

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
            self.bad(i, sid, "sector_id", "unknown sector; it is not one of the scenario's "
                     "sectors", value=sid)
            return None
        if phase not in self.table.phases:
            self.bad(i, sid, "phase", "unknown phase; the scenario's phases are "
                     f"{', '.join(map(str, self.table.phases))}", value=phase)
            return None
        if (phase, sid) not in self.table.contact:
            self.bad(i, sid, "phase", f"sector {sid} is not open in this phase "
                     f"({self.table.when_open(sid)}; phases are "
                     f"{', '.join(map(str, self.table.phases))})", value=phase)
            return None
        return (phase, sid)

    def troop(self, i, sid, key, nation, value):
        field = f"troops_{nation}"
        if nation not in self.known:
            self.bad(i, sid, field, "unknown nation; it is not a contingent of the scenario "
                     f"({', '.join(sorted(self.known))})",
                     value=nation)
            return
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.bad(i, sid, field, "must be a whole number of troops, 0 or more", value=value)
            return
        if nation in self.troops.get(key, {}):  # only CSV rows can list a nation twice
            self.bad(i, sid, "nation", f"{nation} is listed twice for {sid} in phase {key[0]} "
                     f"(also {self.where(self.seen[key, nation])}); give its troops in one row",
                     value=nation)
            return
        self.seen[key, nation] = i
        self.troops.setdefault(key, {})[nation] = value

    def lead(self, i, sid, key, lead, cell=None):
        if lead in (None, ""):
            self.leads.setdefault(key, None)
            return
        if not isinstance(lead, str) or lead not in self.known:
            self.bad(i, sid, "lead", "unknown nation; it is not a contingent of the scenario "
                     f"({', '.join(sorted(self.known))})",
                     value=lead)
            return
        if self.leads.get(key) not in (None, lead):
            self.bad(i, sid, "lead", f"a second lead for {sid} in phase {key[0]}: {lead} "
                     f"(already led by {self.leads[key]})", value=cell or lead)
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


def made_for(path, recorded, expected, *, line: int | None = None) -> None:
    """Refuse a plan file made for another scenario (see the module docstring).

    ``recorded`` is the file's record (``{"name", "hash"}``, or None: nothing recorded),
    ``expected`` the scenario it is read against (``Scenario.identity`` or None); ``line``,
    for a CSV file, the line whose ``scenario`` column recorded it.

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
        message = (f"this plan was made for scenario {name!r} (content {digest or 'unknown'}),"
                   f" not {expected['name']!r}: open it with that scenario")
        raise InputError(problem(path, message, field="scenario", value=name) if line is None
                         else csv_problem(path, message, line=line, column="scenario",
                                          value=name))
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
        rows.mandate(i, sid, props.get("mandate"))
        for name, value in props.items():
            m = TROOPS.match(name)
            if m:
                rows.troop(i, sid, key, m.group(1), value)
        if props.get("locked") is True:
            rows.locked.add(key)
    _settings_agree(rows, doc.get("settings"))
    return rows.plan()


def _settings_agree(rows: _Rows, settings) -> None:
    """A GeoJSON's ``settings`` member names a mandate string the features do not contradict."""
    said = settings.get("mandate") if isinstance(settings, dict) else None
    if said is None:
        return
    if not isinstance(said, str) or not said:
        rows.problems.append(problem(rows.path, "must be a mandate key, e.g. chapter-vi",
                                     field="settings.mandate", value=said))
    elif rows.mandates and said not in rows.mandates:
        first, at = next(iter(rows.mandates.items()))
        rows.problems.append(problem(rows.path, f"the features record another mandate "
                                     f"({first}, feature {at} first)",
                                     field="settings.mandate", value=said))


def _csv_rows(path):
    """``(header, header_line, rows)`` of a CSV plan file: ``rows`` are ``(line, record)``
    pairs, ``line`` the line (1-based) the row starts on, ``record`` its cells by header name
    (None for a cell the row lacks), written cells unquoted by :func:`csv_value`. Blank lines
    are skipped (and still counted)."""
    p = checked_file(path, MAX_PLAN_BYTES)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(problem(path, f"not UTF-8 text (byte {exc.start})")) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header, header_line, rows, start = None, 1, [], 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells:
                continue
            if header is None:
                header, header_line = cells, line
                continue
            cells = [csv_value(c) for c in cells] + [None] * (len(header) - len(cells))
            rows.append((line, dict(zip(header, cells))))
    except csv.Error as exc:
        raise InputError(csv_problem(path, f"not CSV the planner can read: {exc}",
                                     line=start)) from None
    return header or [], header_line, rows


def _csv_flag(rows: _Rows, i, sid, rec, column) -> bool | None:
    """The ``lead`` or ``locked`` cell as a bool (empty: False); None (and a problem said)
    when it is neither true nor false."""
    flag = (rec.get(column) or "").strip().lower()
    if flag not in ("true", "false", "1", "0", "yes", "no", ""):
        rows.bad(i, sid, column, "must be true or false", value=rec[column])
        return None
    return flag in ("true", "1", "yes")


def read_plan_csv(path, table, known_nations) -> Plan:
    """Read CSV assignments (``phase,sector_id,nation,troops,lead[,locked][,mandate]``);
    problems name the row, its line and the column."""
    header, header_line, records = _csv_rows(path)
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        wide = any(TROOPS.match(c) for c in header)  # the GeoJSON's properties, saved as CSV
        raise InputError(csv_problem(
            path, f"missing column{'s' * (len(missing) > 1)} {', '.join(missing)}; the header "
            f"must include {','.join(CSV_COLUMNS)}" + (
                " (troops_<CODE> columns are the GeoJSON plan's form; a CSV plan has one row "
                "per phase, sector and contingent)" if wide else ""), line=header_line))
    rows = _Rows(path, table, known_nations, lines=[line for line, _ in records])
    if records and records[0][1].get("scenario"):
        made_for(path, {"name": records[0][1]["scenario"],
                        "hash": records[0][1].get("scenario_hash") or None}, table.scenario,
                 line=records[0][0])
    for i, (_, rec) in enumerate(records):
        sid = (rec["sector_id"] or "").strip()
        rows.mandate(i, sid or None, (rec.get("mandate") or "").strip())
        key = rows.key(i, sid, (rec["phase"] or "").strip())
        if key is None:
            continue
        if _csv_flag(rows, i, sid, rec, "locked"):
            rows.locked.add(key)
        nation = (rec["nation"] or "").strip()
        if not nation and (rec["troops"] or "").strip() in ("", "0"):
            rows.leads.setdefault(key, None)  # a sector with nothing assigned
            continue
        rows.troop(i, sid, key, nation, (rec["troops"] or "").strip())
        lead = _csv_flag(rows, i, sid, rec, "lead")
        if lead and nation in rows.known:  # an unknown nation is said once, by troop()
            rows.lead(i, sid, key, nation, cell=rec["lead"])
        else:
            rows.leads.setdefault(key, None)
    return rows.plan()


def plan_members(path) -> dict:
    """The top-level foreign members of a plan GeoJSON (``settings``, ``plan``, ...), its
    ``settings`` naming the mandate its features record when it has no ``settings`` member
    of its own; for a CSV file, ``{"settings": {"mandate": ...}}`` when its rows carry a
    mandate, else {}. The file must already have been read by :func:`read_plan` (which
    refuses rows that disagree)."""
    if str(path).lower().endswith(".csv"):
        said = [(rec.get("mandate") or "").strip() for _, rec in _csv_rows(path)[2]]
        mandate = next((m for m in said if m), None)
        return {"settings": {"mandate": mandate}} if mandate else {}
    doc = _load_json(path)
    members = {k: v for k, v in doc.items() if k not in ("type", "features", "name", "bbox")}
    said = [f["properties"].get("mandate") for f in doc["features"]
            if isinstance(f, dict) and isinstance(f.get("properties"), dict)]
    mandate = next((m for m in said if isinstance(m, str) and m), None)
    settings = members.get("settings") if isinstance(members.get("settings"), dict) else {}
    if mandate and "mandate" not in settings:  # a plan `planner solve` wrote
        members["settings"] = {**settings, "mandate": mandate}
    return members


def recorded_mandate(path) -> str | None:
    """The mandate key the plan file at ``path`` records it was made under (None: it records
    none); not checked against any scenario. The file must already have been read by
    :func:`read_plan`."""
    settings = plan_members(path).get("settings")
    return settings.get("mandate") if isinstance(settings, dict) else None


def read_plan(path, table, known_nations) -> Plan:
    """Read a plan file (CSV by extension, else GeoJSON), validated against the sector table."""
    if str(path).lower().endswith(".csv"):
        return read_plan_csv(path, table, known_nations)
    return read_plan_geojson(path, table, known_nations)
