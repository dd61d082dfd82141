"""The sweep report in plain text, from :func:`planner.sweep.analysis.report_data`."""
from __future__ import annotations

SHOWN = 12  # coalitions listed per group before "and N more"


def group_title(row: dict, mandates=None) -> str:
    """``chapter-vi, vetoes on, troops x1`` for a row of one group (mandate, veto setting,
    troop scale); with ``mandates`` (a scenario's), the mandate's label instead of its key."""
    vetoes = {"on": "vetoes on", "off": "vetoes off"}.get(row["vetoes"],
                                                           row["vetoes"].replace(":", " "))
    mandate = mandates[row["mandate"]].label if mandates and row["mandate"] in mandates \
        else row["mandate"]
    return f"{mandate}, {vetoes}, troops x{row['troop_scale']:g}"


def _num(value, fmt="{:+,.0f}") -> str:
    return "-" if value is None else fmt.format(value)


def report_text(data: dict) -> str:
    """The report: outcomes, minimal coalitions and criticality per group, veto costs."""
    lines = []
    critical = {}
    for row in data["criticality"]:
        critical.setdefault(group_title(row), []).append(row)
    minimal = {group_title(r): r for r in data["minimal_coalitions"]}
    for row in data["summary"]:
        title = group_title(row)
        lines += [f"{title}: {row['cases']} cases, {row['feasible']} feasible, "
                  f"{row['infeasible (pre-check)']} infeasible by the pre-checks, "
                  f"{row['infeasible (solver)']} by the solver, {row['unknown']} unknown "
                  f"(out of time)"]
        found = minimal[title]["coalitions"]
        if found:
            shown = ["  " + " + ".join(c) for c in found[:SHOWN]]
            more = [f"  and {len(found) - SHOWN} more"] if len(found) > SHOWN else []
            lines += ["  Smallest coalitions that can staff it:"] + \
                ["  " + s for s in shown] + ["  " + s for s in more]
        else:
            lines.append("  No swept coalition can staff it.")
        rows = [r for r in critical.get(title, []) if r["of"]]
        if rows:
            lines.append("  Criticality (feasible coalitions its departure breaks):")
            lines += [f"    {r['nation']:<6} {r['breaks']:>5} of {r['of']}" for r in rows]
        lines.append("")
    if data["veto_costs"]:
        lines.append("What the vetoes cost (coalitions swept both ways):")
        for r in data["veto_costs"]:
            lines.append(
                f"  {r['mandate']}, troops x{r['troop_scale']:g}, {r['veto']}: "
                f"{r['lost']} of {r['feasible_lifted']} feasible coalitions lost; where both "
                f"work, {_num(r['extra_troops'])} troops and "
                f"{_num(r['extra_soft_penalty'], '{:+,.1f}')} soft penalty on average")
    return "\n".join(lines).rstrip() + "\n"
