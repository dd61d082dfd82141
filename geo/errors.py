"""Errors users cause, each naming the file, feature, field and value at fault.

Validation gathers every :class:`Problem` it finds and raises one :class:`InputError`
holding them all, so a planner fixes a file in one pass instead of one error per run.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

_MAX_VALUE_CHARS = 80


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    file
        Path of the file at fault (as the user gave it).
    message
        What is wrong, in plain words.
    feature
        Zero-based feature index in the file, or a label such as ``"contingent 2"``
        for an entry of a YAML list.
    feature_id
        The feature's own id (for example a sector id), when it has one.
    field
        Property, key or column at fault.
    value
        The offending value; only shown when ``has_value`` is true.
    """

    file: str
    message: str
    feature: int | str | None = None
    feature_id: Any = None
    field: str | None = None
    value: Any = None
    has_value: bool = False

    def __str__(self) -> str:
        parts = [str(self.file)]
        if self.feature is not None:
            where = f"feature {self.feature}" if isinstance(self.feature, int) else str(self.feature)
            if self.feature_id is not None:
                where += f" (id {self.feature_id!r})"
            parts.append(where)
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        if self.has_value:
            parts.append(f"value {_short(self.value)}")
        return ": ".join(parts) + ": " + self.message


def problem(file, message, *, feature=None, feature_id=None, field=None, **kw) -> Problem:
    """Build a :class:`Problem`; pass ``value=`` to name the offending value."""
    has_value = "value" in kw
    return Problem(str(file), message, feature, feature_id, field, kw.get("value"), has_value)


class InputError(ValueError):
    """Bad input from a user: one or more :class:`Problem` records."""

    def __init__(self, problems: Iterable[Problem] | Problem):
        self.problems: tuple[Problem, ...] = (
            (problems,) if isinstance(problems, Problem) else tuple(problems)
        )
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def raise_if(problems: list[Problem]) -> None:
    """Raise :class:`InputError` when ``problems`` is not empty."""
    if problems:
        raise InputError(problems)


def checked_file(path, max_bytes: int):
    """``path`` as a Path when it is a file of at most ``max_bytes``; else :class:`InputError`."""
    from pathlib import Path
    p = Path(path)
    if not p.is_file():
        raise InputError(problem(path, "file not found"))
    if p.stat().st_size > max_bytes:
        raise InputError(problem(path, f"file is larger than {max_bytes / 2**20:g} MiB"))
    return p
