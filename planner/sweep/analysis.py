"""What a sweep's results say, as plain data (lists of dicts) for the report, charts and app.

Cases are compared within a group: one mandate, veto setting and troop scale. A coalition's
verdict is True (a plan exists), False (none exists) or None (the solver ran out of time).
"""
from __future__ import annotations

import pandas as pd

from planner.sweep.cases import VETOES_OFF, VETOES_ON, WITHOUT

GROUP = ["mandate", "vetoes", "troop_scale"]
OUTCOMES = ("feasible", "infeasible (pre-check)", "infeasible (solver)", "unknown")


def _coalition(text) -> frozenset[str]:
    return frozenset(t for t in str(text).split("+") if t)


def _verdicts(group: pd.DataFrame) -> dict[frozenset[str], bool | None]:
    return {_coalition(c): (None if pd.isna(f) else bool(f))
            for c, f in zip(group["coalition"], group["feasible"])}


def _groups(frame: pd.DataFrame):
    for (mandate, vetoes, scale), group in frame.groupby(GROUP, sort=True):
        yield {"mandate": mandate, "vetoes": vetoes, "troop_scale": float(scale)}, group


def _order(frame: pd.DataFrame) -> list[str]:
    """Nations in the order they first appear in the largest coalitions (scenario order)."""
    seen: dict[str, None] = {}
    for c in frame.sort_values("size", ascending=False, kind="stable")["coalition"]:
        seen.update(dict.fromkeys(t for t in str(c).split("+") if t))
    return list(seen)


def outcome(row) -> str:
    """One of :data:`OUTCOMES` for a result row."""
    if pd.isna(row["feasible"]):
        return "unknown"
    if row["feasible"]:
        return "feasible"
    return f"infeasible ({row['decided_by']})"


def summary(frame: pd.DataFrame) -> list[dict]:
    """Per group: cases and how many ended in each outcome, and the seconds they took."""
    out = []
    for key, group in _groups(frame):
        counts = group.apply(outcome, axis=1).value_counts()
        out.append({**key, "cases": len(group), **{o: int(counts.get(o, 0)) for o in OUTCOMES},
                    "seconds": float(group["seconds"].sum())})
    return out


def minimal_coalitions(frame: pd.DataFrame) -> list[dict]:
    """Per group, the feasible coalitions none of whose swept sub-coalitions is feasible:
    the smallest forces that can staff the mandate (smallest first, then in scenario order).
    A case out of time (verdict unknown) counts as not feasible."""
    out = []
    for key, group in _groups(frame):
        order = {n: i for i, n in enumerate(_order(group))}
        feasible = sorted((c for c, f in _verdicts(group).items() if f),
                          key=lambda c: (len(c), sorted(order[n] for n in c)))
        minimal: list[frozenset[str]] = []
        for c in feasible:
            if not any(m <= c for m in minimal):
                minimal.append(c)
        out.append({**key, "coalitions": [sorted(c, key=order.get) for c in minimal],
                    "feasible": len(feasible), "cases": len(group)})
    return out


def criticality(frame: pd.DataFrame) -> list[dict]:
    """Per group and nation: of the feasible coalitions holding it whose remainder without
    it was swept (``of``), in how many its departure leaves no plan (``breaks``).

    Sorted by group, then most critical first.
    """
    out = []
    for key, group in _groups(frame):
        verdict = _verdicts(group)
        rows = []
        for nation in _order(group):
            tested = [verdict[c - {nation}] for c, f in verdict.items()
                      if f and nation in c and verdict.get(c - {nation}) is not None]
            rows.append({**key, "nation": nation, "breaks": sum(not v for v in tested),
                         "of": len(tested)})
        out += sorted(rows, key=lambda r: -r["breaks"])
    return out


def _veto_label(setting: str) -> str:
    return "all vetoes" if setting == VETOES_OFF else setting[len(WITHOUT):]


def veto_costs(frame: pd.DataFrame) -> list[dict]:
    """What each veto costs: coalitions swept both with the vetoes on and with the veto
    lifted (``off``: all of them; ``without:ID``: that one), per mandate and troop scale.

    ``lost``: coalitions that can staff the mandate only with the veto lifted;
    ``extra_troops`` and ``extra_soft_penalty``: the mean increase the veto forces in the
    coalitions feasible both ways (troops summed over phases).
    """
    out = []
    cols = ["coalition", "feasible", "troops", "soft_penalty"]
    for (mandate, scale), group in frame.groupby(["mandate", "troop_scale"], sort=True):
        on = group[group["vetoes"] == VETOES_ON][cols]
        for setting in sorted(set(group["vetoes"]) - {VETOES_ON}):
            lifted = group[group["vetoes"] == setting][cols]
            both = on.merge(lifted, on="coalition", suffixes=("_on", "_lifted"))
            ok_on = both["feasible_on"].fillna(False)
            ok_lifted = both["feasible_lifted"].fillna(False)
            kept = both[ok_on & ok_lifted]
            extra = lambda col: float((kept[f"{col}_on"] - kept[f"{col}_lifted"]).mean()) \
                if len(kept) else None
            out.append({"mandate": mandate, "troop_scale": float(scale),
                        "veto": _veto_label(setting), "setting": setting,
                        "coalitions": len(both), "feasible_lifted": int(ok_lifted.sum()),
                        "feasible_on": int(ok_on.sum()), "lost": int((ok_lifted & ~ok_on).sum()),
                        "extra_troops": extra("troops"),
                        "extra_soft_penalty": extra("soft_penalty")})
    return out


def nation_outcomes(frame: pd.DataFrame) -> list[dict]:
    """Per mandate, nation and outcome: the cases whose coalition holds the nation."""
    out = []
    outcomes = frame.apply(outcome, axis=1)
    for mandate, group in frame.groupby("mandate", sort=True):
        members = group["coalition"].map(_coalition)
        for nation in _order(group):
            counts = outcomes[group.index][members.map(lambda c: nation in c)].value_counts()
            out += [{"mandate": mandate, "nation": nation, "outcome": o,
                     "cases": int(counts.get(o, 0))} for o in OUTCOMES]
    return out


def report_data(frame: pd.DataFrame) -> dict:
    """Every analysis of a results frame (:func:`planner.sweep.results.read_results`)."""
    return {"summary": summary(frame), "minimal_coalitions": minimal_coalitions(frame),
            "criticality": criticality(frame), "veto_costs": veto_costs(frame),
            "nation_outcomes": nation_outcomes(frame)}
