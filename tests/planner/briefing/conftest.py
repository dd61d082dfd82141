"""Reading briefings back as a person would: poppler's pdftotext and pdftoppm."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest

WHEN = dt.datetime(2025, 11, 3, 14, 5, tzinfo=dt.timezone.utc)
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # direction marks pdftotext adds


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} (Debian poppler-utils) is not installed"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    return path


def page_texts(pdf: bytes, tmp_path, *, layout: bool = False) -> list[str]:
    """The text of every page, in order (pdftotext's reading order, or with ``layout`` the
    page's lines, a table row on one line; bidi marks removed)."""
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    mode = ["-layout"] if layout else []
    out = subprocess.run([_need("pdftotext"), "-enc", "UTF-8", *mode, str(path), "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    pages = out.split("\f")
    return [BIDI.sub("", p) for p in (pages[:-1] if pages and not pages[-1].strip() else pages)]


def squeezed(text: str) -> str:
    """Text without any whitespace: a sentence wrapped over lines still matches."""
    return re.sub(r"\s+", "", text)


def page_images(pdf: bytes, tmp_path, *, dpi: int = 50, first: int = 1, last: int | None = None):
    """Pages as RGB arrays (height x width x 3, uint8)."""
    import numpy as np
    from PIL import Image
    path = tmp_path / "look.pdf"
    path.write_bytes(pdf)
    args = [_need("pdftoppm"), "-r", str(dpi), "-png", "-f", str(first)]
    args += ["-l", str(last)] if last else []
    subprocess.run(args + [str(path), str(tmp_path / "page")], check=True)
    files = sorted(tmp_path.glob("page-*.png"))
    return [np.asarray(Image.open(f).convert("RGB")) for f in files]


def colour_pixels(image, colour: str, tolerance: int = 8) -> int:
    """Pixels of ``image`` within ``tolerance`` of ``colour`` (``#rrggbb``) on every channel."""
    import numpy as np
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image.astype(int) - rgb).max(axis=2) <= tolerance).sum())


def header(text: str) -> str:
    """A page's running header as pdftotext gives it: the marking, the scenario and the
    section's title (its first lines)."""
    return "\n".join(text.splitlines()[:5])


class Reader:
    """The helpers above, handed to tests as the ``pdf`` fixture (conftest modules cannot
    be imported by name: every test folder has one)."""

    when = WHEN
    texts = staticmethod(page_texts)
    squeezed = staticmethod(squeezed)
    header = staticmethod(header)
    images = staticmethod(page_images)
    colour_pixels = staticmethod(colour_pixels)


@pytest.fixture(scope="session")
def pdf():
    return Reader
