"""Printable pages: the district and each leader on one A4 sheet, as PDF and PNG (issue 14).

The HTML maps are for screens; a leader is often handed paper at the meeting.
Each page here is drawn with matplotlib (its Agg canvas, no pyplot state) in
the analysis' metric CRS, so the scale bar and the stated scale (1:25,000 …)
are true on the printed sheet:

- a title (the map title, the leader's name and title, their level and unit);
- the map, portrait or landscape, whichever shows the features larger: the
  leader's communities by tier, roads and sections and open issues (numbered
  as in the list) over a faint district; names placed so that none covers
  another (the leader's roads first, at their longest piece's middle and
  along it; their communities at a point inside; other names where they fit);
- a scale bar in metres, a north arrow (grid north corrected to true north),
  the scale;
- under the map the leader's task list (roads and sections with their cross
  streets and metres, communities, open issues with due dates, overdue ones
  marked) and the legend (only what the page draws);
- the as-of date and the data's source (with the OpenStreetMap credit when
  the roads came from OSM).

The overview page shows the district with the tiers, the leaders' roads and
sections, the gaps and the open issues, with the headline figures under it.

Chinese needs a CJK font (`find_cjk_font`); without one, `NoCJKFontError`
says what to install. The font is cut once per run down to the characters
the district's pages use, so each page's PDF embeds a small subset fast.
Nothing here reads phone numbers, and no local path is written: the same
input gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ._labels import labels
from ._readers import is_osm
from .analyse import Analysis
from .checks import CHECKS, Check
from .config import MapOptions
from .errors import GeoError
from .progress import SILENT, Progress
from .render import (
    BOUNDARY,
    CITY_ROAD,
    FAINT,
    ISSUE_COLORS,
    OSM_ATTRIBUTION,
    OTHER_ROAD,
    OTHER_WHOLE_ROAD,
    SECTION,
    TIER_STYLE,
    UNNAMED_ROAD,
    gap_label,
    leader_filenames,
)
from .resolve import section_label

__all__ = [
    "CJKFont",
    "NoCJKFontError",
    "Page",
    "PrintError",
    "UnknownLeaderError",
    "find_cjk_font",
    "leader_page",
    "overview_page",
    "prepare",
    "render_printable",
]

log = logging.getLogger(__name__)

# ----------------------------------------------------------------------------- messages and words
# These belong in geo/messages.py's CATALOGUE (keys as named here); kept in this module until they move.
MESSAGES: dict[str, dict[str, str]] = {
    "print.no_cjk_font": {
        "zh": "找不到中文字体，无法生成打印版地图。请安装中文字体：Debian/Ubuntu 运行 sudo apt-get install "
        "fonts-noto-cjk（其他系统可装思源黑体、文泉驿或黑体），或把环境变量 GEO_CJK_FONT 设为一个字体文件"
        "（.ttf、.otf 或 .ttc）的路径",
        "en": "no Chinese font found, so the printable pages cannot be drawn. Install one: on Debian/Ubuntu "
        "sudo apt-get install fonts-noto-cjk (elsewhere Source Han Sans, WenQuanYi or SimHei will do), or set "
        "the environment variable GEO_CJK_FONT to a font file (.ttf, .otf or .ttc)",
    },
    "print.bad_font_file": {
        "zh": "GEO_CJK_FONT 指向的字体文件 {file} {reason}。请改为一个含中文的字体文件（.ttf、.otf 或 .ttc），"
        "或删去该变量并安装中文字体（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk）",
        "en": "the font file GEO_CJK_FONT names, {file}, {reason}. Name a font file with Chinese characters "
        "(.ttf, .otf or .ttc), or unset it and install a Chinese font (Debian/Ubuntu: "
        "sudo apt-get install fonts-noto-cjk)",
    },
    "print.font_missing": {"zh": "不存在", "en": "does not exist"},
    "print.font_unreadable": {"zh": "无法读取（{error}）", "en": "cannot be read ({error})"},
    "print.font_no_chinese": {"zh": "不含中文字符", "en": "has no Chinese characters"},
    "print.unknown_leader": {
        "zh": "没有编号或姓名为“{leader}”的责任人（见 leaders 表的 id 与 name 列）",
        "en": "no leader has the id or name “{leader}” (see the id and name columns of the leaders table)",
    },
    "print.ambiguous_leader": {
        "zh": "有 {count} 名责任人叫“{leader}”（编号 {ids}）；请用编号指定",
        "en": "{count} leaders are called “{leader}” (ids {ids}); name one by its id",
    },
}

_WORDS: dict[str, dict[str, str]] = {  # the pages' own words; the maps' come from geo._labels
    "source": {"zh": "数据：{project}", "en": "Data: {project}"},
    "scale": {"zh": "比例尺", "en": "Scale"},
    "north": {"zh": "北", "en": "N"},
    "km": {"zh": "公里", "en": "km"},
    "more": {"zh": "… 另有 {n} 项", "en": "… and {n} more"},
    "other_communities": {"zh": "其他社区", "en": "Other communities"},
    "issue_line": {"zh": "{n}. {id} {category}", "en": "{n}. {id} {category}"},
    "due_on": {"zh": "期限 {due}", "en": "due {due}"},
    "overdue": {"zh": "（逾期）", "en": " (overdue)"},
    "open_count": {"zh": "{n} 个，逾期 {overdue} 个", "en": "{n}, {overdue} overdue"},
}


def _hant(text: str) -> str:
    return _s2t()(text)


@functools.cache
def _s2t():
    import opencc  # Simplified -> Traditional, as geo.messages and geo._labels do

    return opencc.OpenCC("s2t").convert


def _template(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    """A template in `lang`: zh-Hant is the zh one converted before the facts go in (they stay as written)."""
    entry = table[key]
    if lang == "en":
        return entry["en"]
    return _hant(entry["zh"]) if lang == "zh-Hant" else entry["zh"]


def _page_words(lang: str, unit_word: str = "") -> dict[str, str]:
    """The map words of `geo._labels` with this module's own, in `lang`."""
    words = dict(labels(lang, unit_word))
    own = {key: _template(_WORDS, key, lang) for key in _WORDS}
    if unit_word and lang != "en":
        unit = "社區" if lang == "zh-Hant" else "社区"
        own = {key: text.replace(unit, unit_word) for key, text in own.items()}
    return words | own


@dataclass(frozen=True)
class _Said:
    """A message of `MESSAGES` with its facts (a fact may itself be a `_Said`), worded when shown."""

    key: str
    facts: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str) -> str:
        facts = {k: v.text(lang) if isinstance(v, _Said) else v for k, v in self.facts}
        return _template(MESSAGES, self.key, lang).format(**facts)


def _said(key: str, **facts: Any) -> _Said:
    return _Said(key, tuple(facts.items()))


class PrintError(GeoError):
    """A printable page cannot be made; worded from `MESSAGES` in the reader's language (``str()``: Chinese)."""

    def __init__(self, key: str, **facts: Any):
        self.said = _said(key, **facts)
        super().__init__(self.said.text("zh"))

    def text(self, lang: str = "zh") -> str:
        return self.said.text(lang)


class NoCJKFontError(PrintError, FileNotFoundError):
    """No font with Chinese characters: the message says what to install (fonts-noto-cjk) or set (GEO_CJK_FONT)."""


class UnknownLeaderError(PrintError, LookupError):
    """A leader asked for by id or name is not in the leaders table, or the name is not unique."""


# ----------------------------------------------------------------------------- the font
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
        raise NoCJKFontError("print.bad_font_file", file=str(path), reason=_said("print.font_missing"))
    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError) as err:
        reason = _said("print.font_unreadable", error=str(err))
        raise NoCJKFontError("print.bad_font_file", file=str(path), reason=reason) from err
    if not font.get_char_index(ord("中")):
        raise NoCJKFontError("print.bad_font_file", file=str(path), reason=_said("print.font_no_chinese"))
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
    """The cut font's bytes (the same district cut again, as `geo share` does per leader, costs nothing)."""
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


# ----------------------------------------------------------------------------- the page's geometry
A4_IN = (8.27, 11.69)  # portrait; landscape is the same turned
MARGIN_IN = 0.45
TITLE_IN = 0.78
FOOTER_IN = 0.3
GAP_IN = 0.12
LEGEND_IN = 2.1  # the legend's column under the map
COLUMN_IN = 2.55  # a task list column is at least this wide
LINE_PT = 11.0  # task list line height (8 pt text)
LIST_PT = 8.0
LEGEND_LINE_PT = 11.5
PANEL_SHARE = 0.36  # the panel under the map takes at most this share of the page's height
MINE = {"color": "#1b2631", "weight": 3.6, "fill": False}  # a leader's own communities: outlined, over the tier
MIN_EXTENT_M = 600.0  # a leader's area is shown at least this wide and tall
PAD_SHARE = 0.06  # around the features, on each side
NICE_SCALES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 10.0)
PT_PER_IN = 72.0
HALO_PT = 2.2  # the white line round the names on the map


@dataclass(frozen=True)
class _Layout:
    """Where things go on the sheet, in inches from its lower left corner."""

    orientation: str
    size: tuple[float, float]
    map_box: tuple[float, float, float, float]  # x, y, width, height
    panel_top: float
    columns: int
    column_width: float
    rows: int  # task list rows per column
    legend_x: float

    def scale(self, extent: tuple[float, float]) -> float:
        """Inches per metre at which `extent` (width, height in metres) fits the map box."""
        _, _, w, h = self.map_box
        return min(w / max(extent[0], 1.0), h / max(extent[1], 1.0))


def _layout(orientation: str, lines: list[_Line], legend_rows: int) -> _Layout:
    """The sheet cut into title, map, panel (task list columns and legend) and footer.

    The panel is as tall as the legend, or as the list needs (items kept whole in a column), up to
    `PANEL_SHARE` of the page.
    """
    width, height = A4_IN if orientation == "portrait" else A4_IN[::-1]
    content = width - 2 * MARGIN_IN
    list_width = content - LEGEND_IN - GAP_IN
    columns = max(1, int(list_width // COLUMN_IN))
    column_width = list_width / columns
    line_in = LINE_PT / PT_PER_IN
    most = int((height * PANEL_SHARE) // line_in)
    legend_in = (legend_rows + 1) * LEGEND_LINE_PT / PT_PER_IN
    rows = min(max(math.ceil(len(lines) / columns), int(legend_in // line_in), 1), most)  # the legend's is free
    while rows < most and len(_flow(lines, rows, columns)) < len(lines):
        rows += 1
    panel = max(rows * line_in, legend_in)
    bottom = MARGIN_IN + FOOTER_IN + panel + GAP_IN
    top = height - MARGIN_IN - TITLE_IN
    return _Layout(
        orientation,
        (width, height),
        (MARGIN_IN, bottom, content, top - bottom),
        bottom - GAP_IN,
        columns,
        column_width,
        rows,
        MARGIN_IN + list_width + GAP_IN,
    )


def _nice_scale(denominator: float) -> int:
    """The next round map scale: 1:12,000 -> 1:12,500 -> 1:15,000 …"""
    power = 10 ** math.floor(math.log10(max(denominator, 1.0)))
    for step in NICE_SCALES:
        if step * power >= denominator - 1e-6:
            return int(round(step * power))
    return int(round(10 * power))


def _nice_length(metres: float) -> float:
    """A round length no longer than `metres`: 1, 2 or 5 times a power of ten."""
    power = 10 ** math.floor(math.log10(max(metres, 1e-9)))
    return max(step * power for step in (1.0, 2.0, 5.0) if step * power <= metres + 1e-9)


# ----------------------------------------------------------------------------- text measure and wrap
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


# ----------------------------------------------------------------------------- geometry to matplotlib
def _polygon_paths(geometry: np.ndarray) -> list[Any]:
    """One matplotlib `Path` per feature (holes and parts included); None for an empty one."""
    from matplotlib.path import Path as MplPath

    paths: list[Any] = [None] * len(geometry)
    if len(geometry) == 0:
        return paths
    parts, owner = shapely.get_parts(geometry, return_index=True)
    keep = shapely.get_dimensions(parts) == 2
    parts, owner = parts[keep], owner[keep]
    rings, part_of_ring = shapely.get_rings(parts, return_index=True)
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return paths
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    starts = np.flatnonzero(np.diff(ring_of_coord, prepend=-1))
    codes[starts] = MplPath.MOVETO
    codes[np.append(starts[1:], len(coords)) - 1] = MplPath.CLOSEPOLY
    feature = owner[part_of_ring[ring_of_coord]]
    cuts = np.flatnonzero(np.diff(feature)) + 1
    for xy, code, ids in zip(np.split(coords, cuts), np.split(codes, cuts), np.split(feature, cuts)):
        paths[int(ids[0])] = MplPath(xy, code)
    return paths


def _line_parts(geometry: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Each feature's lines as coordinate arrays, and the feature each belongs to."""
    if len(geometry) == 0:
        return [], np.array([], dtype=int)
    parts, owner = shapely.get_parts(geometry, return_index=True)
    keep = shapely.get_dimensions(parts) == 1
    parts, owner = parts[keep], owner[keep]
    coords, part = shapely.get_coordinates(parts, return_index=True)
    cuts = np.flatnonzero(np.diff(part)) + 1
    lines = np.split(coords, cuts) if len(coords) else []
    present = np.unique(part) if len(coords) else np.array([], dtype=int)
    return lines, owner[present]


@dataclass
class _Shapes:
    """A layer ready to draw: its frame, the features' boxes, and their matplotlib geometry."""

    frame: pd.DataFrame
    bounds: np.ndarray
    paths: list[Any] = field(default_factory=list)  # polygons: one Path per row
    lines: list[np.ndarray] = field(default_factory=list)  # lines: one array per part
    line_rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))

    @classmethod
    def of(cls, frame, dimension: int) -> _Shapes:
        geometry = np.asarray(frame.geometry.values, dtype=object) if len(frame) else np.array([], dtype=object)
        bounds = shapely.bounds(geometry) if len(geometry) else np.zeros((0, 4))
        shapes = cls(frame, bounds)
        if dimension == 2:
            shapes.paths = _polygon_paths(geometry)
        elif dimension == 1:
            shapes.lines, shapes.line_rows = _line_parts(geometry)
        return shapes

    def near(self, window: tuple[float, float, float, float]) -> np.ndarray:
        """Positions of the rows whose box meets `window`."""
        x0, y0, x1, y1 = window
        b = self.bounds
        if len(b) == 0:
            return np.array([], dtype=int)
        hit = (b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0) & np.isfinite(b[:, 0])
        return np.flatnonzero(hit)


# ----------------------------------------------------------------------------- the context, once per run
@dataclass
class PrintContext:
    """Everything the pages draw, prepared once: layers in the metric CRS, words, the font."""

    analysis: Analysis
    options: MapOptions
    words: dict[str, str]
    font: CJKFont
    font_file: Path  # the cut font (or the font itself)
    charset: frozenset[str]  # the characters `font_file` holds
    source_line: str
    figures: list[str]  # the headline figures, as the terminal says them (`geo.words.summary_lines`)
    communities: _Shapes
    roads: _Shapes
    coverage: _Shapes
    issues: pd.DataFrame
    gaps: dict[str, _Shapes]
    boundary: _Shapes | None
    leaders: pd.DataFrame
    mine: dict[str, dict[str, np.ndarray]]
    north_deg: float  # true north's angle from grid north, counter-clockwise (degrees)
    footprint: Any  # the district's area (boundary, else the communities), for placing an inset
    _fonts: dict[tuple[float, bool], Any] = field(default_factory=dict)

    def font_at(self, size: float, whole: bool = False):
        """The font at `size` points (`whole`: the full font, for a character the cut one lacks)."""
        key = (size, whole)
        if key not in self._fonts:
            from matplotlib.font_manager import FontProperties

            if (whole or self.font_file == self.font.path) and self.font.family:  # its face in a collection
                self._fonts[key] = FontProperties(family=self.font.family, size=size)
            else:
                self._fonts[key] = FontProperties(fname=str(self.font.path if whole else self.font_file), size=size)
        return self._fonts[key]

    @property
    def title(self) -> str:
        return self.options.title or self.words["title"]


def _texts_of(analysis: Analysis, words: Iterable[str], options: MapOptions) -> str:
    """Every character a page may write: the data's names and our words (never a phone number)."""
    resolved = analysis.resolved
    project = resolved.project
    parts = [_BASE_CHARS, options.title, *words]
    frames = [
        resolved.communities[["id", "name", "tier"]],
        resolved.roads[["name"]],
        resolved.coverage[["road", "from", "to", "label"]],  # label: a section's ends in words
        project.leaders[[c for c in ("id", "name", "title", "unit") if c in project.leaders.columns]],
        analysis.issues[["id", "category", "road"]],
        analysis.gaps[["name", "target"]],
    ]
    for frame in frames:
        for column in frame.columns:
            parts.extend(str(v) for v in pd.unique(frame[column].dropna().astype(str)))
    for lang in ("zh", "en", "zh-Hant"):
        parts.extend(gap_label(c.kind, lang, options.unit_word) for c in CHECKS)
    return "".join(parts)


def _north_angle(analysis: Analysis, centre: tuple[float, float]) -> float:
    """Degrees from grid north (up the page) to true north at `centre`, counter-clockwise."""
    from pyproj import Transformer

    crs = analysis.resolved.crs
    try:
        to_wgs = Transformer.from_crs(crs, 4326, always_xy=True)
        back = Transformer.from_crs(4326, crs, always_xy=True)
        lon, lat = to_wgs.transform(*centre)
        x, y = back.transform(lon, min(lat + 0.01, 89.9))
    except Exception:  # a CRS pyproj cannot turn round: grid north it is
        log.debug("no true north for %s", crs, exc_info=True)
        return 0.0
    return math.degrees(math.atan2(-(x - centre[0]), y - centre[1]))


def prepare(
    analysis: Analysis,
    options: MapOptions,
    *,
    font_file: str | Path | None = None,
    project_name: str = "",
    folder: Path | None = None,
) -> PrintContext:
    """Prepare the pages: find the font, cut it to the district's characters, shape every layer once.

    Parameters
    ----------
    analysis
        The check's result (`geo.pipeline.check`).
    options
        The map options (title, language, unit word).
    font_file
        A font file to use instead of searching (``GEO_CJK_FONT``).
    project_name
        The project folder's name, for the source line (never a path).
    folder
        Where the cut font is written (a temporary folder; the font file itself
        is used when None).

    Raises
    ------
    NoCJKFontError
        When no font can write Chinese.
    """
    lang = options.lang
    font = find_cjk_font(lang, font_file)
    if font is None:
        raise NoCJKFontError("print.no_cjk_font")
    from .report import summary
    from .words import summary_lines

    words = _page_words(lang, options.unit_word)
    figures = summary_lines(summary(analysis, [], []), lang)
    text = _texts_of(analysis, [*words.values(), *figures], options)
    cut = _cut_font(font, text, folder) if folder is not None else None
    charset = frozenset(text) if cut is not None else frozenset()
    resolved = analysis.resolved
    project = resolved.project
    osm = any(is_osm(Path(s.file)) for s in project.sources.values())
    source = words["source"].format(project=f"{project_name} · geo" if project_name else "geo")
    source_line = source + (f"{words['p.comma']}{OSM_ATTRIBUTION}" if osm else "")

    communities = resolved.communities[["id", "name", "tier", "geometry"]].copy()
    held = communities["id"].map(lambda c: analysis.community_leaders.get(c, ()))
    communities["leader_ids"] = held
    points = shapely.get_coordinates(communities.geometry.representative_point().values)
    communities["label_x"], communities["label_y"] = points[:, 0], points[:, 1]
    coverage = resolved.coverage.copy()
    coverage["ends"] = [
        "" if kind == "road" else section_label(str(a), str(b), s, e, lang)
        for kind, a, b, s, e in zip(
            coverage["kind"], coverage["from"], coverage["to"], coverage["start_m"], coverage["end_m"]
        )
    ]
    issues = analysis.issues.copy()
    issues["status"] = np.where(issues["overdue"], "overdue", np.where(issues["state"] == "open", "open", "resolved"))
    points = shapely.get_geometry(np.asarray(issues.geometry.values, dtype=object), 0)  # a multi-point: its first
    issues["x"], issues["y"] = shapely.get_x(points), shapely.get_y(points)  # NaN (not drawn) where there is none
    gaps = analysis.gaps[analysis.gaps.geometry.notna()]
    gap_shapes = {
        c.kind: _Shapes.of(gaps[gaps["kind"] == c.kind], c.dimension) for c in CHECKS if (gaps["kind"] == c.kind).any()
    }
    boundary = resolved.boundary
    leaders = project.leaders.drop(columns=[c for c in ("phone",) if c in project.leaders.columns])
    leaders = leaders.set_index("id", drop=False)
    mine = {
        "communities": _rows_by_leader(communities["leader_ids"]),
        "coverage": _rows_by_leader(coverage["leader"].map(lambda i: (i,))),
        "issues": _rows_by_leader(issues["leaders"].map(tuple)),
    }
    none = np.array([], dtype=int)
    box = _district_box(resolved)
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    return PrintContext(
        analysis,
        options,
        words,
        font,
        cut or font.path,
        charset,
        source_line,
        figures,
        _Shapes.of(communities, 2),
        _Shapes.of(resolved.roads[["name", "geometry"]], 1),
        _Shapes.of(coverage, 1),
        issues,
        gap_shapes,
        None if boundary is None or boundary.empty else _Shapes.of(boundary, 2),
        leaders,
        {str(i): {layer: rows.get(str(i), none) for layer, rows in mine.items()} for i in leaders.index},
        _north_angle(analysis, centre),
        _footprint(resolved),
    )


def _rows_by_leader(ids: pd.Series) -> dict[str, np.ndarray]:
    """Leader id -> the positions of the rows whose leaders (a tuple per row) include them."""
    each = pd.Series(ids.to_numpy(), index=np.arange(len(ids))).explode().dropna()
    return {str(k): np.asarray(v, dtype=int) for k, v in each.groupby(each).groups.items()}


def _footprint(resolved):
    frame = resolved.boundary if resolved.boundary is not None and not resolved.boundary.empty else resolved.communities
    return shapely.union_all(frame.geometry.values) if len(frame) else shapely.Polygon()


def _district_box(resolved) -> tuple[float, float, float, float]:
    frames = [f for f in (resolved.boundary, resolved.communities, resolved.roads) if f is not None and not f.empty]
    boxes = np.array([f.total_bounds for f in frames]) if frames else np.array([[0.0, 0.0, 1.0, 1.0]])
    return (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())


# ----------------------------------------------------------------------------- the page
@dataclass
class Page:
    """One page drawn: its figure, its orientation, its scale, and every text written on it."""

    name: str
    title: str
    figure: Any  # matplotlib Figure
    orientation: str
    scale: int  # the map's scale denominator (1:scale)
    texts: list[str]

    def save(self, stem: Path, formats: Sequence[str], dpi: int) -> list[Path]:
        """Write the page as ``stem.pdf`` / ``stem.png``, each file whole or not at all."""
        written = []
        for fmt in formats:
            path = stem.with_suffix(f".{fmt}")
            metadata: dict[str, Any] = (
                {"Title": self.title, "Creator": "geo", "Producer": None, "CreationDate": None, "ModDate": None}
                if fmt == "pdf"
                else {"Title": self.title, "Software": "geo"}
            )
            _write_atomic(path, lambda f, fmt=fmt, metadata=metadata: self._save(f, fmt, dpi, metadata))
            written.append(path)
        return written

    def _save(self, target, fmt: str, dpi: int, metadata: dict) -> None:
        import matplotlib

        with matplotlib.rc_context(_RC):  # type: ignore[arg-type]  # rcParams keys are typed as literals
            self.figure.savefig(target, format=fmt, dpi=dpi, metadata=metadata)


_RC = {"pdf.fonttype": 42, "pdf.compression": 6}  # TrueType fonts in the PDF: text stays text


def _write_atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "wb") as f:
            write(f)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


class _Frame:
    """A map on the sheet: axes in metres at a true scale, and the labels placed on it, kept apart."""

    def __init__(self, ctx: PrintContext, figure, box_in, page_in, window, scale: int, zorder: float = 0):
        x, y, w, h = box_in
        ax = figure.add_axes((x / page_in[0], y / page_in[1], w / page_in[0], h / page_in[1]), zorder=zorder)
        ax.set_xlim(window[0], window[2])
        ax.set_ylim(window[1], window[3])
        ax.set_aspect("auto")  # the window has the box's proportions: one metre is as long both ways
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_linewidth(0.6)
            spine.set_color("#444")
        ax.set_facecolor("white")
        self.ctx, self.ax, self.box_in, self.window, self.scale = ctx, ax, box_in, window, scale
        self.m_per_pt = (window[2] - window[0]) / (w * PT_PER_IN)
        self.placed: list[Any] = []  # label boxes, in metres
        inset = 3 * self.m_per_pt
        self.inner = shapely.box(window[0] + inset, window[1] + inset, window[2] - inset, window[3] - inset)

    def to_metres(self, x_in: float, y_in: float) -> tuple[float, float]:
        """A point of the sheet (inches) in this map's metres."""
        x, y, w, h = self.box_in
        x0, y0, x1, y1 = self.window
        return (x0 + (x_in - x) / w * (x1 - x0), y0 + (y_in - y) / h * (y1 - y0))

    def _box(self, x: float, y: float, angle: float, text: str, size: float, pad_pt: float = 1.5, upright=False):
        if upright:  # characters stacked top to bottom
            half_w, half_h = (size * 0.55 + pad_pt) * self.m_per_pt, (len(text) * size * 0.55 + pad_pt) * self.m_per_pt
        else:
            half_w = (_width_pt(text, size) / 2 + pad_pt) * self.m_per_pt
            half_h = (size * 0.62 + pad_pt) * self.m_per_pt
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        corners = [(sx * half_w, sy * half_h) for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
        return shapely.Polygon([(x + dx * c - dy * s, y + dx * s + dy * c) for dx, dy in corners])

    def free(self, box) -> bool:
        if not self.inner.contains(box):
            return False
        return not (self.placed and shapely.intersects(np.array(self.placed, dtype=object), box).any())

    def reserve(self, box) -> None:
        self.placed.append(box)

    def label(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        angle: float = 0.0,
        color: str = "#222",
        force: bool = False,
        within=None,
        upright: bool = False,
    ) -> bool:
        """Write `text` at (x, y) if it covers no other label (with `force`, always), with a white halo.

        `upright`: the characters stacked top to bottom (a Chinese name along a road that runs north–south).
        """
        box = self._box(x, y, angle, text, size, upright=upright)
        if not force and (not self.free(box) or (within is not None and not within.contains(box))):
            return False
        from matplotlib import patheffects

        self.write(
            x,
            y,
            "\n".join(text) if upright else text,
            size,
            color=color,
            linespacing=1.0,
            rotation=0.0 if upright else angle,
            rotation_mode="anchor",
            ha="center",
            va="center",
            zorder=20,
            path_effects=[patheffects.withStroke(linewidth=HALO_PT, foreground="white")],
            clip_on=True,
        )
        self.reserve(box)
        return True

    def write(self, x: float, y: float, text: str, size: float, **kw) -> None:
        """Text at (x, y) in metres, as written (a ``$`` is a dollar sign, not mathematics)."""
        self.ax.text(x, y, text, fontproperties=self.ctx.font_at(size), parse_math=False, **kw)


class _Sheet:
    """A page being drawn: the figure, its map, text placed in inches."""

    def __init__(self, ctx: PrintContext, layout: _Layout, window, scale: int):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.ctx, self.layout = ctx, layout
        self.figure = Figure(figsize=layout.size)
        FigureCanvasAgg(self.figure)
        self.map = _Frame(ctx, self.figure, layout.map_box, layout.size, window, scale)

    def text(self, x_in: float, y_in: float, text: str, size: float, **kw) -> None:
        width, height = self.layout.size
        self.figure.text(
            x_in / width, y_in / height, text, fontproperties=self.ctx.font_at(size), parse_math=False, **kw
        )

    def finish(self) -> list[str]:
        """Every text on the page; one with a character the cut font lacks is written with the whole font."""
        from matplotlib.text import Text

        texts = [t for t in self.figure.findobj(Text) if t.get_text()]
        if self.ctx.charset:
            for t in texts:
                if not set(t.get_text()) <= self.ctx.charset:
                    log.debug("%r has characters the cut font lacks: the whole font writes it", t.get_text())
                    t.set_fontproperties(self.ctx.font_at(float(t.get_fontsize()), whole=True))
        return [t.get_text() for t in texts]


# ----------------------------------------------------------------------------- drawing layers
def _linewidth(style: dict) -> float:
    """A Leaflet weight (screen pixels) as points on paper."""
    return 0.42 * float(style.get("weight", 1))


def _dashes(style: dict):
    dash = style.get("dashArray")
    if not dash:
        return "solid"
    return (0, tuple(0.35 * float(v) for v in str(dash).split()))


def _rgba(color: str, alpha: float):
    from matplotlib.colors import to_rgba

    return to_rgba(color, alpha)


def _draw_polygons(frame: _Frame, shapes: _Shapes, rows: np.ndarray, style: dict, zorder: float, **over) -> None:
    from matplotlib.collections import PathCollection

    paths = [shapes.paths[i] for i in rows if shapes.paths[i] is not None]
    if not paths:
        return
    fill = style.get("fill", True) is not False
    face = style.get("fillColor", style.get("color", "#999"))
    collection = PathCollection(
        paths,
        facecolors=_rgba(face, float(over.get("fill_alpha", style.get("fillOpacity", 0.5)))) if fill else "none",
        edgecolors=style.get("color", "#333"),
        linewidths=over.get("linewidth", _linewidth(style)),
        linestyles=_dashes(style),
        zorder=zorder,
    )
    collection.set_transform(frame.ax.transData)
    frame.ax.add_collection(collection, autolim=False)


def _draw_lines(frame: _Frame, shapes: _Shapes, rows: np.ndarray, style: dict, zorder: float, **over) -> None:
    from matplotlib.collections import LineCollection

    if not len(rows) or not shapes.lines:
        return
    wanted = np.isin(shapes.line_rows, rows)
    lines = [line for line, keep in zip(shapes.lines, wanted) if keep]
    if not lines:
        return
    collection = LineCollection(
        lines,
        colors=_rgba(style.get("color", "#333"), float(style.get("opacity", 1.0))),
        linewidths=over.get("linewidth", _linewidth(style)),
        linestyles=_dashes(style),
        capstyle="round",
        joinstyle="round",
        zorder=zorder,
    )
    frame.ax.add_collection(collection, autolim=False)


def _draw_points(frame: _Frame, issues: pd.DataFrame, zorder: float, size: float = 5.5) -> None:
    for status in ("open", "overdue"):
        mine = issues[(issues["status"] == status) & issues["x"].notna()]
        if not mine.empty:
            frame.ax.scatter(
                mine["x"],
                mine["y"],
                s=size**2,
                c=ISSUE_COLORS[status],
                edgecolors="#222",
                linewidths=0.6,
                zorder=zorder,
            )


def _draw_gaps(frame: _Frame, zorder: float) -> list[Check]:
    """Every gap in the window, in its check's style; the checks drawn."""
    drawn = []
    for check in CHECKS:
        shapes = frame.ctx.gaps.get(check.kind)
        if shapes is None:
            continue
        rows = shapes.near(frame.window)
        if not len(rows):
            continue
        style = check.style
        if check.dimension == 2:
            _draw_polygons(frame, shapes, rows, style, zorder)
        elif check.dimension == 1:
            _draw_lines(frame, shapes, rows, style, zorder + 2)
        else:
            xy = shapely.get_coordinates(shapely.get_geometry(shapes.frame.geometry.values[rows], 0))
            frame.ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=(0.8 * float(style.get("radius", 8))) ** 2,
                c=style.get("fillColor", style.get("color", "#000")),
                edgecolors=style.get("color", "#000"),
                linewidths=1.0,
                zorder=zorder + 4,
            )
        drawn.append(check)
    return drawn


def _draw_roads(frame: _Frame, zorder: float, *, faint: bool = False) -> None:
    """Every road in the window: named ones thin grey, unnamed ones fainter."""
    roads = frame.ctx.roads
    rows = roads.near(frame.window)
    names = roads.frame["name"].to_numpy()[rows]
    _draw_lines(frame, roads, rows[names == ""], UNNAMED_ROAD, zorder, linewidth=0.35)
    _draw_lines(frame, roads, rows[names != ""], OTHER_ROAD, zorder + 0.1, linewidth=0.55 if faint else 0.8)


def _draw_boundary(frame: _Frame, zorder: float) -> bool:
    boundary = frame.ctx.boundary
    if boundary is None:
        return False
    rows = boundary.near(frame.window)
    if not len(rows):
        return False
    _draw_polygons(frame, boundary, rows, BOUNDARY, zorder, linewidth=1.1)
    return True


# ----------------------------------------------------------------------------- names on the map
ROAD_POSITIONS = (0.5, 0.35, 0.65, 0.22, 0.78)
UPRIGHT_DEG = 60.0  # a Chinese name along a road steeper than this is written top to bottom, upright


def _road_label(frame: _Frame, name: str, geometry, size: float, color: str, *, force: bool, at=ROAD_POSITIONS) -> bool:
    """Write a road's name along its longest piece in the window: at its middle, else nearby, else not."""
    visible = shapely.clip_by_rect(geometry, *frame.window)
    parts = [p for p in shapely.get_parts(shapely.line_merge(visible)) if p.geom_type == "LineString"]
    parts.sort(key=lambda p: -p.length)
    length_m = (_width_pt(name, size) + 4) * frame.m_per_pt
    first = None
    chinese = all(_is_wide(c) for c in name)
    for part in parts[:2]:
        if part.length < length_m and not force:
            continue
        for share in at:
            x, y, angle = _along(part, share, length_m)
            upright = chinese and abs(angle) > UPRIGHT_DEG
            first = first or (x, y, angle, upright)
            if frame.label(x, y, name, size, angle=angle, color=color, upright=upright):
                return True
    if force and first is not None:
        x, y, angle, upright = first
        return frame.label(x, y, name, size, angle=angle, color=color, upright=upright, force=True)
    return False


def _along(line, share: float, span_m: float) -> tuple[float, float, float]:
    """The point `share` of the way along `line`, and the line's direction there in degrees, in (-90, 90]."""
    middle = share * line.length
    half = min(span_m / 2, line.length / 2)
    start = max(0.0, min(middle - half, line.length - 2 * half))
    a, b, p = line.interpolate(start), line.interpolate(start + 2 * half), line.interpolate(middle)
    angle = math.degrees(math.atan2(b.y - a.y, b.x - a.x))
    angle = angle - 180 if angle > 90 else angle + 180 if angle <= -90 else angle
    return p.x, p.y, angle


def _cross_street_labels(frame: _Frame, coverage: pd.DataFrame, skip: set[str]) -> set[str]:
    """The streets a leader's sections run between, named beside the crossing (where the leader looks).

    Returns the streets named.
    """
    roads = frame.ctx.roads.frame
    named = set()
    for end in ("from", "to"):
        for street, stretch in zip(coverage[end], coverage.geometry.values):
            if not street or street in skip or stretch is None:
                continue
            pieces = roads.geometry.values[(roads["name"] == street).to_numpy()]
            if not len(pieces):
                continue
            line = shapely.union_all(pieces)
            near = shapely.shortest_line(line, stretch)
            x, y = shapely.get_coordinates(near)[0]
            reach = (_width_pt(street, 7.5) + 10) * frame.m_per_pt * 1.3
            around = shapely.clip_by_rect(line, x - reach, y - reach, x + reach, y + reach)
            if _road_label(frame, str(street), around, 7.5, "#222", force=False, at=(0.2, 0.8, 0.5, 0.1, 0.9)):
                named.add(street)
    return named


def _community_labels(frame: _Frame, rows: np.ndarray, size: float, color: str, *, force: bool, fit: bool) -> None:
    """Community names at a point inside each (moved up or down a line if taken); `fit`: only inside it."""
    table = frame.ctx.communities.frame
    geometry = table.geometry.values
    names, xs, ys = table["name"].to_numpy(), table["label_x"].to_numpy(), table["label_y"].to_numpy()
    step = size * 1.3 * frame.m_per_pt
    for i in rows:
        within = geometry[i] if fit else None
        spots = (0.0, step, -step, 2 * step, -2 * step)
        if not any(frame.label(xs[i], ys[i] + dy, str(names[i]), size, color=color, within=within) for dy in spots):
            if force:
                frame.label(xs[i], ys[i], str(names[i]), size, color=color, force=True)


def _other_road_labels(frame: _Frame, *, first: Sequence[str] = (), skip: set | None = None) -> None:
    """Names of other roads in the window where they fit: `first` ones first, then the longest."""
    roads = frame.ctx.roads
    table = roads.frame.iloc[roads.near(frame.window)]
    table = table[(table["name"] != "") & ~table["name"].isin(skip or set())]
    if table.empty:
        return
    merged = table.dissolve(by="name")
    order = [n for n in first if n in merged.index]
    order += [n for n in merged.geometry.length.sort_values(ascending=False, kind="stable").index if n not in first]
    for name in order:
        big = name in first
        _road_label(
            frame, str(name), merged.geometry[name], 7.2 if big else 6.4, "#333" if big else "#666", force=False
        )


def _by_area(ctx: PrintContext, rows: np.ndarray) -> np.ndarray:
    """Rows in order of area, largest first (the names most likely to fit)."""
    areas = shapely.area(ctx.communities.frame.geometry.values[rows]) if len(rows) else np.array([])
    return rows[np.argsort(-areas, kind="stable")]


# ----------------------------------------------------------------------------- scale bar, north arrow
def _corner(frame: _Frame, corner: str, dx_pt: float, dy_pt: float) -> tuple[float, float]:
    """A point `dx_pt`, `dy_pt` in from a corner of the map (``lower left`` …), in metres."""
    x0, y0, x1, y1 = frame.window
    m = frame.m_per_pt
    x = x0 + dx_pt * m if corner.endswith("left") else x1 - dx_pt * m
    y = y0 + dy_pt * m if corner.startswith("lower") else y1 - dy_pt * m
    return x, y


def _scale_bar(frame: _Frame, corner: str = "lower left") -> None:
    """A bar of a round number of metres in a bottom corner, the scale (1:25,000) under it."""
    from matplotlib.patches import Rectangle

    ax, m = frame.ax, frame.m_per_pt
    x0, _, x1, _ = frame.window
    length = _nice_length((x1 - x0) * 0.22)
    width_pt = length / m + 46
    left, base = _corner(frame, corner, 12 if corner.endswith("left") else width_pt, 16)
    words = frame.ctx.words
    unit = f"{length / 1000:g} {words['km']}" if length >= 1000 else f"{length:,.0f} {words['metres']}"
    backdrop = shapely.box(left - 6 * m, base - 14 * m, left + (width_pt - 6) * m, base + 16 * m)
    frame.reserve(backdrop)
    bx0, by0, bx1, by1 = backdrop.bounds
    ax.add_patch(Rectangle((bx0, by0), bx1 - bx0, by1 - by0, facecolor=(1, 1, 1, 0.85), edgecolor="none", zorder=29))
    quarter, height = length / 4, 3.2 * m
    for k in range(4):
        face = "#222" if k % 2 == 0 else "white"
        bar = Rectangle(
            (left + k * quarter, base), quarter, height, facecolor=face, edgecolor="#222", lw=0.6, zorder=30
        )
        ax.add_patch(bar)
    top = base + height + 2 * m
    frame.write(left, top, "0", 6.5, ha="center", va="bottom", zorder=31)
    frame.write(left + length, top, unit, 6.5, ha="center", va="bottom", zorder=31)
    scale = f"{words['scale']} 1:{frame.scale:,}"
    frame.write(left, base - 2 * m, scale, 6.5, ha="left", va="top", zorder=31)


def _north_arrow(frame: _Frame, corner: str = "upper right") -> None:
    """An arrow to true north in a top corner of the map."""
    from matplotlib.patches import Polygon

    ax, m = frame.ax, frame.m_per_pt
    cx, cy = _corner(frame, corner, 18, 30)
    size = 11 * m
    turn = math.radians(frame.ctx.north_deg)

    def at(dx: float, dy: float) -> tuple[float, float]:
        return (cx + dx * math.cos(turn) - dy * math.sin(turn), cy + dx * math.sin(turn) + dy * math.cos(turn))

    tip, left, right, notch = at(0, size), at(-0.55 * size, -size), at(0.55 * size, -size), at(0, -0.45 * size)
    ax.add_patch(Polygon([tip, left, notch], closed=True, facecolor="white", edgecolor="#222", lw=0.7, zorder=30))
    ax.add_patch(Polygon([tip, notch, right], closed=True, facecolor="#222", edgecolor="#222", lw=0.7, zorder=30))
    frame.write(*at(0, size + 7 * m), frame.ctx.words["north"], 8.0, ha="center", va="center", zorder=31)
    frame.reserve(shapely.box(cx - 12 * m, cy - 14 * m, cx + 12 * m, cy + 24 * m))


# ----------------------------------------------------------------------------- title, panel, legend, footer
@dataclass(frozen=True)
class _Line:
    text: str
    kind: str = "item"  # head, item, overdue, note
    group: int = 0  # the lines one line of the list was cut into share it


_LINE_STYLE: dict[str, tuple[str, float]] = {  # colour, size (pt)
    "head": ("#1a1a1a", 8.8),
    "item": ("#222", LIST_PT),
    "overdue": ("#b03a2e", LIST_PT),
    "note": ("#666", LIST_PT),
}


def _fitted(text: str, width_pt: float, size: float, smallest: float) -> float:
    """The largest size up to `size` (at least `smallest`) at which `text` fits `width_pt`."""
    while size > smallest and _width_pt(text, size) > width_pt:
        size -= 0.5
    return size


def _title(sheet: _Sheet, title: str, subtitle: str) -> None:
    width, height = sheet.layout.size
    size = _fitted(title, (width - 2 * MARGIN_IN) * PT_PER_IN, 16.0, 10.0)
    top = height - MARGIN_IN
    sheet.text(MARGIN_IN, top, title, size, va="top", ha="left", color="#111")
    sheet.text(MARGIN_IN, top - 0.36, subtitle, 9.0, va="top", ha="left", color="#444")


def _footer(sheet: _Sheet) -> None:
    width, _ = sheet.layout.size
    ctx = sheet.ctx
    y = MARGIN_IN + 0.06
    as_of = f"{ctx.words['stats.as_of']} {ctx.analysis.as_of.isoformat()}"
    room = (width - 2 * MARGIN_IN) * PT_PER_IN - _width_pt(as_of, 7.0) - 24
    sheet.text(MARGIN_IN, y, ctx.source_line, _fitted(ctx.source_line, room, 7.0, 5.0), va="bottom", color="#555")
    sheet.text(width - MARGIN_IN, y, as_of, 7.0, ha="right", va="bottom", color="#555")


def _wrapped(lines: list[_Line], width_in: float) -> list[_Line]:
    """The lines cut to the column's width; the pieces of one line share its `group`."""
    return [
        _Line(piece, line.kind, group)
        for group, line in enumerate(lines)
        for piece in _wrap(line.text, width_in * PT_PER_IN - 4, _LINE_STYLE[line.kind][1])
    ]


def _flow(lines: list[_Line], rows: int, columns: int) -> list[tuple[int, int]]:
    """(column, row) of each line that fits: an item's lines in one column, a heading with its first item."""
    places: list[tuple[int, int]] = []
    column = row = 0
    for n, line in enumerate(lines):
        if n == 0 or line.group != lines[n - 1].group:  # an item (or a heading) starts
            size = sum(1 for other in lines[n:] if other.group == line.group)
            if line.kind == "head" and n + size < len(lines):  # with its first item
                size += sum(1 for other in lines[n + size :] if other.group == lines[n + size].group)
            if row and row + min(size, rows) > rows:
                column, row = column + 1, 0
        if row >= rows:
            column, row = column + 1, 0
        if column >= columns:
            break
        places.append((column, row))
        row += 1
    return places


def _panel(sheet: _Sheet, lines: list[_Line]) -> None:
    """The list in columns under the map; what does not fit is counted on the last line."""
    layout = sheet.layout
    places = _flow(lines, layout.rows, layout.columns)
    if len(places) < len(lines):
        shown = places[:-1]
        rest = len({line.group for line in lines[len(shown) :] if line.kind != "head"})
        lines = lines[: len(shown)] + [_Line(sheet.ctx.words["more"].format(n=rest), "note")]
        places = shown + [places[-1]]
    line_in = LINE_PT / PT_PER_IN
    for line, (column, row) in zip(lines, places):
        color, size = _LINE_STYLE[line.kind]
        x, y = MARGIN_IN + column * layout.column_width, layout.panel_top - row * line_in
        sheet.text(x, y, line.text, size, ha="left", va="top", color=color)


@dataclass(frozen=True)
class _Entry:
    """A legend entry: its swatch (area, line or point, in a style) and its words."""

    kind: str
    style: dict
    text: str


def _legend(sheet: _Sheet, entries: list[_Entry]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    layout, figure = sheet.layout, sheet.figure
    x, line_in = layout.legend_x, LEGEND_LINE_PT / PT_PER_IN
    sheet.text(x, layout.panel_top, sheet.ctx.words["legend"], 8.8, ha="left", va="top", color="#1a1a1a")
    inches = figure.dpi_scale_trans
    for n, entry in enumerate(entries, start=1):
        y = layout.panel_top - (n + 0.5) * line_in
        style = entry.style
        if entry.kind == "area":
            fill = style.get("fill", True) is not False
            face = _rgba(style.get("fillColor", "#fff"), float(style.get("fillOpacity", 0.5))) if fill else "none"
            edge, width = style.get("color", "#333"), min(_linewidth(style), 1.6)
            swatch: Any = Rectangle(
                (x, y - 0.045),
                0.32,
                0.09,
                facecolor=face,
                edgecolor=edge,
                lw=width,
                ls=_dashes(style),
                transform=inches,
            )
        elif entry.kind == "line":
            width = style.get("linewidth", _linewidth(style))
            swatch = Line2D(
                [x, x + 0.32], [y, y], color=style.get("color"), lw=width, ls=_dashes(style), transform=inches
            )
        else:
            swatch = Line2D(
                [x + 0.16],
                [y],
                marker="o",
                markersize=style.get("size", 5.5),
                markerfacecolor=style.get("fillColor", "#e74c3c"),
                markeredgecolor=style.get("color", "#222"),
                markeredgewidth=0.6,
                linestyle="none",
                transform=inches,
            )
        figure.add_artist(swatch)
        size = _fitted(entry.text, (LEGEND_IN - 0.42) * PT_PER_IN, 7.5, 6.0)
        sheet.text(x + 0.42, y, entry.text, size, ha="left", va="center", color="#222")


# ----------------------------------------------------------------------------- choosing the sheet
def _padded(box, min_extent: float) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = max(x1 - x0, min_extent) * (1 + 2 * PAD_SHARE), max(y1 - y0, min_extent) * (1 + 2 * PAD_SHARE)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _window(box, size_in: tuple[float, float]) -> tuple[tuple[float, float, float, float], int]:
    """The window of a map `size_in` inches that shows `box` at a round scale; and that scale's denominator."""
    x0, y0, x1, y1 = box
    in_per_m = min(size_in[0] / max(x1 - x0, 1.0), size_in[1] / max(y1 - y0, 1.0))
    scale = _nice_scale(1 / (in_per_m * 0.0254))  # metres on the ground per metre of paper
    half_w, half_h = size_in[0] * scale * 0.0254 / 2, size_in[1] * scale * 0.0254 / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h), scale


def _sheet(ctx: PrintContext, box, lines: list[_Line], legend_rows: int) -> tuple[_Sheet, list[_Line]]:
    """The sheet, portrait or landscape (landscape only when it shows `box` clearly larger)."""
    extent = (box[2] - box[0], box[3] - box[1])
    best = None
    for orientation in ("portrait", "landscape"):
        width = (A4_IN[0] if orientation == "portrait" else A4_IN[1]) - 2 * MARGIN_IN - LEGEND_IN - GAP_IN
        wrapped = _wrapped(lines, width / max(1, int(width // COLUMN_IN)))
        layout = _layout(orientation, wrapped, legend_rows)
        scale = layout.scale(extent)
        if best is None or scale > best[0] * 1.02:
            best = (scale, layout, wrapped)
    assert best is not None
    _, layout, wrapped = best
    window, scale = _window(box, (layout.map_box[2], layout.map_box[3]))
    return _Sheet(ctx, layout, window, scale), wrapped


def _leader_box(ctx: PrintContext, leader_id: str) -> tuple[float, float, float, float] | None:
    """The box around a leader's communities, stretches and open issues; None when they have none."""
    rows = ctx.mine[leader_id]
    issues = ctx.issues.iloc[rows["issues"]]
    issues = issues[(issues["state"] == "open") & issues["x"].notna()]
    boxes = [
        ctx.communities.bounds[rows["communities"]],
        ctx.coverage.bounds[rows["coverage"]],
        issues[["x", "y", "x", "y"]].to_numpy(dtype=float).reshape(-1, 4),
    ]
    b = np.concatenate(boxes)
    b = b[np.isfinite(b).all(axis=1)]
    if not len(b):
        return None
    return (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())


# ----------------------------------------------------------------------------- the two kinds of page
def leader_page(ctx: PrintContext, leader_id: str) -> Page:
    """One leader's page: their roads, sections, communities and open issues, and the list of them."""
    w = ctx.words
    leader = ctx.leaders.loc[leader_id]
    rows = ctx.mine[leader_id]
    communities = rows["communities"]
    coverage = ctx.coverage.frame.iloc[rows["coverage"]]
    issues = ctx.issues.iloc[rows["issues"]]
    open_issues = issues[issues["state"] == "open"].copy()
    open_issues["due_text"] = [_date(d) for d in open_issues["due"]]
    open_issues = open_issues.sort_values(["due_text", "id"], kind="stable")
    lines = _task_lines(ctx, coverage, communities, open_issues)
    own = _own_entries(ctx, communities, coverage, open_issues)
    box = _leader_box(ctx, leader_id)
    box = _padded(box, MIN_EXTENT_M) if box is not None else _padded(_district_box(ctx.analysis.resolved), 0.0)
    sheet, wrapped = _sheet(ctx, box, lines, len(own) + 4)
    frame = sheet.map

    # the district, faint; then the leader's own on top
    around = ctx.communities.near(frame.window)
    _draw_polygons(frame, ctx.communities, around, FAINT, 1, linewidth=0.4, fill_alpha=0.45)
    boundary = _draw_boundary(frame, 2)
    _draw_roads(frame, 3, faint=True)
    tiers = ctx.communities.frame["tier"].to_numpy()
    for tier, style in TIER_STYLE.items():
        mine = communities[tiers[communities] == tier]
        _draw_polygons(frame, ctx.communities, mine, style, 4, linewidth=min(_linewidth(style), 1.4))
    _draw_polygons(frame, ctx.communities, communities, MINE, 4.5)
    kinds = coverage["kind"].to_numpy()
    _draw_lines(frame, ctx.coverage, rows["coverage"][kinds == "road"], CITY_ROAD, 6, linewidth=2.6)
    _draw_lines(frame, ctx.coverage, rows["coverage"][kinds == "section"], SECTION, 6.1, linewidth=2.6)
    _draw_points(frame, open_issues, 8)
    _scale_bar(frame)
    _north_arrow(frame)

    # names: the issues' numbers (as in the list), the leader's roads, the streets their sections run between,
    # their communities; then other names where they fit
    for n, (x, y) in enumerate(zip(open_issues["x"], open_issues["y"]), start=1):
        if np.isfinite(x):
            frame.label(x + 6 * frame.m_per_pt, y + 5 * frame.m_per_pt, str(n), 7.0, color="#7b241c", force=True)
    own_roads = list(dict.fromkeys(str(r) for r in coverage["road"]))
    for road in own_roads:
        mine = coverage["road"] == road
        color = str(CITY_ROAD["color"]) if (kinds[mine.to_numpy()] == "road").any() else "#0b5345"
        _road_label(frame, road, shapely.union_all(coverage.geometry.values[mine.to_numpy()]), 9.0, color, force=True)
    _community_labels(frame, communities, 8.5, "#111", force=True, fit=False)
    crossing = _cross_street_labels(frame, coverage[coverage["kind"] == "section"], set(own_roads))
    _other_road_labels(frame, skip={*own_roads, *crossing})
    _community_labels(frame, _by_area(ctx, np.setdiff1d(around, communities)), 6.2, "#777", force=False, fit=True)

    _legend(sheet, own + _context_entries(ctx, boundary))
    _panel(sheet, wrapped)
    title = f"{ctx.title} · {_who(leader, w)}"
    level = w.get(f"level.{leader['level']}", str(leader["level"]))
    unit = str(leader.get("unit", "") or "")
    subtitle = " · ".join([level, *([unit] if unit else []), f"{w['stats.as_of']} {ctx.analysis.as_of.isoformat()}"])
    _title(sheet, title, subtitle)
    _footer(sheet)
    return Page(str(leader_id), title, sheet.figure, sheet.layout.orientation, frame.scale, sheet.finish())


def _who(leader, w: dict[str, str]) -> str:
    title = str(leader.get("title", "") or "")
    return f"{leader['name']}{w['p.open']}{title}{w['p.close']}" if title else str(leader["name"])


def _date(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _task_lines(
    ctx: PrintContext, coverage: pd.DataFrame, communities: np.ndarray, issues: pd.DataFrame
) -> list[_Line]:
    """A leader's list: roads and sections (cross streets, metres), communities, open issues (due, overdue)."""
    w = ctx.words
    lines = [_Line(f"{w['panel.roads']}{w['p.open']}{len(coverage)}{w['p.close']}", "head")]
    for road, kind, ends, metres in zip(coverage["road"], coverage["kind"], coverage["ends"], coverage["length_m"]):
        where = w["whole_road"] if kind == "road" else f"{w['p.colon']}{ends}"
        lines.append(_Line(f"{road}{where}{w['p.comma']}{metres:,.0f} {w['metres']}"))
    if coverage.empty:
        lines.append(_Line(w["none"], "note"))
    table = ctx.communities.frame
    lines.append(_Line(f"{w['panel.communities']}{w['p.open']}{len(communities)}{w['p.close']}", "head"))
    tiers = [w.get(f"{t}_short", str(t)) for t in table["tier"].to_numpy()[communities]]
    names = [f"{n}{w['p.open']}{t}{w['p.close']}" for n, t in zip(table["name"].to_numpy()[communities], tiers)]
    lines.append(_Line(w["p.list"].join(names), "item") if names else _Line(w["none"], "note"))
    overdue = int(issues["overdue"].sum()) if len(issues) else 0
    count = w["open_count"].format(n=len(issues), overdue=overdue)
    lines.append(_Line(f"{w['panel.open_issues']}{w['p.open']}{count}{w['p.close']}", "head"))
    community_names = dict(zip(table["id"], table["name"]))
    for n, row in enumerate(issues.itertuples(), start=1):
        places = [v for v in (row.road, community_names.get(row.community, "")) if isinstance(v, str) and v]
        text = w["issue_line"].format(n=n, id=row.id, category=row.category or "")
        text += f"{w['p.open']}{w['p.list'].join(places)}{w['p.close']}" if places else ""
        text += f" {w['due_on'].format(due=row.due_text)}" if row.due_text else ""
        text += w["overdue"] if row.overdue else ""
        lines.append(_Line(text, "overdue" if row.overdue else "item"))
    if issues.empty:
        lines.append(_Line(w["none"], "note"))
    return lines


def _own_entries(ctx: PrintContext, communities: np.ndarray, coverage: pd.DataFrame, issues) -> list[_Entry]:
    w = ctx.words
    tiers = set(ctx.communities.frame["tier"].to_numpy()[communities])
    entries = [_Entry("area", TIER_STYLE[t], w[f"tier.{t}"]) for t in TIER_STYLE if t in tiers]
    if len(communities):
        entries.append(_Entry("area", MINE, w["layer.my_communities"]))
    kinds = set(coverage["kind"])
    if "road" in kinds:
        entries.append(_Entry("line", CITY_ROAD | {"linewidth": 2.6}, w["layer.my_roads"]))
    if "section" in kinds:
        entries.append(_Entry("line", SECTION | {"linewidth": 2.6}, w["layer.my_sections"]))
    for status in ("overdue", "open"):
        if (issues["status"] == status).any():
            entries.append(_Entry("point", {"fillColor": ISSUE_COLORS[status]}, w[f"layer.issues_{status}"]))
    return entries


def _context_entries(ctx: PrintContext, boundary: bool) -> list[_Entry]:
    w = ctx.words
    entries = [
        _Entry("area", FAINT, w["other_communities"]),
        _Entry("line", OTHER_ROAD | {"linewidth": 0.8}, w["legend.other_roads"]),
        _Entry("line", UNNAMED_ROAD | {"linewidth": 0.5}, w["layer.unnamed"]),
    ]
    if boundary:
        entries.append(_Entry("line", BOUNDARY | {"linewidth": 1.1}, w["layer.boundary"]))
    return entries


INSET_SHARE = 0.4  # the busy core gets an inset when it is smaller than this share of the district's map
INSET_WIDTH = 0.46  # of the map's width at most
INSET_HEIGHT = 0.5  # of its height at most
CORNERS = ("lower right", "lower left", "upper left", "upper right")


def _core_box(ctx: PrintContext) -> tuple[float, float, float, float] | None:
    """Where the leaders' roads and the demonstration and key communities are."""
    tiers = ctx.communities.frame["tier"].to_numpy()
    boxes = np.concatenate([ctx.coverage.bounds, ctx.communities.bounds[tiers != "general"]])
    boxes = boxes[np.isfinite(boxes).all(axis=1)]
    if not len(boxes):
        return None
    return _padded((boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()), 0.0)


def _inset(sheet: _Sheet) -> tuple[_Frame, str] | None:
    """An enlarged map of the busy core in the corner of the district's map that hides least of it."""
    main, ctx = sheet.map, sheet.ctx
    core = _core_box(ctx)
    if core is None:
        return None
    x0, y0, x1, y1 = main.window
    cw, ch = core[2] - core[0], core[3] - core[1]
    if cw > INSET_SHARE * (x1 - x0) or ch > INSET_SHARE * (y1 - y0):
        return None
    mx, my, mw, mh = main.box_in
    iw = INSET_WIDTH * mw
    ih = min(iw * ch / cw, INSET_HEIGHT * mh)
    iw = ih * cw / ch
    footprint = ctx.footprint
    core_shape = shapely.box(*core)
    pad = 0.06
    best = None
    for corner in CORNERS:
        ix = mx + pad if corner.endswith("left") else mx + mw - pad - iw
        iy = my + pad if corner.startswith("lower") else my + mh - pad - ih
        rect = shapely.box(*main.to_metres(ix, iy), *main.to_metres(ix + iw, iy + ih))
        hidden = footprint.intersection(rect).area + (1e18 if rect.intersects(core_shape) else 0.0)
        if best is None or hidden < best[0]:
            best = (hidden, corner, (ix, iy, iw, ih), rect)
    assert best is not None
    _, corner, box_in, rect = best
    window, scale = _window(core, (box_in[2], box_in[3]))
    frame = _Frame(ctx, sheet.figure, box_in, sheet.layout.size, window, scale, zorder=3)
    for spine in frame.ax.spines.values():
        spine.set_linewidth(1.0)
        spine.set_color("#222")
    main.reserve(rect)
    main.reserve(core_shape)
    from matplotlib.patches import Rectangle

    marker = Rectangle((core[0], core[1]), cw, ch, fill=False, edgecolor="#222", lw=0.9, ls=(0, (3, 2)), zorder=12)
    main.ax.add_patch(marker)
    return frame, corner


def _draw_district(frame: _Frame, groups) -> tuple[bool, list[Check]]:
    """The overview's layers on one map: tiers, boundary, roads, gaps, the leaders' roads, open issues."""
    ctx = frame.ctx
    everything = ctx.communities.near(frame.window)
    tiers = ctx.communities.frame["tier"].to_numpy()
    for z, tier in enumerate(("general", "key", "demonstration")):
        _draw_polygons(frame, ctx.communities, everything[tiers[everything] == tier], TIER_STYLE[tier], 1 + z / 10)
    boundary = _draw_boundary(frame, 2)
    _draw_roads(frame, 3)
    drawn = _draw_gaps(frame, 4)
    for z, (_, mask, style) in enumerate(groups):
        _draw_lines(frame, ctx.coverage, np.flatnonzero(mask), style, 6 + z / 10, linewidth=2.0)
    _draw_points(frame, ctx.issues[ctx.issues["status"] != "resolved"], 9, size=4.2)
    return boundary, drawn


def _district_names(frame: _Frame, scale: float = 1.0) -> None:
    """The leaders' roads, demonstration and key communities, then other roads and communities where they fit."""
    ctx = frame.ctx
    coverage = ctx.coverage.frame
    held = list(dict.fromkeys(str(r) for r in coverage["road"]))
    if held:
        merged = coverage[["road", "geometry"]].dissolve(by="road")
        for road in held:
            _road_label(frame, road, merged.geometry[road], 7.5 * scale, "#1a1a1a", force=False)
    everything = ctx.communities.near(frame.window)
    tiers = ctx.communities.frame["tier"].to_numpy()
    top = everything[tiers[everything] != "general"]
    top = top[np.argsort([0 if tiers[i] == "demonstration" else 1 for i in top], kind="stable")]
    _community_labels(frame, top, 6.8 * scale, "#111", force=False, fit=False)
    _other_road_labels(frame, skip=set(held))
    general = _by_area(ctx, everything[tiers[everything] == "general"])
    _community_labels(frame, general, 5.6 * scale, "#555", force=False, fit=True)


def overview_page(ctx: PrintContext) -> Page:
    """The district: communities by tier, leaders' roads and sections, gaps, open issues; the headline figures.

    When the leaders' roads and the demonstration and key communities lie in a
    small part of the district (a city's core in a rural district), that part
    is shown again, larger, in a corner of the map.
    """
    w = ctx.words
    lines = [_Line(w["index.figures"], "head")] + [_Line(t) for t in ctx.figures]
    coverage = ctx.coverage.frame
    kinds, levels = coverage["kind"].to_numpy(), coverage["level"].to_numpy()
    groups = [
        ("layer.other_roads", (kinds == "road") & (levels != "city"), OTHER_WHOLE_ROAD),
        ("layer.city_roads", (kinds == "road") & (levels == "city"), CITY_ROAD),
        ("layer.sections", kinds == "section", SECTION),
    ]
    present = [t for t in TIER_STYLE if (ctx.communities.frame["tier"] == t).any()]
    legend_rows = len(present) + sum(bool(m.any()) for _, m, _ in groups) + len(ctx.gaps) + 4
    sheet, wrapped = _sheet(ctx, _padded(_district_box(ctx.analysis.resolved), 0.0), lines, legend_rows)
    frame = sheet.map
    boundary, drawn = _draw_district(frame, groups)
    inset = _inset(sheet)
    corners = {inset[1]} if inset else set()
    _scale_bar(frame, "lower right" if "lower left" in corners else "lower left")
    _north_arrow(frame, "upper left" if "upper right" in corners else "upper right")
    if inset is not None:
        core, corner = inset
        _draw_district(core, groups)
        _scale_bar(core, "lower right" if corner.endswith("left") else "lower left")
        _district_names(core, 1.1)
    _district_names(frame)

    entries = [_Entry("area", TIER_STYLE[t], w[f"tier.{t}"]) for t in present]
    entries += [_Entry("line", style | {"linewidth": 2.0}, w[key]) for key, mask, style in groups if mask.any()]
    for check in drawn:
        kind = {0: "point", 1: "line", 2: "area"}[check.dimension]
        style = check.style | ({"size": 7.0} if kind == "point" else {})
        entries.append(_Entry(kind, style, gap_label(check.kind, ctx.options.lang, ctx.options.unit_word)))
    active = ctx.issues[ctx.issues["status"] != "resolved"]
    for status in ("overdue", "open"):
        if (active["status"] == status).any():
            entries.append(
                _Entry("point", {"fillColor": ISSUE_COLORS[status], "size": 4.2}, w[f"layer.issues_{status}"])
            )
    entries.append(_Entry("line", OTHER_ROAD | {"linewidth": 0.8}, w["legend.other_roads"]))
    if boundary:
        entries.append(_Entry("line", BOUNDARY | {"linewidth": 1.1}, w["layer.boundary"]))
    _legend(sheet, entries)
    _panel(sheet, wrapped)
    title = f"{ctx.title} · {w['overview']}"
    _title(sheet, title, f"{w['stats.as_of']} {ctx.analysis.as_of.isoformat()}")
    _footer(sheet)
    return Page("overview", title, sheet.figure, sheet.layout.orientation, frame.scale, sheet.finish())


# ----------------------------------------------------------------------------- writing the pages
FORMATS = ("pdf", "png")


def leader_ids(analysis: Analysis, wanted: Iterable[str]) -> list[str]:
    """The ids of the leaders asked for by id or by name, in the order asked, each once.

    Raises
    ------
    UnknownLeaderError
        For a value that is neither an id nor a name, or a name several leaders share.
    """
    leaders = analysis.resolved.project.leaders
    ids = [str(i) for i in leaders["id"]]
    names = leaders["name"].astype(str).tolist()
    found = []
    for value in wanted:
        if value in ids:
            found.append(value)
            continue
        same = [i for i, n in zip(ids, names) if n == value]
        if not same:
            raise UnknownLeaderError("print.unknown_leader", leader=value)
        if len(same) > 1:
            raise UnknownLeaderError("print.ambiguous_leader", leader=value, count=len(same), ids="、".join(same))
        found.append(same[0])
    return list(dict.fromkeys(found))


def render_printable(
    analysis: Analysis,
    options: MapOptions,
    out_dir: str | Path,
    leaders: list[str] | None = None,
    formats: Sequence[str] = FORMATS,
    *,
    font_file: str | Path | None = None,
    project_name: str = "",
    dpi: int = 150,
    progress: Progress = SILENT,
) -> list[Path]:
    """Write the printable pages under ``out_dir/print``: ``overview.*`` and ``leaders/<name>.*``.

    Parameters
    ----------
    analysis
        The check's result (`geo.pipeline.check`).
    options
        Title, language and unit word of the maps.
    out_dir
        The output folder (``maps``); pages go into its ``print`` folder.
    leaders
        Ids or names of the leaders to print; None prints the overview and
        every leader (and removes pages of leaders no longer in the data).
    formats
        ``pdf`` and/or ``png``.
    font_file
        A CJK font file to use (``GEO_CJK_FONT``); else one is searched for.
    project_name
        The project folder's name, for the source line.
    dpi
        The PNGs' resolution (150: an A4 page is 1240 × 1754 pixels).

    Returns
    -------
    list of Path
        The files written, overview first, then leaders in table order.

    Raises
    ------
    NoCJKFontError
        When no font can write Chinese.
    UnknownLeaderError
        When a leader asked for is not in the data.

    Notes
    -----
    Nothing here locks `out_dir`: ``geo print`` holds `output_lock` (the lock
    ``geo build`` takes) while it writes.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"formats: {', '.join(unknown)} (use {', '.join(FORMATS)})")
    out_dir = Path(out_dir)
    chosen = None if leaders is None else leader_ids(analysis, leaders)
    progress.stage("maps")
    with tempfile.TemporaryDirectory(prefix="geo-font-", ignore_cleanup_errors=True) as folder:
        ctx = prepare(analysis, options, font_file=font_file, project_name=project_name, folder=Path(folder))
        names = leader_filenames([str(i) for i in ctx.leaders.index])
        ids = list(names) if chosen is None else chosen
        pages = out_dir / "print"
        written: list[Path] = []
        if chosen is None:
            written += _save(overview_page(ctx), pages / "overview", formats, dpi)
        for leader_id in progress.counted(ids, len(ids), "progress.leader_maps"):
            stem = pages / "leaders" / Path(names[leader_id]).stem
            written += _save(leader_page(ctx, leader_id), stem, formats, dpi)
        if chosen is None:
            _remove_stale(pages / "leaders", written)
    return written


def _save(page: Page, stem: Path, formats: Sequence[str], dpi: int) -> list[Path]:
    try:
        return page.save(stem, formats, dpi)
    finally:
        page.figure.clear()


def _remove_stale(folder: Path, written: list[Path]) -> None:
    """Pages of leaders no longer in the data would be handed out by mistake: remove them."""
    keep = {p.resolve() for p in written}
    for path in sorted(folder.glob("*")):
        if path.suffix in (".pdf", ".png") and path.is_file() and path.resolve() not in keep:
            log.info("removing %s: no such leader in the data now", path)
            path.unlink()
