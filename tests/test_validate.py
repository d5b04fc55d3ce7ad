"""Loading and validation: Chinese headers, encodings, and messages that name file, row and column."""

from datetime import date

import pytest

from conftest import LEADERS, line, make_project, square, write_csv
from geo import ValidationError, check, load_config, load_project, validate_project
from geo.validate import parse_date


def _project(tmp_path, **overrides):
    parts = {
        "communities": [{"id": "A", "name": "甲社区", "tier": "示范社区", "geometry": square(0, 0, 500, 500)}],
        "roads": [{"name": "红门路", "geometry": line((0, 250), (500, 250))}],
        "leaders": LEADERS,
        "assignments": [
            {"leader": "C1", "kind": "包路", "target": "红门路"},
            {"leader": "D1", "kind": "包社区", "target": "甲社区"},
        ],
    }
    parts.update(overrides)
    return make_project(tmp_path / "v", **parts)


def _problems(folder):
    layers, problems = load_project(folder, load_config(folder))
    project, problems = validate_project(layers, problems)
    return project, problems


def _errors(folder) -> str:
    with pytest.raises(ValidationError) as err:
        check(folder, load_config(folder))
    return str(err.value)


def test_chinese_values_and_names_resolve(tmp_path):
    project, problems = _problems(_project(tmp_path))
    assert problems == []
    assert project.communities["tier"].tolist() == ["demonstration"]
    assert project.assignments["kind"].tolist() == ["road", "community"]
    assert project.assignments["target"].tolist() == ["红门路", "A"]  # community name -> its id


def test_chinese_headers_in_a_gbk_csv(tmp_path):
    folder = _project(tmp_path)
    rows = [
        {
            "编号": x["id"],
            "姓名": x["name"],
            "职务": x["title"],
            "级别": {"city": "市", "district": "区", "street": "街道"}[x["level"]],
        }
        for x in LEADERS
    ]
    (folder / "leaders.csv").unlink()
    write_csv(folder / "leaders.csv", rows, encoding="gbk")
    project, problems = _problems(folder)
    assert [(p.severity, p.file, str(p.message)) for p in problems] == [
        ("note", "leaders.csv", "按 GBK（GB18030）编码读取")
    ]
    assert project.leaders["level"].tolist() == ["city", "district", "district", "street"]
    assert project.leaders["name"].tolist() == ["甲", "乙", "丙", "丁"]


def test_full_width_spaces_in_names_are_normalised(tmp_path):
    folder = _project(
        tmp_path,
        assignments=[
            {"leader": "C1", "kind": "road", "target": "　红门路 "},
            {"leader": "D1", "kind": "community", "target": "A"},
        ],
    )
    project, problems = _problems(folder)
    assert problems == []
    assert project.assignments["target"].tolist() == ["红门路", "A"]


def test_unknown_road_suggests_the_closest_name(tmp_path):
    folder = _project(
        tmp_path,
        assignments=[
            {"leader": "C1", "kind": "road", "target": "红门"},
            {"leader": "D1", "kind": "community", "target": "A"},
        ],
    )
    text = _errors(folder)
    assert "assignments.csv 第 2 行，“target”列" in text
    assert "“红门”" in text and "是否应为 红门路？" in text


def test_unknown_leader_and_bad_tier_are_reported_together(tmp_path):
    folder = _project(
        tmp_path,
        communities=[{"id": "A", "name": "甲社区", "tier": "特级", "geometry": square(0, 0, 500, 500)}],
        assignments=[
            {"leader": "C9", "kind": "road", "target": "红门路"},
            {"leader": "D1", "kind": "community", "target": "A"},
        ],
    )
    text = _errors(folder)
    assert "communities.geojson 第 1 个要素（A 甲社区），“tier”列" in text and "“特级”" in text
    assert "assignments.csv 第 2 行，“leader”列" in text and "“C9”" in text
    assert text.startswith("输入数据有 2 处错误")


def test_missing_required_column_names_the_file_and_the_fix(tmp_path):
    folder = _project(tmp_path)
    write_csv(folder / "leaders.csv", [{"id": x["id"], "name": x["name"]} for x in LEADERS])
    text = _errors(folder)
    assert "leaders.csv：缺少必需的列“level”" in text
    assert "级别" in text


def test_duplicate_ids_name_both_rows(tmp_path):
    folder = _project(tmp_path, leaders=LEADERS + [{"id": "C1", "name": "戊", "title": "", "level": "city"}])
    text = _errors(folder)
    assert "leaders.csv 第 6 行（C1 戊），“id”列" in text and "第 2 行已用此编号" in text


def test_missing_required_layer(tmp_path):
    folder = _project(tmp_path)
    (folder / "communities.geojson").unlink()
    assert "缺少必需的图层“communities”" in _errors(folder)


def test_a_feature_without_geometry_is_rejected_and_said(tmp_path):
    folder = _project(
        tmp_path,
        roads=[{"name": "红门路", "geometry": line((0, 250), (500, 250))}, {"name": "白云路", "geometry": None}],
    )
    project, problems = _problems(folder)
    assert len(project.roads) == 1
    (problem,) = problems
    assert problem.rejected and problem.severity == "warning"
    assert str(problem).startswith("roads.geojson 第 2 个要素（白云路）：没有几何图形")


def test_an_invalid_polygon_is_repaired_and_reported(tmp_path):
    import shapely

    bowtie = shapely.Polygon([(620000, 3350000), (620500, 3350500), (620500, 3350000), (620000, 3350500)])
    folder = _project(tmp_path, communities=[{"id": "A", "name": "甲社区", "tier": "key", "geometry": bowtie}])
    project, problems = _problems(folder)
    assert project.communities.geometry.is_valid.all()
    assert any("已自动修复" in str(p.message) and p.row == 1 and str(p.value).startswith("自相交") for p in problems)


def test_utf8_bom_csv_reads(tmp_path):
    folder = _project(tmp_path)
    text = (folder / "leaders.csv").read_text(encoding="utf-8")
    (folder / "leaders.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    project, problems = _problems(folder)
    assert problems == [] and len(project.leaders) == 4


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2022-05-14", date(2022, 5, 14)),
        ("2022/5/14", date(2022, 5, 14)),
        ("2022年5月14日", date(2022, 5, 14)),
        ("44695", date(2022, 5, 14)),  # an Excel serial
        ("", None),
    ],
)
def test_dates_as_offices_type_them(raw, expected):
    assert parse_date(raw) == expected


def test_a_bad_date_is_an_error_with_its_row(tmp_path):
    folder = _project(
        tmp_path, status=[{"kind": "社区", "target": "A", "item": "保洁", "state": "已完成", "due": "五月底"}]
    )
    text = _errors(folder)
    assert "status.csv 第 2 行，“due”列" in text and "不是日期" in text
