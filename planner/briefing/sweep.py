"""A what-if sweep in the briefing (``planner report PLAN --sweep results.parquet``): which
coalitions can staff each mandate, each contingent's criticality, what each veto costs, and
the sweep's charts as vector images (SVG, text kept as text, like the maps).

The analyses are :func:`planner.sweep.analysis.report_data`'s and the charts
:mod:`planner.sweep.charts`'; this module only lays them out as blocks.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from geo.errors import InputError, problem
from planner.briefing import maps
from planner.briefing.blocks import count, heading, image, paragraph, section, table

TEXT_WIDTH_IN = 7.0  # an A4 page's text width (15 mm margins), less a little


def sweep_frame(sweep):
    """``(frame, name)`` of a sweep given as a results file's path, a results frame or a
    list of result rows (dicts with the columns of a results file)."""
    from planner.sweep.results import frame_from_rows, read_results
    if isinstance(sweep, (str, Path)):
        return read_results(sweep), Path(sweep).name
    if isinstance(sweep, pd.DataFrame):
        return sweep, "the sweep"
    return frame_from_rows(sweep), "the sweep"


def check_sweep(frame: pd.DataFrame, scenario, name: str) -> None:
    """Refuse results of another scenario: a contingent or mandate it does not have.

    Raises
    ------
    InputError
        Naming the results file, the field and each unknown value.
    """
    codes = {c.code for c in scenario.contingents}
    seen = {c for text in frame["coalition"].dropna() for c in str(text).split("+") if c}
    problems = [problem(name, f"not a contingent of {scenario.name} ({', '.join(sorted(codes))}"
                              "): the results are of another scenario", field="coalition",
                        value=c) for c in sorted(seen - codes)]
    problems += [problem(name, f"not a mandate of {scenario.name} ("
                               f"{', '.join(scenario.mandates)})", field="mandate", value=m)
                 for m in sorted(set(frame["mandate"].dropna()) - set(scenario.mandates))]
    if problems:
        raise InputError(problems)


def _label(mandates, key) -> str:
    return mandates[key].label if key in mandates else str(key)


def image_block(name: str, fig, caption: str, *, scale: float = 1.0) -> tuple[dict, bytes]:
    """An image block of a matplotlib figure (at ``scale``, and no wider than the text) and
    its SVG."""
    width, height = (float(x) for x in fig.get_size_inches())
    scale = min(scale, TEXT_WIDTH_IN / width)
    width, height = width * scale, height * scale
    return image(name, width, height, caption), maps.figure_svg(fig)


def _options(frame: pd.DataFrame) -> str:
    """``10 s of deterministic solver time per case, seed 0`` from the rows' options."""
    found = []
    for text in sorted(set(frame["options"].dropna())):
        try:
            o = json.loads(text)
            found.append(f"{float(o['time_limit_s']):g} s of deterministic solver time per "
                         f"case, seed {int(o['seed'])}")
        except (ValueError, KeyError, TypeError):
            continue
    return "; ".join(found) or "solve options not recorded"


def outcome_rows(data: dict, mandates) -> list[list[str]]:
    from planner.sweep.report import group_title
    return [[group_title(r, mandates), f"{r['cases']:,}", f"{r['feasible']:,}",
             f"{r['infeasible (pre-check)']:,}", f"{r['infeasible (solver)']:,}",
             f"{r['unknown']:,}"] for r in data["summary"]]


def _troops(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{int(value):,}"


def minimal_rows(group: pd.DataFrame, coalitions: list[list[str]]) -> list[list[str]]:
    """A row per minimal coalition: the coalition, its size and the troops its plan deploys."""
    rows = group.set_index("coalition")
    out = []
    for codes in coalitions:
        found = rows.loc["+".join(codes)] if "+".join(codes) in rows.index else None
        out.append([" + ".join(codes), f"{len(codes):,}",
                    _troops(None if found is None else found["troops"]),
                    _troops(None if found is None else found["peak_troops"])])
    return out


def criticality_rows(rows: list[dict], scenario) -> list[list[str]]:
    names = {c.code: c.name for c in scenario.contingents}
    return [[f"{r['nation']} {names.get(r['nation'], '')}".strip(), f"{r['breaks']:,}",
             f"{r['of']:,}", f"{r['breaks'] / r['of']:.0%}" if r["of"] else "-"]
            for r in rows]


def veto_rows(data: dict, mandates) -> list[list[str]]:
    def number(value, fmt):
        return "-" if value is None else fmt.format(value)
    return [[_label(mandates, r["mandate"]), f"x{r['troop_scale']:g}", r["veto"],
             f"{r['coalitions']:,}", f"{r['feasible_lifted']:,}", f"{r['feasible_on']:,}",
             f"{r['lost']:,}", number(r["extra_troops"], "{:+,.0f}"),
             number(r["extra_soft_penalty"], "{:+,.1f}")] for r in data["veto_costs"]]


def group_blocks(key: dict, group: pd.DataFrame, minimal: dict, critical: list[dict],
                 scenario, image_name: str) -> tuple[list[dict], dict]:
    """One group's heading, minimal coalitions, criticality table and chart (no criticality
    when no coalition can staff the group's mandate)."""
    from planner.sweep.charts import criticality_figure
    from planner.sweep.report import group_title
    title = group_title(key, scenario.mandates)
    cases = count(minimal["cases"], "case")
    if not minimal["coalitions"]:
        return [heading(title), paragraph(f"{cases}: no swept coalition can staff it.",
                                          tone="hard")], {}
    blocks = [heading(title),
              paragraph(f"{cases}: {count(minimal['feasible'], 'coalition')} can staff it. "
                        "The smallest (feasible, with no feasible coalition among their swept "
                        "sub-coalitions):"),
               table(["Coalition", "Contingents", "Troops (all phases)",
                      "Troops (busiest phase)"], minimal_rows(group, minimal["coalitions"]),
                     align="lrrr", widths=[4, 1, 1.3, 1.3]),
               paragraph("Criticality: of the feasible coalitions holding each contingent "
                         "whose remainder without it was swept, in how many its departure "
                         "leaves no plan."),
               table(["Contingent", "Departure breaks", "Of feasible coalitions", "Share"],
                     criticality_rows(critical, scenario), align="lrrr",
                     widths=[3, 1.3, 1.5, 1])]
    block, svg = image_block(image_name, criticality_figure(group),
                             f"Criticality, {title}: feasible coalitions holding the nation "
                             "(grey) and those its departure breaks (red).", scale=0.75)
    return blocks + [block], {image_name: svg}


def intro_blocks(frame: pd.DataFrame, data: dict, scenario, name: str) -> tuple[list, dict]:
    """What was swept and how, whether it was this scenario's content, the outcomes table
    and the nations x outcome chart."""
    from planner.sweep.charts import outcome_figure
    from planner.sweep.problem import folder_digest
    blocks = [paragraph(
        f"{name}: {count(len(frame), 'case')}, each a coalition under a mandate, a veto "
        "setting and a troop scale, decided by the optimizer's exact pre-checks and then by "
        f"CP-SAT ({_options(frame)}). Cases are compared within a group: one mandate, veto "
        "setting and troop scale.")]
    recorded = set(frame["scenario"].dropna())
    if recorded and recorded != {folder_digest(scenario.root)}:
        blocks.append(paragraph(
            "These results record other scenario content than this scenario's files: another "
            "version of them, or a what-if base made in the app (force, vetoes in force, troop "
            "figures or re-cut sectors).", tone="note"))
    block, svg = image_block("sweep-outcomes.svg", outcome_figure(frame),
                             "Outcome of every swept case, by nation: the cases whose coalition "
                             "holds the nation, by how they ended.")
    return blocks + [heading("Outcomes"), table(
        ["Mandate, vetoes, troops", "Cases", "Feasible", "Infeasible (pre-checks)",
         "Infeasible (solver)", "Unknown (out of time)"], outcome_rows(data, scenario.mandates),
        align="lrrrrr", widths=[3, 0.8, 0.9, 1.3, 1.2, 1.3]), block], {block["image"]: svg}


def groups_blocks(frame: pd.DataFrame, data: dict, scenario) -> tuple[list, dict]:
    """Every group's blocks (:func:`group_blocks`), in the analyses' order."""
    from planner.sweep.analysis import GROUP
    minimal = {tuple(r[k] for k in GROUP): r for r in data["minimal_coalitions"]}
    critical: dict[tuple, list[dict]] = {}
    for r in data["criticality"]:
        critical.setdefault(tuple(r[k] for k in GROUP), []).append(r)
    blocks, images = [], {}
    for i, ((mandate, vetoes, scale), group) in enumerate(frame.groupby(GROUP, sort=True), 1):
        key = (mandate, vetoes, float(scale))
        more, svgs = group_blocks({"mandate": mandate, "vetoes": vetoes, "troop_scale": scale},
                                  group, minimal[key], critical.get(key, []), scenario,
                                  f"sweep-criticality-{i}.svg")
        blocks, images = blocks + more, {**images, **svgs}
    return blocks, images


def veto_blocks(data: dict, mandates) -> list[dict]:
    if not data["veto_costs"]:
        return [heading("What each veto costs"),
                paragraph("The sweep compares no veto setting with the vetoes on.")]
    return [heading("What each veto costs"),
            paragraph("Coalitions swept both with the vetoes on and with a veto lifted: how "
                      "many can staff the mandate only with it lifted (lost to it), and, where "
                      "both work, the mean extra troops (all phases) and soft penalty it "
                      "forces."),
            table(["Mandate", "Troops", "Veto lifted", "Coalitions", "Feasible lifted",
                   "Feasible with it", "Lost to it", "Extra troops", "Extra soft penalty"],
                  veto_rows(data, mandates), align="lllrrrrrr",
                  widths=[1.3, 0.7, 1.2, 1, 1, 1, 0.8, 1, 1])]


def sweep_sections(scenario, sweep, *, name: str | None = None) -> tuple[list[dict], dict]:
    """The briefing's sweep section and the SVG images it names.

    Parameters
    ----------
    scenario
        The briefed scenario; the results must name only its contingents and mandates.
    sweep
        A results file (path), results frame or list of result rows.
    name
        How the results are named in the text (default: the file's name).

    Raises
    ------
    InputError
        For a results file that cannot be read or is of another scenario.
    """
    from planner.sweep.analysis import report_data
    frame, default = sweep_frame(sweep)
    check_sweep(frame, scenario, str(sweep) if isinstance(sweep, (str, Path)) else default)
    data = report_data(frame)
    intro, images = intro_blocks(frame, data, scenario, name or default)
    groups, svgs = groups_blocks(frame, data, scenario)
    blocks = intro + groups + veto_blocks(data, scenario.mandates)
    return ([section("What-if sweep: which coalitions can staff the force", blocks)],
            {**images, **svgs})
