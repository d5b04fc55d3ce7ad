"""A section's ends in words on the maps and in the reports; a road's extent in roads.csv.

One small project, built in Chinese and in English. Every expected figure is
worked out by hand in the comments (fixture metres, `conftest.m`):

* 东西路 runs (0, 0)-(1000, 0). 甲街 crosses it at x = 0, 丁街<i> at x = 1000 (the
  ``<i>`` checks escaping), and the loop street 丙街 leaves it at x = 120 and comes
  back across it at x = 860. D1 holds 甲街..丙街 (the nearest crossing: 0-120 m,
  120 m), D2 holds 丙街..丁街<i> (860-1,000 m, 140 m), so 120-860 m (740 m) lies
  between 丙街's two crossings with no section leader.
* 北路 is drawn in two pieces, (0, 400)-(500, 400) and (600, 400)-(1000, 400), with
  100 m missing from the data: chainage runs 0 to 1,000 m (``extent_m``), the route
  is 900 m (``length_m``). The loop street 戊街 crosses it at x = 200 and x = 700;
  C1 holds 戊街..戊街, between the two crossings: 200-700 m, of which 500 - 200 = 300 m
  plus 700 - 600 = 100 m, 400 m, is present.
"""

import csv
import json
import re
from dataclasses import replace

import pytest

from conftest import LEADERS, line, make_project, square
from geo import Config, MapOptions, build, check

SAME_STREET_LABEL = "戊街（两处路口，200 米与 700 米）"


def _project(folder):
    roads = [
        {"name": "东西路", "geometry": line((0, 0), (1000, 0))},
        {"name": "甲街", "geometry": line((0, -100), (0, 100))},
        {"name": "丙街", "geometry": line((120, -100), (120, 100), (860, 100), (860, -100))},
        {"name": "丁街<i>", "geometry": line((1000, -100), (1000, 100))},
        {"name": "北路", "geometry": line((0, 400), (500, 400))},
        {"name": "北路", "geometry": line((600, 400), (1000, 400))},
        {"name": "戊街", "geometry": line((200, 300), (200, 500), (700, 500), (700, 300))},
    ]
    # One community over every road (pieces beyond the district's outline would be cut).
    communities = [{"id": "A", "name": "社区", "tier": "general", "geometry": square(-200, -300, 1200, 700)}]
    assignments = [
        {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "丙街"},
        {"leader": "D2", "kind": "section", "target": "东西路", "from": "丙街", "to": "丁街<i>"},
        {"leader": "C1", "kind": "section", "target": "北路", "from": "戊街", "to": "戊街"},
        {"leader": "S1", "kind": "community", "target": "A"},
    ]
    return make_project(folder, communities=communities, roads=roads, leaders=LEADERS, assignments=assignments)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return _project(tmp_path_factory.mktemp("labels") / "p")


@pytest.fixture(scope="module")
def built_zh(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("maps_zh")
    build(folder, out, Config())
    return out


@pytest.fixture(scope="module")
def built_en(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("maps_en")
    build(folder, out, replace(Config(), map=MapOptions(lang="en")))
    return out


def _tips(page: str) -> list[tuple]:
    """What the tooltip of each road or section a leader holds says: (road, ends, metres, level, who).

    The page carries these as text (``<script type="application/json">``); map.js writes them
    with textContent (its layout is checked in tests/test_browser.py).
    """
    text = re.search(r'<script type="application/json" id="geo-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in text  # the data cannot close its script element
    rows = []
    for layer in json.loads(text)["layers"]:
        props = {
            key: [column["k"][i] for i in column["i"]] if isinstance(column, dict) else column
            for key, column in layer["props"].items()
        }
        if "ends" in props:
            columns = [props[c] for c in ("road", "ends", "metres", "level_word", "who")]
            rows += list(zip(*columns))
    return rows


def _csv(path) -> list[dict[str, str]]:
    """A report's rows (UTF-8 with a BOM, as Excel in China reads it)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _leader_page(out, leader_id: str) -> str:
    return (out / "leaders" / f"{leader_id}.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- maps
def test_tooltips_word_a_street_to_itself_by_its_two_crossings(built_zh):
    page = (built_zh / "overview.html").read_text(encoding="utf-8")
    tips = _tips(page)
    assert ("北路", SAME_STREET_LABEL, 400, "市领导", "甲（副市长）") in tips
    assert ("东西路", "甲街 至 丙街", 120, "区领导", "乙（区长）") in tips
    # The street's name travels as text (map.js writes it with textContent), never as markup in the page.
    assert ("东西路", "丙街 至 丁街<i>", 140, "区领导", "丙（副区长）") in tips
    assert "丁街<i>" not in page
    assert not any("戊街 至 戊街" in t[1] for t in tips)


def test_leader_panels_show_the_same_ends(built_zh):
    # The panel is rendered from an autoescaped template: the ends are text.
    assert "<li>北路：戊街（两处路口，200 米与 700 米），400 米</li>" in _leader_page(built_zh, "C1")
    assert "<li>东西路：甲街 至 丙街，120 米</li>" in _leader_page(built_zh, "D1")
    d2 = _leader_page(built_zh, "D2")
    assert "<li>东西路：丙街 至 丁街&lt;i&gt;，140 米</li>" in d2
    assert "丁街<i>" not in d2


def test_english_maps_word_the_ends_in_english(built_en):
    tips = _tips((built_en / "overview.html").read_text(encoding="utf-8"))
    # English punctuation between our words and the data's (no full-width colons or brackets)
    assert ("北路", "戊街 (two crossings, at 200 m and 700 m)", 400, "City leaders", "甲 (副市长)") in tips
    assert ("东西路", "甲街 to 丙街", 120, "District leaders", "乙 (区长)") in tips
    assert "<li>北路: 戊街 (two crossings, at 200 m and 700 m), 400 m</li>" in _leader_page(built_en, "C1")
    assert "<li>东西路: 丙街 to 丁街&lt;i&gt;, 140 m</li>" in _leader_page(built_en, "D2")


# ----------------------------------------------------------------------------- reports
def test_sections_csv_has_the_label(built_zh):
    rows = {r["leader"]: r for r in _csv(built_zh / "reports" / "sections.csv")}
    assert list(rows["C1"])[:8] == ["leader", "level", "kind", "road", "from", "to", "label", "start_m"]
    assert rows["D1"]["label"] == "甲街 至 丙街"
    assert rows["D2"]["label"] == "丙街 至 丁街<i>"  # a CSV is plain text: not escaped
    assert rows["C1"]["label"] == SAME_STREET_LABEL
    assert rows["C1"]["how"] == "两处路口（200 米与 700 米）"
    assert (float(rows["C1"]["start_m"]), float(rows["C1"]["end_m"])) == pytest.approx((200.0, 700.0), abs=1e-3)
    assert float(rows["C1"]["length_m"]) == pytest.approx(400.0, abs=1e-3)


def test_sections_csv_says_the_ends_and_how_in_the_project_s_language(built_en):
    # The analysis holds codes (how_from, how_to: two_crossings, crossing); the report words them.
    rows = {r["leader"]: r for r in _csv(built_en / "reports" / "sections.csv")}
    assert (rows["C1"]["label"], rows["C1"]["how"]) == (
        "戊街 (two crossings, at 200 m and 700 m)",
        "two crossings (200 m and 700 m)",
    )
    assert (rows["D1"]["label"], rows["D1"]["how"]) == ("甲街 to 丙街", "crossing")


def test_roads_csv_has_the_extent_chainage_runs_along(built_zh):
    roads = {r["road"]: r for r in _csv(built_zh / "reports" / "roads.csv")}
    columns = list(roads["北路"])
    assert columns.index("extent_m") == columns.index("length_m") + 1
    # 北路: 100 m missing from the data; chainage bridges it.
    assert float(roads["北路"]["extent_m"]) == pytest.approx(1000.0, abs=1e-3)
    assert float(roads["北路"]["length_m"]) == pytest.approx(900.0, abs=1e-3)
    # Whole roads: the extent is the route. 丙街: 200 + 740 + 200 m.
    assert float(roads["东西路"]["extent_m"]) == pytest.approx(1000.0, abs=1e-3)
    assert float(roads["丙街"]["extent_m"]) == pytest.approx(1140.0, abs=1e-3)
    assert float(roads["丙街"]["length_m"]) == pytest.approx(1140.0, abs=1e-3)


def test_a_gap_between_one_streets_two_crossings_says_so(built_zh):
    gaps = [g for g in _csv(built_zh / "reports" / "gaps.csv") if g["kind"] == "section_gap"]
    by_place = {(g["target"], round(float(g["start_m"]))): g for g in gaps}
    between = by_place[("东西路", 120)]
    assert float(between["end_m"]) == pytest.approx(860.0, abs=1e-3)
    assert between["where"] == "120–860 m（丙街 的两处路口之间）"
    assert between["description"] == "东西路 120–860 米（丙街 的两处路口之间）无路段责任人，长 740 米"
    # Gaps between different places keep "a 至 b": 北路 0-200 m and 700-1,000 m, beside C1's section.
    assert by_place[("北路", 0)]["where"] == "0–200 m（起点 至 戊街）"
    assert by_place[("北路", 700)]["where"] == "700–1000 m（戊街 至 终点）"
    assert not any("丙街 至 丙街" in g["where"] + g["description"] for g in gaps)


def test_the_gap_wording_is_the_analysis_itself(folder):
    # `check` (no files written) gives the facts; `geo.report.worded_gaps` the same words the reports carry.
    from geo.report import worded_gaps

    analysis = check(folder, Config()).analysis
    gaps = worded_gaps(analysis)
    between = gaps[(gaps["kind"] == "section_gap") & (gaps["target"] == "东西路")].iloc[0]
    assert between["where"] == "120–860 m（丙街 的两处路口之间）"
    assert between["length_m"] == pytest.approx(740.0, abs=1e-3)
