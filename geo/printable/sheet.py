"""The A4 sheet: title, map, the panel under it (task list columns and legend), footer; and the page drawn.

The map is portrait or landscape, whichever shows the features larger, at a
round scale (`_window`). A finished `Page` writes itself as PDF or PNG, each
file whole or not at all; no local path is written, so the same input gives
the same bytes.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .context import PrintContext
from .draw import _dashes, _linewidth, _rgba
from .frame import _Frame
from .text import PT_PER_IN, _fitted, _width_pt, _wrap

log = logging.getLogger(__name__)

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
PAD_SHARE = 0.06  # around the features, on each side
NICE_SCALES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 10.0)


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
            _write_atomic(path, lambda f, fmt=fmt: self.write(f, fmt, dpi))
            written.append(path)
        return written

    def write(self, target, fmt: str, dpi: int) -> None:
        """Write the page into `target` (a binary file) as ``pdf`` or ``png``: no date, no local path."""
        import matplotlib

        metadata: dict[str, Any] = (
            {"Title": self.title, "Creator": "geo", "Producer": None, "CreationDate": None, "ModDate": None}
            if fmt == "pdf"
            else {"Title": self.title, "Software": "geo"}
        )
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
        lines = lines[: len(shown)] + [_Line(sheet.ctx.words["print.more"].format(n=rest), "note")]
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
