"""The What-if page: a results file analysed, as table rows and charts.
"""
from __future__ import annotations

import io

import pandas as pd

from planner.sweep.analysis import outcome, report_data
from planner.sweep.report import group_title
from planner.ui.whatif_view.spec import GROUP_COLUMN


def _mandate_label(mandates, key) -> str:
    return mandates[key].label if key in mandates else str(key)


def _coalition_words(coalition) -> str:
    codes = [c for c in str(coalition).split("+") if c]
    return " + ".join(codes) or "(nobody)"


def _group_rows(frame: pd.DataFrame, row: dict) -> pd.DataFrame:
    return frame[(frame["mandate"] == row["mandate"]) & (frame["vetoes"] == row["vetoes"])
                 & (frame["troop_scale"] == row["troop_scale"])]


def _number(value, kind=int):
    """A cell of a results row as a plain ``kind`` (None when missing)."""
    return None if value is None or pd.isna(value) else kind(value)


def analysis_tables(frame: pd.DataFrame, mandates) -> dict[str, list[dict]]:
    """Every analysis of a results frame as table rows (plain dicts, one table each):

    ``outcomes`` (per group: cases and how each ended), ``minimal`` (the smallest coalitions
    that can staff each group's mandate, with their troops), ``criticality`` (per group and
    nation: feasible coalitions its departure breaks, of those whose remainder was swept) and
    ``veto_costs`` (per mandate, troop scale and veto lifted).
    """
    data = report_data(frame)
    outcomes = [{GROUP_COLUMN: group_title(r, mandates), "cases": r["cases"],
                 "feasible": r["feasible"],
                 "infeasible (pre-check)": r["infeasible (pre-check)"],
                 "infeasible (solver)": r["infeasible (solver)"], "unknown": r["unknown"],
                 "seconds": round(r["seconds"], 1)} for r in data["summary"]]
    minimal = []
    for r in data["minimal_coalitions"]:
        rows = _group_rows(frame, r).set_index("coalition")
        for codes in r["coalitions"]:
            found = rows.loc["+".join(codes)] if "+".join(codes) in rows.index else None
            minimal.append({GROUP_COLUMN: group_title(r, mandates),
                            "coalition": " + ".join(codes), "contingents": len(codes),
                            "troops (all phases)": _number(None if found is None
                                                           else found["troops"]),
                            "troops (busiest phase)": _number(None if found is None
                                                              else found["peak_troops"]),
                            "soft penalty": _number(None if found is None
                                                    else found["soft_penalty"], float)})
    criticality = [{GROUP_COLUMN: group_title(r, mandates), "nation": r["nation"],
                    "breaks": r["breaks"], "of feasible coalitions": r["of"],
                    "share": round(r["breaks"] / r["of"], 3) if r["of"] else None}
                   for r in data["criticality"]]
    costs = [{"mandate": _mandate_label(mandates, r["mandate"]),
              "troops x": r["troop_scale"], "veto lifted": r["veto"],
              "coalitions": r["coalitions"], "feasible with it lifted": r["feasible_lifted"],
              "feasible with it": r["feasible_on"], "lost to it": r["lost"],
              "extra troops": None if r["extra_troops"] is None else round(r["extra_troops"]),
              "extra soft penalty": None if r["extra_soft_penalty"] is None
              else round(r["extra_soft_penalty"], 2)} for r in data["veto_costs"]]
    return {"outcomes": outcomes, "minimal": minimal, "criticality": criticality,
            "veto_costs": costs}


def groups(frame: pd.DataFrame, mandates) -> list[str]:
    """The groups of a results frame (one mandate, veto setting and troop scale each), as the
    tables name them, in the analyses' order."""
    keys = frame[["mandate", "vetoes", "troop_scale"]].drop_duplicates()
    return [group_title(r, mandates) for r in
            keys.sort_values(["mandate", "vetoes", "troop_scale"]).to_dict("records")]


def of_group(rows: list[dict], title: str) -> list[dict]:
    """The rows of one group's table (``minimal`` or ``criticality``), without the group
    column."""
    return [{k: v for k, v in r.items() if k != GROUP_COLUMN} for r in rows
            if r[GROUP_COLUMN] == title]


def _png(fig, dpi: int) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def outcome_chart(frame: pd.DataFrame, dpi: int = 100) -> bytes:
    """The nations x outcome chart of every case (:func:`planner.sweep.charts.outcome_figure`)
    as PNG bytes."""
    from planner.sweep.charts import outcome_figure
    return _png(outcome_figure(frame), dpi)


def criticality_chart(frame: pd.DataFrame, title: str, mandates, dpi: int = 100) -> bytes:
    """The criticality chart of one group (:func:`planner.sweep.charts.criticality_figure`)
    as PNG bytes."""
    from planner.sweep.charts import criticality_figure
    titles = frame.apply(lambda r: group_title(r, mandates), axis=1)
    return _png(criticality_figure(frame[titles == title]), dpi)


def case_choices(frame: pd.DataFrame, mandates) -> list[tuple[str, str]]:
    """``(case key, words)`` of every case of a results frame, in the frame's order:
    ``Chapter VI, vetoes on, troops x1: IDN + PAK + EGY: a plan, 14,950 troops``."""
    out = []
    for r in frame.to_dict("records"):
        verdict = outcome(r)
        if verdict == "feasible":
            troops = _number(r["troops"])
            verdict = "a plan" + (f", {troops:,} troops" if troops is not None else "")
        elif verdict == "unknown":
            verdict = "unknown (out of time)"
        else:
            verdict = f"no plan ({r['decided_by']})"
        out.append((r["case"], f"{group_title(r, mandates)}: "
                               f"{_coalition_words(r['coalition'])}: {verdict}"))
    return out


def no_plan(row) -> bool:
    """Whether a results row was decided infeasible (no plan exists for the case)."""
    return outcome(row).startswith("infeasible")


def row_of(frame: pd.DataFrame, key: str) -> dict:
    """The results row of case ``key``."""
    found = frame[frame["case"] == key]
    if not len(found):
        raise KeyError(f"no case {key!r} in the results")
    return found.iloc[0].to_dict()


# --- opening a case -------------------------------------------------------------------------
