"""Offline assets: Leaflet's and Leaflet.markercluster's JS and CSS, inlined into every map.

Leaflet and its clustering plugin come from the installed ``XStatic-Leaflet``
and ``XStatic-Leaflet-MarkerCluster`` packages (pip dependencies), never from
a CDN and never copied into this repository. The images Leaflet's CSS
refers to are turned into data URIs, so one HTML file holds everything a
browser needs with the network unplugged.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

import xstatic.pkg.leaflet as xstatic_leaflet
import xstatic.pkg.leaflet_markercluster as xstatic_markercluster

__all__ = [
    "html_lang",
    "leaflet_css",
    "leaflet_js",
    "leaflet_version",
    "markercluster_css",
    "markercluster_js",
    "render_html",
    "static_text",
]

_DATA = Path(xstatic_leaflet.BASE_DIR)
_URL = re.compile(r"url\((['\"]?)(images/[^)'\"]+)\1\)")


def leaflet_version() -> str:
    return xstatic_leaflet.VERSION


@cache
def leaflet_js() -> str:
    """Leaflet's minified JS, safe to put inside a ``<script>`` element."""
    return (_DATA / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")


@cache
def leaflet_css() -> str:
    """Leaflet's CSS with its images inlined as data URIs."""
    css = (_DATA / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        path = _DATA / match.group(2)
        mime = "image/svg+xml" if path.suffix == ".svg" else f"image/{path.suffix[1:]}"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:{mime};base64,{data})"

    return _URL.sub(inline, css)


_CLUSTER = Path(xstatic_markercluster.BASE_DIR)


@cache
def markercluster_js() -> str:
    """Leaflet.markercluster's minified JS (from ``XStatic-Leaflet-MarkerCluster``), safe inside ``<script>``."""
    return (_CLUSTER / "leaflet.markercluster.js").read_text(encoding="utf-8").replace("</script", "<\\/script")


@cache
def markercluster_css() -> str:
    """Leaflet.markercluster's CSS (its animations and default cluster icons)."""
    return "\n".join(
        (_CLUSTER / name).read_text(encoding="utf-8") for name in ("MarkerCluster.css", "MarkerCluster.Default.css")
    )


_PACKAGE = Path(__file__).resolve().parent


@cache
def static_text(name: str) -> str:
    """One of geo's own JS or CSS files (``geo/static/``), safe inside ``<script>`` or ``<style>``."""
    text = (_PACKAGE / "static" / name).read_text(encoding="utf-8")
    return text.replace("</", "<\\/") if name.endswith(".js") else text.replace("</", "")


@cache
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("geo", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def html_lang(lang: str) -> str:
    """A page's ``lang`` for `lang`: the browser picks the Chinese glyphs by it (社區 in a Traditional font)."""
    return {"en": "en", "zh-Hant": "zh-Hant"}.get(lang, "zh-CN")


def render_html(template: str, **data) -> str:
    """Render one of geo's HTML templates (``geo/templates/``) with `data` as variables, autoescaped.

    The data is only ever a variable: whatever text it holds (``{{ 7*191 }}``,
    ``<script>``) comes out as that text.
    """
    return _environment().get_template(template).render(**data)
