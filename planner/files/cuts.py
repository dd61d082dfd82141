"""Re-cut sectors as text, and the sector layer a working state is made over.

When a planner re-cuts a phase, the new sectors' geometry is part of the working state: it
is saved in the plan store once per content hash (:meth:`planner.files.store.PlanStore.put_cut`)
and a revision names it by that hash. The text is canonical JSON of the sector ids and their
WKB in the scenario's metric CRS, so the same cut gives the same hash and geometry round-trips
exactly.
"""
from __future__ import annotations

import json
from typing import Mapping

import geopandas as gpd
import pandas as pd
import shapely

from geo.errors import InputError, problem


def cut_to_text(frame: gpd.GeoDataFrame, phase: int) -> str:
    """One phase's sectors (``sector_id`` and geometry, metric CRS) as canonical text."""
    rows = sorted(zip(frame["sector_id"].astype(str), shapely.to_wkb(frame.geometry.values,
                                                                        hex=True)))
    return json.dumps({"phase": int(phase), "crs": frame.crs.to_string(),
                       "sectors": [list(r) for r in rows]},
                      sort_keys=True, separators=(",", ":"))


def cut_from_text(text: str) -> gpd.GeoDataFrame:
    """The frame :func:`cut_to_text` wrote: ``sector_id``, ``phase`` and geometry."""
    try:
        doc = json.loads(text)
        ids = [str(s) for s, _ in doc["sectors"]]
        geoms = shapely.from_wkb([w for _, w in doc["sectors"]])
        return gpd.GeoDataFrame({"sector_id": ids, "phase": int(doc["phase"])},
                                geometry=list(geoms), crs=doc["crs"])
    except (ValueError, KeyError, TypeError, shapely.errors.GEOSException) as exc:
        raise InputError(problem("<plan store>", f"re-cut sectors cannot be read ({exc})",
                                 field="cuts")) from None


def sectors_with_cuts(scenario, cuts: Mapping[int, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """The scenario's sector layer with the phases in ``cuts`` replaced, attributes measured.

    ``cuts`` maps a phase to a frame of its new sectors (``sector_id``, ``phase``, geometry
    in the scenario's CRS). Crossings are assigned over the whole layer again.
    """
    from planner.domain.derive import crossings_over_layer, with_attributes
    base = scenario.layers.sectors
    if not cuts:
        return base
    fresh = with_attributes(gpd.GeoDataFrame(pd.concat(list(cuts.values()), ignore_index=True),
                                             crs=scenario.crs), scenario)
    kept = base[~base["phase"].isin(list(cuts))]
    frame = pd.concat([kept[fresh.columns], fresh]).sort_values(["phase", "sector_id"])
    return crossings_over_layer(gpd.GeoDataFrame(frame.reset_index(drop=True), crs=base.crs),
                                scenario)
