"""The message catalogue (geo/messages.py): every message in zh, en and zh-Hant, the data as written.

The catalogue is checked whole (both languages, the same fields, a Traditional
form for every key, every key used and every use a key); the bad-input corpus
is run in English and in Traditional characters through the command line, and
the terminal and the ledger hold no Chinese but the data's own.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from test_bad_inputs import CASES, _base

from conftest import ROOT, make_road_project
from geo._main import language_in
from geo.cli import main
from geo.config import load_config
from geo.errors import ConfigError, Problem, ValidationError, grouped
from geo.ledger import problem_table
from geo.messages import CATALOGUE, LANGUAGES, fields, msg, render, seq, template
from geo.validate import _choices

CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
HAN = re.compile("[\u3400-\u9fff]")


# ----------------------------------------------------------------------------- the catalogue, whole
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_zh_and_en_with_the_same_fields_and_a_traditional_form(key):
    entry = CATALOGUE[key]
    assert set(entry) == {"zh", "en"}, key
    assert fields(key) == _fields(entry["en"]), key
    assert not CJK.search(entry["en"]), entry["en"]
    assert template(key, "zh-Hant") == _s2t(entry["zh"])
    # every language words it, whatever the fields hold
    message = msg(key, **{name: _Anything() for name in fields(key)})
    for lang in LANGUAGES:
        assert message.text(lang), (key, lang)


class _Anything:
    """A field's value that takes any format (``{n:,}``, ``{share:.0%}``): the template is what is tested."""

    def __format__(self, spec: str) -> str:
        return "x"


def test_a_template_converted_to_traditional_characters_differs_where_the_words_do():
    assert template("validate.no_such_road", "zh-Hant") == "道路圖層中沒有這個道路名稱"
    changed = [k for k in CATALOGUE if template(k, "zh-Hant") != CATALOGUE[k]["zh"]]
    assert len(changed) > len(CATALOGUE) / 2  # most of our words have a Traditional form


def _fields(text: str) -> frozenset[str]:
    import string

    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def _s2t(text: str) -> str:
    """OpenCC's s2t, then 核 for its old variant 覈 (geo.messages says 核實, 審核, as Taiwan and Hong Kong write)."""
    import opencc

    return opencc.OpenCC("s2t").convert(text).replace("覈", "核")


def test_traditional_says_he_shi_as_taiwan_and_hong_kong_write_it():
    assert template("reply.action.confirm", "zh-Hant") == "核實"
    assert "覈" not in template("resolve.section_outside_fix", "zh-Hant")


def _sources() -> list[Path]:
    """The package's modules, its subpackages' included."""
    paths = sorted((ROOT / "geo").rglob("*.py"))
    assert ROOT / "geo" / "printable" / "fonts.py" in paths
    return paths


def _msg_calls() -> list[tuple[str, ast.Call]]:
    """Every ``msg("key", ...)`` call in the package and its subpackages (`geo.printable`), with its file."""
    calls = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "msg" and node.args:
                calls.append((str(path.relative_to(ROOT / "geo")), node))
    return calls


def test_every_message_the_code_says_is_in_the_catalogue_with_its_fields():
    calls = _msg_calls()
    assert len(calls) > 150
    for file, call in calls:
        key = call.args[0]
        if not isinstance(key, ast.Constant):
            continue  # a key chosen among literals, each checked below as a used string
        assert key.value in CATALOGUE, (file, call.lineno, key.value)
        if all(k.arg is not None for k in call.keywords):  # no **kwargs: the fields are all here
            assert {k.arg for k in call.keywords} == fields(key.value), (file, call.lineno, key.value)


def test_every_key_of_the_catalogue_is_used():
    used = {"quote", "sep.list"}  # said by `render` and `seq` themselves (quoted lists, the default separator)
    for path in _sources():
        if path == ROOT / "geo" / "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CATALOGUE:
                used.add(node.value)
    assert sorted(set(CATALOGUE) - used) == []


def test_a_message_refuses_an_unknown_key_or_wrong_fields():
    with pytest.raises(KeyError):
        msg("no.such.key")
    with pytest.raises(TypeError, match="takes"):
        msg("validate.fill_in")
    with pytest.raises(TypeError, match="takes"):
        msg("validate.fill_in", column="x", extra=1)
    with pytest.raises(ValueError, match="unknown language"):
        msg("validate.blank").text("fr")


# ----------------------------------------------------------------------------- wording
def test_the_chinese_wording_is_todays():
    problem = Problem(
        "error",
        "leaders.csv",
        3,
        "级别",
        "省",
        msg("validate.unknown_value"),
        msg("validate.one_of", choices=_choices("level")),
    )
    assert str(problem) == (
        "leaders.csv 第 3 行，“级别”列：不是可识别的值（值：“省”）。"
        "修改：请填写以下之一：市（city）、区（district）、街道（street）、部门（department）"
    )
    assert problem.where() == "leaders.csv 第 3 行，“级别”列"
    assert msg("validate.duplicate_id").text() == "编号重复"
    assert str(msg("read.z_dropped", count=1)) == "已去掉 1 个要素的 Z 坐标（高程）"
    assert str(msg("scope.mostly_outside", what=msg("scope.road_length"), share=0.675)) == (
        "道路长度的 68% 位于辖区之外，未计入任何数字"
    )
    headers = seq(("类别", "等级", "tier"), quoted=True)
    assert str(msg("validate.missing_column_fix", headers=headers, column="tier", layer="communities")) == (
        "加一列，表头写 “类别”、“等级”、“tier”；或在 geo.toml [columns.communities] 中对应你的表头"
    )


def _wrong_types(n: int) -> list[Problem]:
    types = seq(("LineString", "MultiLineString"), sep="sep.or")
    return [
        Problem(
            "error",
            "roads.geojson",
            k,
            None,
            "Polygon",
            msg("validate.wrong_type", types=types),
            msg("validate.wrong_type_fix"),
            True,
            "feature",
        )
        for k in range(1, n + 1)
    ]


def test_problems_of_one_kind_are_grouped_in_every_language():
    problems = _wrong_types(4)
    assert grouped(problems) == [
        "roads.geojson：几何类型错误，应为 LineString 或 MultiLineString，该要素未使用"
        "（第 1、2、3 … 个要素，共 4 个要素；值如 “Polygon”）。修改：请按正确的几何类型导出该图层"
    ]
    assert grouped(problems, lang="en") == [
        "roads.geojson: wrong geometry type, should be LineString or MultiLineString; feature not used"
        " (features 1, 2, 3 …; 4 in all; values such as “Polygon”). Fix: export the layer with the right geometry type"
    ]


def test_grouping_keys_on_the_message_and_its_arguments():
    # One key with other arguments is another kind of problem; the same key and arguments, one kind.
    def repeated(row: int, first: int) -> Problem:
        return Problem(
            "warning", "roads.geojson", row, None, None, msg("validate.same_piece_feature", first=first), "", True
        )

    lines = grouped([repeated(2, 1), repeated(3, 1), repeated(5, 4)], lang="en")
    assert lines == [
        "roads.geojson: the same as feature 1 (same name, same line); not used (rows 2, 3; 2 in all)",
        "roads.geojson row 5: the same as feature 4 (same name, same line); not used",
    ]
    # the same kind whose fixes differ by row says so
    a = Problem("error", "leaders.csv", 2, "id", "A", msg("validate.duplicate_id"), msg("validate.fill_in", column="x"))
    b = Problem("error", "leaders.csv", 3, "id", "B", msg("validate.duplicate_id"), msg("validate.fill_in", column="y"))
    [line] = grouped([a, b], lang="en")
    assert line.endswith("Fix: fill in “x” (the fix differs by row: see the problem list)")


def test_the_data_is_never_converted_nor_read_as_a_template():
    value = "东西路 {{ 7*191 }} {0} {name}"
    message = msg("validate.one_road", spellings=seq(["红门路", "紅門路"], quoted=True), spelling=value)
    assert message.text("zh-Hant") == f"“红门路”、“紅門路” 視爲同一條道路，統一寫作“{value}”"
    assert message.text("en") == f"“红门路”, “紅門路” are taken as one road, spelt “{value}”"


def test_an_english_template_leaves_out_the_chinese_only_spellings():
    assert render(msg("validate.one_of", choices=_choices("tier")), "en") == "use one of: demonstration, key, general"
    assert render(msg("validate.one_of", choices=_choices("tier")), "zh") == (
        "请填写以下之一：示范（demonstration）、重点（key）、一般（general）"
    )


def test_a_problem_and_an_error_keep_their_chinese_str_and_word_themselves_in_english(tmp_path):
    (tmp_path / "geo.toml").write_text("[tolerance]\nsnap_m = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith("geo.toml：未知的设置项“tolerance”；是否应为“tolerances”？")
    assert caught.value.text("en").startswith("geo.toml: unknown setting “tolerance”; did you mean “tolerances”?")
    error = ValidationError(_wrong_types(2))
    assert str(error).startswith("输入数据有 2 处错误：\n  - roads.geojson：几何类型错误")
    assert error.text("en").startswith("Errors in the input (2):\n  - roads.geojson: wrong geometry type")


def test_the_ledger_words_severity_action_message_and_fix_in_the_language():
    [problem] = _wrong_types(1)
    zh = problem_table([problem]).iloc[0]
    assert (zh["severity"], zh["action"], zh["message"]) == (
        "错误",
        "该行未使用",
        "几何类型错误，应为 LineString 或 MultiLineString，该要素未使用",
    )
    en = problem_table([problem], "en").iloc[0]
    assert (en["severity"], en["action"], en["fix"]) == (
        "error",
        "row not used",
        "export the layer with the right geometry type",
    )
    assert list(problem_table([problem], "en").columns) == list(problem_table([problem]).columns)


@pytest.mark.parametrize(
    "argv, lang",
    [
        (["build", "--lang", "en"], "en"),
        (["check", "--lang=zh-Hant"], "zh-Hant"),
        (["build", "--lang"], "zh"),
        ([], "zh"),
    ],
)
def test_the_language_a_stop_is_said_in(argv, lang):
    assert language_in(argv) == lang


# ----------------------------------------------------------------------------- the bad-input corpus, through the CLI
def _strings(value) -> set[str]:
    if isinstance(value, dict):
        return {s for k, v in value.items() for s in {str(k)} | _strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v)}
    return {str(value)}


def _data_strings(folder: Path) -> list[str]:
    """Every text the project's own files hold (names, headers, values, layers), longest first."""
    values: set[str] = set()
    for path in folder.iterdir():
        values.add(path.name)
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
                values |= set(frame.columns) | set(frame.to_numpy().ravel())
            elif suffix in (".geojson", ".json"):
                values |= _strings([f.get("properties") for f in json.loads(path.read_text("utf-8"))["features"]])
            elif suffix in (".gpkg", ".shp"):
                for layer, _ in pyogrio.list_layers(path):
                    frame = gpd.read_file(path, layer=layer).drop(columns="geometry")
                    values |= {str(layer)} | set(frame.columns) | {str(v) for v in frame.to_numpy().ravel()}
            elif path.name == "geo.toml":
                values |= _strings(tomllib.loads(path.read_text("utf-8")))
        except (ValueError, KeyError, TypeError):
            values.add(path.read_text("utf-8", errors="replace"))  # unreadable as its format: all of it is data
    values = {unicodedata.normalize("NFKC", v).strip() for v in values}
    return sorted((v for v in values if CJK.search(v)), key=len, reverse=True)


def _run_case(case, tmp_path, capsys, lang: str, command: str = "check") -> tuple[str, list[str]]:
    """The corpus case run with ``--lang``: terminal and ledger.csv as one text, and the data's strings."""
    folder = _base(tmp_path / "p")
    case.mutate(folder)
    data = _data_strings(folder)
    out = tmp_path / "out"
    code = main([command, str(folder), "--out", str(out), "--lang", lang])
    captured = capsys.readouterr()
    assert code == case.code, captured.err
    text = captured.err + captured.out
    ledger = (tmp_path / "out-problems" if code == 2 else out / "reports") / "ledger.csv"
    if ledger.exists():
        text += ledger.read_text(encoding="utf-8-sig")
    return text, data


def _without(text: str, data: list[str]) -> str:
    for value in data:
        text = text.replace(value, "")
    return text


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_corpus_in_english_holds_no_chinese_but_the_data(case, tmp_path, capsys):
    text, data = _run_case(case, tmp_path, capsys, "en")
    assert "Traceback" not in text
    assert CJK.findall(_without(text, data)) == [], text


def test_the_english_corpus_says_what_the_chinese_one_does(tmp_path, capsys):
    [case] = [c for c in CASES if c.id == "assignments-unknown-road"]
    text, _ = _run_case(case, tmp_path, capsys, "en")
    assert (
        "assignments.csv row 2, column “target”: no road in the roads layer has this name (value “东西”). "
        "Fix: did you mean 东西路?"
    ) in text
    assert "Errors in the input (1):" in text and "No maps were made. Errors in the input (1):" in text
    assert "error,assignments.csv,2,,target,东西,row not used,no road in the roads layer has this name" in text


@pytest.mark.parametrize("case_id", ["assignments-unknown-road", "communities-duplicate-id", "roads-all-polygons"])
def test_the_corpus_in_traditional_characters_keeps_the_data_simplified(case_id, tmp_path, capsys):
    [case] = [c for c in CASES if c.id == case_id]
    text, data = _run_case(case, tmp_path, capsys, "zh-Hant")
    assert "輸入數據有誤，未生成地圖。" in text and "输入数据有误" not in text
    ours = _without(text, data)
    assert HAN.search(ours)  # our words are there, in Traditional characters: none is Simplified only
    assert _s2t(ours) == ours
    if case_id == "assignments-unknown-road":
        assert (
            "assignments.csv 第 2 行，“target”列：道路圖層中沒有這個道路名稱（值：“东西”）。修改：是否應爲 东西路？"
            in text
        )


def test_build_and_validate_word_the_problem_list_in_english(tmp_path, capsys):
    [case] = [c for c in CASES if c.id == "leaders-bad-level"]
    folder = _base(tmp_path / "p")
    case.mutate(folder)
    assert main(["build", str(folder), "--out", str(tmp_path / "maps"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "leaders.csv row 2 (C1 甲), column “level”: not a value geo knows (value “省”)" in err
    ledger = pd.read_csv(tmp_path / "maps-problems" / "ledger.csv", dtype=str)
    assert ledger.at[0, "fix"] == "use one of: city, district, street, department"
    assert main(["validate", str(folder), "--out", str(tmp_path / "list"), "--lang", "en"]) == 2
    assert "Every problem is listed in" in capsys.readouterr().err
    assert pd.read_csv(tmp_path / "list" / "ledger.csv", dtype=str).at[0, "severity"] == "error"


def test_geo_toml_sets_the_language_of_the_terminal_and_the_ledger(tmp_path, capsys):
    folder = make_road_project(tmp_path / "p")
    (folder / "geo.toml").write_text('[map]\nlang = "en"\n', encoding="utf-8")
    (folder / "leaders.csv").write_text("id,name,level\nC1,甲,省\n", encoding="utf-8")
    assert main(["check", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "not a value geo knows" in err and "不是可识别的值" not in err
    # the command line wins over geo.toml
    assert main(["check", str(folder), "--out", str(tmp_path / "out"), "--lang", "zh"]) == 2
    assert "不是可识别的值" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_good_english_run_writes_an_english_ledger(command, tmp_path, capsys):
    [case] = [c for c in CASES if c.id == "assignments-duplicate-row"]
    folder = _base(tmp_path / "p")
    case.mutate(folder)
    assert main([command, str(folder), "--out", str(tmp_path / "out"), "--lang", "en", "-q"]) == case.code
    table = pd.read_csv(tmp_path / "out" / "reports" / "ledger.csv", dtype=str, keep_default_na=False)
    assert list(table[["severity", "row", "action", "message"]].iloc[0]) == [
        "warning",
        "6",
        "row not used",
        "repeats an earlier assignment; not used",
    ]
