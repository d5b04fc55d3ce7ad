"""Building blocks for offline, deterministic, safe Folium maps.

- `new_map`: a folium map with Leaflet inlined (no CDN), no tiles unless a
  basemap is configured, a neutral background, and the configured basemaps;
- `add_controls`: search (communities, roads, leaders, issues), full screen,
  a plain-text attribution (no flag icon: government maps carry no such
  symbol) and, for Tianditu without an embedded key, a key box;
- `Html`: literal HTML (rendered from an autoescaped template by
  `geo.assets.render_html`) that branca does not parse as a template again;
- `save`: element ids renumbered in document order (so the same input gives
  byte-identical files). Maps are written into the build's staging folder
  (`geo.output`), so a plain write is all-or-nothing for the reader.

The controls are this project's own small scripts (``geo/static/``): folium's
plugins load their code from CDNs, which intranet PCs cannot reach.
"""

from __future__ import annotations

import html
import sys
from contextlib import contextmanager
from pathlib import Path

import folium
import numpy as np
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from .assets import leaflet_css, leaflet_js, static_text
from .config import MapOptions

__all__ = ["Html", "add_controls", "esc", "new_map", "save"]


class Html(Element):
    """Literal HTML in a folium figure, never parsed as a Jinja template.

    branca renders an `Element`'s string as template source, so text from a
    data file (``{{ 7*191 }}``) would run; this element returns its HTML as
    it is. Build the HTML with `render_html` (autoescaped templates).
    """

    def __init__(self, html: str):
        super().__init__()
        self._name = "Html"
        self.html = html

    def render(self, **kwargs) -> str:
        return self.html


class _Literal(Element):
    """What branca and folium wrap their rendered output in while geo saves a map: kept as it is.

    branca's `MacroElement.render` (and folium's `Popup`, …) put the text a
    template produced — with the data already in it, as JSON — into a new
    ``Element(text)``, which compiles that text as a template again: a name
    holding ``{{ 7*191 }}`` would run, and ``{#`` would stop the build. While
    `save` renders, those modules' ``Element`` is this class, which returns
    the text unchanged; an ``Element()`` without text is the usual container.
    """

    def __init__(self, template: str | None = None, template_name: str | None = None):
        super().__init__(template_name=template_name)
        self._literal = template

    def render(self, **kwargs) -> str:
        return self._literal if self._literal is not None else super().render(**kwargs)


_RENDERING_MODULES = (
    "branca.element",
    "folium.map",
    "folium.features",
    "folium.folium",
    "folium.utilities",
    "folium.template",
)


@contextmanager
def _literal_output():
    """During a map's rendering, rendered output is never parsed as a template again (see `_Literal`)."""
    modules = [sys.modules[name] for name in _RENDERING_MODULES if name in sys.modules]
    patched = [m for m in modules if getattr(m, "Element", None) is Element]
    for module in patched:
        module.Element = _Literal
    try:
        yield
    finally:
        for module in patched:
            module.Element = Element


class _Controls(MacroElement):
    """Search, full screen, attribution and the Tianditu key box: calls ``geoControls`` (static/controls.js).

    Only layer names (ours) and our own words reach this template, as JSON.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
geoControls({{ this._parent.get_name() }}, [{{ this.searchable|join(', ') }}], [{{ this.tianditu|join(', ') }}],
            {{ this.words|tojson }});
{% endmacro %}
""")

    def __init__(self, searchable: list, tianditu: list, words: dict, attributions=()):
        super().__init__()
        self._name = "GeoControls"
        self.searchable_layers = searchable
        self.tianditu_layers = tianditu
        self.words = {k: words[k] for k in ("search", "no_match", "fullscreen", "tianditu_key")}
        self.words["attributions"] = list(attributions)  # our constants (a licence's credit line), as text

    def render(self, **kwargs):
        # names are read at render time, after `save` renumbered the ids
        self.searchable = [layer.get_name() for layer in self.searchable_layers]
        self.tianditu = [layer.get_name() for layer in self.tianditu_layers]
        super().render(**kwargs)


def esc(value) -> str:
    """Escape a value for HTML text or an attribute; None and NaN become ''."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


AMAP_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
TIANDITU_URLS = (
    "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={tk}",
    "https://t{s}.tianditu.gov.cn/DataServer?T=cva_w&x={x}&y={y}&l={z}&tk={tk}",
)


def _basemaps(fmap: folium.Map, options: MapOptions, words: dict) -> list:
    """Add the configured basemaps; return the Tianditu layers that still need a key."""
    need_key = []
    key = options.tianditu_key  # the environment's TIANDITU_KEY is read at the edge (`geo.cli`)
    for n, name in enumerate(b for b in options.basemaps if b != "none"):
        show = n == 0
        if name == "osm":
            folium.TileLayer(
                "OpenStreetMap", name=words["basemap.osm"], show=show, attr="© OpenStreetMap contributors"
            ).add_to(fmap)
        elif name == "amap":
            folium.TileLayer(
                AMAP_URL,
                name=words["basemap.amap"],
                attr="© 高德地图 AutoNavi",
                subdomains="1234",
                show=show,
                max_zoom=18,
            ).add_to(fmap)
        elif name == "intranet":
            folium.TileLayer(
                options.tiles_url,
                name=words["basemap.intranet"],
                show=show,
                attr=esc(options.tiles_attribution) or words["basemap.intranet"],
            ).add_to(fmap)
        elif name == "tianditu":
            written = key if (key and options.write_key) else ""
            layers = []
            for url in TIANDITU_URLS:
                layer = folium.TileLayer(
                    url,
                    name=words["basemap.tianditu"],
                    attr="© 天地图",
                    subdomains="01234567",
                    show=show,
                    overlay=url is TIANDITU_URLS[1],
                    control=url is TIANDITU_URLS[0],
                    tk=written,
                    max_zoom=18,
                )
                layer.add_to(fmap)
                layers.append(layer)
            if not written:
                need_key += layers
    return need_key


CANVAS_VERTICES = 200_000  # above this many drawn vertices, draw on a canvas rather than SVG


def new_map(options: MapOptions, bounds, page_title: str, vertex_count: int = 0) -> tuple[folium.Map, list]:
    """A folium map with Leaflet inlined, folium's CDN links removed, fitted to `bounds`.

    Large maps (more than `CANVAS_VERTICES` vertices) are drawn on a canvas.
    Returns the map and the Tianditu layers waiting for a key (for `add_controls`).
    """
    from ._labels import labels

    figure = Figure(title=esc(page_title))  # branca writes the title unescaped
    fmap = folium.Map(
        location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
        zoom_start=12,
        tiles=None,
        control_scale=True,
        prefer_canvas=vertex_count > CANVAS_VERTICES,
        zoom_snap=0.25,
    )
    fmap.default_js = []
    fmap.default_css = []
    figure.add_child(fmap)
    header = figure.header
    header.add_child(Html('<meta charset="utf-8">'), name="charset")
    header.add_child(Html(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    header.add_child(Html(f"<script>{leaflet_js()}</script>"), name="leaflet_js")
    header.add_child(Html(f"<style>{static_text('map.css')}</style>"), name="geo_css")
    header.add_child(Html(f"<script>{static_text('controls.js')}</script>"), name="geo_js")
    need_key = _basemaps(fmap, options, labels(options.lang))
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return fmap, need_key


def add_controls(fmap: folium.Map, searchable: list, need_key: list, lang: str, attributions=()) -> None:
    """Add the layer switcher, search, full screen and plain attribution (plus the data's `attributions`)."""
    from ._labels import labels

    fmap.add_child(
        _Controls([layer for layer in searchable if layer is not None], need_key, labels(lang), attributions)
    )
    folium.LayerControl(collapsed=False).add_to(fmap)


def _renumber(element, counter: list[int]) -> None:
    counter[0] += 1
    element._id = f"{counter[0]:04d}"
    for child in list(element._children.values()):
        _renumber(child, counter)


def save(fmap: folium.Map, path: Path) -> Path:
    """Render with ids numbered in document order and write (a plain file: the umask decides who reads it)."""
    root = fmap.get_root()
    _renumber(root, [0])
    with _literal_output():
        text = root.render()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def vertices(frame) -> int:
    """How many coordinates a layer draws (for the bytes-per-vertex figure)."""
    import shapely

    return 0 if frame is None or frame.empty else int(shapely.get_num_coordinates(frame.geometry.values).sum())
