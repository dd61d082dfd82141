"""Progress on standard error, for long CLI work: one reporter for counted steps (a bar) and
for a solver's improving solutions (objective and bound lines)."""
from __future__ import annotations

import sys
import time


def _duration(seconds: float) -> str:
    """``42 s``, ``3 min 05 s`` or ``2 h 07 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Counts finished steps of ``total`` and redraws ``[#####.....] 5/10 label``.

    On a terminal the bar redraws in place; in a log (CI) it prints a line per step, or at
    most one every ``every_s`` seconds (and the last). With ``rate`` it adds steps per second
    and the time left, measured from the steps done since it was made (``done`` counts steps
    finished before, such as the cases a resumed sweep skips).
    """

    def __init__(self, total: int = 1, label: str = "", *, stream=None, width: int = 30,
                 done: int = 0, rate: bool = False, every_s: float = 0.0, clock=time.monotonic):
        self.total, self.label, self.width, self.done = max(total, 1), label, width, done
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.rate, self.every_s, self.clock = rate, every_s, clock
        self.first, self.start, self.shown, self.drawn = done, clock(), None, 0

    def speed(self) -> str:
        """``12.5/s, 40 s left`` from the steps done since the bar was made."""
        elapsed, steps = self.clock() - self.start, self.done - self.first
        per_s = steps / elapsed if elapsed > 0 else 0.0
        if not per_s:
            return "0.0/s, time left unknown"
        left = _duration((self.total - self.done) / per_s)
        return f"{per_s:.1f}/s, {left} left"

    def __call__(self, text: str | None = None) -> None:
        self.done += 1
        last = self.done >= self.total
        if not (self.tty or last or self.shown is None
                or self.clock() - self.shown >= self.every_s):
            return
        self.shown = self.clock()
        fill = int(self.width * min(self.done, self.total) / self.total)
        bar = f"[{'#' * fill}{'.' * (self.width - fill)}] {self.done}/{self.total} {self.label}"
        if self.rate:
            bar += f" {self.speed()}"
        if text:
            bar += f" {text}"
        # pad over a longer previous line when redrawing in place
        self.stream.write(("\r" + bar.ljust(self.drawn)) if self.tty else bar + "\n")
        self.drawn = len(bar)
        if self.tty and last:
            self.stream.write("\n")
        self.stream.flush()

    def solution(self, seconds: float, objective: float, bound: float) -> None:
        """A solver's best objective and bound after ``seconds``, as a line, at most one every
        ``every_s`` seconds (the ``progress`` that :func:`planner.solver.optimize.solve` calls)."""
        now = self.clock()
        if self.shown is not None and now - self.shown < self.every_s:
            return
        self.shown = now
        self.stream.write(f"  {seconds:7.2f} s  objective {objective:,.0f}  bound {bound:,.0f}\n")
        self.stream.flush()
