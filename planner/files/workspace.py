"""The scenario and sector table of a working state, made once per content and kept.

A working state may be made over a copy of the scenario with an uploaded layer
(``Working.source``, a content hash of that copy, kept in the workspace) and over re-cut
phases (``Working.cuts``, content hashes of their geometry in the plan store). Both are keyed
by content, never by an ever-growing string, so a reload, a second tab or an undo finds the
same table without measuring sectors again.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections import OrderedDict
from pathlib import Path

from planner.domain.sectors import sector_table
from planner.files.cuts import cut_from_text, sectors_with_cuts

KEEP = 8  # tables kept per session store (each holds a sector layer and its measures)


def folder_hash(folder) -> str:
    """Content hash of a scenario folder: every file's relative path and bytes."""
    digest = hashlib.sha256()
    root = Path(folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def keep_scenario_copy(store, folder) -> str:
    """Copy a scenario folder into the workspace under its content hash; return the hash.

    The copy is made beside its final place and renamed into it, so a reader never sees a
    half-copied folder.
    """
    digest = folder_hash(folder)
    target = Path(store.folder) / "scenarios" / digest
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{digest}.", dir=target.parent))
        try:
            shutil.copytree(folder, staging / "s")
            os.replace(staging / "s", target)
        except OSError:
            if not target.is_dir():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return digest


class Tables:
    """Scenarios and sector tables for working states, cached by content (see the module)."""

    def __init__(self, store, base):
        self.store, self.base = store, base
        self._scenarios: OrderedDict = OrderedDict()
        self._tables: OrderedDict = OrderedDict()

    def scenario(self, work):
        """The scenario ``work`` is made over."""
        if not work.source:
            return self.base
        if work.source not in self._scenarios:
            from planner.files.scenario_file import load_scenario
            folder = Path(self.store.folder) / "scenarios" / work.source
            self._scenarios[work.source] = load_scenario(folder)
            _trim(self._scenarios)
        return self._scenarios[work.source]

    def table(self, work):
        """The sector table of ``work``: its scenario's sectors with the re-cut phases."""
        key = (work.source, tuple(work.cuts.items()))
        if key not in self._tables:
            scenario = self.scenario(work)
            cuts = {p: cut_from_text(self.store.cut(h)) for p, h in work.cuts.items()}
            layer = sectors_with_cuts(scenario, cuts)
            self._tables[key] = sector_table(scenario, layer)
            _trim(self._tables)
        self._tables.move_to_end(key)
        return self._tables[key]


def _trim(cache: OrderedDict) -> None:
    while len(cache) > KEEP:
        cache.popitem(last=False)
