"""Names on the map, placed so that none covers another.

Roads are named along their longest piece in the window (upright where a
Chinese name runs north–south), communities at a point inside, the streets a
section runs between beside the crossing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely

from .context import PrintContext
from .frame import _Frame
from .text import _is_wide, _width_pt

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
