"""The bad-input corpus: each broken file gets exit code 2 (or a warning) and a
message naming the file, the row as the user sees it, and the column; the
ledger balances (rows read = used + rejected + outside, none lost) for every input."""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest
import shapely

from conftest import LEADERS, line, m, make_project, square, to_wgs, write_csv, write_geojson
from geo.cli import main

ROADS = [
    {"id": "R1", "name": "东西路", "geometry": line((0, 0), (1000, 0))},
    {"id": "R2", "name": "甲街", "geometry": line((0, -100), (0, 100))},
    {"id": "R3", "name": "乙街", "geometry": line((300, -100), (300, 100))},
    {"id": "R4", "name": "远街", "geometry": line((0, 500), (1000, 500))},
]
COMMUNITIES = [
    {"id": "A", "name": "左社区", "tier": "general", "geometry": square(-100, -300, 500, 600)},
    {"id": "B", "name": "右社区", "tier": "general", "geometry": square(500, -300, 1100, 600)},
]
ASSIGNMENTS = [
    {"leader": "C1", "kind": "road", "target": "东西路", "from": "", "to": "", "role": "包路"},
    {"leader": "D1", "kind": "section", "target": "东西路", "from": "甲街", "to": "乙街", "role": "包路段"},
    {"leader": "S1", "kind": "community", "target": "A", "from": "", "to": "", "role": "包片"},
    {"leader": "S1", "kind": "community", "target": "B", "from": "", "to": "", "role": "包片"},
]
STATUS = [
    {"kind": "community", "target": "A", "item": "保洁", "state": "done", "progress": "100", "due": "2022-05-30"},
    {"kind": "road", "target": "东西路", "item": "刷黑", "state": "doing", "progress": "50", "due": "2022-06-30"},
    {"kind": "community", "target": "B", "item": "绿化", "state": "todo", "progress": "0", "due": "2022-07-30"},
]
ISSUES = [
    {
        "id": "I1",
        "state": "open",
        "source": "complaint",
        "reported": "2022-05-01",
        "geometry": shapely.Point(m(100, 20)),
    },
    {
        "id": "I2",
        "state": "resolved",
        "source": "inspection",
        "reported": "2022-05-02",
        "geometry": shapely.Point(m(700, 20)),
    },
]


def _base(folder):
    return make_project(
        folder,
        communities=COMMUNITIES,
        roads=ROADS,
        leaders=LEADERS,
        assignments=ASSIGNMENTS,
        status=STATUS,
        issues=ISSUES,
        boundary=square(-100, -300, 1100, 600),
    )


def _csv(folder, name) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _edit_csv(name, row, column, value):
    """Set one cell; `row` is the data row index (spreadsheet row = row + 2)."""

    def mutate(folder):
        frame = _csv(folder, name)
        frame.at[row, column] = value
        frame.to_csv(folder / f"{name}.csv", index=False)

    return mutate


def _drop_column(name, column, spatial=False):
    def mutate(folder):
        if spatial:
            data = json.loads((folder / f"{name}.geojson").read_text(encoding="utf-8"))
            for f in data["features"]:
                f["properties"].pop(column, None)
            (folder / f"{name}.geojson").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        else:
            _csv(folder, name).drop(columns=[column]).to_csv(folder / f"{name}.csv", index=False)

    return mutate


def _append_csv(name, row):
    def mutate(folder):
        frame = _csv(folder, name)
        pd.concat([frame, pd.DataFrame([row])], ignore_index=True).fillna("").to_csv(
            folder / f"{name}.csv", index=False
        )

    return mutate


def _edit_feature(name, index, key, value, rows):
    def mutate(folder):
        changed = [dict(r) for r in rows]
        changed[index][key] = value
        write_geojson(folder / f"{name}.geojson", changed)

    return mutate


def _layer_of(name, rows):
    def mutate(folder):
        write_geojson(folder / f"{name}.geojson", rows)

    return mutate


def _write_text(file, text):
    def mutate(folder):
        (folder / file).write_text(text, encoding="utf-8")

    return mutate


def _issues_table(rows):
    def mutate(folder):
        (folder / "issues.geojson").unlink()
        write_csv(folder / "issues.csv", rows)

    return mutate


def _raw_geojson(name, coords_by_feature):
    """Rewrite a layer with raw coordinates (no reprojection): for wrong-CRS cases."""

    def mutate(folder):
        data = json.loads((folder / f"{name}.geojson").read_text(encoding="utf-8"))
        for f, geometry in zip(data["features"], coords_by_feature):
            f["geometry"] = geometry
        (folder / f"{name}.geojson").write_text(json.dumps(data), encoding="utf-8")

    return mutate


def _swapped_issues(folder):
    rows = []
    for r in ISSUES:
        lon, lat = to_wgs(r["geometry"]).coords[0]
        rows.append({"id": r["id"], "state": r["state"], "lon": lat, "lat": lon})
    (folder / "issues.geojson").unlink()
    write_csv(folder / "issues.csv", rows)


def _gpkg_two_layers(folder):
    import geopandas as gpd

    frame = gpd.read_file(folder / "roads.geojson")
    (folder / "roads.geojson").unlink()
    frame.to_file(folder / "roads.gpkg", layer="道路")
    frame.to_file(folder / "roads.gpkg", layer="道路_旧")


def _shapefile_without_prj(folder):
    import geopandas as gpd

    frame = gpd.read_file(folder / "roads.geojson").to_crs(4546)
    (folder / "roads.geojson").unlink()
    frame.to_file(folder / "roads.shp")
    (folder / "roads.prj").unlink()


def _shifted_boundary(folder):
    write_geojson(
        folder / "boundary.geojson",
        [{"name": "b", "geometry": shapely.affinity.translate(square(0, 0, 100, 100), 2_000_000, 0)}],
    )


def _gcj_in_europe(folder):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "I1", "state": "open"},
                "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
            }
        ],
    }
    (folder / "issues.geojson").write_text(json.dumps(data), encoding="utf-8")
    (folder / "geo.toml").write_text('[crs]\nissues = "GCJ-02"\n', encoding="utf-8")


@dataclass
class Case:
    id: str
    mutate: Callable
    expect: list[str]  # substrings of stderr, e.g. "assignments.csv 第 3 行，“target”列"
    code: int = 2


UTM_LINE = {"type": "LineString", "coordinates": [[620000, 3350000], [621000, 3350000]]}
BOWTIE = shapely.Polygon([m(0, 0), m(500, 500), m(500, 0), m(0, 500)])

CASES = [
    Case(
        "communities-missing-tier",
        _drop_column("communities", "tier", spatial=True),
        ["communities.geojson：没有社区类别", "2 个社区全部按一般社区计", "tiers"],
        code=0,
    ),  # a tier is the office's to list (contract v3): no tier anywhere is a note, never an error
    Case(
        "communities-duplicate-id",
        _edit_feature("communities", 1, "id", "A", COMMUNITIES),
        ["communities.geojson 第 2 个要素（A 右社区），“id”列", "编号重复", "第 1 个要素已用此编号"],
    ),
    Case(
        "communities-empty-id",
        _edit_feature("communities", 0, "id", "", COMMUNITIES),
        [
            "communities.geojson 第 1 个要素（左社区），“id”列：没有编号：以“#1”代替",
            "assignments.csv 第 4 行，“target”列：社区图层中没有这个编号或名称（值：“A”）",
        ],
    ),  # kept under its feature number, with a warning; what named it by its old id finds nothing
    Case(
        "communities-bad-tier",
        _edit_feature("communities", 0, "tier", "特级", COMMUNITIES),
        ["communities.geojson 第 1 个要素（A 左社区），“tier”列：不是可识别的值", "“特级”"],
    ),
    Case(
        "communities-empty-name",
        _edit_feature("communities", 1, "name", "", COMMUNITIES),
        ["communities.geojson 第 2 个要素（B），“name”列：没有名称：以编号“B”作名称"],
        code=0,
    ),
    Case(
        "communities-line-not-polygon",
        _edit_feature("communities", 1, "geometry", line((0, 0), (5, 5)), COMMUNITIES),
        ["communities.geojson 第 2 个要素（B 右社区）：几何类型错误", "“LineString”"],
    ),
    Case(
        "communities-no-geometry",
        _edit_feature("communities", 1, "geometry", None, COMMUNITIES),
        [
            "communities.geojson 第 2 个要素（B 右社区）：没有几何图形，该行未使用",
            "assignments.csv 第 5 行，“target”列：所指社区已被剔除（communities.geojson 第 2 个要素）",
        ],
        code=1,
    ),  # B's ground is now a territory gap
    Case(
        "communities-bowtie-repaired",
        _edit_feature("communities", 0, "geometry", BOWTIE, COMMUNITIES),
        ["communities.geojson 第 1 个要素（A 左社区）：几何图形无效，已自动修复（值：“自相交（"],
        code=1,
    ),
    # One stray polygon among lines: left out with a warning; a layer of polygons is the wrong layer.
    Case(
        "roads-polygon-not-line",
        _edit_feature("roads", 3, "geometry", square(0, 0, 5, 5), ROADS),
        [
            "roads.geojson 第 4 个要素（R4 远街）：几何类型错误，应为 LineString 或 MultiLineString，该要素未使用",
            "“Polygon”",
        ],
        code=0,
    ),
    Case(
        "roads-all-polygons",
        _layer_of("roads", [dict(r, geometry=square(0, 0, 5, 5)) for r in ROADS]),
        [
            "roads.geojson：几何类型错误",
            "（第 1（R1 东西路）、2（R2 甲街）、3（R3 乙街） … 个要素，共 4 个要素；值如 “Polygon”）",
        ],
    ),
    # No name column: every piece is unnamed; assignments to roads cannot be placed and say why.
    Case(
        "roads-missing-name",
        _drop_column("roads", "name", spatial=True),
        ["roads.geojson：没有道路名称列：全部作为无名路段", "所指道路无法使用（roads.geojson 没有道路名称列）"],
        code=0,
    ),
    Case("leaders-missing-level", _drop_column("leaders", "level"), ["leaders.csv：缺少必需的列“level”", "级别"]),
    Case(
        "leaders-duplicate-id",
        _edit_csv("leaders", 2, "id", "D1"),
        ["leaders.csv 第 4 行（D1 丙），“id”列", "第 3 行已用此编号"],
    ),
    Case(
        "leaders-bad-level",
        _edit_csv("leaders", 0, "level", "省"),
        ["leaders.csv 第 2 行（C1 甲），“level”列：不是可识别的值", "“省”"],
    ),
    Case("leaders-empty-name", _edit_csv("leaders", 3, "name", ""), ["leaders.csv 第 5 行（S1），“name”列：未填写"]),
    Case(
        "assignments-unknown-leader",
        _edit_csv("assignments", 0, "leader", "C9"),
        ["assignments.csv 第 2 行，“leader”列", "“C9”", "是否应为"],
    ),
    Case(
        "assignments-ambiguous-name",
        lambda f: (_edit_csv("leaders", 2, "name", "乙")(f), _edit_csv("assignments", 1, "leader", "乙")(f)),
        ["assignments.csv 第 3 行，“leader”列", "多个责任人同名", "D1, D2"],
    ),
    Case(
        "assignments-bad-kind",
        _edit_csv("assignments", 0, "kind", "包干"),
        ["assignments.csv 第 2 行，“kind”列：不是可识别的值", "“包干”"],
    ),
    Case(
        "assignments-unknown-road",
        _edit_csv("assignments", 0, "target", "东西"),
        ["assignments.csv 第 2 行，“target”列", "是否应为 东西路？"],
    ),
    Case(
        "assignments-unknown-community",
        _edit_csv("assignments", 2, "target", "左社"),
        ["assignments.csv 第 4 行，“target”列", "是否应为 左社区"],
    ),
    Case(
        "assignments-section-without-from",
        _edit_csv("assignments", 1, "from", ""),
        ["assignments.csv 第 3 行，“from”列", "路段需要起点和止点"],
    ),
    Case(
        "assignments-street-does-not-cross",
        _edit_csv("assignments", 1, "to", "远街"),
        ["assignments.csv 第 3 行，“to”列", "远街 与 东西路 不相交"],
    ),
    Case(
        "assignments-distance-beyond-end",
        _edit_csv("assignments", 1, "to", "1500"),
        ["assignments.csv 第 3 行，“to”列", "超出了道路终点"],
    ),
    Case(
        "assignments-duplicate-row",
        _append_csv("assignments", ASSIGNMENTS[0]),
        ["assignments.csv 第 6 行：与前面的一条包保责任重复"],
        code=0,
    ),
    Case(
        "status-bad-state", _edit_csv("status", 0, "state", "差不多"), ["status.csv 第 2 行，“state”列：不是可识别的值"]
    ),
    Case(
        "status-bad-progress",
        _edit_csv("status", 1, "progress", "八十"),
        ["status.csv 第 3 行，“progress”列", "0 到 100"],
    ),
    Case("status-bad-date", _edit_csv("status", 0, "due", "五月底"), ["status.csv 第 2 行，“due”列：不是日期"]),
    Case(
        "status-unknown-target",
        _edit_csv("status", 1, "target", "西东路"),
        ["status.csv 第 3 行，“target”列", "没有这个道路"],
    ),
    Case(
        "issues-duplicate-id",
        _edit_feature("issues", 1, "id", "I1", ISSUES),
        ["issues.geojson 第 2 个要素（I1），“id”列", "编号重复"],
    ),
    Case(
        "issues-bad-state",
        _edit_feature("issues", 0, "state", "搁置", ISSUES),
        ["issues.geojson 第 1 个要素（I1），“state”列：不是可识别的值"],
    ),
    Case(
        "issues-table-lon-not-a-number",
        _issues_table([{"编号": "I1", "状态": "未整改", "经度": "东经112度", "纬度": "30.3"}]),
        ["issues.csv 第 2 行（I1），“经度”列：不是数字，该行未使用", "如 112.2563"],
        code=0,
    ),
    Case("issues-table-swapped-lon-lat", _swapped_issues, ["issues.csv：经度与纬度似乎颠倒了"]),
    Case("roads-metres-labelled-as-degrees", _raw_geojson("roads", [UTM_LINE] * 4), ["roads.geojson：坐标不是经纬度"]),
    Case("issues-gcj02-outside-china", _gcj_in_europe, ["issues.geojson：声明为 GCJ-02，但数据位于中国境外"]),
    Case("boundary-does-not-overlap", _shifted_boundary, ["boundary.geojson：与 communities.geojson"]),
    Case(
        "communities-not-json",
        _write_text("communities.geojson", "{ this is not json"),
        ["communities.geojson：无法作为"],
    ),
    Case("leaders-missing-file", lambda f: (f / "leaders.csv").unlink(), ["leaders.*：缺少必需的图层“leaders”"]),
    Case("roads-gpkg-two-layers", _gpkg_two_layers, ["roads.gpkg：含有多个图层（道路、道路_旧）", "[layers] roads"]),
    Case("roads-shapefile-without-prj", _shapefile_without_prj, ["roads.shp：文件没有坐标系", "[crs] roads"]),
    Case(
        "config-unknown-key",
        _write_text("geo.toml", "[tolerance]\nsnap_m = 5\n"),
        ["geo.toml：未知的设置项“tolerance”；是否应为“tolerances”？"],
    ),
    Case(
        "config-unknown-column",
        _write_text("geo.toml", '[columns.roads]\nnmae = "路名"\n'),
        ["geo.toml [columns.roads]：未知的设置项“nmae”；是否应为“name”？"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_reported_with_file_row_and_column(case, tmp_path, capsys):
    folder = _base(tmp_path / "p")
    case.mutate(folder)
    out = tmp_path / "out"
    code = main(["check", str(folder), "--out", str(out)])
    captured = capsys.readouterr()
    text = captured.err + captured.out
    assert "Traceback" not in text
    assert code == case.code, text
    for expected in case.expect:
        assert expected in text, f"{expected!r} not in:\n{text}"
    # Invalid input leaves the output folder alone: the problem list goes beside it.
    ledger = (tmp_path / "out-problems" if code == 2 else out / "reports") / "ledger_summary.csv"
    if case.id.startswith("config-"):
        return  # the configuration is read before any file: nothing to account for
    table = pd.read_csv(ledger)
    assert (table["read"] == table["used"] + table["rejected"] + table["outside"]).all(), table
    assert (table["lost"] == 0).all(), table


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30


def test_the_clean_base_project_passes(tmp_path):
    folder = _base(tmp_path / "p")
    assert main(["check", str(folder), "--out", str(tmp_path / "out"), "-q"]) in (0, 1)
