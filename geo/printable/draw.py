"""The layers drawn on a map frame, in the HTML maps' styles turned into points on paper."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from ..checks import CHECKS, Check
from ..render import BOUNDARY, ISSUE_COLORS, OTHER_ROAD, UNNAMED_ROAD
from .context import _Shapes
from .frame import _Frame


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
