"""Facts in, words out: the analysis holds facts, `geo.words` words them, and a check is one registry entry."""

from __future__ import annotations

import glob
import json
import re
import unicodedata

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from conftest import ROOT, m, write_geojson
from geo.checks import Check, register, unregister
from geo.cli import main
from geo.config import load_config
from geo.model import Gap
from geo.pipeline import check
from geo.resolve import HOW
from geo.words import _HOW, gap_words, how_words, kind_label, section_label, section_words

CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def _data_strings() -> list[str]:
    """Every text the demo's own files hold (as loading normalises it), longest first."""
    values: set[str] = set()
    for path in glob.glob(str(ROOT / "layers" / "*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        values |= set(frame.to_numpy().ravel())
    for path in glob.glob(str(ROOT / "layers" / "*.geojson")):
        frame = gpd.read_file(path).drop(columns="geometry")
        values |= {str(v) for v in frame.to_numpy().ravel()}
    values = {unicodedata.normalize("NFKC", v).strip() for v in values}
    return sorted((v for v in values if CJK.search(v)), key=len, reverse=True)


def test_english_build_carries_no_chinese_but_the_data(tmp_path):
    out = tmp_path / "en"
    assert main(["build", str(ROOT / "layers"), "--out", str(out), "--lang", "en", "-q"]) == 0
    data = _data_strings()
    files = [
        "overview.html",
        "gaps.html",
        "index.html",
        "leaders/D03.html",
        "leaders/C01.html",
        "reports/gaps.csv",
        "reports/sections.csv",
        "reports/summary.json",
        "reports/roads.csv",
        "reports/communities.csv",
        "reports/issues.csv",
    ]
    for name in files:
        text = (out / name).read_text(encoding="utf-8-sig")
        for value in data:
            text = text.replace(value, "")
        assert CJK.findall(text) == [], name
    gaps = pd.read_csv(out / "reports" / "gaps.csv")
    assert "kind_en" in gaps.columns and "kind_zh" not in gaps.columns
    assert "Section gap" in set(gaps["kind_en"])


def test_the_analysis_holds_facts_not_words(road_project):
    analysis = check(road_project, load_config(road_project)).analysis
    facts = analysis.gaps.drop(columns="geometry")
    text = " ".join(str(v) for v in facts.to_numpy().ravel())
    # the only Chinese is the data's: road and community names (leader ids are ASCII here)
    project = analysis.resolved.project
    assert set(CJK.findall(text)) <= set(project.roads["name"]) | set(project.communities["name"])
    [gap] = [g for g in analysis.gap_records if g.kind == "section_gap"]
    assert gap.ends == ("乙街", "丙街") and gap.owners == ("D1", "D2")


def _section_gap(**changes) -> Gap:
    facts = dict(
        kind="section_gap",
        target="红门路",
        name="红门路",
        geometry=None,
        owners=("D1",),
        length_m=200.0,
        start_m=300.0,
        end_m=500.0,
        ends=("乙街", "丙街"),
    )
    facts.update(changes)
    return Gap(**facts)


@pytest.mark.parametrize(
    "lang, description",
    [
        ("zh", "红门路 300–500 米（乙街 至 丙街）无路段责任人，长 200 米"),
        ("en", "红门路 300–500 m (乙街 to 丙街): no section leader, 200 m long"),
        # our words in Traditional characters, the data's names exactly as written
        ("zh-Hant", "红门路 300–500 米（乙街 至 丙街）無路段責任人，長 200 米"),
    ],
)
def test_one_gap_in_three_languages(lang, description):
    words = gap_words(_section_gap(), lang, {"D1": "乙"}.get)
    assert words.description == description
    assert words.suggested_owner == "乙"


def test_a_street_crossing_twice_is_said_plainly_in_every_language():
    gap = _section_gap(ends=("丙街", "丙街"))
    assert gap_words(gap, "zh").where == "300–500 m（丙街 的两处路口之间）"
    assert gap_words(gap, "en").where == "300–500 m (between the two crossings of 丙街)"


def _placed(how_from, how_to, off_from_m=0.0, off_to_m=0.0, start_m=120.0, end_m=860.0, **more):
    """A row of `Resolved.coverage` as `geo.resolve` writes it: codes and numbers."""
    return {
        "how_from": how_from,
        "how_to": how_to,
        "off_from_m": off_from_m,
        "off_to_m": off_to_m,
        "start_m": start_m,
        "end_m": end_m,
        **more,
    }


@pytest.mark.parametrize(
    "placed, zh, en, hant",
    [
        (_placed("crossing", "crossing"), "路口", "crossing", "路口"),
        (
            _placed("crossing", "near_crossing", off_to_m=3.24),
            "路口 / 近路口（相距 3.2 米）",
            "crossing / near a crossing (3.2 m off)",
            "路口 / 近路口（相距 3.2 米）",
        ),
        (_placed("metres", "crossing"), "米数 / 路口", "distance / crossing", "米數 / 路口"),
        (_placed("metres", "metres"), "米数", "distance", "米數"),
        (
            # two near misses of different distances: each said
            _placed("near_crossing", "near_crossing", 3.0, 12.8),
            "近路口（相距 3.0 米） / 近路口（相距 12.8 米）",
            "near a crossing (3.0 m off) / near a crossing (12.8 m off)",
            "近路口（相距 3.0 米） / 近路口（相距 12.8 米）",
        ),
        (
            # a street to itself: the chainages in order, whichever end is larger
            _placed("two_crossings", "two_crossings", start_m=860.0, end_m=120.0),
            "两处路口（120 米与 860 米）",
            "two crossings (120 m and 860 m)",
            "兩處路口（120 米與 860 米）",
        ),
        (_placed("whole_road", "whole_road", start_m=0.0, end_m=1000.0), "全路", "whole road", "全路"),
    ],
)
def test_how_a_section_end_was_placed_in_every_language(placed, zh, en, hant):
    assert (how_words(placed, "zh"), how_words(placed, "en"), how_words(placed, "zh-Hant")) == (zh, en, hant)


def test_every_code_resolve_writes_has_its_words():
    assert set(_HOW) == set(HOW)


def test_section_label_in_every_language():
    assert section_label("甲街", "乙街", 0.0, 300.0) == "甲街 至 乙街"
    assert section_label("7th Street", "7th Street", 860.0, 120.0) == "7th Street（两处路口，120 米与 860 米）"
    assert section_label("250", "700米", 250.0, 700.0) == "250 至 700米"
    assert section_label("7th Street", "7th Street", 120.0, 860.0, lang="en") == (
        "7th Street (two crossings, at 120 m and 860 m)"
    )
    assert section_label("A St", "B St", 0.0, 300.0, lang="en") == "A St to B St"
    # zh-Hant: our words in Traditional characters, the streets' names as written (丙街 has no other form;
    # 东西路 would be 東西路 if it were converted)
    assert section_label("丙街", "丙街", 120.0, 860.0, lang="zh-Hant") == "丙街（兩處路口，120 米與 860 米）"
    assert section_label("东西路", "乙街", 0.0, 300.0, lang="zh-Hant") == "东西路 至 乙街"


def test_section_words_says_a_placed_road_and_section_in_the_language_asked():
    coverage = pd.DataFrame(
        [
            _placed("whole_road", "whole_road", kind="road", start_m=0.0, end_m=1000.0, **{"from": "", "to": ""}),
            _placed("crossing", "metres", kind="section", start_m=300.0, end_m=700.0, **{"from": "甲街", "to": "700"}),
        ]
    )
    worded = section_words(coverage, "en")
    assert list(worded["label"]) == ["whole road", "甲街 to 700"]
    assert list(worded["how"]) == ["whole road", "crossing / distance"]
    assert list(section_words(coverage, "zh")["label"]) == ["全路", "甲街 至 700"]
    assert list(section_words(coverage, "zh-Hant")["how"]) == ["全路", "路口 / 米數"]
    assert "label" not in coverage.columns  # the facts are not changed


# ----------------------------------------------------------------------------- the registry
BIN = "bin_overflow"


def _bins(analysis) -> list[Gap]:
    """A check from outside: every open issue of category 垃圾桶满溢 is a gap of its own kind."""
    issues = analysis.issues
    mine = issues[(issues["category"] == "垃圾桶满溢") & (issues["state"] == "open")]
    return [Gap(BIN, i, i, g) for i, g in zip(mine["id"], mine.geometry)]


@pytest.fixture
def bin_check():
    register(
        Check(
            BIN,
            0,
            {"radius": 8, "color": "#000", "fillColor": "#f39c12", "fill": True, "fillOpacity": 1},
            labels={"zh": "垃圾桶满溢", "en": "Overflowing bin"},
            find=_bins,
        )
    )
    yield
    unregister(BIN)


def test_a_registered_check_reaches_summary_reports_and_the_gap_map(bin_check, road_project, tmp_path):
    issues = [
        {"id": f"B{k}", "state": "open", "category": "垃圾桶满溢", "geometry": shapely.Point(m(100 * k, 20))}
        for k in (1, 2)
    ] + [{"id": "X", "state": "open", "category": "其他", "geometry": shapely.Point(m(50, 20))}]
    write_geojson(road_project / "issues.geojson", issues)
    out = tmp_path / "maps"
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["gaps"]["by_kind"][BIN] == 2
    gaps = pd.read_csv(out / "reports" / "gaps.csv", dtype=str)
    bins = gaps[gaps["kind"] == BIN]
    assert sorted(bins["target"]) == ["B1", "B2"] and set(bins["kind_zh"]) == {"垃圾桶满溢"}
    page = (out / "gaps.html").read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="geo-data">(.*?)</script>', page, re.S).group(1)
    assert "垃圾桶满溢（2）" in [layer["name"] for layer in json.loads(data)["layers"]]  # its layer
    assert "<li>垃圾桶满溢：2</li>" in page  # the panel's count
    assert "</i>垃圾桶满溢</div>" in page  # the legend, its swatch drawn from the check's style
    assert kind_label(BIN, "en") == "Overflowing bin"


def test_without_the_entry_the_kind_is_gone(road_project, tmp_path):
    # The same project, the check not registered: the kind appears nowhere (no leftover state).
    out = tmp_path / "maps"
    assert main(["check", str(road_project), "--out", str(out), "-q"]) == 1
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert BIN not in summary["gaps"]["by_kind"]


def test_a_gap_of_an_unregistered_kind_is_a_bug_said_plainly(road_project):
    register(Check("stray", 0, {}, find=lambda analysis: [Gap("not_registered", "x", "x", shapely.Point(0, 0))]))
    try:
        with pytest.raises(ValueError, match="unregistered kind 'not_registered'"):
            check(road_project, load_config(road_project))
    finally:
        unregister("stray")


def test_traditional_interface_words_and_the_data_as_written(road_project, tmp_path):
    from geo._labels import labels

    assert labels("zh-Hant")["legend"] == "圖例" and labels("zh")["legend"] == "图例"
    out = tmp_path / "hant"
    assert main(["build", str(road_project), "--out", str(out), "--lang", "zh-Hant", "-q"]) == 0
    gaps = pd.read_csv(out / "reports" / "gaps.csv", dtype=str).set_index("kind")
    # our words in Traditional characters; the road's name (东西路, Simplified in the data) exactly as written
    assert gaps.at["section_gap", "kind_zh"] == "路段空白"
    assert gaps.at["section_gap", "description"] == "东西路 300–500 米（乙街 至 丙街）無路段責任人，長 200 米"
    assert "圖例" in (out / "overview.html").read_text(encoding="utf-8")
