"""The properties each scenario layer must carry, checked over whole columns."""
from __future__ import annotations

import numpy as np
import pandas as pd

from geo.errors import Problem, problem
from geo.layers import Layer
from planner.files.format import ID_RULE, id_problem

BORDER_KINDS = ("land", "coast")


def _missing(value) -> bool:
    """Whether a property value is absent (null in the file, NaN once read)."""
    return value is None or (isinstance(value, float) and value != value)


def _ids(frame, id_field="name"):
    """Each row's own id for messages: ``id_field``, else ``id``, else ``name`` (a tuple:
    only those fields); None where the row has none, so no message says ``id nan``."""
    fields = id_field if isinstance(id_field, tuple) else (id_field, "id", "name")
    for name in fields:
        if name in frame.columns:
            return [None if _missing(v) or str(v).strip() == "" else v
                    for v in frame[name].tolist()]
    return [None] * len(frame)


def _bad_rows(layer: Layer, field: str, bad: np.ndarray, message: str, id_field="name"):
    """A problem per ``bad`` row, naming its feature, id, field and value (a missing value
    is said to be missing, not shown as ``nan``)."""
    frame = layer.frame
    ids = _ids(frame, id_field)
    values = frame[field].tolist() if field in frame.columns else [None] * len(frame)
    return [problem(layer.path, f"value missing: {message}", feature=int(i),
                    feature_id=ids[i], field=field) if _missing(values[i]) else
            problem(layer.path, message, feature=int(i), feature_id=ids[i], field=field,
                    value=values[i]) for i in np.flatnonzero(bad)]


def _require(layer: Layer, field: str) -> list[Problem]:
    if field in layer.frame.columns:
        return []
    return [problem(layer.path, "required field is missing from the layer", field=field)]


def _as_number(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def phase_problems(layer: Layer, phases: list[int], id_field="name") -> list[Problem]:
    """Rows whose ``phase`` is not one of the scenario's phases."""
    missing = _require(layer, "phase")
    if missing:
        return missing
    number = _as_number(layer.frame["phase"])
    bad = ~np.isin(number, phases)
    listed = ", ".join(map(str, phases))
    return _bad_rows(layer, "phase", bad, f"unknown phase; the scenario's phases are {listed}",
                     id_field)


def population_problems(layer: Layer) -> list[Problem]:
    """Rows whose ``population`` is not a finite count of at least 0."""
    missing = _require(layer, "population")
    if missing:
        return missing
    count = _as_number(layer.frame["population"])
    bad = ~np.isfinite(count) | (count < 0)
    return _bad_rows(layer, "population", bad, "must be a number of residents, 0 or more")


def places_problems(layer: Layer) -> list[Problem]:
    """Places need a ``name`` and a ``kind`` (``crossing`` marks a crossing)."""
    out = _require(layer, "kind") + _require(layer, "name")
    if out:
        return out
    frame = layer.frame
    for field in ("kind", "name"):
        empty = (frame[field].isna() | (frame[field].astype(str).str.strip() == "")).to_numpy()
        out += _bad_rows(layer, field, empty, "must not be empty")
    return out


def borders_problems(layer: Layer) -> list[Problem]:
    """Border lines need a ``kind`` of land or coast, and land borders a ``neighbour``."""
    out = _require(layer, "kind")
    if out:
        return out
    frame = layer.frame
    kind = frame["kind"].astype(str).to_numpy()
    out += _bad_rows(layer, "kind", ~np.isin(kind, BORDER_KINDS), "must be land or coast")
    if (kind == "land").any():
        if "neighbour" not in frame.columns:
            return out + _require(layer, "neighbour")
        empty = frame["neighbour"].isna().to_numpy() | (
            frame["neighbour"].astype(str).str.strip() == "").to_numpy()
        out += _bad_rows(layer, "neighbour", (kind == "land") & empty,
                         "a land border must name its neighbour")
    return out


def sector_problems(layer: Layer, phases: list[int]) -> list[Problem]:
    """Sectors need a unique, non-empty ``sector_id`` and a known ``phase``."""
    out = _require(layer, "sector_id")
    if out:
        return out + phase_problems(layer, phases, "sector_id")
    ids = layer.frame["sector_id"]
    text = ids.astype(str).str.strip()
    empty = (ids.isna() | (text == "")).to_numpy()
    out += _bad_rows(layer, "sector_id", empty, "must not be empty", "sector_id")
    dup = text.duplicated(keep="first").to_numpy() & ~empty
    out += _bad_rows(layer, "sector_id", dup, "duplicate sector id", "sector_id")
    unsafe = np.array([id_problem(v) is not None for v in ids.tolist()]) & ~empty
    out += _bad_rows(layer, "sector_id", unsafe, f"must be an identifier: {ID_RULE}",
                     "sector_id")
    return out + phase_problems(layer, phases, "sector_id")


def zone_problems(layer: Layer) -> list[Problem]:
    """Context zones need a non-empty ``zone`` name."""
    out = _require(layer, "zone")
    if out:
        return out
    zone = layer.frame["zone"]
    empty = (zone.isna() | (zone.astype(str).str.strip() == "")).to_numpy()
    return _bad_rows(layer, "zone", empty, "must name the zone", "zone")


def named_problems(layer: Layer, field: str, what: str, id_field=None) -> list[Problem]:
    """Rows whose ``field`` (a name: a line's, an authority's) is missing or empty; rows are
    identified by ``id_field`` (see :func:`_ids`; default ``field`` itself)."""
    out = _require(layer, field)
    if out:
        return out
    value = layer.frame[field]
    empty = (value.isna() | (value.astype(str).str.strip() == "")).to_numpy()
    return _bad_rows(layer, field, empty, f"must name the {what}",
                     field if id_field is None else id_field)


def held_problems(layer: Layer, phases: list[int]) -> list[Problem]:
    """Held areas need a known ``phase``; an optional ``party`` must not be empty where the
    layer names parties (a polygon of no party would hold ground for nobody)."""
    out = phase_problems(layer, phases)
    if "party" in layer.frame.columns:
        out += named_problems(layer, "party", "party holding the area (or leave the whole "
                              "column out when one army withdraws)")
    return out


def handover_problems(layer: Layer, phases: list[int]) -> list[Problem]:
    """Handover areas need a known ``phase`` and an ``authority``. A feature is named in
    messages by its ``name`` when the layer has one (not by its authority, which many
    features share)."""
    return phase_problems(layer, phases, ("name",)) + \
        named_problems(layer, "authority", "authority that takes the ground over", ("name",))


def check_layer_fields(read: dict[str, Layer], phases: list[int]) -> list[Problem]:
    """Every field problem across the scenario's layers."""
    checks = {
        "held": lambda layer: held_problems(layer, phases),
        "handover": lambda layer: handover_problems(layer, phases),
        "lines": lambda layer: named_problems(layer, "name", "line"),
        "population": population_problems,
        "places": places_problems,
        "borders": borders_problems,
        "sectors": lambda layer: sector_problems(layer, phases),
        "zones": zone_problems,
    }
    out = []
    for name, check in checks.items():
        if name in read:
            out += check(read[name])
    return out
