"""Charts of a sweep's results (matplotlib, no display needed): PNG and PDF."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from geo.export import atomic_path
from planner.sweep.analysis import OUTCOMES, criticality, nation_outcomes

COLOURS = {"feasible": "#2e7d32", "infeasible (pre-check)": "#8e1b1b",
           "infeasible (solver)": "#e07b39", "unknown": "#9e9e9e"}


def outcome_figure(frame: pd.DataFrame) -> Figure:
    """Nations x outcome: for each mandate, one bar per nation splitting the cases whose
    coalition holds it by outcome."""
    rows = pd.DataFrame(nation_outcomes(frame))
    mandates = list(dict.fromkeys(rows["mandate"])) if len(rows) else []
    nations = list(dict.fromkeys(rows["nation"])) if len(rows) else []
    fig = Figure(figsize=(4.5 * max(len(mandates), 1), 1.2 + 0.35 * max(len(nations), 1)),
                 layout="constrained")
    axes = fig.subplots(1, max(len(mandates), 1), sharey=True, squeeze=False)[0]
    for ax, mandate in zip(axes, mandates):
        table = rows[rows["mandate"] == mandate].pivot(index="nation", columns="outcome",
                                                       values="cases")
        table = table.reindex(index=nations[::-1], columns=list(OUTCOMES), fill_value=0)
        left = pd.Series(0, index=table.index)
        for o in OUTCOMES:
            ax.barh(table.index, table[o], left=left, color=COLOURS[o], label=o)
            left = left + table[o]
        ax.set_title(f"{mandate}\n(all veto settings and troop scales)", fontsize="medium")
        ax.set_xlabel("cases with the nation in the coalition")
    handles, labels = axes[0].get_legend_handles_labels()
    # two columns: four outcome names side by side do not fit a one-mandate chart's width
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize="small")
    fig.suptitle("Outcome of every swept case, by nation")
    return fig


def criticality_figure(frame: pd.DataFrame) -> Figure:
    """Per group, how many feasible coalitions each nation's departure breaks."""
    rows = pd.DataFrame(criticality(frame))
    groups = list(dict.fromkeys(zip(rows["mandate"], rows["vetoes"], rows["troop_scale"]))) \
        if len(rows) else []
    fig = Figure(figsize=(4.5 * max(len(groups), 1), 3.5), layout="constrained")
    axes = fig.subplots(1, max(len(groups), 1), squeeze=False)[0]
    for ax, (mandate, vetoes, scale) in zip(axes, groups):
        g = rows[(rows["mandate"] == mandate) & (rows["vetoes"] == vetoes)
                 & (rows["troop_scale"] == scale)]
        ax.bar(g["nation"], g["of"], color="#cfd8dc", label="feasible coalitions holding it")
        ax.bar(g["nation"], g["breaks"], color="#8e1b1b", label="broken by its departure")
        ax.set_title(f"{mandate}, vetoes {vetoes}, troops x{scale:g}", fontsize="medium")
        ax.tick_params(axis="x", labelrotation=90)
        if not g["of"].sum():
            ax.set_yticks([])
            ax.text(0.5, 0.5, "no feasible coalition", transform=ax.transAxes, ha="center")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize="small")
    fig.suptitle("Criticality: coalitions that fail without the nation")
    return fig


def write_charts(frame: pd.DataFrame, folder) -> list[Path]:
    """Write ``outcomes`` and ``criticality`` charts as PNG and PDF into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in (("outcomes", outcome_figure), ("criticality", criticality_figure)):
        fig = make(frame)
        for suffix in (".png", ".pdf"):
            path = folder / f"{name}{suffix}"
            with atomic_path(path) as tmp:
                fig.savefig(tmp, dpi=150, format=suffix[1:])
            written.append(path)
    return written
