"""What the bundled scenarios' ``make_example_plan.py`` scripts share: a plan written phase by
phase from tables of leads and troops, checked and saved as ``example-plan.geojson``.

Each script lists every sector's lead and troops by hand in the phase it opens, and what
changes later (its deliberate mistakes marked), and calls :func:`write_example`.
"""
from __future__ import annotations

from planner.domain.plan import Assignment, Plan
from planner.domain.sectors import SectorTable, sector_table
from planner.files.planfile import write_plan
from planner.files.scenario_file import load_scenario
from planner.rules.check import check


def phased_plan(table: SectorTable, phases: list[int], changes: dict[int, dict]) -> Plan:
    """A plan over ``phases``: each phase keeps the assignments of the phase before it, with
    ``changes[phase]`` (``{sector: (lead, {nation: troops})}``) laid over them. A sector
    handed over to an authority leaves the plan from the phase it is handed over in (the
    force holds it no longer), so a phase that changes nothing carries the plan on."""
    handed = {s: i.handed_over for s, i in table.info.items() if i.handed_over is not None}
    rows, current = [], {}
    for phase in phases:
        current |= changes.get(phase, {})
        current = {s: a for s, a in current.items() if phase < handed.get(s, phase + 1)}
        rows += [Assignment(phase, s, lead, troops) for s, (lead, troops) in current.items()]
    return Plan.from_assignments(rows)


def write_example(folder, changes: dict[int, dict], mandate: str = "chapter-vi") -> None:
    """Write the scenario in ``folder``'s ``example-plan.geojson`` from ``changes`` (see
    :func:`phased_plan`), checked under ``mandate`` (with the status of every sector), and
    print what it breaks."""
    scenario = load_scenario(folder)
    table = sector_table(scenario)
    plan = phased_plan(table, scenario.phase_numbers, changes)
    report = check(plan, scenario, mandate, table=table)
    write_plan(plan, table, folder / "example-plan.geojson", report=report,
               requirements=table.requirements(scenario.mandates[mandate]),
               mandate=mandate, nations=[c.code for c in scenario.contingents])
    for v in report.violations:
        print(f"{v.severity:<4} {v.rule_id:<14} {v.message}")
