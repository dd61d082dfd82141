"""A small strict reader for YAML documents that gathers every problem it meets."""
from __future__ import annotations

import math
from typing import Any, Callable

import yaml

from geo.errors import InputError, Problem, checked_file, problem

MAX_YAML_BYTES = 1024 * 1024
_MISSING = object()


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases (which make alias bombs possible)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)


def load_yaml(path) -> Any:
    """Parse a YAML file safely (size-capped, no aliases), raising :class:`InputError`."""
    p = checked_file(path, MAX_YAML_BYTES)
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(problem(path, f"not UTF-8 text (byte {exc.start})")) from None
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - safe loader subclass
    except yaml.YAMLError as exc:
        raise InputError(problem(path, f"invalid YAML: {' '.join(str(exc).split())}")) from None


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return (_is_int(v) or isinstance(v, float)) and math.isfinite(v)


KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (lambda v: isinstance(v, str) and v.strip() != "", "a non-empty text"),
    "int": (_is_int, "a whole number"),
    "number": (_is_number, "a finite number"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "mapping": (lambda v: isinstance(v, dict), "a mapping"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "str_list": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                 "a list of texts"),
    "any": (lambda v: True, "anything"),
}


class Reader:
    """Reads values out of parsed YAML, recording a :class:`Problem` for each bad one.

    ``where`` arguments are ``(feature_label, feature_id)`` pairs naming the list entry.
    """

    def __init__(self, file):
        self.file = str(file)
        self.problems: list[Problem] = []

    def report(self, message, *, where=(None, None), field=None, **value) -> None:
        self.problems.append(problem(self.file, message, feature=where[0], feature_id=where[1],
                                     field=field, **value))

    def keys(self, obj: dict, allowed: set[str], *, where=(None, None), prefix="") -> None:
        """Report keys of ``obj`` that are not in ``allowed``."""
        for key in sorted(set(obj) - allowed, key=str):
            self.report(f"unknown key; expected one of {', '.join(sorted(allowed))}",
                        where=where, field=f"{prefix}{key}")

    def get(self, obj: dict, key: str, kind: str, *, where=(None, None), prefix="",
            default=_MISSING, check: Callable[[Any], str | None] | None = None):
        """Value of ``obj[key]`` when it is of ``kind`` and passes ``check``; else ``default``.

        ``check`` returns a message when the value is bad, or None.
        """
        field = f"{prefix}{key}"
        if key not in obj or obj[key] is None:
            if default is _MISSING:
                self.report("required field is missing", where=where, field=field)
                return None
            return default
        value = obj[key]
        ok, expected = KINDS[kind]
        if not ok(value):
            self.report(f"must be {expected}", where=where, field=field, value=value)
            return None if default is _MISSING else default
        message = check(value) if check else None
        if message:
            self.report(message, where=where, field=field, value=value)
            return None if default is _MISSING else default
        return value


def at_least(low) -> Callable[[Any], str | None]:
    """A ``check`` refusing numbers below ``low``."""
    return lambda v: None if v >= low else f"must be at least {low}"


def one_of(options) -> Callable[[Any], str | None]:
    """A ``check`` refusing values outside ``options``."""
    options = list(options)
    return lambda v: None if v in options else f"must be one of {', '.join(map(str, options))}"
