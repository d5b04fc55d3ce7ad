"""The CJK font the pages are written in: found on the system, then cut to the district's characters.

Chinese needs a CJK font (`find_cjk_font`); without one, `NoCJKFontError`
says what to install. The font is cut once per run down to the characters
the district's pages use (`_cut_font`), so each page's PDF embeds a small
subset fast.
"""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..messages import msg
from .errors import NoCJKFontError

__all__ = ["CJKFont", "find_cjk_font"]

log = logging.getLogger(__name__)

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Sans CJK TC",
    "Source Han Sans TC",
    "Noto Sans CJK HK",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Noto Sans CJK KR",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
TRADITIONAL_FIRST = ("Noto Sans CJK TC", "Source Han Sans TC", "Noto Sans CJK HK", "Microsoft JhengHei", "PingFang TC")
CJK_FILE_HINTS = ("notosanscjk", "sourcehansans", "wqy", "simhei", "msyh", "pingfang", "notoserifcjk", "simsun")


@dataclass(frozen=True)
class CJKFont:
    """A font with Chinese characters: its file, the face in a collection (.ttc), its family name."""

    path: Path
    index: int = 0
    family: str = ""


def find_cjk_font(lang: str = "zh", font_file: str | Path | None = None) -> CJKFont | None:
    """A font that can write Chinese, or None.

    `font_file` (the CLI passes ``GEO_CJK_FONT``) is used when given, and must
    hold Chinese characters. Otherwise the fonts matplotlib knows are searched
    by family (Noto Sans CJK SC, Source Han Sans, WenQuanYi, Microsoft YaHei,
    PingFang, SimHei …; Traditional families first for ``zh-Hant``), then by
    file name (``NotoSansCJK``, ``wqy``, ``simhei``, ``msyh`` …), then the
    system's font folders by file name.

    Raises
    ------
    NoCJKFontError
        When `font_file` does not exist, cannot be read or has no Chinese.
    """
    if font_file:
        return _font_from_file(Path(font_file))
    from matplotlib import font_manager

    entries = sorted(
        font_manager.fontManager.ttflist,
        key=lambda e: (e.style != "normal", abs(_weight(e.weight) - 400), e.fname, getattr(e, "index", 0)),
    )
    by_family: dict[str, Any] = {}
    for entry in entries:
        by_family.setdefault(entry.name.lower(), entry)
    families = (*TRADITIONAL_FIRST, *CJK_FAMILIES) if lang == "zh-Hant" else CJK_FAMILIES
    for family in families:
        known = by_family.get(family.lower())
        if known is not None:
            return CJKFont(Path(known.fname), getattr(known, "index", 0), known.name)
    for entry in entries:
        if _hinted(entry.fname):
            return CJKFont(Path(entry.fname), getattr(entry, "index", 0), entry.name)
    # fonts installed after matplotlib built its cache: look in the system's folders by name
    for name in sorted(font_manager.findSystemFonts()):
        if _hinted(name):
            log.debug("CJK font %s found on disk, not in matplotlib's font cache", name)
            return CJKFont(Path(name), 0, "")
    return None


def _weight(value) -> int:
    return value if isinstance(value, int) else 400


def _hinted(file_name: str) -> bool:
    name = Path(file_name).name.lower().replace("-", "").replace("_", "")
    return any(hint in name for hint in CJK_FILE_HINTS)


def _font_from_file(path: Path) -> CJKFont:
    from matplotlib.ft2font import FT2Font

    if not path.is_file():
        raise NoCJKFontError(msg("print.bad_font_file", file=str(path), reason=msg("print.font_missing")))
    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError) as err:
        reason = msg("print.font_unreadable", error=str(err))
        raise NoCJKFontError(msg("print.bad_font_file", file=str(path), reason=reason)) from err
    if not font.get_char_index(ord("中")):
        raise NoCJKFontError(msg("print.bad_font_file", file=str(path), reason=msg("print.font_no_chinese")))
    return CJKFont(path, 0, "")  # named by its file: matplotlib's font list does not hold it


# Everything a page may write besides the data and the words: ASCII and CJK punctuation.
_BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "，。：；、（）【】《》“”‘’—…·－～％°×→←↑↓–"


def _cut_font(font: CJKFont, text: str, folder: Path) -> Path | None:
    """The font cut down to the characters in `text`, written into `folder`; None if fontTools cannot.

    A CJK font holds some 65,000 glyphs; matplotlib subsets the font it embeds
    in every PDF, which for the full font costs over half a second a page.
    Cut once to the district's few thousand characters, each page's subset is
    quick. Layout tables are dropped: Chinese sets one glyph per character.
    """
    cut = _cut_bytes(str(font.path), font.index, "".join(sorted(set(text))))
    if cut is None:
        return None
    path = folder / ("cjk.otf" if cut[:4] == b"OTTO" else "cjk.ttf")
    path.write_bytes(cut)
    return path


@functools.lru_cache(maxsize=2)
def _cut_bytes(path: str, index: int, chars: str) -> bytes | None:
    """The cut font's bytes (the same district cut again costs nothing)."""
    try:
        from fontTools import subset
    except ImportError:  # pragma: no cover - fontTools comes with matplotlib
        return None
    options = subset.Options()
    options.font_number = index
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "DSIG", "VORG", "vhea", "vmtx", "MATH", "meta"]
    try:
        cut = subset.load_font(path, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(cut)
        if cut.sfntVersion == "OTTO":
            _to_truetype(cut)
        out = io.BytesIO()
        cut.save(out)
        cut.close()
    except Exception:  # a font fontTools cannot cut is used whole (slower PDFs, same pages)
        log.debug("could not cut the font %s; using it whole", path, exc_info=True)
        return None
    return out.getvalue()


def _to_truetype(font) -> None:
    """Give a CFF-outline font (Noto Sans CJK, Source Han Sans) TrueType outlines, in place.

    matplotlib embeds every font in a PDF as TrueType (``FontFile2``); CFF
    outlines there are outside the PDF standard, and some readers (Acrobat)
    refuse them. The curves become quadratic within one font unit. This is
    fontTools' own ``otf2ttf`` recipe.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    font.recalcBBoxes = True  # the subsetter loads fonts without: the new outlines need their boxes
    glyf.compile(font)
    metrics = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            metrics[name] = (metrics[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for limit in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements"):
        setattr(maxp, limit, 0)
    maxp.maxZones, maxp.maxSizeOfInstructions, maxp.maxComponentElements = 1, 0, 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\x00\x01\x00\x00"
