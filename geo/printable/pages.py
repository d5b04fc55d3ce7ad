"""The two kinds of page, drawn from a `PrintContext`.

A leader's page (`leader_page`):

- a title (the map title, the leader's name and title, their level and unit);
- the map: the leader's communities by tier, roads and sections and open
  issues (numbered as in the list) over a faint district, names placed so
  that none covers another (the leader's roads first, their communities,
  other names where they fit), a scale bar, a north arrow;
- under the map the leader's task list (roads and sections with their cross
  streets and metres, communities, open issues with due dates, overdue ones
  marked) and the legend (only what the page draws);
- the as-of date and the data's source (with the OpenStreetMap credit when
  the roads came from OSM).

The overview page (`overview_page`) shows the district with the tiers, the
leaders' roads and sections, the gaps and the open issues, with the headline
figures under it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from ..checks import Check
from ..render import (
    BOUNDARY,
    CITY_ROAD,
    FAINT,
    ISSUE_COLORS,
    OTHER_ROAD,
    OTHER_WHOLE_ROAD,
    SECTION,
    TIER_STYLE,
    UNNAMED_ROAD,
    gap_label,
)
from .context import PrintContext, _district_box
from .draw import (
    _draw_boundary,
    _draw_gaps,
    _draw_lines,
    _draw_points,
    _draw_polygons,
    _draw_roads,
    _linewidth,
)
from .frame import _Frame, _north_arrow, _scale_bar
from .names import _by_area, _community_labels, _cross_street_labels, _other_road_labels, _road_label
from .sheet import Page, _Entry, _footer, _legend, _Line, _padded, _panel, _Sheet, _sheet, _title, _window

__all__ = ["leader_page", "overview_page"]

MINE = {"color": "#1b2631", "weight": 3.6, "fill": False}  # a leader's own communities: outlined, over the tier
MIN_EXTENT_M = 600.0  # a leader's area is shown at least this wide and tall


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
    count = w["print.open_count"].format(n=len(issues), overdue=overdue)
    lines.append(_Line(f"{w['panel.open_issues']}{w['p.open']}{count}{w['p.close']}", "head"))
    community_names = dict(zip(table["id"], table["name"]))
    for n, row in enumerate(issues.itertuples(), start=1):
        places = [v for v in (row.road, community_names.get(row.community, "")) if isinstance(v, str) and v]
        text = w["print.issue_line"].format(n=n, id=row.id, category=row.category or "")
        text += f"{w['p.open']}{w['p.list'].join(places)}{w['p.close']}" if places else ""
        text += f" {w['print.due_on'].format(due=row.due_text)}" if row.due_text else ""
        text += w["print.overdue"] if row.overdue else ""
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
        _Entry("area", FAINT, w["print.other_communities"]),
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
