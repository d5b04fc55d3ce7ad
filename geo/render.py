"""Draw the maps: overview, one per leader, gaps, and the index page.

Every map is one self-contained HTML file: Leaflet's JS and CSS are inlined
from the installed package (`geo.assets`), folium's CDN links are removed,
and with no basemap (the default) nothing is fetched at all. Every string
that comes from the user's data is HTML-escaped before it reaches the page,
so a name such as ``<script>`` shows as text and runs nothing. Leaders'
phone numbers are never written.
"""

from __future__ import annotations

import html
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
from branca.element import Element, Figure

from .analyse import GAP_KINDS, Analysis
from .assets import leaflet_css, leaflet_js
from .config import MapOptions

__all__ = ["leader_filename", "render_gap_map", "render_index", "render_leader_map", "render_overview"]

log = logging.getLogger(__name__)

TIER_ZH = {"demonstration": "示范社区", "key": "重点社区", "general": "一般社区"}
LEVEL_ZH = {"city": "市领导", "district": "区领导", "street": "街道（乡镇）", "department": "市直部门工作队"}
STATE_ZH = {"todo": "未开始", "doing": "整改中", "done": "已完成", "open": "未整改", "resolved": "已整改"}
SOURCE_ZH = {"complaint": "投诉", "inspection": "督查", "": "未注明"}
TIER_STYLE = {
    "demonstration": {"fillColor": "#c0392b", "color": "#67000d", "weight": 3.5, "fillOpacity": 0.6},
    "key": {"fillColor": "#f39c12", "color": "#a04000", "weight": 2.5, "fillOpacity": 0.5},
    "general": {"fillColor": "#d5dbdb", "color": "#7f8c8d", "weight": 1, "fillOpacity": 0.35},
}
CITY_ROAD = {"color": "#1f3a93", "weight": 6, "opacity": 0.9}
SECTION = {"color": "#16a085", "weight": 6, "opacity": 0.9}
OTHER_ROAD = {"color": "#7b7d7d", "weight": 2, "opacity": 0.8}
UNNAMED_ROAD = {"color": "#aab7b8", "weight": 1, "opacity": 0.8}
GAP_COLOR = "#e6007e"

_CSS = """
.leaflet-container { background: #f2f1ec; font-family: "Microsoft YaHei", "PingFang SC",
  "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; }
.geo-box { position: absolute; z-index: 1000; background: rgba(255,255,255,0.94); padding: 8px 12px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.35); font-size: 13px; line-height: 1.5; }
.geo-title { top: 10px; left: 60px; font-size: 16px; font-weight: bold; max-width: 60%; }
.geo-title small { font-weight: normal; color: #555; display: block; font-size: 12px; }
.geo-legend { bottom: 24px; right: 10px; }
.geo-legend i { display: inline-block; width: 18px; height: 12px; margin-right: 6px; vertical-align: middle; }
.geo-panel { top: 80px; left: 10px; max-width: 300px; max-height: 60%; overflow: auto; font-size: 12px; }
.geo-panel h4 { margin: 6px 0 2px; font-size: 13px; }
.geo-panel ul { margin: 0; padding-left: 16px; }
.geo-label { font-size: 12px; font-weight: bold; color: #67000d; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
@media print { .leaflet-control-layers { display: none; } .geo-panel { max-height: none; } }
"""


def esc(value) -> str:
    """Escape a value for HTML text or an attribute; None and NaN become ''."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def leader_filename(leader_id: str) -> str:
    """A safe file name for a leader's map: the id when it is plain, else a hash."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", leader_id):
        return f"{leader_id}.html"
    return f"leader-{sha1(leader_id.encode('utf-8')).hexdigest()[:12]}.html"


@dataclass
class _Context:
    """The analysis in EPSG:4326, with the labels maps need, built once."""

    communities: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    coverage: gpd.GeoDataFrame
    issues: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
    boundary: gpd.GeoDataFrame | None
    leaders: pd.DataFrame
    community_leaders: dict[str, tuple[str, ...]]
    status: pd.DataFrame


def _to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame.to_crs(4326)
    return frame.set_geometry(shapely.transform(frame.geometry.values, lambda c: np.round(c, 6)))


def build_context(analysis: Analysis) -> _Context:
    """Prepare everything the maps draw (escaped labels, EPSG:4326)."""
    resolved = analysis.resolved
    project = resolved.project
    leaders = project.leaders.set_index("id", drop=False)
    names = leaders["name"].to_dict()

    def who(ids) -> str:
        return "、".join(f"{names.get(i, i)}（{leaders.at[i, 'title']}）" if i in leaders.index else i
                        for i in ids) or "无"

    communities = _to_wgs84(resolved.communities[["id", "name", "tier", "street", "geometry"]])
    communities["leaders"] = communities["id"].map(lambda c: who(analysis.community_leaders.get(c, ())))
    status = project.status
    communities["tip"] = [
        f"<b>{esc(r.name)}</b><br>{esc(TIER_ZH.get(r.tier, r.tier))}　{esc(r.street)}<br>责任人：{esc(r.leaders)}"
        for r in communities.itertuples()
    ]
    popups = []
    for r in communities.itertuples():
        items = status[(status["kind"] == "community") & (status["target"] == r.id)]
        lines = "".join(
            f"<li>{esc(s.item)}：{esc(STATE_ZH.get(s.state, s.state))}"
            + (f"，{s.progress:.0f}%" if not pd.isna(s.progress) else "")
            + (f"，期限 {esc(s.due)}" if s.due else "") + "</li>"
            for s in items.itertuples()
        ) or "<li>未报送整改进度</li>"
        popups.append(f"<b>{esc(r.name)}</b>（{esc(r.id)}）<br>{esc(TIER_ZH.get(r.tier, r.tier))}<br>"
                      f"责任人：{esc(r.leaders)}<br>整改事项：<ul>{lines}</ul>")
    communities["popup"] = popups

    coverage = _to_wgs84(resolved.coverage).rename(columns={"from": "from_", "to": "to_"})
    coverage["tip"] = [
        f"<b>{esc(r.road)}</b>{'（全路）' if r.kind == 'road' else f'：{esc(r.from_)} 至 {esc(r.to_)}'}"
        f"<br>{r.length_m:,.0f} 米<br>{esc(LEVEL_ZH.get(r.level, r.level))}：{esc(who([r.leader]))}"
        for r in coverage.itertuples()
    ]
    roads = _to_wgs84(resolved.roads[["name", "_row", "geometry"]])
    roads["tip"] = [esc(n) if n else "无名道路" for n in roads["name"]]
    issues = _to_wgs84(analysis.issues[["id", "source", "category", "state", "due", "note", "community",
                                         "road", "leaders", "orphan", "geometry"]])
    issues["tip"] = [
        f"<b>{esc(r.id)}</b> {esc(r.category)}<br>{esc(SOURCE_ZH.get(r.source, r.source))}，"
        f"{esc(STATE_ZH.get(r.state, r.state))}" + (f"，期限 {esc(r.due)}" if r.due else "")
        + f"<br>{esc(r.note)}<br>责任人：{esc(who(r.leaders))}"
        for r in issues.itertuples()
    ]
    gaps = _to_wgs84(analysis.gaps)
    gaps["tip"] = [f"<b>{esc(GAP_KINDS.get(k, k))}</b><br>{esc(d)}"
                   + (f"<br>建议责任人：{esc(s)}" if s else "")
                   for k, d, s in zip(gaps["kind"], gaps["description"], gaps["suggested_owner"])]
    boundary = _to_wgs84(resolved.boundary) if resolved.boundary is not None else None
    return _Context(communities, roads, coverage, issues, gaps, boundary, leaders,
                    analysis.community_leaders, status)


# ----------------------------------------------------------------------------- map building blocks
def _new_map(options: MapOptions, bounds, page_title: str) -> folium.Map:
    """A folium map with Leaflet inlined and no CDN links."""
    figure = Figure(title=esc(page_title))  # branca writes the title unescaped
    fmap = folium.Map(location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2], zoom_start=12,
                      tiles=None, control_scale=True, prefer_canvas=False, zoom_snap=0.25)
    fmap.default_js = []
    fmap.default_css = []
    figure.add_child(fmap)
    header = figure.header
    header.add_child(Element('<meta charset="utf-8">'), name="charset")
    header.add_child(Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    header.add_child(Element(f"<script>{leaflet_js()}</script>"), name="leaflet_js")
    header.add_child(Element(f"<style>{_CSS}</style>"), name="geo_css")
    if options.basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap 底图").add_to(fmap)
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return fmap


def _box(fmap: folium.Map, css_class: str, inner_html: str) -> None:
    fmap.get_root().html.add_child(Element(f'<div class="geo-box {css_class}">{inner_html}</div>'))


def _legend(fmap: folium.Map, entries: list[tuple[str, str]]) -> None:
    rows = "".join(f"<div><i style=\"{style}\"></i>{esc(label)}</div>" for style, label in entries)
    _box(fmap, "geo-legend", f"<b>图例</b>{rows}")


def _geojson(frame: gpd.GeoDataFrame, name: str, style, *, tooltip=True, popup=False, show=True,
             highlight=False) -> folium.GeoJson | None:
    if frame.empty:
        return None
    columns = ["tip"] + (["popup"] if popup else []) + ["geometry"]
    extra = [c for c in ("tier", "kind", "state") if c in frame.columns]
    data = frame[columns + extra]
    return folium.GeoJson(
        data, name=name, show=show,
        style_function=style if callable(style) else (lambda _f, s=style: s),
        highlight_function=(lambda _f: {"weight": 5, "color": "#000"}) if highlight else None,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True) if tooltip else None,
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=360) if popup else None,
        zoom_on_click=False,
    )


def _add(fmap, layer):
    if layer is not None:
        layer.add_to(fmap)


def _community_style(feature):
    return TIER_STYLE.get(feature["properties"].get("tier"), TIER_STYLE["general"])


def _issue_layer(issues: gpd.GeoDataFrame, name: str, show: bool = True) -> folium.FeatureGroup | None:
    if issues.empty:
        return None
    group = folium.FeatureGroup(name=name, show=show)
    for r in issues.itertuples():
        is_open = r.state == "open"
        folium.CircleMarker(
            [r.geometry.y, r.geometry.x], radius=6 if is_open else 4, weight=1, color="#333",
            fill=True, fill_opacity=0.9, fill_color="#e74c3c" if is_open else "#27ae60",
            tooltip=folium.Tooltip(r.tip, sticky=True),
        ).add_to(group)
    return group


def _boundary(fmap, ctx: _Context) -> None:
    if ctx.boundary is not None and not ctx.boundary.empty:
        b = ctx.boundary.copy()
        b["tip"] = "区界"
        _add(fmap, _geojson(b, "区界", {"color": "#2c3e50", "weight": 2.5, "fill": False, "dashArray": "8 4"},
                            tooltip=False))


def _labels(fmap, communities: gpd.GeoDataFrame, name: str) -> None:
    if communities.empty:
        return
    group = folium.FeatureGroup(name=name)
    points = communities.geometry.representative_point()
    for label, point in zip(communities["name"], points):
        folium.Marker([point.y, point.x], icon=folium.DivIcon(
            html=f'<div class="geo-label">{esc(label)}</div>', icon_size=(120, 16), icon_anchor=(20, 8),
            class_name="geo-label-icon")).add_to(group)
    group.add_to(fmap)


def _save(fmap: folium.Map, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.get_root().save(str(path))
    return path


def _bounds(*frames) -> tuple[float, float, float, float]:
    frames = [f for f in frames if f is not None and not f.empty]
    boxes = np.array([f.total_bounds for f in frames])
    return boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()


def _road_layers(fmap, ctx: _Context, highlight_city=True):
    named = ctx.roads[ctx.roads["name"] != ""]
    unnamed = ctx.roads[ctx.roads["name"] == ""]
    _add(fmap, _geojson(unnamed, "无名道路", UNNAMED_ROAD))
    _add(fmap, _geojson(named, "道路", OTHER_ROAD))
    city = ctx.coverage[(ctx.coverage["kind"] == "road") & (ctx.coverage["level"] == "city")]
    other_whole = ctx.coverage[(ctx.coverage["kind"] == "road") & (ctx.coverage["level"] != "city")]
    sections = ctx.coverage[ctx.coverage["kind"] == "section"]
    _add(fmap, _geojson(other_whole, "其他包路道路", {**CITY_ROAD, "color": "#5b2c6f"}, highlight=True))
    _add(fmap, _geojson(city, "市领导包保道路", CITY_ROAD, highlight=True))
    _add(fmap, _geojson(sections, "区领导包保路段", SECTION, highlight=True))


def _tier_legend() -> list[tuple[str, str]]:
    return [
        (f"background:{s['fillColor']};border:2px solid {s['color']}", TIER_ZH[t]) for t, s in TIER_STYLE.items()
    ]


def _road_legend() -> list[tuple[str, str]]:
    return [
        (f"background:{CITY_ROAD['color']};height:5px", "市领导包保道路"),
        (f"background:{SECTION['color']};height:5px", "区领导包保路段"),
        (f"background:{OTHER_ROAD['color']};height:2px", "其他道路"),
        ("background:#e74c3c;border-radius:6px;width:12px", "未整改问题点"),
        ("background:#27ae60;border-radius:6px;width:12px", "已整改问题点"),
    ]


# ----------------------------------------------------------------------------- the maps
def render_overview(ctx: _Context, options: MapOptions, path: Path, counts: dict) -> Path:
    """The whole district: communities by tier, leaders' roads and sections, issues."""
    fmap = _new_map(options, _bounds(ctx.boundary, ctx.communities), f"{options.title} · 总览")
    _boundary(fmap, ctx)
    general = ctx.communities[ctx.communities["tier"] == "general"]
    top = ctx.communities[ctx.communities["tier"] != "general"]
    _add(fmap, _geojson(general, "一般社区", _community_style, popup=True, highlight=True))
    _add(fmap, _geojson(top, "示范社区与重点社区", _community_style, popup=True, highlight=True))
    _road_layers(fmap, ctx)
    _add(fmap, _issue_layer(ctx.issues, "问题点"))
    _labels(fmap, ctx.communities[ctx.communities["tier"] == "demonstration"], "示范社区名称")
    tiers = counts["communities"]["by_tier"]
    _box(fmap, "geo-title", f"{esc(options.title)}<small>社区 {counts['communities']['total']} 个："
                            f"示范 {tiers['demonstration']}、重点 {tiers['key']}、一般 {tiers['general']}；"
                            f"空白 {counts['gaps']['total']} 处</small>")
    _legend(fmap, _tier_legend() + _road_legend())
    return _save(fmap, path)


def _leader_items(ctx: _Context, leader_id: str):
    communities = ctx.communities[ctx.communities["id"].map(lambda c: leader_id in ctx.community_leaders.get(c, ()))]
    coverage = ctx.coverage[ctx.coverage["leader"] == leader_id]
    issues = ctx.issues[ctx.issues["leaders"].map(lambda ids: leader_id in ids)]
    return communities, coverage, issues


def render_leader_map(ctx: _Context, leader_id: str, options: MapOptions, path: Path) -> Path:
    """One leader's roads, sections, communities and issues, over a faint district."""
    leader = ctx.leaders.loc[leader_id]
    communities, coverage, issues = _leader_items(ctx, leader_id)
    mine = [f for f in (communities, coverage, issues) if not f.empty]
    bounds = _bounds(*mine) if mine else _bounds(ctx.boundary, ctx.communities)
    title = f"{leader['name']}（{leader['title']}）" if leader["title"] else str(leader["name"])
    fmap = _new_map(options, bounds, f"{title} · 包保责任地图")
    _boundary(fmap, ctx)
    faint = {"fillColor": "#ecf0f1", "color": "#95a5a6", "weight": 0.8, "fillOpacity": 0.3}
    _add(fmap, _geojson(ctx.communities, "全部社区", faint, highlight=False))
    _add(fmap, _geojson(ctx.roads[ctx.roads["name"] != ""], "道路", OTHER_ROAD))
    _add(fmap, _geojson(communities, "我包保的社区", _community_style, popup=True, highlight=True))
    whole, sections = coverage[coverage["kind"] == "road"], coverage[coverage["kind"] == "section"]
    _add(fmap, _geojson(whole, "我包保的道路", CITY_ROAD, highlight=True))
    _add(fmap, _geojson(sections, "我包保的路段", SECTION, highlight=True))
    _add(fmap, _issue_layer(issues, "我的问题点"))
    _labels(fmap, communities, "社区名称")
    panel = [f"<h4>{esc(LEVEL_ZH.get(leader['level'], leader['level']))}　{esc(leader['unit'])}</h4>"]
    if not coverage.empty:
        panel.append("<h4>包保道路 / 路段</h4><ul>" + "".join(
            f"<li>{esc(r.road)}{'（全路）' if r.kind == 'road' else f'：{esc(r.from_)} 至 {esc(r.to_)}'}"
            f"，{r.length_m:,.0f} 米</li>" for r in coverage.itertuples()) + "</ul>")
    if not communities.empty:
        panel.append("<h4>包保社区</h4><ul>" + "".join(
            f"<li>{esc(r.name)}（{esc(TIER_ZH.get(r.tier, r.tier))}）</li>" for r in communities.itertuples())
            + "</ul>")
    open_issues = issues[issues["state"] == "open"].sort_values(["due", "id"])
    panel.append(f"<h4>未整改问题 {len(open_issues)} 个（共 {len(issues)} 个）</h4><ul>" + "".join(
        f"<li>{esc(r.id)} {esc(r.category)}" + (f"，期限 {esc(r.due)}" if r.due else "") + "</li>"
        for r in open_issues.itertuples()) + "</ul>")
    _box(fmap, "geo-title", f"{esc(title)}<small>{esc(options.title)}</small>")
    _box(fmap, "geo-panel", "".join(panel))
    _legend(fmap, _tier_legend() + _road_legend()[:2] + _road_legend()[3:])
    return _save(fmap, path)


def render_gap_map(ctx: _Context, options: MapOptions, path: Path) -> Path:
    """Every gap over the district, each with its description and suggested owner."""
    fmap = _new_map(options, _bounds(ctx.boundary, ctx.communities), f"{options.title} · 空白点")
    _boundary(fmap, ctx)
    _add(fmap, _geojson(ctx.communities, "社区", _community_style, popup=True))
    _road_layers(fmap, ctx)
    styles = {
        "section_gap": {"color": GAP_COLOR, "weight": 9, "opacity": 0.95, "dashArray": "10 6"},
        "section_overlap": {"color": "#8e44ad", "weight": 9, "opacity": 0.9, "dashArray": "2 6"},
        "unmanaged_stretch": {"color": GAP_COLOR, "weight": 7, "opacity": 0.95},
        "territory_gap": {"color": GAP_COLOR, "weight": 3, "fillColor": GAP_COLOR, "fillOpacity": 0.7},
        "territory_overlap": {"color": "#8e44ad", "weight": 3, "fillColor": "#8e44ad", "fillOpacity": 0.6},
        "community_no_leader": {"color": GAP_COLOR, "weight": 4, "fillColor": GAP_COLOR, "fillOpacity": 0.25,
                                "dashArray": "6 4"},
    }
    for kind, label in GAP_KINDS.items():
        mine = ctx.gaps[ctx.gaps["kind"] == kind]
        if mine.empty:
            continue
        if kind == "orphan_issue":
            group = folium.FeatureGroup(name=f"{label}（{len(mine)}）")
            for r in mine.itertuples():
                folium.CircleMarker([r.geometry.y, r.geometry.x], radius=9, color="#000", weight=3,
                                    fill=True, fill_color=GAP_COLOR, fill_opacity=1,
                                    tooltip=folium.Tooltip(r.tip, sticky=True)).add_to(group)
            group.add_to(fmap)
            continue
        _add(fmap, _geojson(mine, f"{label}（{len(mine)}）", styles[kind], highlight=True))
    rows = "".join(f"<li>{esc(label)}：{(ctx.gaps['kind'] == kind).sum()}</li>"
                   for kind, label in GAP_KINDS.items())
    _box(fmap, "geo-title", f"{esc(options.title)} · 空白点<small>共 {len(ctx.gaps)} 处</small>")
    _box(fmap, "geo-panel", f"<ul>{rows}</ul>")
    _legend(fmap, [(f"background:{GAP_COLOR};height:5px", "路段空白 / 无人管路段"),
                   (f"background:{GAP_COLOR};opacity:0.7", "辖区空白"),
                   (f"border:2px dashed {GAP_COLOR}", "无责任人社区"),
                   (f"background:{GAP_COLOR};border-radius:6px;border:2px solid #000;width:12px", "无责任人问题点")]
            + _tier_legend())
    return _save(fmap, path)


def render_index(ctx: _Context, options: MapOptions, path: Path, counts: dict, leader_files: dict[str, str]) -> Path:
    """A plain HTML page linking every map, with the headline figures."""
    tiers = counts["communities"]["by_tier"]
    tier_text = (f"{counts['communities']['total']} 个：示范 {tiers['demonstration']}、重点 {tiers['key']}、"
                 f"一般 {tiers['general']}")
    gaps = "".join(f"<tr><td>{esc(GAP_KINDS[k])}</td><td>{n}</td></tr>"
                   for k, n in counts["gaps"]["by_kind"].items())
    groups = []
    for level, label in LEVEL_ZH.items():
        mine = ctx.leaders[ctx.leaders["level"] == level]
        if mine.empty:
            continue
        links = "".join(
            f'<li><a href="leaders/{esc(leader_files[r.id])}">{esc(r.name)}</a> {esc(r.title)}</li>'
            for r in mine.itertuples())
        groups.append(f"<h3>{esc(label)}（{len(mine)}）</h3><ul class=\"cols\">{links}</ul>")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(options.title)}</title>
<style>
body {{ font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 2em auto;
  max-width: 960px; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 4px 10px; text-align: left; }}
.cols {{ columns: 3; }} a {{ color: #1f3a93; }} .big a {{ font-size: 1.2em; margin-right: 2em; }}
</style></head><body>
<h1>{esc(options.title)}</h1>
<p class="big"><a href="overview.html">总览地图</a><a href="gaps.html">空白点地图</a>
<a href="reports/gaps.csv">空白点清单（CSV）</a></p>
<h2>概况</h2>
<table>
<tr><th>社区</th><td>{tier_text}</td></tr>
<tr><th>市领导包保道路</th><td>{counts['roads']['city_leader_roads']} 条</td></tr>
<tr><th>区领导包保路段</th><td>{counts['roads']['district_sections']} 段</td></tr>
<tr><th>责任人</th><td>{counts['leaders']['total']} 名</td></tr>
<tr><th>问题点</th><td>{counts['issues']['total']} 个，未整改 {counts['issues']['by_state'].get('open', 0)} 个</td></tr>
</table>
<h2>空白点（共 {counts['gaps']['total']} 处）</h2>
<table>{gaps}</table>
<h2>责任人地图</h2>
{''.join(groups)}
</body></html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
