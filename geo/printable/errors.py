"""The printable pages' errors, each worded from `geo.messages`' catalogue (keys ``print.*``)."""

from __future__ import annotations

from ..errors import GeoError

__all__ = ["NoCJKFontError", "PrintError"]


class PrintError(GeoError):
    """A printable page cannot be made; its `Msg` is worded in the reader's language (``str()``: Chinese)."""


class NoCJKFontError(PrintError, FileNotFoundError):
    """No font with Chinese characters: the message says what to install (fonts-noto-cjk) or set (GEO_CJK_FONT)."""
