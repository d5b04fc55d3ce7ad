"""File names from the data's text: plain names that stay where they are put, on any disk."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["WINDOWS_RESERVED", "entry_stem"]

# Names Windows keeps for devices: a file called CON.html cannot be opened there.
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}

_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u202a-\u202e\u2066-\u2069]')
_ENTRY_CHARS = 40  # a name longer than this is cut: entry names stay well inside every unzip's limits


def entry_stem(name: str, fallback: str) -> str:
    """A leader's name as the start of a zip entry: one plain file name, whatever the name holds.

    NFC; no separator (``/``, ``\\``), drive colon, wildcard or control character; no leading dot
    (``..`` cannot climb); at most `_ENTRY_CHARS` characters; `fallback` (the pack's own safe
    name) when nothing is left, or when the name is a device name on Windows (``CON`` …).
    """
    text = _UNSAFE_IN_NAMES.sub("_", unicodedata.normalize("NFC", name))
    text = text.strip(" ._")[:_ENTRY_CHARS].strip(" ._")
    if not text or text.split(".")[0].upper() in WINDOWS_RESERVED:
        return fallback
    return text
