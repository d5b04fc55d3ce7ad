"""Draw the maps: overview, one per leader, gaps, and the index page.

Every map is one self-contained HTML file (`geo._mapkit`): Leaflet inlined
from the installed package, folium's CDN links removed, nothing fetched
unless a basemap is configured. Data is text, never code: titles, panels,
legends and the index page are rendered from autoescaped templates
(``geo/templates/``) with the data as variables, and inserted as literal
HTML that no template engine reads again; tooltips and popups come from the
macros of ``templates/tips.html`` (autoescaped, the data passed as values)
and travel as JSON properties; the search control reads plain text and
writes it with ``textContent`` only. No HTML is assembled here by hand.
Leaders' phone numbers are never written. Coordinates are rounded to 1e-6°
(about 0.1 m); with an AMap basemap the data is drawn in GCJ-02.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Figure

from ._labels import labels
from ._mapkit import Html, add_controls, new_map, save, vertices
from ._readers import is_osm
from .analyse import Analysis
from .assets import macros, render_html
from .checks import CHECKS, GAP_COLOR
from .config import MapOptions
from .coords import geometry_wgs84_to_gcj02
from .model import Summary
from .report import worded_gaps
from .resolve import section_label
from .shapes import keep_dimension
from .words import kind_label

__all__ = [
    "MapFile",
    "build_context",
    "leader_filenames",
    "render_gap_map",
    "render_index",
    "render_leader_map",
    "render_overview",
]

log = logging.getLogger(__name__)

TIER_STYLE = {
    "demonstration": {"fillColor": "#c0392b", "color": "#67000d", "weight": 3.5, "fillOpacity": 0.6},
    "key": {"fillColor": "#f39c12", "color": "#a04000", "weight": 2.5, "fillOpacity": 0.5},
    "general": {"fillColor": "#d5dbdb", "color": "#7f8c8d", "weight": 1, "fillOpacity": 0.35},
}
CITY_ROAD = {"color": "#1f3a93", "weight": 6, "opacity": 0.9}
SECTION = {"color": "#16a085", "weight": 6, "opacity": 0.9}
OTHER_ROAD = {"color": "#7b7d7d", "weight": 2, "opacity": 0.8}
UNNAMED_ROAD = {"color": "#aab7b8", "weight": 1, "opacity": 0.8}
FAINT = {"fillColor": "#ecf0f1", "color": "#95a5a6", "weight": 0.8, "fillOpacity": 0.3}
ISSUE_COLORS = {"overdue": "#7b241c", "open": "#e74c3c", "resolved": "#27ae60"}


@dataclass
class MapFile:
    """A map written: its path, size and how many coordinates it draws."""

    path: Path
    bytes: int
    vertices: int

    @property
    def bytes_per_vertex(self) -> float:
        return self.bytes / self.vertices if self.vertices else float("nan")


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def leader_filenames(leader_ids) -> dict[str, str]:
    """A safe, unique file name per leader id (no path traversal, no clash even on a case-blind disk).

    A plain id (letters, digits, ``-``, ``_``) keeps its name; any other, or
    one that would clash with another ignoring case, is named by a hash.
    """
    names, taken = {}, set()
    for leader_id in leader_ids:
        plain = (
            re.fullmatch(r"[A-Za-z0-9_-]{1,64}", leader_id) is not None and leader_id.upper() not in _WINDOWS_RESERVED
        )
        name = f"{leader_id}.html" if plain else f"leader-{sha1(leader_id.encode('utf-8')).hexdigest()[:12]}.html"
        if name.lower() in taken:
            name = f"leader-{sha1(leader_id.encode('utf-8')).hexdigest()[:12]}.html"
        taken.add(name.lower())
        names[leader_id] = name
    return names


@dataclass
class _Context:
    """The analysis in map coordinates, with escaped labels, built once for every map."""

    analysis: Analysis
    options: MapOptions
    words: dict
    communities: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    coverage: gpd.GeoDataFrame
    issues: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
    boundary: gpd.GeoDataFrame | None
    leaders: pd.DataFrame
    community_leaders: dict[str, tuple[str, ...]]
    attributions: tuple[str, ...] = ()  # the data's licences that require credit on every map

    def gap_label(self, kind: str) -> str:
        return gap_label(kind, self.options.lang)


def gap_label(kind: str, lang: str) -> str:
    """A gap kind's name in the map's language (`geo.words`)."""
    return kind_label(kind, lang)


DRAW_MAX_VERTICES = 20_000  # a feature with more is simplified for drawing (the analysis keeps every vertex)
DRAW_TOLERANCES_DEG = (1e-5, 1e-4, 1e-3)  # about 1 m, 10 m, 100 m: tried in turn until it fits


def _simplified_for_drawing(geometry: np.ndarray) -> np.ndarray:
    """Features too detailed to draw usefully (a GPS track, an over-digitised outline) drawn simpler."""
    geometry = geometry.copy()
    for tolerance in DRAW_TOLERANCES_DEG:
        heavy = shapely.get_num_coordinates(geometry) > DRAW_MAX_VERTICES
        if not heavy.any():
            break
        geometry[heavy] = shapely.simplify(geometry[heavy], tolerance, preserve_topology=True)
    return geometry


def _text(value) -> str:
    """A cell as text for a template: None and NaN are nothing (not "None")."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _drawn(frame: gpd.GeoDataFrame, gcj02: bool, dimension: int | None = None) -> gpd.GeoDataFrame:
    """EPSG:4326 (or GCJ-02 for AMap tiles), coordinates rounded to 1e-6° (about 0.1 m), huge features simplified.

    With `dimension`, only parts of that dimension are drawn (a map layer of
    lines cannot hold a point); features left with nothing are not drawn.
    """
    frame = frame.to_crs(4326)
    if dimension is not None:
        geometry, removed = keep_dimension(frame.geometry.values, dimension)
        if removed:
            log.debug("%d geometry parts of another dimension than %d not drawn", removed, dimension)
        frame = frame.set_geometry(geometry, crs=4326)
        frame = frame[frame.geometry.notna()]
    geometry = _simplified_for_drawing(np.asarray(frame.geometry.values))
    if gcj02:
        geometry = geometry_wgs84_to_gcj02(geometry)
    return frame.set_geometry(shapely.transform(geometry, lambda c: np.round(c, 6)), crs=4326)


OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
SIMPLIFY_M = 0.5  # community outlines are drawn simplified to this (metres); shared edges stay shared


def _simplified(communities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify community outlines as a coverage, so neighbours keep one shared edge.

    Only when the communities form a valid coverage (no overlaps); otherwise
    they are drawn as they are, and the territory check reports the overlaps.
    """
    geometry = communities.geometry.values
    if len(geometry) == 0 or not hasattr(shapely, "coverage_simplify"):
        return communities
    try:
        if not shapely.coverage_is_valid(geometry):
            return communities
        simple = shapely.coverage_simplify(geometry, SIMPLIFY_M)
    except shapely.errors.GEOSException:
        log.debug("coverage simplification failed; drawing outlines as they are", exc_info=True)
        return communities
    return communities.set_geometry(simple, crs=communities.crs)


def build_context(analysis: Analysis, options: MapOptions) -> _Context:
    """Prepare everything the maps draw: escaped tooltips and popups, plain search text."""
    w = labels(options.lang)
    gcj = "amap" in options.basemaps
    resolved = analysis.resolved
    project = resolved.project
    leaders = project.leaders.set_index("id", drop=False)
    names = leaders["name"].to_dict()

    def who(ids) -> str:
        return (
            w["p.list"].join(
                f"{names.get(i, i)}{w['p.open']}{leaders.at[i, 'title']}{w['p.close']}"
                if i in leaders.index and leaders.at[i, "title"]
                else str(names.get(i, i))
                for i in ids
            )
            or w["none"]
        )

    def plain(ids) -> str:
        return " ".join(str(names.get(i, i)) for i in ids)

    communities = _drawn(_simplified(resolved.communities[["id", "name", "tier", "street", "geometry"]]), gcj, 2)
    ids = communities["id"]
    communities["leaders"] = ids.map(lambda c: who(analysis.community_leaders.get(c, ())))
    communities["search"] = [
        f"{n} {c} {plain(analysis.community_leaders.get(c, ()))}".strip() for n, c in zip(communities["name"], ids)
    ]
    tips = macros("tips.html")  # tooltips and popups: autoescaped templates, the data passed as values
    communities["tip"] = [
        str(
            tips.community_tip(
                {"name": r.name, "tier": w.get(f"tier.{r.tier}", r.tier), "street": r.street, "leaders": r.leaders}, w
            )
        )
        for r in communities.itertuples()
    ]
    status = analysis.status
    by_community = {cid: rows for cid, rows in status[status["kind"] == "community"].groupby("target")}
    no_rows = status.iloc[0:0]
    communities["popup"] = [
        str(
            tips.community_popup(
                {"name": r.name, "id": r.id, "tier": w.get(f"tier.{r.tier}", r.tier), "leaders": r.leaders},
                [
                    {
                        "item": s.item,
                        "state": w.get(f"state.{s.state}", s.state),
                        "progress": "" if pd.isna(s.progress) else f"{s.progress:.0f}",
                        "due": _text(s.due),
                        "overdue": bool(s.overdue),
                    }
                    for s in by_community.get(r.id, no_rows).itertuples()
                ],
                w,
            )
        )
        for r in communities.itertuples()
    ]

    coverage = _drawn(resolved.coverage.rename(columns={"from": "from_", "to": "to_"}), gcj, 1)
    # A section's ends in words, in the map's language (a street to itself: its two crossings).
    coverage["ends"] = [
        "" if r.kind == "road" else section_label(r.from_, r.to_, r.start_m, r.end_m, options.lang)
        for r in coverage.itertuples()
    ]
    coverage["tip"] = [
        str(
            tips.coverage_tip(
                {
                    "road": r.road,
                    "whole": r.kind == "road",
                    "ends": r.ends,
                    "metres": f"{r.length_m:,.0f}",
                    "level": w.get(f"level.{r.level}", r.level),
                    "who": who([r.leader]),
                },
                w,
            )
        )
        for r in coverage.itertuples()
    ]
    coverage["search"] = [f"{r.road} {plain([r.leader])}" for r in coverage.itertuples()]
    roads = _drawn(resolved.roads[["name", "_row", "geometry"]], gcj, 1)
    roads["tip"] = [str(tips.road_tip(n, w)) for n in roads["name"]]
    roads["search"] = roads["name"]
    columns = [
        "id",
        "source",
        "category",
        "state",
        "due",
        "note",
        "community",
        "road",
        "leaders",
        "orphan",
        "overdue",
        "geometry",
    ]
    issues = _drawn(analysis.issues[columns], gcj, 0)
    issues["status"] = np.where(issues["overdue"], "overdue", np.where(issues["state"] == "open", "open", "resolved"))
    issues["tip"] = [
        str(
            tips.issue_tip(
                {
                    "id": r.id,
                    "category": _text(r.category),
                    "source": w.get(f"source.{r.source}", r.source),
                    "state": w.get(f"state.{r.state}", r.state),
                    "due": _text(r.due),
                    "note": _text(r.note),
                    "who": who(r.leaders),
                },
                w,
            )
        )
        for r in issues.itertuples()
    ]
    issues["search"] = [f"{r.id} {r.category}".strip() for r in issues.itertuples()]
    # facts (kind, name …, geometry) with their words (description, suggested owner) in the map's language
    worded = worded_gaps(analysis, options.lang)[["name", "description", "suggested_owner"]]
    drawable = analysis.gaps.geometry.notna()
    gaps = _drawn(analysis.gaps[drawable].drop(columns=["name"]).join(worded[drawable]), gcj)
    gaps["tip"] = [
        str(tips.gap_tip({"label": gap_label(k, options.lang), "description": d, "suggested": s}, w))
        for k, d, s in zip(gaps["kind"], gaps["description"], gaps["suggested_owner"])
    ]
    gaps["popup"] = gaps["tip"]
    gaps["search"] = [f"{gap_label(k, options.lang)} {n}" for k, n in zip(gaps["kind"], gaps["name"])]
    boundary = _drawn(resolved.boundary, gcj, 2) if resolved.boundary is not None else None
    # OpenStreetMap data is ODbL: a map made from it must say so.
    osm = any(is_osm(Path(source.file)) for source in project.sources.values())
    attributions = (OSM_ATTRIBUTION,) if osm else ()
    return _Context(
        analysis,
        options,
        w,
        communities,
        roads,
        coverage,
        issues,
        gaps,
        boundary,
        leaders,
        analysis.community_leaders,
        attributions,
    )


# ----------------------------------------------------------------------------- building blocks
def _box(fmap: folium.Map, template: str, **data) -> None:
    """A box over the map (title, legend, panel), rendered from an autoescaped template."""
    root = fmap.get_root()
    assert isinstance(root, Figure)  # a map's root is the page
    root.html.add_child(Html(render_html(template, **data)))


def _legend(fmap: folium.Map, title: str, entries: list[tuple[str, str]]) -> None:
    _box(fmap, "legend.html", title=title, entries=entries)


def _geojson(
    frame: gpd.GeoDataFrame, name: str, style, *, tooltip=True, popup=False, show=True, highlight=False, marker=None
) -> folium.GeoJson | None:
    if frame is None or frame.empty:
        return None
    columns = ["tip"] + (["popup"] if popup else []) + (["search"] if "search" in frame else [])
    extra = [c for c in ("tier", "kind", "status") if c in frame.columns]
    data = frame[columns + extra + ["geometry"]]
    return folium.GeoJson(
        data,
        name=name,
        show=show,
        marker=marker,
        style_function=style if callable(style) else (lambda _f, s=style: s),
        highlight_function=(lambda _f: {"weight": 5, "color": "#000"}) if highlight else None,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True) if tooltip else None,
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=360) if popup else None,
        zoom_on_click=False,
    )


def _add(fmap, layer):
    if layer is not None:
        layer.add_to(fmap)
    return layer


def _community_style(feature):
    return TIER_STYLE.get(feature["properties"].get("tier"), TIER_STYLE["general"])


def _issue_style(feature):
    status = feature["properties"].get("status", "open")
    return {
        "radius": 4 if status == "resolved" else 6,
        "color": "#333",
        "weight": 1,
        "fill": True,
        "fillOpacity": 0.9,
        "fillColor": ISSUE_COLORS.get(status, ISSUE_COLORS["open"]),
    }


def _issue_layers(fmap, ctx: _Context, issues: gpd.GeoDataFrame) -> list:
    """Open, overdue and resolved issues, each its own toggleable layer."""
    layers = []
    for status in ("overdue", "open", "resolved"):
        mine = issues[issues["status"] == status]
        layers.append(
            _add(
                fmap,
                _geojson(
                    mine,
                    f"{ctx.words[f'layer.issues_{status}']}{ctx.words['p.open']}{len(mine)}{ctx.words['p.close']}",
                    _issue_style,
                    marker=folium.CircleMarker(),
                ),
            )
        )
    return layers


def _boundary(fmap, ctx: _Context) -> None:
    if ctx.boundary is not None and not ctx.boundary.empty:
        b = ctx.boundary.copy()
        b["tip"] = str(macros("tips.html").plain(ctx.words["layer.boundary"]))
        _add(
            fmap,
            _geojson(
                b,
                ctx.words["layer.boundary"],
                {"color": "#2c3e50", "weight": 2.5, "fill": False, "dashArray": "8 4"},
                tooltip=False,
            ),
        )


def _labels(fmap, communities: gpd.GeoDataFrame, name: str) -> None:
    if communities.empty:
        return
    group = folium.FeatureGroup(name=name)
    points = communities.geometry.representative_point()
    for label, point in zip(communities["name"], points):
        folium.Marker(
            [point.y, point.x],
            interactive=False,
            icon=folium.DivIcon(
                html=str(macros("tips.html").label(label)),
                icon_size=(120, 16),
                icon_anchor=(20, 8),
                class_name="geo-label-icon",
            ),
        ).add_to(group)
    group.add_to(fmap)


def _bounds(*frames) -> tuple[float, float, float, float]:
    boxes = np.array([f.total_bounds for f in frames if f is not None and not f.empty])
    return boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()


def _road_layers(fmap, ctx: _Context) -> list:
    named = ctx.roads[ctx.roads["name"] != ""]
    unnamed = ctx.roads[ctx.roads["name"] == ""]
    w = ctx.words
    _add(fmap, _geojson(unnamed, w["layer.unnamed"], UNNAMED_ROAD))
    roads = _add(fmap, _geojson(named, w["layer.roads"], OTHER_ROAD))
    cov = ctx.coverage
    city = cov[(cov["kind"] == "road") & (cov["level"] == "city")]
    other_whole = cov[(cov["kind"] == "road") & (cov["level"] != "city")]
    sections = cov[cov["kind"] == "section"]
    other = _add(fmap, _geojson(other_whole, w["layer.other_roads"], {**CITY_ROAD, "color": "#5b2c6f"}, highlight=True))
    city_layer = _add(fmap, _geojson(city, w["layer.city_roads"], CITY_ROAD, highlight=True))
    section_layer = _add(fmap, _geojson(sections, w["layer.sections"], SECTION, highlight=True))
    return [roads, other, city_layer, section_layer]


def _tier_legend(w) -> list[tuple[str, str]]:
    return [
        (f"background:{s['fillColor']};border:2px solid {s['color']}", w[f"tier.{t}"]) for t, s in TIER_STYLE.items()
    ]


def _road_legend(w, sections: bool = True) -> list[tuple[str, str]]:
    rows = [(f"background:{CITY_ROAD['color']};height:5px", w["layer.city_roads"])]
    if sections:
        rows.append((f"background:{SECTION['color']};height:5px", w["layer.sections"]))
    rows.append((f"background:{OTHER_ROAD['color']};height:2px", w["legend.other_roads"]))
    return rows


def _issue_legend(w) -> list[tuple[str, str]]:
    return [(f"background:{c};border-radius:6px;width:12px", w[f"layer.issues_{s}"]) for s, c in ISSUE_COLORS.items()]


def _gap_layers(fmap, ctx: _Context, gaps: gpd.GeoDataFrame, show: bool = True) -> list:
    layers = []
    for check in CHECKS:
        mine = gaps[gaps["kind"] == check.kind]
        if mine.empty:
            continue
        points = check.dimension == 0
        layers.append(
            _add(
                fmap,
                _geojson(
                    mine,
                    f"{ctx.gap_label(check.kind)}{ctx.words['p.open']}{len(mine)}{ctx.words['p.close']}",
                    check.style,
                    popup=True,
                    highlight=not points,
                    show=show,
                    marker=folium.CircleMarker() if points else None,
                ),
            )
        )
    return layers


def _swatch(check) -> str:
    """A legend swatch (CSS) drawn from a check's map style."""
    style = check.style
    color, fill = style.get("color", "#000"), style.get("fillColor", style.get("color", "#000"))
    if check.dimension == 0:
        return f"background:{fill};border-radius:6px;border:2px solid {color};width:12px"
    if check.dimension == 1:
        dashed = "dashed" if style.get("dashArray") else "solid"
        return f"border-top:5px {dashed} {color};height:0"
    if style.get("fill", True) is False:
        return f"border:2px {'dashed' if style.get('dashArray') else 'solid'} {color}"
    return f"background:{fill};opacity:{max(float(style.get('fillOpacity', 0.5)), 0.4)};border:2px solid {color}"


def _gap_legend(ctx: _Context) -> list[tuple[str, str]]:
    """One legend entry per kind of gap on the map, from the registry."""
    present = set(ctx.gaps["kind"])
    return [(_swatch(c), ctx.gap_label(c.kind)) for c in CHECKS if c.kind in present]


def _finish(fmap, ctx: _Context, need_key, searchable, path: Path, frames) -> MapFile:
    add_controls(fmap, searchable, need_key, ctx.options.lang, ctx.attributions)
    save(fmap, path)
    return MapFile(path, path.stat().st_size, sum(vertices(f) for f in frames))


def _title(ctx: _Context) -> str:
    return ctx.options.title or ctx.words["title"]


# ----------------------------------------------------------------------------- the maps
def render_overview(ctx: _Context, path: Path, counts: Summary) -> MapFile:
    """The whole district: communities by tier, leaders' roads and sections, gaps, issues; search and stats."""
    w, options = ctx.words, ctx.options
    frames = [ctx.boundary, ctx.communities, ctx.roads, ctx.coverage, ctx.gaps, ctx.issues]
    fmap, need_key = new_map(
        options,
        _bounds(ctx.boundary, ctx.communities),
        f"{_title(ctx)} · {w['overview']}",
        vertex_count=sum(vertices(f) for f in frames),
    )
    _boundary(fmap, ctx)
    general = ctx.communities[ctx.communities["tier"] == "general"]
    top = ctx.communities[ctx.communities["tier"] != "general"]
    searchable = [
        _add(fmap, _geojson(general, w["layer.general"], _community_style, popup=True, highlight=True)),
        _add(fmap, _geojson(top, w["layer.top"], _community_style, popup=True, highlight=True)),
    ]
    searchable += _road_layers(fmap, ctx)
    searchable += _gap_layers(fmap, ctx, ctx.gaps)
    searchable += _issue_layers(fmap, ctx, ctx.issues)
    _labels(fmap, ctx.communities[ctx.communities["tier"] == "demonstration"], w["layer.labels"])
    tiers, gaps, issues = counts["communities"]["by_tier"], counts["gaps"], counts["issues"]
    coverage = counts["roads"]["coverage_pct"]
    unit = w["unit.count"]
    stats = [
        (
            w["stats.communities"],
            f"{counts['communities']['total']}{unit}{w['p.open']}{w['demonstration_short']} "
            f"{tiers['demonstration']}{w['p.list']}{w['key_short']} {tiers['key']}{w['p.list']}{w['general_short']} "
            f"{tiers['general']}{w['p.close']}",
        ),
        (w["stats.coverage"], "—" if coverage is None else f"{coverage:.1f}%"),
        (w["stats.gaps"], f"{gaps['total']}{w['unit.places']}"),
        (
            w["stats.open"],
            f"{issues['by_state']['open']}{unit}{w['p.open']}{w['stats.overdue']} {issues['overdue']}{w['p.close']}",
        ),
    ]
    _box(fmap, "title.html", title=_title(ctx), subtitle=f"{w['stats.as_of']} {counts['as_of']}", stats=stats)
    _legend(
        fmap,
        w["legend"],
        _tier_legend(w)
        + _road_legend(w)
        + _issue_legend(w)
        + [(f"background:{GAP_COLOR};height:5px", w["legend.gap_line"])],
    )
    return _finish(fmap, ctx, need_key, searchable, path, frames)


def _leader_items(ctx: _Context, leader_id: str):
    def rows(frame, mask):
        return frame.loc[mask.astype(bool).to_numpy()]  # also right when the frame is empty

    communities = rows(
        ctx.communities, ctx.communities["id"].map(lambda c: leader_id in ctx.community_leaders.get(c, ()))
    )
    coverage = rows(ctx.coverage, ctx.coverage["leader"] == leader_id)
    issues = rows(ctx.issues, ctx.issues["leaders"].map(lambda ids: leader_id in ids))
    return communities, coverage, issues


def render_leader_map(ctx: _Context, leader_id: str, path: Path) -> MapFile:
    """One leader's roads, sections, communities and issues over a faint district; their open issues listed."""
    w, options = ctx.words, ctx.options
    leader = ctx.leaders.loc[leader_id]
    communities, coverage, issues = _leader_items(ctx, leader_id)
    mine = [f for f in (communities, coverage, issues) if not f.empty]
    bounds = _bounds(*mine) if mine else _bounds(ctx.boundary, ctx.communities)
    title = f"{leader['name']}{w['p.open']}{leader['title']}{w['p.close']}" if leader["title"] else str(leader["name"])
    fmap, need_key = new_map(options, bounds, f"{title} · {w['leader_map']}")
    _boundary(fmap, ctx)
    # Orientation around the leader's area only: a leader's file stays small in a large district.
    x0, y0, x1, y1 = bounds
    pad = max(0.01, 0.5 * max(x1 - x0, y1 - y0))  # degrees; 0.01° is about 1 km
    around = ctx.communities.cx[x0 - pad : x1 + pad, y0 - pad : y1 + pad]
    named = ctx.roads[ctx.roads["name"] != ""].cx[x0 - pad : x1 + pad, y0 - pad : y1 + pad]
    _add(fmap, _geojson(around, w["layer.all_communities"], FAINT))
    _add(fmap, _geojson(named, w["layer.roads"], OTHER_ROAD))
    searchable = [
        _add(fmap, _geojson(communities, w["layer.my_communities"], _community_style, popup=True, highlight=True)),
        _add(fmap, _geojson(coverage[coverage["kind"] == "road"], w["layer.my_roads"], CITY_ROAD, highlight=True)),
        _add(fmap, _geojson(coverage[coverage["kind"] == "section"], w["layer.my_sections"], SECTION, highlight=True)),
    ]
    searchable += _issue_layers(fmap, ctx, issues)
    _labels(fmap, communities, w["layer.community_names"])
    open_issues = issues[issues["state"] == "open"].sort_values(["due", "id"], key=lambda s: s.astype(str))
    _box(fmap, "title.html", title=title, subtitle=_title(ctx), stats=None)
    _box(
        fmap,
        "leader_panel.html",
        w=w,
        level=w.get(f"level.{leader['level']}", leader["level"]),
        unit=leader["unit"],
        issues_total=len(issues),
        roads=[
            {"road": r.road, "whole": r.kind == "road", "ends": r.ends, "metres": f"{r.length_m:,.0f}"}
            for r in coverage.itertuples()
        ],
        communities=[{"name": r.name, "tier": w.get(f"tier.{r.tier}", r.tier)} for r in communities.itertuples()],
        open_issues=[
            {"id": r.id, "category": r.category, "due": r.due, "overdue": r.overdue} for r in open_issues.itertuples()
        ],
    )
    _legend(fmap, w["legend"], _tier_legend(w) + _road_legend(w) + _issue_legend(w))
    frames = [ctx.boundary, around, named, communities, coverage, issues]
    return _finish(fmap, ctx, need_key, searchable, path, frames)


def render_gap_map(ctx: _Context, path: Path) -> MapFile:
    """Every gap over the district, each with a popup saying what is missing and who is adjacent."""
    w, options = ctx.words, ctx.options
    frames = [ctx.boundary, ctx.communities, ctx.roads, ctx.coverage, ctx.gaps]
    fmap, need_key = new_map(
        options,
        _bounds(ctx.boundary, ctx.communities),
        f"{_title(ctx)} · {w['gap_map']}",
        vertex_count=sum(vertices(f) for f in frames),
    )
    _boundary(fmap, ctx)
    searchable = [_add(fmap, _geojson(ctx.communities, w["layer.communities"], _community_style, popup=True))]
    searchable += _road_layers(fmap, ctx)
    searchable += _gap_layers(fmap, ctx, ctx.gaps)
    _box(
        fmap,
        "title.html",
        title=f"{_title(ctx)} · {w['gap_map']}",
        subtitle=w["gaps.total"].format(n=len(ctx.gaps)),
        stats=None,
    )
    _box(
        fmap,
        "gap_panel.html",
        w=w,
        rows=[(ctx.gap_label(c.kind), int((ctx.gaps["kind"] == c.kind).sum())) for c in CHECKS],
    )
    _legend(
        fmap,
        w["legend"],
        _gap_legend(ctx) + _tier_legend(w),
    )
    return _finish(fmap, ctx, need_key, searchable, path, frames)


def render_index(ctx: _Context, path: Path, counts: Summary, leader_files: dict[str, str]) -> Path:
    """A plain, phone-readable page: the district's figures, every map and report, a table of leaders."""
    w = ctx.words
    tiers = counts["communities"]["by_tier"]
    roads, issues = counts["roads"], counts["issues"]
    figures = [
        (
            w["stats.communities"],
            f"{counts['communities']['total']}{w['p.open']}{w['demonstration_short']} "
            f"{tiers['demonstration']}{w['p.list']}{w['key_short']} {tiers['key']}{w['p.list']}"
            f"{w['general_short']} {tiers['general']}{w['p.close']}",
        ),
        (w["index.city_roads"], roads["city_leader_roads"]),
        (w["index.sections"], roads["district_sections"]),
        (w["stats.coverage"], "—" if roads["coverage_pct"] is None else f"{roads['coverage_pct']:.1f}%"),
        (w["index.leaders"], counts["leaders"]["total"]),
        (
            w["index.issues"],
            f"{issues['total']}{w['p.open']}{w['stats.open']} {issues['by_state'].get('open', 0)}{w['p.comma']}"
            f"{w['stats.overdue']} {issues['overdue']}{w['p.close']}",
        ),
    ]
    roll = ctx.analysis.leaders.set_index("id")
    groups = []
    for level in ("city", "district", "street", "department"):
        mine = ctx.leaders[ctx.leaders["level"] == level]
        if not mine.empty:
            groups.append(
                {
                    "title": w[f"level.{level}"],
                    "rows": [
                        {
                            "file": leader_files[r.id],
                            "name": r.name,
                            "title": r.title,
                            "km": f"{roll.at[r.id, 'road_km']:.2f}",
                            "communities": len(roll.at[r.id, "communities"]),
                            "open": roll.at[r.id, "issues_open"],
                            "overdue": roll.at[r.id, "issues_overdue"],
                        }
                        for r in mine.itertuples()
                    ],
                }
            )
    page = render_html(
        "index.html",
        w=w,
        lang="en" if ctx.options.lang == "en" else "zh-CN",
        title=_title(ctx),
        as_of=counts["as_of"],
        figures=figures,
        gaps_total=counts["gaps"]["total"],
        gaps=[(ctx.gap_label(k), n) for k, n in counts["gaps"]["by_kind"].items()],
        groups=groups,
        head=[w[f"index.col.{c}"] for c in ("name", "title", "km", "communities", "open", "overdue")],
        reports=[
            "gaps.csv",
            "roads.csv",
            "sections.csv",
            "leaders.csv",
            "communities.csv",
            "issues.csv",
            "ledger.csv",
            "responsibility.gpkg",
            "summary.json",
        ],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
