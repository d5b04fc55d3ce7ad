"""Building blocks for offline, deterministic, safe Folium maps.

- `new_map`: a folium map with Leaflet inlined (no CDN), no tiles unless a
  basemap is configured, a neutral background, and the configured basemaps;
- `add_controls`: search (communities, roads, leaders, issues), full screen,
  a plain-text attribution (no flag icon: government maps carry no such
  symbol) and, for Tianditu without an embedded key, a key box;
- `save`: element ids renumbered in document order (so the same input gives
  byte-identical files), written atomically (no half-written map).

The controls are this project's own small scripts: folium's plugins load
their code from CDNs, which intranet PCs cannot reach.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import folium
import numpy as np
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from .assets import leaflet_css, leaflet_js
from .config import MapOptions

__all__ = ["add_controls", "esc", "new_map", "save"]

CSS = """
html, body { margin: 0; padding: 0; }
.leaflet-container { background: #f2f1ec; font-family: "Microsoft YaHei", "PingFang SC",
  "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; }
.geo-box { position: absolute; z-index: 1000; background: rgba(255,255,255,0.94); padding: 8px 12px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.35); font-size: 13px; line-height: 1.5; }
.geo-title { top: 10px; left: 56px; font-size: 16px; font-weight: bold; max-width: 55%; }
.geo-title small { font-weight: normal; color: #555; display: block; font-size: 12px; }
.geo-legend { bottom: 24px; right: 10px; max-width: 240px; }
.geo-legend i { display: inline-block; width: 18px; height: 12px; margin-right: 6px; vertical-align: middle; }
.geo-panel { top: 132px; left: 10px; max-width: 300px; max-height: 55%; overflow: auto; font-size: 12px; }
.geo-panel h4 { margin: 6px 0 2px; font-size: 13px; }
.geo-panel ul { margin: 0; padding-left: 16px; }
.geo-stats td { padding: 0 6px 0 0; }
.geo-label { font-size: 12px; font-weight: bold; color: #67000d; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.geo-search { background: #fff; padding: 4px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.35); }
.geo-search input { width: 220px; font-size: 13px; padding: 3px 5px; border: 1px solid #aaa; }
.geo-search ul { list-style: none; margin: 4px 0 0; padding: 0; max-height: 260px; overflow: auto; }
.geo-search li { padding: 3px 5px; cursor: pointer; font-size: 13px; }
.geo-search li:hover, .geo-search li.active { background: #e8eef9; }
.geo-button { background: #fff; width: 34px; height: 34px; line-height: 34px; text-align: center;
  font-size: 18px; cursor: pointer; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.35);
  border: none; display: block; }
.geo-fullscreen-on { position: fixed !important; top: 0; left: 0; width: 100vw !important;
  height: 100vh !important; z-index: 9999; }
.geo-key { background: #fff; padding: 6px; border-radius: 4px; font-size: 12px; }
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  .leaflet-control-zoom, .leaflet-control-layers, .geo-search, .geo-button, .geo-key { display: none !important; }
  .geo-panel { max-height: none; overflow: visible; }
  .geo-box { box-shadow: none; border: 1px solid #888; }
  .folium-map { width: 100% !important; height: 180mm !important; }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

CONTROLS_JS = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var words = {{ this.words|tojson }};
  map.attributionControl.setPrefix('Leaflet');
  var FULLSCREEN_ICON = '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" ' +
    'style="vertical-align:middle"><path d="M2 7V2h5M11 2h5v5M16 11v5h-5M7 16H2v-5" fill="none" ' +
    'stroke="#333" stroke-width="2"/></svg>';
  var groups = [{% for name in this.searchable %}{{ name }}{% if not loop.last %}, {% endif %}{% endfor %}];
  var index = [];
  groups.forEach(function (group) {
    group.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (p && p.search) { index.push({text: String(p.search), layer: layer, group: group}); }
    });
  });
  function reveal(hit) {
    if (!map.hasLayer(hit.group)) { map.addLayer(hit.group); }
    if (hit.layer.getBounds) { map.fitBounds(hit.layer.getBounds(), {maxZoom: 16, padding: [40, 40]}); }
    else if (hit.layer.getLatLng) { map.setView(hit.layer.getLatLng(), 16); }
    var at = hit.layer.getBounds ? hit.layer.getBounds().getCenter() : hit.layer.getLatLng();
    if (hit.group.getPopup && hit.group.getPopup()) { hit.layer.fire('click', {latlng: at}, true); }
    else if (hit.group.getTooltip && hit.group.getTooltip()) { hit.group.openTooltip(hit.layer, at); }
  }
  var Search = L.Control.extend({
    options: {position: 'topright'},
    onAdd: function () {
      var box = L.DomUtil.create('div', 'geo-search');
      var input = L.DomUtil.create('input', '', box);
      input.type = 'search';
      input.placeholder = words.search;
      input.setAttribute('aria-label', words.search);
      var list = L.DomUtil.create('ul', '', box);
      var hits = [];
      function show() {
        var q = input.value.trim().toLowerCase();
        list.textContent = '';
        hits = q ? index.filter(function (h) { return h.text.toLowerCase().indexOf(q) >= 0; }).slice(0, 12) : [];
        if (q && !hits.length) {
          var none = L.DomUtil.create('li', '', list);
          none.textContent = words.no_match;
        }
        hits.forEach(function (hit) {
          var item = L.DomUtil.create('li', '', list);
          item.textContent = hit.text;
          L.DomEvent.on(item, 'click', function () { reveal(hit); });
        });
      }
      L.DomEvent.on(input, 'input', show);
      L.DomEvent.on(input, 'keydown', function (e) {
        if (e.key === 'Enter' && hits.length) { reveal(hits[0]); }
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });
  new Search().addTo(map);
  var Fullscreen = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function () {
      var button = L.DomUtil.create('button', 'geo-button');
      button.type = 'button';
      button.title = words.fullscreen;
      button.setAttribute('aria-label', words.fullscreen);
      button.innerHTML = FULLSCREEN_ICON;
      L.DomEvent.on(button, 'click', function (e) {
        L.DomEvent.stop(e);
        var box = map.getContainer();
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (box.requestFullscreen) {
          box.requestFullscreen().catch(function () { L.DomUtil.addClass(box, 'geo-fullscreen-on'); });
        } else { L.DomUtil.hasClass(box, 'geo-fullscreen-on') ? L.DomUtil.removeClass(box, 'geo-fullscreen-on')
                                                              : L.DomUtil.addClass(box, 'geo-fullscreen-on'); }
        setTimeout(function () { map.invalidateSize(); }, 200);
      });
      return button;
    }
  });
  new Fullscreen().addTo(map);
  {% if this.tianditu %}
  var tdt = [{% for name in this.tianditu %}{{ name }}{% if not loop.last %}, {% endif %}{% endfor %}];
  function useKey(key) {
    tdt.forEach(function (layer) { layer.options.tk = key; layer.redraw(); });
  }
  var saved = null;
  try { saved = window.localStorage.getItem('geo.tianditu_key'); } catch (e) {}
  if (saved) { useKey(saved); } else {
    var KeyBox = L.Control.extend({
      options: {position: 'topright'},
      onAdd: function () {
        var box = L.DomUtil.create('div', 'geo-key');
        var label = L.DomUtil.create('div', '', box);
        label.textContent = words.tianditu_key;
        var input = L.DomUtil.create('input', '', box);
        input.type = 'password';
        L.DomEvent.on(input, 'change', function () {
          var key = input.value.trim();
          if (!key) { return; }
          try { window.localStorage.setItem('geo.tianditu_key', key); } catch (e) {}
          useKey(key);
          box.style.display = 'none';
        });
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });
    new KeyBox().addTo(map);
  }
  {% endif %}
})();
{% endmacro %}
""")


def esc(value) -> str:
    """Escape a value for HTML text or an attribute; None and NaN become ''."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


class _Controls(MacroElement):
    """Search, full screen, attribution and the Tianditu key box (our own code, inlined)."""

    _template = CONTROLS_JS

    def __init__(self, searchable: list, tianditu: list, words: dict):
        super().__init__()
        self._name = "GeoControls"
        self.searchable_layers = searchable
        self.tianditu_layers = tianditu
        self.words = {k: words[k] for k in ("search", "no_match", "fullscreen", "tianditu_key")}

    def render(self, **kwargs):
        # names are read at render time, after `save` renumbered the ids
        self.searchable = [layer.get_name() for layer in self.searchable_layers]
        self.tianditu = [layer.get_name() for layer in self.tianditu_layers]
        super().render(**kwargs)


AMAP_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
TIANDITU_URLS = (
    "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={tk}",
    "https://t{s}.tianditu.gov.cn/DataServer?T=cva_w&x={x}&y={y}&l={z}&tk={tk}",
)


def _basemaps(fmap: folium.Map, options: MapOptions, words: dict) -> list:
    """Add the configured basemaps; return the Tianditu layers that still need a key."""
    need_key = []
    key = options.tianditu_key or os.environ.get("TIANDITU_KEY", "")
    for n, name in enumerate(b for b in options.basemaps if b != "none"):
        show = n == 0
        if name == "osm":
            folium.TileLayer("OpenStreetMap", name=words["basemap.osm"], show=show,
                             attr="© OpenStreetMap contributors").add_to(fmap)
        elif name == "amap":
            folium.TileLayer(AMAP_URL, name=words["basemap.amap"], attr="© 高德地图 AutoNavi", subdomains="1234",
                             show=show, max_zoom=18).add_to(fmap)
        elif name == "intranet":
            folium.TileLayer(options.tiles_url, name=words["basemap.intranet"], show=show,
                             attr=esc(options.tiles_attribution) or words["basemap.intranet"]).add_to(fmap)
        elif name == "tianditu":
            written = key if (key and options.write_key) else ""
            layers = []
            for url in TIANDITU_URLS:
                layer = folium.TileLayer(url, name=words["basemap.tianditu"], attr="© 天地图", subdomains="01234567",
                                         show=show, overlay=url is TIANDITU_URLS[1], control=url is TIANDITU_URLS[0],
                                         tk=written, max_zoom=18)
                layer.add_to(fmap)
                layers.append(layer)
            if not written:
                need_key += layers
    return need_key


CANVAS_VERTICES = 200_000  # above this many drawn vertices, draw on a canvas rather than SVG


def new_map(options: MapOptions, bounds, page_title: str, css: str = "", vertex_count: int = 0
            ) -> tuple[folium.Map, list]:
    """A folium map with Leaflet inlined, folium's CDN links removed, fitted to `bounds`.

    Large maps (more than `CANVAS_VERTICES` vertices) are drawn on a canvas.
    Returns the map and the Tianditu layers waiting for a key (for `add_controls`).
    """
    from ._labels import labels

    figure = Figure(title=esc(page_title))  # branca writes the title unescaped
    fmap = folium.Map(location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2], zoom_start=12,
                      tiles=None, control_scale=True, prefer_canvas=vertex_count > CANVAS_VERTICES, zoom_snap=0.25)
    fmap.default_js = []
    fmap.default_css = []
    figure.add_child(fmap)
    header = figure.header
    header.add_child(Element('<meta charset="utf-8">'), name="charset")
    header.add_child(Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    header.add_child(Element(f"<script>{leaflet_js()}</script>"), name="leaflet_js")
    header.add_child(Element(f"<style>{CSS}{css}</style>"), name="geo_css")
    need_key = _basemaps(fmap, options, labels(options.lang))
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return fmap, need_key


def add_controls(fmap: folium.Map, searchable: list, need_key: list, lang: str) -> None:
    """Add the layer switcher, search, full screen and plain attribution."""
    from ._labels import labels

    fmap.add_child(_Controls([layer for layer in searchable if layer is not None], need_key, labels(lang)))
    folium.LayerControl(collapsed=False).add_to(fmap)


def _renumber(element, counter: list[int]) -> None:
    counter[0] += 1
    element._id = f"{counter[0]:04d}"
    for child in list(element._children.values()):
        _renumber(child, counter)


def save(fmap: folium.Map, path: Path) -> Path:
    """Render with ids numbered in document order and write atomically."""
    root = fmap.get_root()
    _renumber(root, [0])
    text = root.render()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def vertices(frame) -> int:
    """How many coordinates a layer draws (for the bytes-per-vertex figure)."""
    import shapely

    return 0 if frame is None or frame.empty else int(shapely.get_num_coordinates(frame.geometry.values).sum())
