"""Draw the planner's data flow: ``python -m docs.make_architecture`` writes docs/architecture.png.

Each box is a step of the flow, labelled with the package that does it; arrows are the data
handed on. Same code, same picture (PNG written without a timestamp).
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

OUT = Path(__file__).resolve().with_name("architecture.png")

# package -> fill colour (one per concern)
COLOURS = {"files": "#dbe9f6", "geo": "#e3f1dc", "domain": "#fdf0d5", "rules": "#f8dcdc",
           "solver": "#eadcf4", "outputs": "#e8e8e8"}

# name -> (x, y, title, package line, colour key); x, y: the box centre
BOXES = {
    "files_in": (1.4, 3.0, "scenario folder", "scenario.yaml, layer files", "outputs"),
    "load": (4.8, 3.0, "load & validate", "planner.files.scenario_file", "files"),
    "layers": (8.2, 3.0, "layers", "geo.layers: projected, valid", "geo"),
    "zones": (11.6, 3.0, "zones", "geo.zones: once per scenario", "geo"),
    "sectors": (15.0, 3.0, "sectors", "geo.sectors, domain.derive", "geo"),
    "table": (15.0, 1.5, "sector table", "planner.domain.sectors", "domain"),
    "plan": (11.6, 1.5, "plan", "planner.domain.plan", "domain"),
    "check": (8.2, 1.5, "check", "planner.rules", "rules"),
    "solve": (8.2, 0.0, "solve", "planner.solver", "solver"),
    "out": (3.1, 0.75, "render / export / store", "planner.ui, cli, briefing,\nfiles.planfile, files.store",
            "outputs"),
}
ARROWS = [("files_in", "load", ""), ("load", "layers", "Scenario"), ("layers", "zones", ""),
          ("zones", "sectors", "increments"), ("sectors", "table", "sector layer"),
          ("table", "plan", "keys"), ("plan", "check", "plan"),
          ("table", "solve", "requirements, tags"), ("check", "out", "Report"),
          ("solve", "out", "SolveResult"), ("solve", "plan", "plan")]
WIDTH, HEIGHT = 2.6, 0.9


def _box(ax, x, y, title, package, colour):
    ax.add_patch(FancyBboxPatch((x - WIDTH / 2, y - HEIGHT / 2), WIDTH, HEIGHT,
                                boxstyle="round,pad=0.02,rounding_size=0.12", linewidth=1.2,
                                edgecolor="#444444", facecolor=COLOURS[colour]))
    ax.text(x, y + 0.16, title, ha="center", va="center", fontsize=11, fontweight="bold")
    ax.text(x, y - 0.17, package, ha="center", va="center", fontsize=7.5, family="monospace")


def _edge(x0, y0, x1, y1):
    """The point where the line from box centre 0 to box centre 1 leaves box 0."""
    dx, dy = x1 - x0, y1 - y0
    scale = min(WIDTH / 2 / abs(dx) if dx else float("inf"),
                HEIGHT / 2 / abs(dy) if dy else float("inf"))
    return x0 + dx * scale, y0 + dy * scale


def draw(out: Path = OUT) -> Path:
    """Draw the flow and write it to ``out`` (PNG)."""
    fig, ax = plt.subplots(figsize=(14.5, 4.6), dpi=110)
    ax.set_xlim(-0.1, 16.5)
    ax.set_ylim(-0.6, 3.6)
    ax.axis("off")
    for x, y, title, package, colour in BOXES.values():
        _box(ax, x, y, title, package, colour)
    for a, b, label in ARROWS:
        (xa, ya, *_), (xb, yb, *_) = BOXES[a], BOXES[b]
        start, end = _edge(xa, ya, xb, yb), _edge(xb, yb, xa, ya)
        ax.annotate("", xy=end, xytext=start,
                    arrowprops=dict(arrowstyle="-|>", color="#333333", lw=1.3,
                                    connectionstyle="arc3,rad=0.0"))
        if label:
            ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.06, label,
                    ha="center", va="bottom", fontsize=8, style="italic", color="#333333",
                    bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"))
    ax.set_title("Withdrawal-Zone Planner: data flow (box: step, package that does it)",
                 fontsize=12)
    fig.tight_layout()
    fig.savefig(out, metadata={"Software": None})
    plt.close(fig)
    return out


if __name__ == "__main__":
    print(f"wrote {draw(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)}")
