"""Words that fit the district: its word for a community (unit_word), Traditional characters when its names are."""

from __future__ import annotations

import json
import re

import pytest

from conftest import LEADERS, line, make_project, square
from geo.cli import main
from geo.words import choose_language, written_in_traditional


def _project(folder, names, roads):
    communities = [
        {
            "id": f"v{k}",
            "name": n,
            "tier": "demonstration" if k == 0 else "general",
            "geometry": square(400 * k, 0, 400 * k + 400, 400),
        }
        for k, n in enumerate(names)
    ]
    return make_project(
        folder,
        communities=communities,
        roads=[
            {"name": r, "geometry": line((0, 200 + 50 * k), (400 * len(names), 200 + 50 * k))}
            for k, r in enumerate(roads)
        ],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "v0"}],
    )


@pytest.mark.parametrize(
    "names, traditional",
    [
        (["中山里", "大同區", "龍潭村"], True),  # 區 and 龍 are Traditional; 中山里 says nothing either way
        (["中山里", "大同区", "龙潭村"], False),  # Simplified
        (["中山里", "大同"], False),  # nothing telling: stay with Simplified
        (["龍潭村"] * 1 + [f"第{k}鄰" for k in range(30)] + ["东区"], True),  # one Simplified name in 32 telling ones
        (["龍潭村", "东区"], False),  # one in two is Simplified: not a Traditional district
    ],
)
def test_a_district_is_traditional_when_its_telling_names_are(names, traditional):
    assert written_in_traditional(names) is traditional


def test_a_language_given_is_kept_and_the_choice_is_said():
    assert choose_language(["龍潭村"], "zh", given=True) == ("zh", "given")
    assert choose_language(["龍潭村"], "zh", given=False) == ("zh-Hant", "auto")
    assert choose_language(["龙潭村"], "zh", given=False) == ("zh", "default")
    assert choose_language(["龍潭村"], "en", given=False) == ("en", "default")


def _legend(page: str) -> str:
    return re.search(r'<div class="geo-box geo-legend.*?</div></div>', page, re.S).group(0)


def test_traditional_names_give_traditional_maps_unless_a_language_is_given(tmp_path, capsys):
    folder = _project(tmp_path / "p", ["龍潭里", "大同里"], ["中正路", "民權東路"])
    out = tmp_path / "auto"
    assert main(["build", str(folder), "--out", str(out)]) == 0
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["language"] == {"lang": "zh-Hant", "chosen": "auto"}
    assert "繁体中文" in capsys.readouterr().out.replace("繁體", "繁体")  # the terminal says why
    legend = _legend((out / "overview.html").read_text(encoding="utf-8"))
    assert "圖例" in legend and "示範社區" in legend
    assert 'lang="zh-Hant"' in (out / "index.html").read_text(encoding="utf-8")
    out = tmp_path / "zh"
    assert main(["build", str(folder), "--out", str(out), "-q", "--lang", "zh"]) == 0
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["language"] == {"lang": "zh", "chosen": "given"}
    assert "图例" in _legend((out / "overview.html").read_text(encoding="utf-8"))


def test_simplified_names_keep_simplified_maps(tmp_path):
    folder = _project(tmp_path / "p", ["红门路社区", "龙潭村"], ["红门路"])
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["language"] == {"lang": "zh", "chosen": "default"}


def test_unit_word_replaces_community_in_our_words_not_in_the_data(tmp_path):
    folder = _project(tmp_path / "p", ["红门路社区", "龙潭村"], ["红门路"])
    (folder / "geo.toml").write_text('[map]\nunit_word = "村"\n', encoding="utf-8")
    out = tmp_path / "maps"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 0
    page = (out / "overview.html").read_text(encoding="utf-8")
    legend = _legend(page)
    assert "示范村" in legend and "一般村" in legend and "社区" not in legend
    assert "红门路社区" in page  # a name from the data, as written
    gaps = (out / "gaps.html").read_text(encoding="utf-8")
    assert "村无责任人" in gaps and "社区无责任人" not in gaps  # the gap kind, in the panel and the layer
    assert "社区" not in re.sub("红门路社区", "", (out / "index.html").read_text(encoding="utf-8"))
