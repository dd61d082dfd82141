"""What a sweep's workers receive: the scenario without its geometry.

Every case needs the sector table's facts (sectors, their phases, tags, contact lines,
crossings, neighbours) and the scenario's mandates, contingents, vetoes and rules, but no
GeoDataFrame. :func:`problem_from_scenario` computes those facts once and drops the layers,
so the problem pickles to a few kilobytes and is sent once to each worker. Each task builds
its own CP-SAT model from it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from planner.domain.sectors import SectorTable, sector_table

# Every computed fact of a SectorTable that reads geometry; the requirements memo is left
# to fill itself on the worker. (A test fails when SectorTable gains one not listed here.)
TABLE_FACTS = ("info", "ids", "keys", "contact", "contact_parties", "crossings", "_tags",
               "neighbours")


def detached_table(table: SectorTable) -> SectorTable:
    """A copy of ``table`` with its per-sector facts computed and its layers dropped.

    It answers everything the rules, the checker and the optimizer ask of a table
    (``keys``, ``open_in``, ``tags``, ``neighbours``, ``requirement(s)``) with the same values.
    """
    facts = {name: getattr(table, name) for name in TABLE_FACTS}
    out = SectorTable(None, None, table.phases, table.touch_m, table.min_contact_m, None,
                      table.crossing_m)
    out.__dict__.update(facts)  # cached_property values live in the instance dict
    return out


@dataclass(frozen=True)
class SweepProblem:
    """A scenario reduced to what deciding a case reads.

    ``scenario`` has no layers (``layers`` is None); ``table`` is detached; ``digest``
    identifies the scenario folder's content (see :func:`folder_digest`).
    """

    scenario: object
    table: SectorTable
    digest: str

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.scenario.contingents]


def problem_from_scenario(scenario, table: SectorTable | None = None,
                          digest: str | None = None) -> SweepProblem:
    """The :class:`SweepProblem` of a loaded scenario (its sector table built unless given)."""
    table = detached_table(table or sector_table(scenario))
    return SweepProblem(scenario.with_changes(layers=None), table,
                   digest or folder_digest(scenario.root))


def folder_digest(folder) -> str:
    """SHA-256 over the names and bytes of every file under ``folder`` (hidden files and
    ``__pycache__`` left out) and, for a variant, under each folder it extends: the same
    content gives the same digest wherever it lies."""
    from planner.files.variants import base_folders
    root = Path(folder)
    if root.is_file():
        root = root.parent
    h = hashlib.sha256()
    for n, base in enumerate(base_folders(root), start=1):
        h.update(f"\0extends {n}\0{_files_digest(base)}".encode())
    return _files_digest(root, h)


def _files_digest(root: Path, h=None) -> str:
    h = hashlib.sha256() if h is None else h
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        h.update(rel.as_posix().encode() + b"\0")
        with path.open("rb") as f:
            h.update(hashlib.file_digest(f, "sha256").digest())
    return h.hexdigest()[:16]
