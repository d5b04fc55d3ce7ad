"""Real office files at the door (contract v3): the shapes in which a district hands its files over.

A village layer as the survey bureau publishes it (VILLCODE, VILLNAME, TOWNNAME, no tier), the
demonstration and key communities as a short list in Excel, ids a spreadsheet stripped of their
zeros, a hotline export without a state column … Every expected value is worked out by hand.
"""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
import shapely

from conftest import LEADERS, line, m, square, to_wgs, write_csv
from geo import check, load_config, load_project, validate_project
from geo.errors import ValidationError
from geo.validate import DateError, parse_date

# Three villages side by side, 400 m wide, as a village layer comes: the bureau's code and name,
# the township, and an `id` column that is there but empty (an export's object id left blank).
VILLAGES = [
    {"id": "", "VILLCODE": "6500100-001", "VILLNAME": "大安里", "TOWNNAME": "東區", "x": 0},
    {"id": "", "VILLCODE": "6500100-002", "VILLNAME": "光明里", "TOWNNAME": "東區", "x": 400},
    {"id": "", "VILLCODE": "6500100-003", "VILLNAME": "中正里", "TOWNNAME": "西區", "x": 800},
]


def _geojson(path, rows, geometry):
    features = [
        {
            "type": "Feature",
            "properties": {k: v for k, v in row.items() if k != "x"},
            "geometry": json.loads(json.dumps(geometry(row).__geo_interface__)),
        }
        for row in rows
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")


def _village_project(folder, villages=VILLAGES, toml: str | None = None):
    """Three villages, one road across them, leaders and assignments by the villages' names."""
    folder.mkdir(parents=True, exist_ok=True)
    _geojson(folder / "communities.geojson", villages, lambda r: to_wgs(square(r["x"], 0, r["x"] + 400, 400)))
    _geojson(folder / "roads.geojson", [{"name": "中山路", "x": 0}], lambda r: to_wgs(line((0, 200), (1200, 200))))
    write_csv(folder / "leaders.csv", LEADERS)
    write_csv(
        folder / "assignments.csv",
        [
            {"leader": "C1", "kind": "包路", "target": "中山路"},
            {"leader": "D1", "kind": "包社区", "target": "大安里"},
            {"leader": "S1", "kind": "包社区", "target": "光明里"},
            {"leader": "S1", "kind": "包社区", "target": "中正里"},
        ],
    )
    (folder / "geo.toml").write_text(
        toml
        if toml is not None
        else '[columns.communities]\nid = "VILLCODE"\nname = "VILLNAME"\nstreet = "TOWNNAME"\n',
        encoding="utf-8",
    )
    return folder


def _validated(folder):
    layers, problems = load_project(folder, load_config(folder))
    return validate_project(layers, problems)


def _texts(problems, severity=None) -> list[str]:
    return [str(p) for p in problems if severity is None or p.severity == severity]


def _tier_sheet(path, rows, title: str | None = "沙市區示範及重點社區名單"):
    """The short list as an office types it: a title row above Traditional headers."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(["社區", "類別"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)


# --- item 2: a header geo.toml names wins over a column carrying the contract's name -------------


def test_a_configured_id_wins_over_an_empty_id_column(tmp_path):
    project, problems = _validated(_village_project(tmp_path / "p"))
    assert project.communities["id"].tolist() == ["6500100-001", "6500100-002", "6500100-003"]
    assert project.communities["name"].tolist() == ["大安里", "光明里", "中正里"]
    assert project.communities["street"].tolist() == ["東區", "東區", "西區"]
    notes = _texts(problems, "note")
    assert any("geo.toml 指定“VILLCODE”列作 id，同名的“id”列未使用" in n for n in notes), notes
    assert not [p for p in problems if p.severity == "error"]


def test_without_the_mapping_the_contract_column_is_used(tmp_path):
    """The same file with no geo.toml: the empty `id` column is the id column, and each row says so."""
    folder = _village_project(tmp_path / "p", toml="")
    _project, problems = _validated(folder)
    assert not any("同名" in t for t in _texts(problems))
    # every village is kept, each under its feature number, and named by its own name
    assert _project.communities["id"].tolist() == ["#1", "#2", "#3"]


# --- item 1: tiers from a list -------------------------------------------------------------------


def test_no_tier_anywhere_makes_every_community_general_with_one_note(tmp_path):
    project, problems = _validated(_village_project(tmp_path / "p"))
    assert project.communities["tier"].tolist() == ["general"] * 3
    notes = [t for t in _texts(problems, "note") if "社区类别" in t]
    assert notes == [
        "communities.geojson：没有社区类别（既无“类别”列，也无 tiers 类别名单）：3 个社区全部按一般社区计。"
        "修改：在项目文件夹中加一个 tiers 表（列：社区、类别），列出示范社区和重点社区"
    ]


def test_a_tier_list_in_excel_by_name_and_by_id(tmp_path):
    folder = _village_project(tmp_path / "p")
    _tier_sheet(folder / "tiers.xlsx", [("大安里", "示範"), ("6500100-003", "重點社區")])
    project, problems = _validated(folder)
    assert project.communities["tier"].tolist() == ["demonstration", "general", "key"]
    assert not [p for p in problems if p.severity in ("error", "warning")], _texts(problems)
    assert project.tiers["community"].tolist() == ["6500100-001", "6500100-003"]


def test_the_list_wins_over_the_layer_with_a_note_per_disagreement(tmp_path):
    villages = [dict(v, 類別=t) for v, t in zip(VILLAGES, ["重点", "一般", "示范"])]
    folder = _village_project(tmp_path / "p", villages)
    # 大安里: the list says demonstration, the layer key -> a note; 光明里: unlisted and general in the
    # layer -> agreed, no note; 中正里: the layer says demonstration, the list leaves it out -> general, a note
    _tier_sheet(folder / "tiers.xlsx", [("大安里", "示范")])
    project, problems = _validated(folder)
    assert project.communities["tier"].tolist() == ["demonstration", "general", "general"]
    notes = [t for t in _texts(problems, "note") if "不同，按 tiers.xlsx" in t]
    assert notes == [
        "communities.geojson 第 1 个要素（6500100-001 大安里），“類別”列："
        "与 tiers.xlsx 不同，按 tiers.xlsx 的“示范（demonstration）”计"
        "（值：“重点（key）”）",
        "communities.geojson 第 3 个要素（6500100-003 中正里），“類別”列："
        "与 tiers.xlsx 不同，按 tiers.xlsx 的“一般（general）”计"
        "（值：“示范（demonstration）”）",
    ]


def test_a_tier_list_row_that_names_nothing_is_an_error_with_a_suggestion(tmp_path):
    folder = _village_project(tmp_path / "p")
    _tier_sheet(folder / "tiers.xlsx", [("大安", "示范"), ("光明里", "特级")], title=None)
    _project, problems = _validated(folder)
    errors = _texts(problems, "error")
    assert any("tiers.xlsx 第 2 行，“社區”列" in e and "大安里" in e for e in errors), errors
    assert any("tiers.xlsx 第 3 行，“類別”列：不是可识别的值" in e for e in errors), errors


def test_a_community_listed_twice(tmp_path):
    folder = _village_project(tmp_path / "p")
    _tier_sheet(folder / "tiers.xlsx", [("大安里", "示范"), ("大安里", "示范"), ("光明里", "重点"), ("光明里", "示范")])
    project, problems = _validated(folder)
    texts = _texts(problems)
    assert any(t.startswith("tiers.xlsx 第 4 行") and "已在第 3 行列出，类别相同" in t for t in texts), texts
    assert any(t.startswith("tiers.xlsx 第 6 行") and "已在第 5 行列出，类别不同" in t for t in texts), texts
    assert [p.severity for p in problems if p.file == "tiers.xlsx" and p.row] == ["warning", "error"]
    assert [p.value for p in problems if p.file == "tiers.xlsx" and p.row] == ["大安里", "光明里"]


def test_the_tier_list_reaches_the_check_without_a_district_leader(tmp_path):
    """A key community led only by a street leader is a gap once the list names it key."""
    folder = _village_project(tmp_path / "p")
    before = check(folder, load_config(folder)).analysis
    assert "no_district_leader" not in set(before.gaps["kind"])
    _tier_sheet(folder / "tiers.xlsx", [("光明里", "重点")])
    after = check(folder, load_config(folder)).analysis
    gaps = after.gaps[after.gaps["kind"] == "no_district_leader"]
    assert gaps["target"].tolist() == ["6500100-002"]


def test_the_ledger_counts_the_tier_list(tmp_path):
    folder = _village_project(tmp_path / "p")
    _tier_sheet(folder / "tiers.xlsx", [("大安里", "示范"), ("无此里", "重点")])
    with pytest.raises(ValidationError) as err:
        check(folder, load_config(folder))
    (entry,) = [e for e in err.value.ledger if e.file == "tiers.xlsx"]
    assert (entry.read, entry.used, entry.rejected, entry.lost) == (2, 1, 1, 0)


# --- item 5: matching as a clerk would ------------------------------------------------------------

POSTAL = [
    {"id": "00120", "name": "Punavuori", "x": 0},
    {"id": "00130", "name": "Kaartinkaupunki", "x": 400},
    {"id": "99120", "name": "Kakslauttanen", "x": 800},
]


def _postal_project(folder, assignments, roads=("Hammond St", "Chapin St", "H ST")):
    """Postal areas with zero-led codes and streets in English, as a European city's files come."""
    folder.mkdir(parents=True, exist_ok=True)
    _geojson(folder / "communities.geojson", POSTAL, lambda r: to_wgs(square(r["x"], 0, r["x"] + 400, 400)))
    pieces = [{"name": name, "x": 100 * n} for n, name in enumerate(roads)]
    _geojson(folder / "roads.geojson", pieces, lambda r: to_wgs(line((r["x"] + 50, 0), (r["x"] + 50, 400))))
    write_csv(folder / "leaders.csv", LEADERS)
    write_csv(folder / "assignments.csv", assignments, ["leader", "kind", "target", "from", "to", "role"])
    return folder


def test_an_id_a_spreadsheet_stripped_of_its_zeros_matches_with_a_warning_naming_both(tmp_path):
    folder = _postal_project(
        tmp_path / "p",
        [
            {"leader": "S1", "kind": "community", "target": "120"},
            {"leader": "S1", "kind": "community", "target": "00130"},
            {"leader": "D1", "kind": "community", "target": "99120"},
        ],
    )
    project, problems = _validated(folder)
    assert project.assignments["target"].tolist() == ["00120", "00130", "99120"]
    warnings = _texts(problems, "warning")
    assert warnings == [
        "assignments.csv 第 2 行，“target”列：与数据中的“00120”写法不同（空格或数字前的 0），按“00120”匹配"
        "（值：“120”）。修改：统一两个文件中的写法（电子表格会去掉编号前的 0：把该列设为文本）"
    ]


def test_spaces_between_cjk_and_digits_do_not_matter(tmp_path):
    folder = _village_project(tmp_path / "p")
    _geojson(
        folder / "roads.geojson",
        [{"name": "友愛街 251巷", "x": 0}, {"name": "中山路", "x": 0}],
        lambda r: to_wgs(line((0, 200), (1200, 200))),
    )
    write_csv(
        folder / "assignments.csv",
        [
            {"leader": "C1", "kind": "包路", "target": "友愛街251巷"},
            {"leader": "D1", "kind": "包社区", "target": "大安里"},
        ],
    )
    project, problems = _validated(folder)
    assert project.assignments["target"].tolist() == ["友愛街 251巷", "6500100-001"]
    assert [p.value for p in problems if p.severity == "warning"] == ["友愛街251巷"]


def test_a_near_miss_suggests_the_nearest_spellings_first(tmp_path):
    folder = _postal_project(
        tmp_path / "p",
        [
            {"leader": "C1", "kind": "road", "target": "Hammon St"},
            {"leader": "S1", "kind": "community", "target": "0012"},
        ],
    )
    _project, problems = _validated(folder)
    errors = {p.value: str(p.fix) for p in problems if p.severity == "error"}
    # Hammon St -> hammonst (8 letters): Hammond St is 1 edit away (insert d); Chapin St 4 (c-h-a-p-i-n-s-t:
    # 4 of 8, just half); H ST 5 (delete a m m o n), more than half of 8: no suggestion
    assert errors["Hammon St"] == "是否应为 Hammond St / Chapin St？"
    # 0012 -> 12: 00120 (120) is 1 edit away; 00130 (130) 2, 99120 3: more than half of 3
    assert errors["0012"] == "是否应为 00120？"


# --- item 6: issue state optional, ROC dates -----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("104/9/30", date(2015, 9, 30)),
        ("104-09-30", date(2015, 9, 30)),
        ("104.9.30", date(2015, 9, 30)),
        ("民國104年9月30日", date(2015, 9, 30)),
        ("民国 99 年 1 月 2 日", date(2010, 1, 2)),
        ("民國1年1月1日", date(1912, 1, 1)),
        ("112/02/28 14:30", date(2023, 2, 28)),
    ],
)
def test_dates_of_the_republic_of_china_calendar(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["104/2/30", "99/9/30"])
def test_roc_dates_that_are_no_dates(typed):
    """2015-02-30 does not exist; a two-digit year without 民國 is not read as one."""
    with pytest.raises(DateError):
        parse_date(typed)


def test_a_hotline_export_without_state_counts_every_issue_open(tmp_path):
    folder = _village_project(tmp_path / "p")
    write_csv(
        folder / "issues.csv",
        [
            {"案件編號": "1130001", "反映日期": "113/1/5", "經度": "", "緯度": "", "类别": "路燈"},
            {"案件編號": "1130002", "反映日期": "民國113年1月6日", "經度": "", "緯度": "", "类别": "垃圾"},
        ],
    )
    # place the two cases in 大安里 and 中正里 (fixture metres -> degrees)
    rows = (folder / "issues.csv").read_text("utf-8").splitlines()
    for n, (x, y) in enumerate([(200, 100), (1000, 300)], start=1):
        point = to_wgs(shapely.Point(m(x, y)))
        rows[n] = rows[n].replace(",,,", f",{point.x:.7f},{point.y:.7f},")
    (folder / "issues.csv").write_text("\n".join(rows) + "\n", "utf-8")
    (folder / "geo.toml").write_text(
        (folder / "geo.toml").read_text("utf-8") + '[columns.issues]\nid = "案件編號"\n', "utf-8"
    )
    project, problems = _validated(folder)
    assert project.issues["state"].tolist() == ["open", "open"]
    assert project.issues["reported"].tolist() == [date(2024, 1, 5), date(2024, 1, 6)]
    assert project.issues["due"].tolist() == [None, None]  # no due column: no date, not NaN
    assert "issues.csv：没有状态列：2 个问题点全部按未整改计" in _texts(problems, "note")
    assert not [p for p in problems if p.severity in ("error", "warning")], _texts(problems)


# --- item 3: encodings as offices have them ------------------------------------------------------


def test_big5_with_a_hong_kong_character_is_read_as_big5_hkscs(tmp_path):
    """塩 is in Big5-HKSCS only: cp950 cannot decode the file, and GBK decodes it into nonsense."""
    folder = _village_project(tmp_path / "p")
    text = "編號,姓名,職務,級別\nC1,甲,副市長,市\nD1,乙,區長,區\nS1,塩埕里長,里長,街道\n"
    data = text.encode("big5hkscs")
    with pytest.raises(UnicodeDecodeError):
        data.decode("cp950")
    data.decode("gb18030")  # decodes, wrongly: why the guess must weigh what it reads
    (folder / "leaders.csv").write_bytes(data)
    project, problems = _validated(folder)
    assert project.leaders["name"].tolist() == ["甲", "乙", "塩埕里長"]
    assert project.leaders["level"].tolist() == ["city", "district", "street"]
    assert "leaders.csv：按 Big5-HKSCS（香港增补字符集）编码读取" in _texts(problems, "note")


def test_headers_that_mean_nothing_name_the_encoding_tried_and_the_others(tmp_path):
    folder = _village_project(tmp_path / "p")
    (folder / "leaders.csv").write_bytes("人员代号,人员姓名,岗位\nC1,甲,副市长\n".encode("gbk"))
    _project, problems = _validated(folder)
    (hint,) = [t for t in _texts(problems, "warning") if "编码读取" in t]
    assert hint == (
        "leaders.csv：文件按 GBK 编码读取，表头为 “人员代号”、“人员姓名”、“岗位”；如表头是乱码，"
        "文件可能是 Big5 或 Big5-HKSCS 或 UTF-8 编码：请用 Excel 另存为“CSV UTF-8”"
    )


# --- item 7: say which record ---------------------------------------------------------------------


def test_messages_about_features_name_the_record(tmp_path):
    villages = [dict(v) for v in VILLAGES]
    villages[1]["VILLNAME"] = ""  # 光明里 lost its name in the export
    folder = _village_project(tmp_path / "p", villages)
    _project, problems = _validated(folder)
    (warning,) = _texts(problems, "warning")
    assert warning.startswith("communities.geojson 第 2 个要素（6500100-002），“VILLNAME”列：没有名称")


def test_grouped_lines_name_each_record_shown(tmp_path):
    folder = _village_project(tmp_path / "p")
    write_csv(
        folder / "leaders.csv",
        [dict(x, level="省") for x in LEADERS[:2]] + LEADERS[2:],
    )
    with pytest.raises(ValidationError) as err:
        check(folder, load_config(folder))
    assert "leaders.csv，“level”列：不是可识别的值（第 2（C1 甲）、3（D1 乙） 行，共 2 行" in str(err.value)


def test_the_ledger_has_the_record(tmp_path):
    from geo.ledger import problem_table

    villages = [dict(v) for v in VILLAGES]
    villages[2]["VILLNAME"] = ""
    _project, problems = _validated(_village_project(tmp_path / "p", villages))
    table = problem_table(problems)
    assert table.loc[table["row"] == 3, "record"].tolist() == ["6500100-003"]


def test_a_header_cell_merged_over_two_columns_is_named(tmp_path):
    """B1:C1 merged over 姓名 and the titles under C: the titles have no header of their own."""
    folder = _village_project(tmp_path / "p")
    (folder / "leaders.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编号", "姓名", None, "级别"])
    sheet.merge_cells("B1:C1")
    for leader in LEADERS:
        sheet.append([leader["id"], leader["name"], leader["title"], leader["level"]])
    book.save(folder / "leaders.xlsx")
    _project, problems = _validated(folder)
    assert _texts(problems, "warning") == [
        "leaders.xlsx：C1 单元格没有表头（与“姓名”合并的单元格？），其下一列未读入（值如 “副市长”、“区长”、“副区长”）。"
        "修改：取消表头的合并单元格，为该列写上表头（如“职务”）"
    ]


# --- item 6: several files for one layer ----------------------------------------------------------


def test_two_road_files_read_as_one_layer(tmp_path):
    """A wide-road file and a lane file of one city: a section of the wide road ends at a lane."""
    import geopandas as gpd

    folder = _village_project(tmp_path / "p")
    (folder / "roads.geojson").unlink()
    wide = gpd.GeoDataFrame(
        {"道路名称": ["中山路", "中山路"]},
        geometry=[to_wgs(line((0, 200), (600, 200))), to_wgs(line((600, 200), (1200, 200)))],
        crs=4326,
    )
    wide.to_file(folder / "城区道路.gpkg")
    lanes = gpd.GeoDataFrame(
        {"name": ["一巷", "二巷", "断巷"]},
        geometry=[
            to_wgs(line((300, 0), (300, 400))),
            to_wgs(line((900, 0), (900, 400))),
            shapely.LineString([(121.5, 25.0), (121.5, 25.0)]),  # one repeated point: no length
        ],
        crs=4326,
    )
    lanes.to_file(folder / "lanes.geojson", driver="GeoJSON")
    (folder / "geo.toml").write_text(
        (folder / "geo.toml").read_text("utf-8") + '[files]\nroads = ["城区道路.gpkg", "lanes.geojson"]\n', "utf-8"
    )
    write_csv(
        folder / "assignments.csv",
        [
            {"leader": "D1", "kind": "路段", "target": "中山路", "from": "一巷", "to": "二巷"},
            {"leader": "S1", "kind": "包社区", "target": "大安里"},
        ],
        ["leader", "kind", "target", "from", "to"],
    )
    result = check(folder, load_config(folder))
    project = result.analysis.resolved.project
    assert sorted(set(project.roads["name"])) == ["一巷", "中山路", "二巷"]
    placed = result.analysis.resolved.coverage
    placed = placed[placed["kind"] == "section"]
    assert placed[["start_m", "end_m"]].round(1).values.tolist() == [[300.0, 900.0]]
    # the degenerate lane is named in its own file, by its own feature number (3) and name
    (bad,) = [p for p in result.problems if p.rejected]
    assert (bad.file, bad.row, bad.record) == ("lanes.geojson", 3, "断巷")
    ledger = {e.file: (e.read, e.used, e.rejected, e.lost) for e in result.ledger if e.layer == "roads"}
    assert ledger == {"城区道路.gpkg": (2, 2, 0, 0), "lanes.geojson": (3, 2, 1, 0)}


# --- item 4: rows, not files, carry faults --------------------------------------------------------


def test_neighbourhoods_without_a_name_are_kept_and_each_named_once(tmp_path):
    """A US city's neighbourhoods: a name column that is also the id, three of them blank."""
    hoods = [{"NBHD_NAME": name, "x": 400 * n} for n, name in enumerate(["Elmwood", "", "", "", "Ridge"])]
    folder = _village_project(tmp_path / "p", hoods, toml='[columns.communities]\nname = "NBHD_NAME"\n')
    write_csv(
        folder / "assignments.csv",
        [
            {"leader": "S1", "kind": "community", "target": "Elmwood"},
            {"leader": "S1", "kind": "community", "target": "Ridge"},
        ],
    )
    result = check(folder, load_config(folder))
    project = result.analysis.resolved.project
    assert project.communities["id"].tolist() == ["Elmwood", "#2", "#3", "#4", "Ridge"]
    warnings = [p for p in result.problems if p.severity == "warning"]
    assert [(p.row, str(p.message)) for p in warnings] == [
        (2, "既没有编号也没有名称：以“#2”代替"),
        (3, "既没有编号也没有名称：以“#3”代替"),
        (4, "既没有编号也没有名称：以“#4”代替"),
    ]
    (entry,) = [e for e in result.ledger if e.layer == "communities"]
    assert (entry.read, entry.used, entry.rejected) == (5, 5, 0)


def test_sections_from_two_assignment_files_name_their_own_file_and_row(tmp_path):
    """The district's and a street's lists: sections.csv gives each row as its own file numbers it."""
    from geo.report import section_table

    folder = _village_project(tmp_path / "p")
    write_csv(
        folder / "区领导.csv",
        [{"leader": "S1", "kind": "包社区", "target": "大安里"}, {"leader": "D1", "kind": "包路", "target": "中山路"}],
        ["leader", "kind", "target", "from", "to"],
    )
    write_csv(folder / "街道.csv", [{"leader": "S1", "kind": "包路", "target": "中山路"}], ["leader", "kind", "target"])
    (folder / "assignments.csv").unlink()
    (folder / "geo.toml").write_text(
        (folder / "geo.toml").read_text("utf-8") + '[files]\nassignments = ["区领导.csv", "街道.csv"]\n', "utf-8"
    )
    analysis = check(folder, load_config(folder)).analysis
    table = section_table(analysis)
    # 区领导.csv: the header is row 1, so D1's road is row 3; 街道.csv: S1's road is row 2
    rows = sorted(zip(table["leader"], table["assignments_file"], table["assignments_row"]))
    assert rows == [("D1", "区领导.csv", 3), ("S1", "街道.csv", 2)]
