"""The other mandates: does any plan keep every hard rule under them, and if not, why.

The optimizer answers (a short, deterministic solve: the same inputs give the same words);
the plan being briefed is also checked under each, so the reader sees what it would break.
"""
from __future__ import annotations

from planner.briefing.blocks import bullets, count, heading, paragraph, section
from planner.rules.check import check

SOLVE_LIMIT_S = 10.0  # CP-SAT deterministic time for each other mandate


def verdict_blocks(result, mandate, limit_s: float) -> list[dict]:
    """What the optimizer found under ``mandate``, in plain words."""
    if result.plan is not None:
        proof = "proven best" if result.status == "OPTIMAL" else "not proven best"
        return [paragraph(f"A plan exists under {mandate.label}: the optimizer found one that "
                          f"keeps every hard rule ({proof}).", tone="ok")]
    if result.explanation is None:
        return [paragraph(f"Undecided under {mandate.label}: in {limit_s:g} s of solver time "
                          "the optimizer found neither a plan that keeps every hard rule nor "
                          "a proof that none exists.", tone="soft")]
    blocks = [paragraph(f"No plan keeps every hard rule under {mandate.label}. The optimizer "
                        "names the smallest sets of rules that cannot hold together:",
                        tone="hard")]
    for reason in result.explanation.reasons:
        blocks += [paragraph(f"Rules {', '.join(reason.rules)}:"), bullets(reason.sentences)]
    return blocks


def short_verdict(result, limit_s: float) -> str:
    """The optimizer's answer in a few words (for the cover)."""
    if result.plan is not None:
        return "a plan exists that keeps every hard rule"
    if result.explanation is None:
        return f"undecided in {limit_s:g} s of solver time"
    return "no plan keeps every hard rule: " + "; ".join(
        ", ".join(r.rules) for r in result.explanation.reasons) + " cannot hold together"


def this_plan_under(plan, scenario, key: str, table) -> dict:
    """How the briefed plan fares under mandate ``key``."""
    report = check(plan, scenario, key, table=table)
    label = scenario.mandates[key].label
    soft = count(len(report.soft), "soft violation")
    if report.ok:
        return paragraph(f"This plan under {label} keeps every hard rule ({soft}).")
    return paragraph(f"This plan under {label} has {count(len(report.hard), 'hard violation')} "
                     f"and {soft}.")


def other_mandates_section(scenario, plan, mandate_key: str, table, *,
                           limit_s: float = SOLVE_LIMIT_S, progress=None) -> dict | None:
    """A section on every mandate of the scenario but ``mandate_key`` (None when none); its
    ``verdicts`` are ``[mandate label, short verdict]`` pairs for the cover."""
    from planner.solver.optimize import solve
    others = [k for k in scenario.mandates if k != mandate_key]
    if not others:
        return None
    blocks, verdicts = [], []
    for key in others:
        mandate = scenario.mandates[key]
        result = solve(scenario, key, time_limit_s=limit_s, deterministic=True, table=table)
        blocks += [heading(mandate.label), *verdict_blocks(result, mandate, limit_s),
                   this_plan_under(plan, scenario, key, table)]
        verdicts.append([mandate.label, short_verdict(result, limit_s)])
        if progress:
            progress(f"the optimizer under {mandate.label}")
    title = "Other mandate" if len(others) == 1 else "Other mandates"
    return {**section(f"{title}: does a plan exist?", blocks), "verdicts": verdicts}
