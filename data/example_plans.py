"""What the bundled scenarios' ``make_example_plan.py`` scripts share: a plan written phase by
phase from tables of leads and troops, checked and saved as ``example-plan.geojson``.

Each script lists every open sector's lead and troops by hand (its deliberate mistakes
marked) and calls :func:`write_example`.
"""
from __future__ import annotations

from planner.domain.plan import Assignment, Plan
from planner.domain.sectors import sector_table
from planner.files.planfile import write_plan
from planner.files.scenario_file import load_scenario
from planner.rules.check import check


def phased_plan(phases, phase_1: dict, phase_2: dict, phase_3: dict,
                changes_in_phase_3: dict) -> Plan:
    """A plan over ``phases`` (1, 2, 3): each phase keeps the sectors of the phases before it
    (with the changes of phase 3), ``{sector: (lead, {nation: troops})}``."""
    rows = []
    for phase in phases:
        current = dict(phase_1)
        if phase >= 2:
            current |= phase_2
        if phase == 3:
            current |= phase_3 | changes_in_phase_3
        rows += [Assignment(phase, s, lead, troops) for s, (lead, troops) in current.items()]
    return Plan.from_assignments(rows)


def write_example(folder, plan: Plan, mandate: str = "chapter-vi") -> None:
    """Check ``plan`` against the scenario in ``folder``, write it as its
    ``example-plan.geojson`` (with the status of every sector) and print what it breaks."""
    scenario = load_scenario(folder)
    table = sector_table(scenario)
    report = check(plan, scenario, mandate, table=table)
    write_plan(plan, table, folder / "example-plan.geojson", report=report,
               requirements=table.requirements(scenario.mandates[mandate]),
               mandate=mandate, nations=[c.code for c in scenario.contingents])
    for v in report.violations:
        print(f"{v.severity:<4} {v.rule_id:<14} {v.message}")
