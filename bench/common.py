"""Shared benchmark helpers: machine facts and plain-text tables."""
from __future__ import annotations

import os
import platform
import sys
import time
from importlib import metadata


def machine() -> str:
    """One line on the machine and the versions measured."""
    versions = []
    for pkg in ("numpy", "shapely", "geopandas", "scipy", "ortools", "spopt", "streamlit"):
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            pass
    cpu = platform.processor() or platform.machine()
    return (f"{platform.system()} {cpu}, {os.cpu_count()} cores, Python "
            f"{sys.version.split()[0]}; " + ", ".join(versions))


def table(headers: list[str], rows: list[list]) -> str:
    """A Markdown table, ready for the README."""
    text = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
                     + [line(r) for r in text])


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
