"""Map structure: offline, escaped, tiers styled apart, Chinese legend, one map per leader."""

import json
import re

import pytest
import shapely

from conftest import LEADERS, line, m, make_project, square
from geo.cli import main
from geo.render import TIER_STYLE, leader_filename

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render")
    leaders = LEADERS + [{"id": "../evil", "name": HOSTILE, "title": "</script><b>", "level": "district",
                          "phone": "13900000000"}]
    communities = [
        {"id": "A", "name": HOSTILE, "tier": "demonstration", "geometry": square(0, 0, 500, 500)},
        {"id": "B", "name": "乙社区", "tier": "key", "geometry": square(500, 0, 1000, 500)},
        {"id": "C", "name": "丙社区", "tier": "general", "geometry": square(1000, 0, 1500, 500)},
    ]
    roads = [{"name": "红门路", "geometry": line((0, 250), (1500, 250))},
             {"name": "", "geometry": line((100, 100), (200, 100))}]
    assignments = [
        {"leader": "C1", "kind": "road", "target": "红门路"},
        {"leader": "../evil", "kind": "community", "target": "A"},
        {"leader": "D1", "kind": "community", "target": "B"},
        {"leader": "S1", "kind": "community", "target": "C"},
    ]
    issues = [{"id": "I1", "state": "open", "category": HOSTILE, "geometry": shapely.Point(m(100, 260))}]
    folder = make_project(tmp / "p", communities=communities, roads=roads, leaders=leaders,
                          assignments=assignments, issues=issues)
    out = tmp / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    return out


def _html_files(out):
    return sorted(out.rglob("*.html"))


def test_every_map_is_self_contained(built):
    files = _html_files(built)
    assert len(files) == 3 + len(LEADERS) + 1
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), path.name
        if path.name != "index.html":
            assert "L.map(" in text or "L.map (" in text
            assert "leaflet" in text.lower() and "Leaflet 1.9" in text  # inlined, from XStatic-Leaflet


def test_user_text_is_escaped_everywhere(built):
    for path in _html_files(built):
        text = path.read_text(encoding="utf-8")
        assert HOSTILE not in text, path.name
        assert "</script><b>" not in text, path.name
    overview = (built / "overview.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in overview


def test_phone_numbers_are_never_written(built):
    for path in built.rglob("*"):
        if path.is_file():
            assert b"13900000000" not in path.read_bytes(), path.name


def test_tiers_are_styled_apart_with_a_chinese_legend(built):
    overview = (built / "overview.html").read_text(encoding="utf-8")
    for tier, style in TIER_STYLE.items():
        assert overview.count(f'"tier": "{tier}"') == 1
        assert style["fillColor"] in overview
    assert TIER_STYLE["demonstration"]["weight"] > TIER_STYLE["general"]["weight"]
    for label in ("图例", "示范社区", "重点社区", "一般社区", "市领导包保道路", "区领导包保路段"):
        assert label in overview


def test_one_map_per_leader_with_a_safe_file_name(built):
    names = sorted(p.name for p in (built / "leaders").glob("*.html"))
    assert leader_filename("../evil") in names and leader_filename("C1") == "C1.html"
    assert "/" not in leader_filename("../evil") and ".." not in leader_filename("../evil")
    page = (built / "leaders" / "D1.html").read_text(encoding="utf-8")
    assert "<title>乙（区长） · 包保责任地图</title>" in page
    assert "乙社区" in page


def test_index_links_every_leader_map(built):
    index = (built / "index.html").read_text(encoding="utf-8")
    for path in (built / "leaders").glob("*.html"):
        assert f'href="leaders/{path.name}"' in index
    summary = json.loads((built / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["communities"]["by_tier"] == {"demonstration": 1, "key": 1, "general": 1}
