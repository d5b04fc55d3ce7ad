"""Loading real-world files: GCJ-02, data outside China, Z, .gdb, bare GeoJSON, Excel quirks, geo init."""

import datetime
import json

import geopandas as gpd
import numpy as np
import openpyxl
import prcoords
import pytest
import shapely

from conftest import LEADERS, line, make_project, square, to_wgs
from geo import ConfigError, ValidationError, check, load_config, load_project, validate_project
from geo.cli import main
from geo.config import config_from_dict


def _road_folder(tmp_path):
    roads = [{"name": "东西路", "geometry": line((0, 0), (1000, 0))}]
    communities = [{"id": "A", "name": "甲社区", "tier": "key", "geometry": square(-100, -300, 1100, 300)}]
    assignments = [{"leader": "S1", "kind": "community", "target": "A"}]
    return make_project(tmp_path / "p", communities=communities, roads=roads, leaders=LEADERS, assignments=assignments)


def _load(folder):
    layers, problems = load_project(folder, load_config(folder))
    return validate_project(layers, problems)


def test_a_layer_declared_gcj02_lands_within_1_m_of_the_reference_conversion(tmp_path):
    folder = _road_folder(tmp_path)
    points = [to_wgs(shapely.Point(620_000 + 100 * k, 3_350_000 + 29 * k)) for k in range(10)]  # in A
    gcj = [prcoords.wgs_gcj((p.y, p.x)) for p in points]  # the published reference, test-only
    features = [
        {
            "type": "Feature",
            "properties": {"id": f"I{k}", "state": "open"},
            "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
        }
        for k, c in enumerate(gcj)
    ]
    (folder / "issues.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    (folder / "geo.toml").write_text('[crs]\nissues = "GCJ-02"\n')
    project, problems = _load(folder)
    assert not [p for p in problems if p.severity == "error"]
    got = project.issues.to_crs(32649).geometry.values
    want = gpd.GeoSeries(points, crs=4326).to_crs(32649).values
    assert shapely.distance(got, want).max() < 1.0
    assert shapely.distance(got, want).max() < 0.01  # in fact: the inverse is exact to well under 1 cm


def test_a_project_outside_china_works_in_its_own_utm_zone(tmp_path):
    # Paris: the same shapes, moved; no GCJ-02 anywhere.
    def paris(geometry):
        return shapely.affinity.translate(to_wgs(geometry), 2.35 - 112.25, 48.85 - 30.24)

    folder = tmp_path / "paris"
    folder.mkdir()
    roads = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Rue A"},
                "geometry": shapely.geometry.mapping(paris(line((0, 0), (1000, 0)))),
            }
        ],
    }
    communities = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "Q1", "name": "Quartier", "tier": "general"},
                "geometry": shapely.geometry.mapping(paris(square(-100, -300, 1100, 300))),
            }
        ],
    }
    (folder / "roads.geojson").write_text(json.dumps(roads))
    (folder / "communities.geojson").write_text(json.dumps(communities))
    (folder / "leaders.csv").write_text("id,name,level\nL1,Marie,district\n")
    (folder / "assignments.csv").write_text("leader,kind,target\nL1,road,Rue A\nL1,community,Q1\n")
    result = check(folder, load_config(folder))
    assert result.analysis.resolved.crs.to_epsg() == 32631
    assert result.analysis.gaps.empty


def test_z_coordinates_are_dropped_with_a_note(tmp_path):
    folder = _road_folder(tmp_path)
    data = json.loads((folder / "roads.geojson").read_text())
    coords = data["features"][0]["geometry"]["coordinates"]
    data["features"][0]["geometry"]["coordinates"] = [[x, y, 35.0] for x, y in coords]
    (folder / "roads.geojson").write_text(json.dumps(data))
    project, problems = _load(folder)
    assert not project.roads.has_z.any()
    assert [str(p) for p in problems] == ["roads.geojson：已去掉 1 个要素的 Z 坐标（高程）"]


def test_file_geodatabase(tmp_path):
    folder = _road_folder(tmp_path)
    frame = gpd.read_file(folder / "communities.geojson")
    (folder / "communities.geojson").unlink()
    frame.to_file(folder / "communities.gdb", driver="OpenFileGDB", layer="社区")
    project, problems = _load(folder)
    assert problems == [] and project.communities["id"].tolist() == ["A"]


def test_bare_feature_list_and_bare_geometry(tmp_path):
    folder = _road_folder(tmp_path)
    data = json.loads((folder / "roads.geojson").read_text())
    (folder / "roads.geojson").write_text(json.dumps(data["features"]))  # a bare list of Features
    outline = shapely.geometry.mapping(to_wgs(square(-100, -300, 1100, 300)))
    (folder / "boundary.geojson").write_text(json.dumps(outline))  # a bare geometry
    project, problems = _load(folder)
    assert problems == []
    assert project.roads["name"].tolist() == ["东西路"]
    assert len(project.boundary) == 1


def test_xlsx_with_a_title_row_numbers_and_date_cells(tmp_path):
    folder = _road_folder(tmp_path)
    (folder / "leaders.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["沙市区创卫领导包保名单"])
    sheet.append(["编号", "姓名", "职务", "级别"])
    sheet.append([7.0, "甲", "副区长", "区"])  # an id typed as a number
    sheet.append([None, None, None, None])  # a blank line
    sheet.append(["S1", "丁", "书记", "街道"])
    book.save(folder / "leaders.xlsx")
    (folder / "assignments.csv").write_text("leader,kind,target\nS1,community,A\n7,community,A\n")
    (folder / "status.csv").write_text("kind,target,item,state,due\n社区,A,保洁,已完成,44712\n")
    project, problems = _load(folder)
    assert [str(p.message) for p in problems] == ["表头在第 2 行，其上 1 行作为标题跳过"]
    assert project.leaders[["id", "_row"]].values.tolist() == [["7", 3], ["S1", 5]]
    assert project.status["due"].tolist() == [datetime.date(2022, 5, 31)]


def test_geo_init_writes_templates_a_clerk_can_fill(tmp_path):
    folder = tmp_path / "new"
    assert main(["init", str(folder)]) == 0
    book = openpyxl.load_workbook(folder / "leaders.xlsx")
    assert [c.value for c in book.worksheets[0][1]] == ["编号", "姓名", "职务", "级别", "单位", "电话"]
    assert "# [crs]" in (folder / "geo.toml").read_text(encoding="utf-8")
    config_from_dict({})  # the commented template parses as an empty config
    assert load_config(folder).tolerances.snap_m == 15.0
    assert main(["init", str(folder)]) == 2  # never overwrites without --force
    assert main(["init", str(folder), "--force"]) == 0


def test_every_setting_the_geo_toml_template_shows_is_a_setting():
    # Uncommented, each "# key = value" line under each "# [table]" of the template is read as
    # geo.toml: a key the template names but the tool does not know would be refused by name.
    import tomllib

    from geo.config import config_from_dict
    from geo.template import GEO_TOML

    lines = []
    for written in GEO_TOML.splitlines():
        text = written.removeprefix("# ").split("  #")[0].rstrip()
        if text.startswith("[") or ("=" in text and not text.startswith(("#", " "))):
            lines.append(text)
    data = tomllib.loads("\n".join(lines))
    config = config_from_dict(data)
    assert config.bulletin.deadline_days == 14 and config.map.unit_word == "村" and config.crs["roads"] == "GCJ-02"
    assert set(data) >= {"files", "layers", "columns", "crs", "tolerances", "map", "bulletin", "today"}


@pytest.mark.parametrize(
    "toml, message",
    [
        ({"tolerances": {"snap_m": "far"}}, r"\[tolerances\]\.snap_m：应为不小于 0 的数字"),
        ({"tolerances": {"snap_m": -1}}, r"snap_m：应为不小于 0 的数字"),
        ({"map": {"basemap": "googel"}}, r"未知的设置项“googel”"),
        ({"crs": {"road": "GCJ-02"}}, r"未知的设置项“road”；是否应为“roads”？"),
        ({"files": {"roads": 3}}, r"\[files\]\.roads：应为非空文本"),
    ],
)
def test_config_errors_name_the_key(toml, message):
    with pytest.raises(ConfigError, match=message):
        config_from_dict(toml)


def test_gcj02_round_trip_of_the_demo_boundary_matches_the_reference():
    from conftest import ROOT

    raw = json.loads((ROOT / "scripts" / "data" / "shashi_boundary_gcj02.geojson").read_text(encoding="utf-8"))
    ring = np.array(raw["features"][0]["geometry"]["coordinates"][0])
    wgs = gpd.read_file(ROOT / "layers" / "boundary.geojson").geometry.iloc[0].exterior.coords
    ref = np.array([prcoords.gcj_wgs_bored((lat, lon)) for lon, lat in ring])  # (lat, lon)
    got = np.array(wgs)
    assert len(got) == len(ref)
    # each vertex within 1e-7 degrees (about 1 cm: the layer is stored to 7 decimals) of the
    # reference's conversion of the same vertex (the ring may start at another vertex)
    nearest = np.hypot(got[:, None, 0] - ref[None, :, 1], got[:, None, 1] - ref[None, :, 0]).min(axis=1)
    assert nearest.max() < 2e-7


def test_column_mapping_in_geo_toml(tmp_path):
    folder = _road_folder(tmp_path)
    (folder / "leaders.csv").write_text("领导编号,领导姓名,级别\nS1,丁,街道\n", encoding="utf-8")
    (folder / "geo.toml").write_text('[columns.leaders]\nid = "领导编号"\nname = "领导姓名"\n', encoding="utf-8")
    project, problems = _load(folder)
    assert problems == []
    assert project.leaders[["id", "name", "level"]].values.tolist() == [["S1", "丁", "street"]]


def test_a_date_field_with_missing_values(tmp_path):
    # GDAL reads an ISO-date property as a date field; a feature without it gives NaT.
    folder = _road_folder(tmp_path)
    features = [
        {
            "type": "Feature",
            "properties": {"id": f"I{k}", "state": "open", "due": due},
            "geometry": shapely.geometry.mapping(to_wgs(shapely.Point(620_100, 3_350_010))),
        }
        for k, due in enumerate(["2022-05-31", None])
    ]
    (folder / "issues.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    project, problems = _load(folder)
    assert problems == []
    assert project.issues["due"].tolist() == [datetime.date(2022, 5, 31), None]


def test_osm_name_lists_keep_the_first_name(tmp_path):
    folder = _road_folder(tmp_path)
    data = json.loads((folder / "roads.geojson").read_text())
    data["features"][0]["properties"]["name"] = ["东西路", "东西大道"]
    extra = json.loads(json.dumps(data["features"][0]))
    extra["properties"]["name"] = "['东西路', '东西大道']"  # as a CSV export writes the list
    extra["geometry"] = shapely.geometry.mapping(to_wgs(line((0, 40), (1000, 40))))
    data["features"].append(extra)
    (folder / "roads.geojson").write_text(json.dumps(data, ensure_ascii=False))
    project, problems = _load(folder)
    assert project.roads["name"].tolist() == ["东西路", "东西路"]
    assert any("列表" in str(p.message) for p in problems)


def test_two_layers_in_one_workbook_are_kept_apart(tmp_path):
    folder = _road_folder(tmp_path)
    (folder / "leaders.csv").unlink()
    (folder / "assignments.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "领导"
    sheet.append(["编号", "姓名", "级别"])
    sheet.append(["S1", "丁", "街道"])
    sheet.append(["S2", "戊", "街道"])
    tasks = book.create_sheet("包保")
    tasks.append(["责任人", "类型", "对象"])
    tasks.append(["S1", "包社区", "A"])
    tasks.append(["S9", "包社区", "A"])  # row 3: no such leader
    book.save(folder / "包保.xlsx")
    (folder / "geo.toml").write_text(
        '[files]\nleaders = "包保.xlsx"\nassignments = "包保.xlsx"\n[layers]\nleaders = "领导"\nassignments = "包保"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        check(folder, load_config(folder))
    assert "包保.xlsx (包保) 第 3 行，“责任人”列" in str(err.value)
    ledger = {e.layer: (e.read, e.used, e.rejected) for e in err.value.ledger}
    assert ledger["leaders"] == (2, 2, 0) and ledger["assignments"] == (2, 1, 1)


def test_an_empty_optional_layer_is_just_empty(tmp_path):
    folder = _road_folder(tmp_path)
    (folder / "issues.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    project, problems = _load(folder)
    assert problems == [] and project.issues.empty


def test_a_corrupt_geopackage_is_an_input_error(tmp_path, capsys):
    folder = _road_folder(tmp_path)
    (folder / "roads.geojson").unlink()
    (folder / "roads.gpkg").write_bytes(b"not a geopackage")
    assert main(["check", str(folder), "--out", str(tmp_path / "out")]) == 2
    assert "roads.gpkg：无法作为 gpkg 文件读取" in capsys.readouterr().err


def test_a_piece_drawn_twice_is_counted_once(tmp_path):
    folder = _road_folder(tmp_path)
    data = json.loads((folder / "roads.geojson").read_text())
    data["features"].append(json.loads(json.dumps(data["features"][0])))
    (folder / "roads.geojson").write_text(json.dumps(data, ensure_ascii=False))
    project, problems = _load(folder)
    assert len(project.roads) == 1
    assert [str(p) for p in problems] == [
        "roads.geojson 第 2 个要素（东西路）：与第 1 个要素完全重复（同名同线），未使用。修改：删除重复的要素"
    ]


def test_each_piece_drawn_again_names_its_own_first_drawing(tmp_path):
    # Features 1 and 2 are different pieces; 3 repeats 2 and 4 repeats 1 (drawn backwards: the same line).
    folder = _road_folder(tmp_path)
    data = json.loads((folder / "roads.geojson").read_text())
    first = data["features"][0]
    other = json.loads(json.dumps(first))
    other["geometry"]["coordinates"] = [[x, y + 0.001] for x, y in first["geometry"]["coordinates"]]
    backwards = json.loads(json.dumps(first))
    backwards["geometry"]["coordinates"] = first["geometry"]["coordinates"][::-1]
    data["features"] += [other, json.loads(json.dumps(other)), backwards]
    (folder / "roads.geojson").write_text(json.dumps(data, ensure_ascii=False))
    project, problems = _load(folder)
    assert len(project.roads) == 2
    assert [str(p) for p in problems] == [
        "roads.geojson 第 3 个要素（东西路）：与第 2 个要素完全重复（同名同线），未使用。修改：删除重复的要素",
        "roads.geojson 第 4 个要素（东西路）：与第 1 个要素完全重复（同名同线），未使用。修改：删除重复的要素",
    ]


def test_messy_table_values(tmp_path):
    folder = _road_folder(tmp_path)
    (folder / "leaders.csv").write_text("id,name,level\n1.0,丁,street\n", encoding="utf-8")  # Excel's 1 -> 1.0
    (folder / "assignments.csv").write_text("leader,kind,target\n1,community,A\n,community,A\n", encoding="utf-8")
    (folder / "status.csv").write_text(
        "kind,target,item,state,due\ncommunity,A,保洁,done,2022/5/14 10:00\n", encoding="utf-8"
    )
    project, problems = _load(folder)
    assert project.leaders["id"].tolist() == ["1"]
    assert project.assignments["leader"].tolist() == ["1"]
    assert [str(p) for p in problems if p.severity == "error"] == [
        "assignments.csv 第 3 行，“leader”列：未填写。修改：填写责任人的编号或姓名（合并单元格请逐行填写）"
    ]
    assert project.status["due"].tolist() == [datetime.date(2022, 5, 14)]


def test_two_communities_with_one_name_ask_for_the_id(tmp_path):
    folder = _road_folder(tmp_path)
    communities = json.loads((folder / "communities.geojson").read_text())
    twin = json.loads(json.dumps(communities["features"][0]))
    twin["properties"]["id"] = "B"
    twin["geometry"] = shapely.geometry.mapping(to_wgs(square(1100, -300, 1500, 300)))
    communities["features"].append(twin)
    (folder / "communities.geojson").write_text(json.dumps(communities, ensure_ascii=False))
    (folder / "assignments.csv").write_text("leader,kind,target\nS1,community,甲社区\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="多个社区同名.*请改用社区编号（A, B）"):
        check(folder, load_config(folder))


def test_zero_issue_distance_and_an_unwritable_out_folder(tmp_path, capsys):
    folder = _road_folder(tmp_path)
    (folder / "geo.toml").write_text("[tolerances]\nissue_road_m = 0\n", encoding="utf-8")
    assert main(["check", str(folder), "--out", str(tmp_path / "o"), "-q"]) in (0, 1)
    (tmp_path / "afile").write_text("x")
    assert main(["check", str(folder), "--out", str(tmp_path / "afile"), "-q"]) == 2
    assert "是一个文件，不是文件夹" in capsys.readouterr().err
    (folder / "geo.toml").write_text("[tolerances]\nsnap_m = nan\n", encoding="utf-8")
    assert main(["check", str(folder), "--out", str(tmp_path / "o"), "-q"]) == 2


def test_two_headers_for_one_column_are_said_not_merged(tmp_path):
    folder = _road_folder(tmp_path)
    (folder / "leaders.csv").write_text("编号,姓名,name,级别,级别\nS1,丁,戊,街道,区\n", encoding="utf-8")
    project, problems = _load(folder)
    assert project.leaders[["id", "name", "level"]].values.tolist() == [["S1", "丁", "street"]]
    messages = [str(p.message) for p in problems]
    assert "“name”列与“姓名”列都表示 name，使用了“姓名”" in messages
    assert "表头“级别”出现了 2 次，只用第一列" in messages


# ----------------------------------------------------------------------------- hostile bytes and resource limits
CONTROLS = "红\x00门\x07路\x1b[31m\x9b\u202e\u2066"


@pytest.mark.parametrize("where", ["geojson", "csv"])
def test_control_characters_are_removed_with_a_warning_naming_file_row_and_column(tmp_path, where):
    folder = _road_folder(tmp_path)
    if where == "geojson":  # the road's name, in a GeoJSON (GDAL alone would cut the text at the NUL)
        data = json.loads((folder / "roads.geojson").read_text())
        data["features"][0]["properties"]["name"] = CONTROLS
        (folder / "roads.geojson").write_text(json.dumps(data, ensure_ascii=True))
        file, row, column = "roads.geojson", 1, "name"
    else:  # a leader's title, in a CSV
        text = (folder / "leaders.csv").read_text(encoding="utf-8").replace("区长", CONTROLS, 1)
        (folder / "leaders.csv").write_text(text, encoding="utf-8")
        file, row, column = "leaders.csv", 3, "title"
    project, problems = _load(folder)
    warnings = [p for p in problems if "控制字符" in str(p.message)]
    assert [(p.file, p.row, p.column, p.severity) for p in warnings] == [(file, row, column, "warning")]
    assert (
        "U+0000" in str(warnings[0].message)
        and "U+202E" in str(warnings[0].message)
        and "U+001B" in str(warnings[0].message)
    )
    assert warnings[0].value == "红门路[31m"
    frame = project.roads if where == "geojson" else project.leaders
    assert "红门路[31m" in set(frame["name" if where == "geojson" else "title"])
    assert (
        not frame.drop(columns="geometry", errors="ignore")
        .astype(str)
        .apply(lambda c: c.str.contains("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"))
        .any()
        .any()
    )


def test_tabs_and_line_breaks_in_a_cell_are_spaces_not_warnings(tmp_path):
    folder = _road_folder(tmp_path)
    text = (folder / "leaders.csv").read_text(encoding="utf-8").replace("区长", '"区\t长\n（兼）"', 1)
    (folder / "leaders.csv").write_text(text, encoding="utf-8")
    project, problems = _load(folder)
    assert not [p for p in problems if "控制字符" in str(p.message)]
    assert "区 长 （兼）" in set(project.leaders["title"]) or "区 长 (兼)" in set(project.leaders["title"])


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_non_finite_coordinate_rejects_that_feature_only(tmp_path, bad):
    folder = _road_folder(tmp_path)
    data = json.loads((folder / "roads.geojson").read_text())
    extra = json.loads(json.dumps(data["features"][0]))
    extra["properties"]["name"] = "坏路"
    extra["geometry"]["coordinates"][1][0] = bad  # json writes NaN / Infinity, which GDAL reads
    data["features"].append(extra)
    (folder / "roads.geojson").write_text(json.dumps(data, ensure_ascii=False))
    project, problems = _load(folder)
    row = len(data["features"])
    [problem] = [p for p in problems if p.row == row and p.file == "roads.geojson"]
    assert problem.rejected and problem.severity == "warning" and "NaN" in str(problem.message)
    assert "坏路" not in set(project.roads["name"]) and len(project.roads) == len(data["features"]) - 1
    assert not [p for p in problems if "投影坐标" in str(p.message) or "不是经纬度" in str(p.message)]


@pytest.mark.parametrize("part", [".dbf", ".shx"])
def test_a_shapefile_without_its_dbf_or_shx_says_which_file_is_missing(tmp_path, capsys, part):
    folder = _road_folder(tmp_path)
    roads = gpd.read_file(folder / "roads.geojson")
    (folder / "roads.geojson").unlink()
    roads.to_file(folder / "roads.shp", encoding="UTF-8")
    (folder / f"roads{part}").unlink()
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "roads.shp：缺少" in err and f"roads{part}" in err
    assert "SHAPE_RESTORE_SHX" not in err and "缺少必需的列" not in err


def test_a_feature_with_an_absurd_vertex_count_is_warned_and_drawn_simpler(tmp_path):
    from geo.render import DRAW_MAX_VERTICES, _simplified_for_drawing
    from geo.validate import VERTEX_WARNING

    folder = _road_folder(tmp_path)
    data = json.loads((folder / "roads.geojson").read_text())
    x0, y0 = data["features"][0]["geometry"]["coordinates"][0]
    n = VERTEX_WARNING + 1
    xs = np.linspace(0, 0.005, n)
    data["features"][0]["geometry"]["coordinates"] = np.column_stack(
        [x0 + xs, y0 + 1e-7 * np.sin(np.arange(n))]
    ).tolist()  # a wobble of a centimetre, half a million times
    (folder / "roads.geojson").write_text(json.dumps(data))
    project, problems = _load(folder)
    [problem] = [p for p in problems if "顶点极多" in str(p.message)]
    assert problem.row == 1 and not problem.rejected and str(problem.value) == f"{n:,} 个顶点"
    drawn = _simplified_for_drawing(np.asarray(project.roads.geometry.values))
    assert shapely.get_num_coordinates(drawn).max() <= DRAW_MAX_VERTICES
    assert abs(shapely.length(drawn[0]) - 0.005) < 1e-4  # the same line, in degrees, only simpler


def test_a_geojson_object_over_gdals_size_limit_is_read(tmp_path):
    """GDAL refuses objects over OGR_GEOJSON_MAX_OBJ_SIZE (200 MB by default); geo lifts the limit itself.

    Shown with the limit lowered to 1 MB and a 3 MB road rather than a 200 MB file.
    """
    import pyogrio

    from geo._readers import read_spatial

    folder = _road_folder(tmp_path)
    data = json.loads((folder / "roads.geojson").read_text())
    x0, y0 = data["features"][0]["geometry"]["coordinates"][0]
    xs = np.linspace(0, 0.01, 120_000)
    data["features"][0]["geometry"]["coordinates"] = np.column_stack([x0 + xs, y0 + 0 * xs]).tolist()
    (folder / "roads.geojson").write_text(json.dumps(data))
    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": "1"})
    try:
        with pytest.raises(pyogrio.errors.DataSourceError, match="too complex/large"):
            pyogrio.read_dataframe(folder / "roads.geojson")  # GDAL alone, at that limit
        assert len(read_spatial(folder / "roads.geojson", "roads").frame) == 1
    finally:
        pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": None})
