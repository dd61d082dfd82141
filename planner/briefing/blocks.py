"""The briefing's building blocks: plain, JSON-ready data that every renderer reads.

A briefing is a cover and a list of sections; a section is a titled list of blocks
(paragraphs, lists, tables, maps). Text is kept as text: renderers place it as text,
never as markup, so a name like ``<script>`` or ``#$&`` is printed as it is.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from planner.domain.scenario import TASKS


def paragraph(text: str, *, tone: str = "") -> dict:
    """A paragraph; ``tone`` ``hard``, ``soft``, ``ok`` or ``note`` colours it."""
    return {"type": "para", "text": text, "tone": tone}


def heading(text: str) -> dict:
    """A sub-heading inside a section."""
    return {"type": "heading", "text": text}


def bullets(items: Iterable[str]) -> dict:
    return {"type": "list", "items": list(items)}


def facts(pairs: Iterable[tuple[str, str]]) -> dict:
    """Label and value pairs, set as a two-column list."""
    return {"type": "facts", "rows": [[k, v] for k, v in pairs]}


def table(columns: Sequence[str], rows: list[list[str]], *, align: str, widths: Sequence,
          tones: list[str] | None = None, caption: str = "") -> dict:
    """A table of text cells.

    Parameters
    ----------
    columns
        Header cells, repeated on every page the table runs over.
    rows
        Cells as text.
    align
        One of ``l``, ``r``, ``c`` per column.
    widths
        Relative column widths (numbers) or ``"auto"``.
    tones
        Per row: ``""``, ``hard``, ``soft`` or ``total`` (set apart from the rows above).
    """
    if len(align) != len(columns) or len(widths) != len(columns):
        raise ValueError(f"`align` and `widths` need {len(columns)} entries; got "
                         f"{align!r} and {list(widths)!r}")
    bad = [r for r in rows if len(r) != len(columns)]
    if bad:
        raise ValueError(f"every row needs {len(columns)} cells; got {bad[0]!r}")
    return {"type": "table", "columns": list(columns), "rows": rows, "align": align,
            "widths": list(widths), "tones": tones or [""] * len(rows), "caption": caption}


def image(name: str, width_in: float, height_in: float, caption: str = "") -> dict:
    """A picture (an SVG file the briefing carries under ``name``), ``width_in`` by
    ``height_in`` inches on paper, centred, with a caption below."""
    return {"type": "image", "image": name, "width-in": round(float(width_in), 4),
            "height-in": round(float(height_in), 4), "caption": caption}


def section(title: str, blocks: list[dict], *, kind: str = "text") -> dict:
    """A titled section; every section starts a new page."""
    return {"title": title, "kind": kind, "blocks": blocks}


def count(n: int, word: str, plural: str | None = None) -> str:
    """``1 sector``, ``2 sectors``, ``1,204 violations``."""
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def task_list(tasks: Iterable[str]) -> str:
    """Tasks in the domain's order (monitoring first), comma-separated."""
    given = set(tasks)
    ordered = [t for t in TASKS if t in given] + sorted(given - set(TASKS))
    return ", ".join(ordered)


def troops_text(troops) -> str:
    """``IDN 300, PAK 100`` (nations in plan order), or ``none``."""
    return ", ".join(f"{n} {t:,}" for n, t in troops.items()) or "none"
