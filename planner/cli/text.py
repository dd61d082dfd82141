"""Check reports as text that reads well in a terminal and in a CI log."""
from __future__ import annotations

from planner.domain.words import plural


def _where(v) -> str:
    return " ".join(x for x in (f"phase {v.phase}" if v.phase is not None else "",
                                v.sector or "", v.nation or "") if x)


def _line(v, id_width: int, where_width: int) -> str:
    return f"  {v.severity.upper():<4}  {v.rule_id:<{id_width}} {_where(v):<{where_width}} " \
           f"{v.message}"


def report_text(report, scenario, plan_name) -> str:
    """Violations grouped by severity, then a one-line verdict. Columns are as wide as their
    longest entry, so long rule ids and sector ids keep the messages aligned."""
    mandate = scenario.mandates[report.mandate]
    lines = [f"Checked {plan_name} against {scenario.name} under {mandate.label} "
             f"({plural(report.rules_checked, 'rule')})."]
    id_width = max([14] + [len(v.rule_id) for v in report.violations])
    where_width = max([24] + [len(_where(v)) for v in report.violations])
    for title, group in (("Hard violations", report.hard), ("Soft violations", report.soft)):
        if group:
            lines += ["", f"{title} ({len(group)}):"] + \
                [_line(v, id_width, where_width) for v in group]
    verdict = "PASS: no hard violations" if report.ok else \
        f"FAIL: {len(report.hard)} hard violation{'s' * (len(report.hard) != 1)}"
    lines += ["", f"{verdict}; {len(report.soft)} soft."]
    return "\n".join(lines)
