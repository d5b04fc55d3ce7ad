"""A map on the sheet at a true scale (`_Frame`), its scale bar and its north arrow.

The frame writes names so that none covers another; the scale bar is in
metres with the scale (1:25,000 …) under it, and the north arrow points to
true north (grid north corrected).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from .context import PrintContext
from .text import PT_PER_IN, _width_pt

HALO_PT = 2.2  # the white line round the names on the map


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


def _nice_length(metres: float) -> float:
    """A round length no longer than `metres`: 1, 2 or 5 times a power of ten."""
    power = 10 ** math.floor(math.log10(max(metres, 1e-9)))
    return max(step * power for step in (1.0, 2.0, 5.0) if step * power <= metres + 1e-9)


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
    unit = f"{length / 1000:g} {words['print.km']}" if length >= 1000 else f"{length:,.0f} {words['metres']}"
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
    scale = f"{words['print.scale']} 1:{frame.scale:,}"
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
    frame.write(*at(0, size + 7 * m), frame.ctx.words["print.north"], 8.0, ha="center", va="center", zorder=31)
    frame.reserve(shapely.box(cx - 12 * m, cy - 14 * m, cx + 12 * m, cy + 24 * m))
