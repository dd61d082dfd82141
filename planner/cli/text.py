"""Check reports as text that reads well in a terminal and in a CI log."""
from __future__ import annotations


def _line(v) -> str:
    where = " ".join(x for x in (f"phase {v.phase}" if v.phase is not None else "",
                                 v.sector or "", v.nation or "") if x)
    return f"  {v.severity.upper():<4}  {v.rule_id:<14} {where:<24} {v.message}"


def report_text(report, scenario, plan_name) -> str:
    """Violations grouped by severity, then a one-line verdict."""
    mandate = scenario.mandates[report.mandate]
    lines = [f"Checked {plan_name} against {scenario.name} under {mandate.label} "
             f"({report.rules_checked} rules)."]
    for title, group in (("Hard violations", report.hard), ("Soft violations", report.soft)):
        if group:
            lines += ["", f"{title} ({len(group)}):"] + [_line(v) for v in group]
    verdict = "PASS: no hard violations" if report.ok else \
        f"FAIL: {len(report.hard)} hard violation{'s' * (len(report.hard) != 1)}"
    lines += ["", f"{verdict}; {len(report.soft)} soft."]
    return "\n".join(lines)
