"""Summaries of a scenario for people and scripts (``planner scenario inspect``)."""
from __future__ import annotations

from geo.attributes import areal_population
from planner.domain.derive import scenario_zones
from planner.files.variant_files import change_lines


def scenario_summary(scenario) -> dict:
    """Measures of the scenario: territory, population, phases, contingents, rules."""
    layers = scenario.layers
    zones = scenario_zones(scenario)
    vacated_pop = areal_population(zones.geometry.values, layers.population)
    sectors = layers.sectors
    phases = []
    for p, row, pop in zip(scenario.phases, zones.itertuples(), vacated_pop):
        count = int((sectors["phase"] == p.phase).sum()) if sectors is not None else 0
        phases.append({"phase": p.phase, "label": p.label,
                       "held_fraction": round(float(row.held_fraction), 4),
                       "vacated_km2": round(float(row.vacated_km2), 3),
                       "increment_km2": round(float(row.increment_km2), 3),
                       "population_vacated": int(round(pop)), "sectors_opened": count})
    return {
        "name": scenario.name, "description": scenario.description,
        "disclaimer": scenario.disclaimer, "crs": scenario.crs.to_string(),
        "territory_km2": round(float(layers.territory.area.sum() / 1e6), 3),
        "population_total": int(round(float(layers.population["population"].sum()))),
        "phases": phases,
        "mandates": [{"key": m.key, "label": m.label, "troops_per_1000": m.troops_per_1000,
                      "troops_per_km2": m.troops_per_km2, "troops_min": m.troops_min,
                      "tasks": {k: list(v) for k, v in m.tasks.items()}}
                     for m in scenario.mandates.values()],
        "troop_unit": scenario.troop_unit,
        "contingents": [{"code": c.code, "name": c.name, "troops": c.troops,
                         "unit": scenario.unit_of(c.code),
                         "tasks": sorted(c.tasks), "mandates": sorted(c.mandates),
                         "available_from": c.available_from,
                         "available_until": c.available_until, "prefers": list(c.prefers),
                         "role": c.role}
                        for c in scenario.contingents],
        "vetoes": [{"id": v.id, "by": v.by, "nation": v.nation,
                    "sectors": "all" if v.sectors is None else list(v.sectors),
                    "phases": "all" if v.phases is None else list(v.phases), "note": v.note}
                   for v in scenario.vetoes],
        "zones": sorted(set(layers.zones["zone"].astype(str))) if layers.zones is not None
        else [],
        "context_layers": list(layers.context),
        **holdings_summary(scenario),
        "rules": [{"id": r.id, "kind": r.kind, "severity": r.severity, "params": dict(r.params)}
                  for r in scenario.rules],
        "warnings": [str(w) for w in layers.warnings],
    }


def _listed(value, what: str) -> str:
    if value == "all":
        return f"all {what}"
    return f"{what if len(value) > 1 else what[:-1]} {', '.join(map(str, value))}"


def summary_text(s: dict) -> str:
    """The summary as text for a terminal or a CI log."""
    lines = [s["name"], "=" * len(s["name"]), s["disclaimer"].strip(), "",
             f"territory {s['territory_km2']:,.1f} km², population {s['population_total']:,} "
             f"(CRS {s['crs']})", "",
             "phase  held   vacated km²  increment km²  residents vacated  sectors  label"]
    if s.get("extends"):  # a variant: what each file of its chain changes, under the title
        lines[2:2] = [line for change in s["extends"] for line in change_lines(change)] + [""]
    for p in s["phases"]:
        lines.append(f"{p['phase']:>5}  {p['held_fraction']:>4.0%}  {p['vacated_km2']:>11,.1f}  "
                     f"{p['increment_km2']:>13,.1f}  {p['population_vacated']:>17,}  "
                     f"{p['sectors_opened']:>7}  {p['label']}")
    lines += ["", "contingent  troops   unit  phases  mandates                 tasks"]
    for c in s["contingents"]:
        until = c["available_until"]
        phases = f"{c['available_from']}-{until if until is not None else ''}"
        role = c.get("role", "ground")
        role = {"ground": "", "observers": "  (observers)"}.get(role,
                                                                 f"  ({role}: holds no ground)")
        lines.append(f"{c['code']:<10}  {c['troops']:>6,}  {c['unit']:>5,}  {phases:<6}  "
                     f"{', '.join(c['mandates']):<23}  {', '.join(c['tasks'])}{role}")
    if s["vetoes"]:
        lines += ["", "vetoes:"] + [f"  {v['id']}: {v['by']} bars {v['nation']} "
                                     f"({_listed(v['sectors'], 'sectors')}; "
                                     f"{_listed(v['phases'], 'phases')})"
                                     f"{' - ' + v['note'] if v['note'] else ''}" for v in s["vetoes"]]
    lines += holdings_summary_lines(s)
    if s["zones"] or s["context_layers"]:
        lines += ["", f"zones: {', '.join(s['zones']) or 'none'}; context layers: "
                      f"{', '.join(s['context_layers']) or 'none'}"]
    lines += ["", f"{len(s['rules'])} rules: " + ", ".join(r["id"] for r in s["rules"])]
    if s["warnings"]:
        lines += ["", "warnings:"] + [f"  {w}" for w in s["warnings"]]
    return "\n".join(lines)


def holdings_summary(scenario) -> dict:
    """The summary's parties, named lines, handovers and who holds what at each phase
    (``holdings``: phase, holder, kind, km2, share; see :mod:`planner.domain.holdings`)."""
    from planner.domain.holdings import handovers, holdings_layer, line_names
    layer = holdings_layer(scenario.zones)
    rows = layer.drop(columns=layer.geometry.name).to_dict(orient="records")
    return {"parties": list(scenario.zones.parties), "lines": line_names(scenario),
            "handovers": handovers(scenario),
            "holdings": [{**r, "km2": round(float(r["km2"]), 3)} for r in rows]}


def holdings_summary_lines(s: dict) -> list[str]:
    """The parties, lines, handovers and holdings of a summary as text lines."""
    out = []
    if s.get("parties"):
        out += ["", f"parties: {', '.join(s['parties'])}"]
    if s.get("lines"):
        out += ["", "lines: " + ", ".join(f"{x['name']} ({x['km']:,.1f} km)" for x in s["lines"])]
    if s.get("handovers"):
        out += ["", "handovers:"] + [f"  phase {h['phase']}: {h['km2']:,.1f} km² to "
                                     f"{h['authority']}" for h in s["handovers"]]
    if s.get("holdings"):
        labels = {p["phase"]: p["label"] for p in s["phases"]}
        out += ["", holdings_text(s["holdings"], labels)]
    return out


def holdings_text(rows: list[dict], labels: dict[int, str]) -> str:
    """Who holds what, one table per phase: holder (in words), kind, km² and share of the
    territory. ``rows`` are holdings records (phase, holder, kind, km2, share); ``labels``
    the phases' labels."""
    from planner.domain.holdings import holder_words
    names = {(r["holder"], r["kind"]): holder_words(r["holder"], r["kind"]) for r in rows}
    width = max([6] + [len(n) for n in names.values()])
    lines = ["who holds what (km², share of the territory):"]
    for phase in dict.fromkeys(r["phase"] for r in rows):
        label = labels.get(phase, f"Phase {phase}")
        lines += [f"  {label}" if label.lower().startswith("phase") else
                  f"  phase {phase}: {label}",
                  f"    {'holder':<{width}}  {'kind':<9}  {'km²':>9}  {'share':>5}"]
        lines += [f"    {names[r['holder'], r['kind']]:<{width}}  {r['kind']:<9}  "
                  f"{r['km2']:>9,.1f}  {r['share']:>5.0%}" for r in rows if r["phase"] == phase]
    return "\n".join(lines)
