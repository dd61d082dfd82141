"""A small progress bar on standard error, for long CLI work."""
from __future__ import annotations

import sys


class Progress:
    """Counts finished steps of ``total`` and redraws ``[#####.....] 5/10 label``.

    On a terminal the bar redraws in place; in a log (CI) it prints a line per step.
    """

    def __init__(self, total: int, label: str, *, stream=None, width: int = 30):
        self.total, self.label, self.width, self.done = max(total, 1), label, width, 0
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()

    def __call__(self, text: str | None = None) -> None:
        self.done += 1
        fill = int(self.width * min(self.done, self.total) / self.total)
        bar = f"[{'#' * fill}{'.' * (self.width - fill)}] {self.done}/{self.total} {self.label}"
        if text:
            bar += f" {text}"
        self.stream.write(("\r" + bar) if self.tty else bar + "\n")
        if self.tty and self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
