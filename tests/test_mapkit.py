"""What geo changes in folium and branca while a map renders, pinned to the versions pyproject.toml allows.

branca compiles the text a template produced as a template again (`geo._mapkit._Literal`): a
name holding ``{{ 7*191 }}`` would run and ``{#`` would stop the build. `_literal_output` swaps
``Element`` in the modules that do it (`_RENDERING_MODULES`) for one that keeps the text. These
tests fail loudly when a folium or branca release moves that code: then review `_mapkit` and the
upper bounds of folium and branca in pyproject.toml together. The whole build with such text in
every field is tests/test_hostile.py.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import branca
import branca.element
import folium
import pytest
from jinja2 import TemplateSyntaxError

from geo._mapkit import _RENDERING_MODULES, _Literal, _literal_output, _rendered

PAYLOAD = "{{ 7*191 }} {% if 1 %}x{% endif %} {#"
EVALUATED = "1337"  # what {{ 7*191 }} becomes when text is run as a template
REVIEW = "folium/branca changed how a map renders: review geo._mapkit._literal_output and the bounds in pyproject.toml"


def _map(text: str) -> folium.Map:
    """A map with `text` in a marker's popup and tooltip and in a GeoJSON feature's popup and tooltip."""
    fmap = folium.Map(tiles=None, location=[30.3, 112.2], zoom_start=12)
    folium.Marker([30.3, 112.2], popup=folium.Popup(f"popup {text}"), tooltip=f"tooltip {text}").add_to(fmap)
    point = {"type": "Point", "coordinates": [112.21, 30.31]}
    feature = {"type": "Feature", "properties": {"n": f"feature {text}"}, "geometry": point}
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [feature]},
        popup=folium.GeoJsonPopup(["n"]),
        tooltip=folium.GeoJsonTooltip(["n"]),
    ).add_to(fmap)
    return fmap


@pytest.mark.parametrize("name", _RENDERING_MODULES)
def test_each_patched_module_still_has_branca_s_element(name):
    # `_literal_output` skips a module it cannot find or whose Element is another: it would do so silently.
    module = importlib.import_module(name)
    assert getattr(module, "Element", None) is branca.element.Element, f"{name}: {REVIEW}"


def test_every_module_that_builds_an_element_from_rendered_text_is_patched():
    # Read, not imported: every module of folium and branca that calls Element(...) is in the list.
    calls = re.compile(r"(?<![\w.])Element\(")
    found = set()
    for package in (folium, branca):
        root = Path(package.__file__).parent
        for path in root.rglob("*.py"):
            if calls.search(path.read_text(encoding="utf-8")):
                parts = path.relative_to(root.parent).with_suffix("").parts
                found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert found, REVIEW
    assert found <= set(_RENDERING_MODULES), f"{sorted(found - set(_RENDERING_MODULES))}: {REVIEW}"


def test_without_the_patch_branca_runs_the_text_as_a_template():
    # The behaviour `_Literal` exists for. Should a release stop compiling rendered text again, this
    # fails: the patch may then go (and the bounds be raised), once tests/test_hostile.py passes without it.
    page = _map("{{ 7*191 }}").get_root().render()
    assert f"popup {EVALUATED}" in page and f"tooltip {EVALUATED}" in page, REVIEW
    with pytest.raises(TemplateSyntaxError, match="comment"):  # "Missing end of comment tag"
        _map("{#").get_root().render()


def test_a_popup_and_a_tooltip_keep_their_text_as_written():
    page = _rendered(_map(PAYLOAD))
    assert EVALUATED not in page
    for where in ("popup", "tooltip", "feature"):
        assert f"{where} {PAYLOAD}" in page, where


def test_the_patch_holds_only_while_a_map_renders():
    modules = [importlib.import_module(name) for name in _RENDERING_MODULES]
    with pytest.raises(RuntimeError), _literal_output():
        assert all(m.Element is _Literal for m in modules)
        raise RuntimeError("a map that fails to render")
    assert all(m.Element is branca.element.Element for m in modules)
