"""Building blocks for offline, deterministic, safe Folium maps.

- `shell`: the page every map of a build shares, rendered once with folium:
  Leaflet and Leaflet.markercluster inlined (no CDN), no tiles unless a
  basemap is configured, the configured basemaps, a scale, and geo's own
  ``static/map.js`` (layers, labels, clusters, panels) and
  ``static/controls.js`` (search, full screen, a plain-text attribution with
  no flag icon, the Tianditu key box) and ``static/reply.js`` (a leader's or
  an inspection group's map answers: marks, photos, the signed reply);
- `fill`: one map's page: the shell with its title, boxes and data, each
  slot filled once, in one pass (`script_json` makes the data safe inside
  ``<script>``);
- `Html`: literal HTML (rendered from an autoescaped template by
  `geo.assets.render_html`) that branca does not parse as a template again.

Element ids are renumbered in document order, so the same input gives
byte-identical files. Maps are written into the build's staging folder
(`geo.output`), so a plain write is all-or-nothing for the reader. The
controls are this project's own scripts (``geo/static/``): folium's plugins
load their code from CDNs, which intranet PCs cannot reach.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass

import folium
import numpy as np
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from .assets import leaflet_css, leaflet_js, markercluster_css, markercluster_js, static_text
from .config import MapOptions

__all__ = ["Html", "MapShell", "esc", "fill", "script_json", "shell", "vertices"]


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


class _GeoMap(MacroElement):
    """Calls ``geoMap`` (static/map.js) with the map, its basemaps and the page's data.

    Only variable names (ours) and the basemaps' names (our words) reach this
    template; the data is read by the script from the page's JSON element.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
geoMap({{ this._parent.get_name() }}, {{ this.bases|tojson }}, [{{ this.tianditu|join(', ') }}],
       JSON.parse(document.getElementById('geo-data').textContent));
{% endmacro %}
""")

    def __init__(self, bases: list, tianditu: list):
        super().__init__()
        self._name = "GeoMap"
        self.base_layers = bases
        self.tianditu_layers = tianditu

    def render(self, **kwargs):
        # names are read at render time, after `save` renumbered the ids; map.js looks them up on `window`
        self.bases = {layer.layer_name: layer.get_name() for layer in self.base_layers}
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


def _basemaps(fmap: folium.Map, options: MapOptions, words: dict) -> tuple[list, list]:
    """Add the configured basemaps; return those the layer switcher offers, and the Tianditu layers that need a key."""
    need_key: list = []
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
    bases = [child for child in fmap._children.values() if isinstance(child, folium.TileLayer) and child.control]
    return bases, need_key


def _slots(attempt: int) -> dict[str, str]:
    """The marks where a map's title, boxes and data go; another set on each `attempt` (see `shell`)."""
    return {name: f"@@geo-{name}-{attempt:04x}-1f0c@@" for name in ("title", "boxes", "data")}


@dataclass(frozen=True)
class MapShell:
    """A map page without its title, boxes and data: built once per build, filled once per map (`fill`)."""

    parts: tuple[bytes, ...]  # the page, cut where a slot goes
    slots: tuple[str, ...]  # the slot after each part but the last


def shell(options: MapOptions, words: dict) -> MapShell:
    """The page every map of a build shares, rendered once with folium.

    Leaflet, Leaflet.markercluster and geo's own script and style inlined (no
    CDN), no tiles unless a basemap is configured, a neutral background, the
    configured basemaps and a scale; ``map.js`` draws the data.

    The page is cut at marks that occur nowhere else in it: should a string of
    ``geo.toml`` (a tiles URL, an attribution) hold one, the shell is drawn again
    with other marks, so no text of the user's is ever taken for a slot.
    """
    given = "\x00".join(_strings((options, words)))  # every string the user's configuration brings
    attempt = 0
    while any(token in given for token in _slots(attempt).values()):
        attempt += 1
    slots = _slots(attempt)
    text = _shell_text(options, words, slots)
    pattern = "(" + "|".join(re.escape(token) for token in slots.values()) + ")"
    pieces = re.split(pattern, text)
    names = {token: name for name, token in slots.items()}
    return MapShell(tuple(p.encode("utf-8") for p in pieces[0::2]), tuple(names[t] for t in pieces[1::2]))


def _strings(value) -> list[str]:
    """Every string inside `value` (dataclasses, dicts, lists and tuples, walked)."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = [getattr(value, f.name) for f in dataclasses.fields(value)]
    elif isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    elif not isinstance(value, list | tuple | set | frozenset):
        return []
    return [text for item in value for text in _strings(item)]


def _shell_text(options: MapOptions, words: dict, slots: dict[str, str]) -> str:
    """The shell's HTML with `slots` where the title, boxes and data go."""
    figure = Figure(title=slots["title"])
    fmap = folium.Map(tiles=None, control_scale=True, zoom_snap=0.25, location=[0, 0], zoom_start=2)
    fmap.default_js = []
    fmap.default_css = []
    figure.add_child(fmap)
    header = figure.header
    header.add_child(Html('<meta charset="utf-8">'), name="charset")
    header.add_child(Html(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    header.add_child(Html(f"<script>{leaflet_js()}</script>"), name="leaflet_js")
    header.add_child(Html(f"<style>{markercluster_css()}</style>"), name="markercluster_css")
    header.add_child(Html(f"<script>{markercluster_js()}</script>"), name="markercluster_js")
    header.add_child(Html(f"<style>{static_text('map.css')}</style>"), name="geo_css")
    header.add_child(Html(f"<script>{static_text('controls.js')}</script>"), name="geo_controls")
    header.add_child(Html(f"<script>{static_text('reply.js')}</script>"), name="geo_reply")
    header.add_child(Html(f"<script>{static_text('map.js')}</script>"), name="geo_js")
    figure.html.add_child(Html(slots["boxes"]), name="geo_boxes")
    figure.html.add_child(
        Html(f'<script type="application/json" id="geo-data">{slots["data"]}</script>'), name="geo_data"
    )
    bases, need_key = _basemaps(fmap, options, words)
    fmap.add_child(_GeoMap(bases, need_key))
    return _rendered(fmap)


def script_json(data) -> str:
    """`data` as JSON that is safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def fill(page: MapShell, *, title: str, boxes: str, data) -> bytes:
    """One map's page: the shell with its title (escaped), its boxes (rendered, escaped HTML) and its data (JSON).

    Each slot is filled once, in one pass: a value is never read again for
    slots, nor by a template engine.
    """
    values = {
        "title": esc(title).encode("utf-8"),
        "boxes": boxes.encode("utf-8"),
        "data": script_json(data).encode("utf-8"),
    }
    out = [page.parts[0]]
    for slot, part in zip(page.slots, page.parts[1:]):
        out += [values[slot], part]
    return b"".join(out)


def _renumber(element, counter: list[int]) -> None:
    counter[0] += 1
    element._id = f"{counter[0]:04d}"
    for child in list(element._children.values()):
        _renumber(child, counter)


def _rendered(fmap: folium.Map) -> str:
    """The page's HTML, ids numbered in document order (the same input gives byte-identical files)."""
    root = fmap.get_root()
    _renumber(root, [0])
    with _literal_output():
        return root.render()


def vertices(frame) -> int:
    """How many coordinates a layer draws (for the bytes-per-vertex figure)."""
    import shapely

    return 0 if frame is None or frame.empty else int(shapely.get_num_coordinates(frame.geometry.values).sum())
