"""Summaries of a scenario for people and scripts (``planner scenario inspect``)."""
from __future__ import annotations

from geo.attributes import areal_population
from planner.domain.derive import scenario_zones


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
                         "available_until": c.available_until, "prefers": list(c.prefers)}
                        for c in scenario.contingents],
        "vetoes": [{"id": v.id, "by": v.by, "nation": v.nation,
                    "sectors": "all" if v.sectors is None else list(v.sectors),
                    "phases": "all" if v.phases is None else list(v.phases), "note": v.note}
                   for v in scenario.vetoes],
        "zones": sorted(set(layers.zones["zone"].astype(str))) if layers.zones is not None
        else [],
        "context_layers": list(layers.context),
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
    for p in s["phases"]:
        lines.append(f"{p['phase']:>5}  {p['held_fraction']:>4.0%}  {p['vacated_km2']:>11,.1f}  "
                     f"{p['increment_km2']:>13,.1f}  {p['population_vacated']:>17,}  "
                     f"{p['sectors_opened']:>7}  {p['label']}")
    lines += ["", "contingent  troops   unit  phases  mandates                 tasks"]
    for c in s["contingents"]:
        until = c["available_until"]
        phases = f"{c['available_from']}-{until if until is not None else ''}"
        lines.append(f"{c['code']:<10}  {c['troops']:>6,}  {c['unit']:>5,}  {phases:<6}  "
                     f"{', '.join(c['mandates']):<23}  {', '.join(c['tasks'])}")
    if s["vetoes"]:
        lines += ["", "vetoes:"] + [f"  {v['id']}: {v['by']} bars {v['nation']} "
                                     f"({_listed(v['sectors'], 'sectors')}; "
                                     f"{_listed(v['phases'], 'phases')})"
                                     f"{' - ' + v['note'] if v['note'] else ''}" for v in s["vetoes"]]
    if s["zones"] or s["context_layers"]:
        lines += ["", f"zones: {', '.join(s['zones']) or 'none'}; context layers: "
                      f"{', '.join(s['context_layers']) or 'none'}"]
    lines += ["", f"{len(s['rules'])} rules: " + ", ".join(r["id"] for r in s["rules"])]
    if s["warnings"]:
        lines += ["", "warnings:"] + [f"  {w}" for w in s["warnings"]]
    return "\n".join(lines)
