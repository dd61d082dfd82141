"""The cases of a sweep: coalition x mandate x veto setting x troop scale.

A coalition is a tuple of contingent codes in the scenario's order. A veto setting is
``on`` (the scenario's vetoes in force), ``off`` (none) or ``without:<veto id>`` (all but
that one, which prices that veto alone). A troop scale multiplies every contingent's troops.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

from geo.errors import InputError, checked_file, problem

VETOES_ON, VETOES_OFF, WITHOUT = "on", "off", "without:"
MAX_COALITION_FILE_BYTES = 10 * 2**20


@dataclass(frozen=True)
class Case:
    """One what-if: which contingents are in, under which mandate, vetoes and troop scale."""

    coalition: tuple[str, ...]
    mandate: str
    vetoes: str = VETOES_ON
    troop_scale: float = 1.0

    @property
    def key(self) -> str:
        """A stable, readable identity: ``mandate|vetoes|scale|AAA+BBB`` (``-``: nobody)."""
        return "|".join([self.mandate, self.vetoes, f"{self.troop_scale:g}",
                         "+".join(self.coalition) or "-"])

    @classmethod
    def from_row(cls, row) -> "Case":
        """The case of a results row (a mapping with the columns of a results file), to
        solve it again for its plan with :func:`planner.sweep.decide.solve_case`."""
        return cls(tuple(c for c in str(row["coalition"]).split("+") if c), str(row["mandate"]),
                   str(row["vetoes"]), float(row["troop_scale"]))


def drop_coalitions(codes: list[str], most: int) -> list[tuple[str, ...]]:
    """The whole force, then every coalition missing 1, ..., ``most`` of ``codes``."""
    n = len(codes)
    return [c for dropped in range(min(most, n) + 1) for c in combinations(codes, n - dropped)]


def subset_coalitions(codes: list[str], min_size: int = 1) -> list[tuple[str, ...]]:
    """Every coalition of at least ``min_size`` of ``codes``, largest first (2^n of them
    with ``min_size`` 0)."""
    return [c for size in range(len(codes), max(min_size, 0) - 1, -1)
            for c in combinations(codes, size)]


def read_coalitions(path, codes: list[str]) -> list[tuple[str, ...]]:
    """Coalitions from a text file: one a line, codes separated by commas, spaces or ``+``;
    ``#`` starts a comment. Codes are put in the scenario's order.

    Raises
    ------
    InputError
        Naming the file, line and code for every unknown or repeated code.
    """
    text = checked_file(path, MAX_COALITION_FILE_BYTES).read_text(encoding="utf-8",
                                                                   errors="replace")
    known, out, problems = set(codes), [], []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#")[0].replace(",", " ").replace("+", " ").split()
        if not words:
            continue
        where = dict(feature=f"line {number}", field="code")
        problems += [problem(path, f"unknown contingent; the scenario has {', '.join(codes)}",
                             value=w, **where) for w in words if w not in known]
        problems += [problem(path, "contingent named twice in one coalition", value=w, **where)
                     for w in sorted({w for w in words if words.count(w) > 1})]
        out.append(tuple(c for c in codes if c in words))
    if not out and not problems:
        problems.append(problem(path, "no coalition in the file (one a line, codes separated "
                                      "by commas)"))
    if problems:
        raise InputError(problems)
    return list(dict.fromkeys(out))  # a coalition listed twice is one case


def veto_settings(values: list[str], veto_ids: list[str], *, file: Path | str) -> list[str]:
    """Check veto settings (``on``, ``off``, ``each``, ``without:ID``); ``each`` becomes one
    ``without:ID`` per veto of the scenario."""
    out, problems = [], []
    for value in values:
        if value == "each":
            out += [WITHOUT + v for v in veto_ids]
        elif value in (VETOES_ON, VETOES_OFF) or (value.startswith(WITHOUT) and
                                                   value[len(WITHOUT):] in veto_ids):
            out.append(value)
        else:
            problems.append(problem(file, "unknown veto setting; use on, off, each or without:ID "
                                          f"with a veto id of {', '.join(veto_ids) or '(none)'}",
                                    field="--vetoes", value=value))
    if problems:
        raise InputError(problems)
    return list(dict.fromkeys(out))


def build_cases(coalitions, mandates, vetoes=(VETOES_ON,), troop_scales=(1.0,)) -> list[Case]:
    """Every combination, mandate first, then veto setting, troop scale and coalition."""
    return [Case(tuple(c), m, v, float(t)) for m in mandates for v in vetoes
            for t in troop_scales for c in coalitions]


def contingents_for(case: Case, contingents) -> list:
    """The contingents of ``case``'s coalition, troops scaled (rounded to whole troops)."""
    chosen = [c for c in contingents if c.code in case.coalition]
    if case.troop_scale == 1.0:
        return chosen
    return [replace(c, troops=int(round(c.troops * case.troop_scale))) for c in chosen]


def vetoes_for(case: Case, vetoes) -> tuple:
    """The vetoes in force under ``case``'s veto setting."""
    if case.vetoes == VETOES_OFF:
        return ()
    if case.vetoes.startswith(WITHOUT):
        return tuple(v for v in vetoes if v.id != case.vetoes[len(WITHOUT):])
    return tuple(vetoes)
