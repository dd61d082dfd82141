"""Words for messages: counts with the right number."""
from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 sector``, ``2 sectors``, ``1,200 sectors`` (``many``: an irregular plural)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
