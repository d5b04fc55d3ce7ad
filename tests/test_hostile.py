"""Data is text, never code: template syntax and HTML/JS in every field of every file (issue 9).

The project in `hostile.py` puts ``{{ 7*191 }}``, ``{% … %}``, ``{#``,
``</script><script>…`` and ``<img onerror=…>`` into every text field of every
layer and table and into every string of ``geo.toml`` (its title, basemap
URL, attribution and key, a file name and a column name). The build must
succeed, nothing may be evaluated, and each field's text must come out as
written. The browser half of this test is in ``test_browser.py``.
"""

from __future__ import annotations

import json
import re

import pytest
from hostile import PAYLOADS, make_hostile_project

from geo.cli import main

# A field's tag followed by the payloads as they were written: found = the text came out literally.
LITERAL = re.compile(r"([a-z0-9]+\.[a-z]+) \{\{ 7\*191 \}\} \{% if 1 %\}x\{% endif %\} \{#")
EVALUATED = re.compile(r"[a-z0-9]+\.[a-z]+ 1337")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder = make_hostile_project(root / "p")
    out = root / "maps"
    code = main(["build", str(folder), "--out", str(out), "-q"])
    return code, out


def _texts(out):
    return {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8-sig")
        for p in sorted(out.rglob("*"))
        if p.suffix in (".html", ".csv", ".json", ".geojson")
    }


def test_builds(hostile_build):
    code, out = hostile_build
    assert code == 0
    assert (out / "index.html").is_file() and len(list((out / "leaders").glob("*.html"))) == 2


def test_nothing_is_evaluated_and_no_script_is_live(hostile_build):
    _, out = hostile_build
    for name, text in _texts(out).items():
        assert not EVALUATED.search(text), name
        if name.endswith(".html"):
            for payload in PAYLOADS[3:]:  # the HTML ones: never as markup
                assert payload not in text, (name, payload)
            assert "<script>alert" not in text and "<img src=x" not in text, name


@pytest.mark.parametrize(
    ("file", "tags"),
    [
        (
            "overview.html",
            {
                "c1.name",
                "c1.id",
                "l1.name",
                "r1.name",
                "i1.category",
                "i1.id",
                "toml.title",
                "toml.url",
                "toml.attribution",
            },
        ),
        ("gaps.html", {"c1.name", "r1.name", "toml.title"}),
        ("index.html", {"l1.name", "l1.title", "l2.name", "toml.title"}),
        ("reports/communities.csv", {"c1.id", "c1.name", "c1.street", "l1.id", "l2.id"}),
        ("reports/issues.csv", {"i1.id", "i1.category", "c1.id", "r1.name", "l1.id"}),
        ("reports/leaders.csv", {"l1.id", "l1.name", "l1.title", "l1.unit"}),
        ("reports/sections.csv", {"l1.id", "r1.name", "r2.name", "r3.name"}),
        ("reports/roads.csv", {"r1.name", "l1.id"}),
    ],
)
def test_each_field_comes_out_as_written(hostile_build, file, tags):
    _, out = hostile_build
    found = set(LITERAL.findall(_texts(out)[file]))
    assert tags <= found, tags - found


def test_every_leader_map_shows_its_own_panel_literally(hostile_build):
    _, out = hostile_build
    found = set()
    for path in (out / "leaders").glob("*.html"):
        found |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    assert {"l1.unit", "l2.unit", "l1.title", "l2.title", "i1.category"} <= found


def test_file_and_column_names_from_geo_toml_are_text(hostile_build):
    _, out = hostile_build
    run = json.loads((out / "reports" / "run.json").read_text(encoding="utf-8"))
    assert run["files"]["communities"].startswith("file {{ 7*191 }} {% if 1 %}x{% endif %} {# <img")


def test_phones_are_never_written(hostile_build):
    _, out = hostile_build
    for name, text in _texts(out).items():
        assert "13800000000" not in text and "13900000000" not in text, name
