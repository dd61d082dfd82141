"""Typeset a briefing with Typst (the ``typst`` package from PyPI), offline.

Fonts: DejaVu Sans from Debian's ``fonts-dejavu-core`` (``/usr/share/fonts/truetype/dejavu``),
else the identical copy matplotlib ships; no system font is searched, so the same inputs
give the same PDF bytes. Nothing is fetched: the template uses no Typst package.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TEMPLATE = Path(__file__).with_name("briefing.typ")
DEBIAN_FONTS = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILE = "DejaVuSans.ttf"


class BriefingError(RuntimeError):
    """A briefing could not be typeset (missing fonts, a Typst failure)."""


def font_dir() -> Path:
    """The folder DejaVu Sans is taken from: Debian's, else matplotlib's bundled copy."""
    import matplotlib
    candidates = [DEBIAN_FONTS, Path(matplotlib.get_data_path()) / "fonts" / "ttf"]
    for folder in candidates:
        if (folder / FONT_FILE).is_file():
            return folder
    raise BriefingError(f"no {FONT_FILE} found in {', '.join(map(str, candidates))}: install "
                        "Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core)")


@lru_cache(maxsize=1)
def _fonts():
    import typst
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                       font_paths=[str(font_dir())])


def typst_files(doc: dict, images: dict[str, bytes]) -> dict[str, bytes]:
    """The in-memory Typst project: the template, the document as JSON, the images."""
    data = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return {"main.typ": TEMPLATE.read_bytes(), "briefing.json": data.encode("utf-8"), **images}


def typeset(doc: dict, images: dict[str, bytes], *, timestamp: int, fmt: str = "pdf",
            ppi: float | None = None) -> bytes | list[bytes]:
    """Compile the briefing to ``fmt`` (``pdf``, or ``png``: one image per page).

    ``timestamp`` (seconds since 1970, UTC) is the PDF's creation date: the same document,
    images and timestamp give the same bytes.
    """
    import typst
    try:
        return typst.compile(typst_files(doc, images), font_paths=_fonts(),
                             ignore_system_fonts=True, format=fmt, ppi=ppi,
                             timestamp=timestamp, pdf_tags=False)
    except typst.TypstError as exc:  # a fault of ours, not of the user's input
        raise BriefingError(f"Typst could not typeset the briefing: {exc}") from exc
