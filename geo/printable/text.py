"""Text on the page: how wide it is, where a line may break (no line starts with ``）`` or ``，``), what fits."""

from __future__ import annotations

import re
from collections.abc import Iterator

PT_PER_IN = 72.0


def _is_wide(char: str) -> bool:
    return ord(char) >= 0x2E80 or char in "“”‘’…—"


def _width_pt(text: str, size: float) -> float:
    """About how wide `text` is at `size` points: a CJK character is one em, others a little over half."""
    return size * sum(1.0 if _is_wide(c) else 0.58 for c in text)


def _wrap(text: str, width_pt: float, size: float, indent: str = "   ") -> list[str]:
    """`text` cut into lines no wider than `width_pt`.

    Lines break after a list's ``、``, ``，`` or ``；`` where they can (a name stays whole), else between
    two CJK characters or at a space.
    """
    lines: list[str] = []
    current = ""
    for phrase in _PHRASE_END.split(text):
        pieces = [phrase] if _width_pt(indent + phrase, size) <= width_pt else list(_tokens(phrase))
        for piece in pieces:
            if current and _width_pt(current + piece, size) > width_pt:
                lines.append(current.rstrip())
                current = indent + piece.lstrip()
            else:
                current += piece
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


_PHRASE_END = re.compile(r"(?<=[、，；,;])")


_NO_LINE_START = set("）」』】〕》，。、：；！？”’…)]},.:;!?%")


def _tokens(text: str) -> Iterator[str]:
    """What a line may break between: a CJK character, or a run of others with the space before it.

    Closing brackets and punctuation go with what precedes them (no line starts with ``）`` or ``，``).
    """
    pieces: list[str] = []
    run = ""
    for char in text:
        if _is_wide(char) and char not in _NO_LINE_START:
            if run:
                pieces.append(run)
                run = ""
            pieces.append(char)
        elif char == " " and run.strip():
            pieces.append(run)
            run = char
        elif char in _NO_LINE_START and not run and pieces:
            pieces[-1] += char
        else:
            run += char
    if run:
        pieces.append(run)
    yield from pieces


def _fitted(text: str, width_pt: float, size: float, smallest: float) -> float:
    """The largest size up to `size` (at least `smallest`) at which `text` fits `width_pt`."""
    while size > smallest and _width_pt(text, size) > width_pt:
        size -= 0.5
    return size
