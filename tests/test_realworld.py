"""Real-world shapes, handed over unedited: each builds (exit 0 or 1, never 2 or 3) with true figures.

Each project here is small, in the shape of a file a district office really
hands over (Traditional headers, date-times with zones, a street file without
names, an OpenStreetMap extract, a Shapefile whose .cpg lies …). The expected
figures are worked out by hand in the comments, or, for the OpenStreetMap
extract, by an independent method (geodesic lengths with pyproj.Geod, counts
from the extract's README).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

from conftest import LEADERS, line, m, make_project, square, to_wgs, write_csv, write_geojson
from geo import load_project, validate_project
from geo.cli import main
from geo.config import load_config
from geo.pipeline import check

OSM_SAMPLE = Path(__file__).resolve().parent / "data" / "osm" / "aguascalientes.osm.pbf"  # ODbL, see its README


def _problems(folder: Path) -> list:
    layers, problems = load_project(folder, load_config(folder))
    return validate_project(layers, problems, load_config(folder).tolerances)[1]


def _run(args, capsys) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _summary(out: Path) -> dict:
    return json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))


def _write_rows(path: Path, header: list[str], rows: list[list[str]], encoding="utf-8-sig") -> None:
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


# ----------------------------------------------------------------------------- Traditional Chinese
def test_traditional_headers_values_and_names_build_with_the_right_figures(tmp_path, capsys):
    """A Taipei-style office: 繁體 headers and values, names spelt 繁 in one file and 简 in another.

    东西路/東西路 is 1,000 m with cross streets at 0, 300 and 1,000 m; 區長 乙 holds 甲街–乙街
    (0–300 m), 丙 holds 乙街–丁街 (300–1,000 m): no section gap. The community 甲里 (an id
    typed in lower case in assignments) is led; so nothing is unmanaged.
    """
    folder = tmp_path / "tw"
    folder.mkdir()
    roads = [
        {"道路名稱": "東西路", "geometry": line((0, 0), (1000, 0))},
        {"道路名稱": "甲街", "geometry": line((0, -100), (0, 100))},
        {"道路名稱": "乙街", "geometry": line((300, -100), (300, 100))},
        {"道路名稱": "丁街", "geometry": line((1000, -100), (1000, 100))},
    ]
    write_geojson(folder / "roads.geojson", roads)
    write_geojson(
        folder / "communities.geojson",
        [{"編號": "Li-01", "名稱": "甲里", "類別": "示範", "geometry": square(-100, -300, 1100, 300)}],
    )
    _write_rows(
        folder / "leaders.csv",
        ["編號", "姓名", "職務", "級別", "部門"],
        [["D1", "乙", "區長", "區", ""], ["D2", "丙", "副區長", "區級", ""], ["S1", "丁", "里長", "街道", ""]],
    )
    _write_rows(
        folder / "assignments.csv",
        ["責任人", "類型", "對象", "起點", "止點"],
        [
            ["D1", "路段", "东西路", "甲街", "乙街"],  # simplified target, traditional road name
            ["丙", "包路段", "東西路", "乙街", "丁街"],  # a leader by name
            ["S1", "包社區", "li-01", "", ""],  # the community id in another case
            ["D1", "包社區", "甲里", "", ""],
        ],
    )
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    summary = _summary(tmp_path / "out")
    assert summary["communities"]["by_tier"]["demonstration"] == 1
    assert summary["roads"]["coverage_pct"] == pytest.approx(100.0)
    assert summary["gaps"]["total"] == 0
    assert summary["input"]["ledger"]["assignments"] == {"read": 4, "used": 4, "rejected": 0, "outside": 0}
    sections = pd.read_csv(tmp_path / "out" / "reports" / "sections.csv", dtype=str)
    assert sorted(sections["road"]) == ["東西路", "東西路"]  # the roads layer's own spelling


def test_a_road_spelt_two_ways_is_one_road_and_latin_names_match_in_any_case(tmp_path):
    # Two pieces: "Calle Nadir" 0–400 m and "CALLE NADIR" 400–1,000 m are one road of 1,000 m.
    roads = [
        {"name": "Calle Nadir", "geometry": line((0, 0), (400, 0))},
        {"name": "CALLE NADIR", "geometry": line((400, 0), (1000, 0))},
        {"name": "Calle Nadir", "geometry": line((1000, 0), (1200, 0))},
    ]
    folder = make_project(
        tmp_path / "p",
        roads=roads,
        leaders=LEADERS,
        communities=[{"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1300, 100)}],
        assignments=[
            {"leader": "C1", "kind": "road", "target": "calle nadir"},
            {"leader": "S1", "kind": "community", "target": "a"},
        ],
    )
    result = check(folder, load_config(folder))
    roads_table = result.analysis.roads.set_index("road")
    assert list(roads_table.index) == ["Calle Nadir"]  # the commonest spelling (2 of 3 pieces)
    assert roads_table.at["Calle Nadir", "length_m"] == pytest.approx(1200.0, abs=1e-3)
    assert roads_table.at["Calle Nadir", "covered_m"] == pytest.approx(1200.0, abs=1e-3)
    notes = [str(p.message) for p in result.problems if p.severity == "note" and p.file == "roads.geojson"]
    assert any("“Calle Nadir”、“CALLE NADIR” 视为同一条道路" in n for n in notes)


def test_spellings_used_equally_often_give_way_to_the_first_seen(tmp_path):
    # 紅門路 and 红门路 one piece each: a tie, so the first piece's spelling (紅門路) names the road.
    roads = [
        {"name": "紅門路", "geometry": line((0, 0), (400, 0))},
        {"name": "红门路", "geometry": line((400, 0), (1000, 0))},
        {"name": "Calle Nadir", "geometry": line((0, 50), (400, 50))},
        {"name": "CALLE NADIR", "geometry": line((400, 50), (1000, 50))},
        {"name": "CALLE NADIR", "geometry": line((1000, 50), (1200, 50))},
    ]
    folder = make_project(
        tmp_path / "p",
        roads=roads,
        leaders=LEADERS,
        communities=[{"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1300, 100)}],
        assignments=[{"leader": "S1", "kind": "community", "target": "a"}],
    )
    result = check(folder, load_config(folder))
    assert sorted(result.analysis.roads["road"]) == ["CALLE NADIR", "紅門路"]  # 2 of 3 pieces; the tie
    notes = [str(p.message) for p in result.problems if p.severity == "note" and p.file == "roads.geojson"]
    assert [n for n in notes if "视为同一条道路" in n] == [
        "“Calle Nadir”、“CALLE NADIR” 视为同一条道路，统一写作“CALLE NADIR”",
        "“紅門路”、“红门路” 视为同一条道路，统一写作“紅門路”",
    ]


# ----------------------------------------------------------------------------- dates
def test_iso_date_times_with_fractions_and_zones_are_dates(tmp_path, capsys):
    # As of 2023-06-15: I1 due 2023-06-10 (with a zone) is overdue; I2 due 2023-06-15 is not (due today);
    # I3 due 2023年6月20日 is not; I4 is resolved though past due.
    issues = [
        {
            "id": "I1",
            "state": "未整改",
            "reported": "2023-06-01T15:34:43.042999",
            "due": "2023-06-10T00:00:00+08:00",
            "geometry": shapely.Point(m(100, 20)),
        },
        {
            "id": "I2",
            "state": "未整改",
            "reported": "2023-06-01T15:34:43Z",
            "due": "2023/6/15",
            "geometry": shapely.Point(m(200, 20)),
        },
        {
            "id": "I3",
            "state": "未整改",
            "reported": "2023.6.2",
            "due": "2023年6月20日",
            "geometry": shapely.Point(m(300, 20)),
        },
        {
            "id": "I4",
            "state": "已整改",
            "reported": "20230601",
            "due": "2023-06-01 08:00",
            "geometry": shapely.Point(m(400, 20)),
        },
    ]
    folder = make_project(
        tmp_path / "p",
        roads=[{"name": "路", "geometry": line((0, 0), (1000, 0))}],
        communities=[{"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1100, 100)}],
        leaders=LEADERS,
        assignments=[
            {"leader": "S1", "kind": "community", "target": "A"},
            {"leader": "C1", "kind": "road", "target": "路"},
        ],
        issues=issues,
    )
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out"), "--today", "2023-06-15"], capsys)
    assert code == 0, text
    table = pd.read_csv(tmp_path / "out" / "reports" / "issues.csv", dtype=str).set_index("id")
    assert table["due"].to_dict() == {"I1": "2023-06-10", "I2": "2023-06-15", "I3": "2023-06-20", "I4": "2023-06-01"}
    assert table["overdue"].to_dict() == {"I1": "True", "I2": "False", "I3": "False", "I4": "False"}


def test_an_impossible_date_is_a_message_with_file_row_column_and_value_never_a_crash(tmp_path, capsys):
    issues = [{"id": "I1", "state": "open", "reported": "2021-02-30", "geometry": shapely.Point(m(100, 20))}]
    folder = make_project(
        tmp_path / "p",
        roads=[{"name": "路", "geometry": line((0, 0), (1000, 0))}],
        communities=[{"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1100, 100)}],
        leaders=LEADERS,
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
        issues=issues,
    )
    code, text = _run(["validate", str(folder)], capsys)
    assert code == 2
    assert (
        "issues.geojson 第 1 个要素（I1），“reported”列：日期不存在（2021 年 2 月没有 30 日）（值：“2021-02-30”）"
        in text
    )
    assert "内部错误" not in text


# ----------------------------------------------------------------------------- geometry
def test_a_line_of_one_repeated_point_is_dropped_with_a_warning(tmp_path, capsys):
    point = m(500, 50)
    folder = make_project(
        tmp_path / "p",
        leaders=LEADERS,
        roads=[
            {"name": "路", "geometry": line((0, 0), (1000, 0))},
            {"name": "点路", "geometry": shapely.LineString([point, point])},
        ],
        communities=[{"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1100, 100)}],
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
    )
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    assert "roads.geojson 第 2 个要素（点路）：几何图形退化（长度为零" in text
    ledger = pd.read_csv(tmp_path / "out" / "reports" / "ledger_summary.csv").set_index("layer")
    assert (ledger.at["roads", "used"], ledger.at["roads", "rejected"]) == (1, 1)


# ----------------------------------------------------------------------------- columns and layers
def test_one_column_may_be_both_id_and_name(tmp_path, capsys):
    folder = make_project(
        tmp_path / "p",
        leaders=LEADERS,
        roads=[{"name": "路", "geometry": line((0, 0), (1000, 0))}],
        communities=[
            {"社区名称": "东社区", "tier": "general", "geometry": square(-100, -100, 500, 100)},
            {"社区名称": "西社区", "tier": "key", "geometry": square(500, -100, 1100, 100)},
        ],
        assignments=[
            {"leader": "S1", "kind": "community", "target": "东社区"},
            {"leader": "D1", "kind": "community", "target": "西社区"},
        ],
    )
    (folder / "geo.toml").write_text('[columns.communities]\nid = "社区名称"\nname = "社区名称"\n', encoding="utf-8")
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    communities = pd.read_csv(tmp_path / "out" / "reports" / "communities.csv", dtype=str).set_index("id")
    assert communities["name"].to_dict() == {"东社区": "东社区", "西社区": "西社区"}


def test_a_street_file_without_names_is_all_unnamed_and_measured(tmp_path, capsys):
    # A municipal file with only ids: 3 pieces of 400, 300 and 250 m in community A, which has no leader:
    # 950 m unmanaged. No assignment names a road.
    roads = [
        {"FID": str(k), "geometry": g}
        for k, g in enumerate([line((0, 0), (400, 0)), line((0, 50), (300, 50)), line((600, 0), (600, 250))])
    ]
    folder = make_project(
        tmp_path / "p",
        leaders=LEADERS,
        roads=roads,
        communities=[
            {"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1100, 300)},
            {"id": "B", "name": "B", "tier": "general", "geometry": square(1100, -100, 1500, 300)},
        ],
        assignments=[{"leader": "S1", "kind": "community", "target": "B"}],
    )
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 1, text
    assert "没有道路名称列：全部作为无名路段" in text
    summary = _summary(tmp_path / "out")
    assert summary["roads"]["unnamed_pieces"] == 3
    assert summary["gaps"]["unmanaged_m"] == pytest.approx(950.0, abs=0.01)


@pytest.mark.parametrize("roads", ["absent", "empty"])
def test_without_roads_the_communities_and_issues_are_still_checked(tmp_path, capsys, roads):
    # B has no leader; the issue in B is an orphan (no road can give it one).
    folder = make_project(
        tmp_path / "p",
        leaders=LEADERS,
        roads=[],
        communities=[
            {"id": "A", "name": "A", "tier": "general", "geometry": square(0, 0, 100, 100)},
            {"id": "B", "name": "B", "tier": "general", "geometry": square(100, 0, 200, 100)},
        ],
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
        issues=[{"id": "I1", "state": "open", "geometry": shapely.Point(m(150, 50))}],
    )
    if roads == "absent":
        (folder / "roads.geojson").unlink()
    code, text = _run(["build", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    assert "跳过道路与路段的检查" in text
    summary = _summary(tmp_path / "out")
    assert summary["gaps"]["by_kind"]["community_no_leader"] == 1
    assert summary["gaps"]["by_kind"]["orphan_issue"] == 1
    assert (tmp_path / "out" / "overview.html").is_file()


# ----------------------------------------------------------------------------- OpenStreetMap
@pytest.fixture
def osm_project(tmp_path) -> Path:
    """The ODbL Aguascalientes extract as the roads, one community over all of it, one leader on one street."""
    folder = tmp_path / "osm"
    folder.mkdir()
    shutil.copy(OSM_SAMPLE, folder / "roads.osm.pbf")
    lines = gpd.read_file(OSM_SAMPLE, layer="lines", engine="pyogrio")
    x0, y0, x1, y1 = lines.total_bounds
    outline = shapely.box(x0 - 0.01, y0 - 0.01, x1 + 0.01, y1 + 0.01)
    (folder / "communities.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": "C", "name": "Centro", "tier": "general"},
                        "geometry": shapely.geometry.mapping(outline),
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    write_csv(folder / "leaders.csv", LEADERS)
    write_csv(folder / "assignments.csv", [{"leader": "C1", "kind": "road", "target": "Calle Tacuba"}])
    return folder


def test_an_osm_extract_is_read_as_roads_with_their_names(osm_project, tmp_path, capsys):
    code, text = _run(["check", str(osm_project), "--out", str(tmp_path / "out")], capsys)
    assert code == 1, text  # the community has no leader: every street but Calle Tacuba is unmanaged
    assert "未读取人行道、小径等 28 条（footway 16、path 10、steps 2）" in text  # the README's counts
    summary = _summary(tmp_path / "out")
    # The README's counts: 674 lines with a highway tag, less 16 footway, 10 path, 2 steps = 646.
    assert summary["roads"]["pieces"] == 646
    # Independent length: geodesic (WGS84 ellipsoid) with pyproj.Geod, on the lines read by pyogrio.
    raw = pyogrio.read_dataframe(OSM_SAMPLE, layer="lines")
    kept = raw[raw["highway"].notna() & ~raw["highway"].isin(["footway", "path", "steps"])]
    geod = pyproj.Geod(ellps="WGS84")
    expected = sum(geod.geometry_length(g) for g in kept.geometry)
    assert summary["roads"]["length_m"] == pytest.approx(expected, rel=2e-3)  # UTM scale error is < 0.1 %
    roads = pd.read_csv(tmp_path / "out" / "reports" / "roads.csv")
    assert "Calle Tacuba" in set(roads["road"])
    assert summary["roads"]["named"] == kept.loc[kept["name"].notna(), "name"].nunique()


def test_an_osm_extract_given_in_files_reads_its_lines_not_its_points(osm_project, tmp_path):
    (osm_project / "roads.osm.pbf").rename(osm_project / "aguascalientes.osm.pbf")
    (osm_project / "geo.toml").write_text('[files]\nroads = "aguascalientes.osm.pbf"\n', encoding="utf-8")
    result = check(osm_project, load_config(osm_project))
    assert len(result.analysis.resolved.roads) == 646
    assert set(result.analysis.resolved.roads.geom_type) <= {"LineString", "MultiLineString"}


# ----------------------------------------------------------------------------- Shapefile encodings
def test_a_shapefile_whose_cpg_names_the_wrong_encoding_is_read_in_the_one_that_decodes(tmp_path, capsys):
    folder = make_project(
        tmp_path / "p",
        leaders=LEADERS,
        roads=[],
        communities=[{"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1100, 100)}],
        assignments=[
            {"leader": "S1", "kind": "community", "target": "A"},
            {"leader": "C1", "kind": "road", "target": "红门路"},
        ],
    )
    (folder / "roads.geojson").unlink()
    frame = gpd.GeoDataFrame({"name": ["红门路"]}, geometry=[to_wgs(line((0, 0), (1000, 0)))], crs=4326)
    frame.to_file(folder / "roads.shp", encoding="GBK", engine="pyogrio")
    (folder / "roads.cpg").write_text("UTF-8", encoding="ascii")  # the lie
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    assert "roads.cpg 写的编码是“UTF-8”，但属性文本不是这种编码：按 GBK 读取" in text
    roads = pd.read_csv(tmp_path / "out" / "reports" / "roads.csv")
    assert roads["road"].tolist() == ["红门路"]
    assert roads["length_m"].iloc[0] == pytest.approx(1000.0, abs=0.01)


# ----------------------------------------------------------------------------- messages at scale
def test_three_thousand_rows_of_one_error_print_a_screenful_and_the_ledger_lists_all(tmp_path, capsys):
    statuses = [{"kind": "community", "target": "A", "item": f"事项{k}", "state": "做了一半"} for k in range(3000)]
    folder = make_project(
        tmp_path / "p",
        leaders=LEADERS,
        roads=[{"name": "路", "geometry": line((0, 0), (1000, 0))}],
        communities=[{"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1100, 100)}],
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
        status=statuses,
    )
    out = tmp_path / "out"
    code, text = _run(["check", str(folder), "--out", str(out)], capsys)
    assert code == 2
    assert len(text.splitlines()) <= 40, text
    assert "status.csv，“state”列：不是可识别的值（第 2、3、4 … 行，共 3,000 行；值如 “做了一半”）" in text
    ledger = pd.read_csv(tmp_path / "out-problems" / "ledger.csv")
    assert len(ledger[ledger["file"] == "status.csv"]) == 3000
    summary = pd.read_csv(tmp_path / "out-problems" / "ledger_summary.csv").set_index("layer")
    assert summary.at["status", "rejected"] == 3000  # a row with an error is not used


def test_validate_writes_the_ledger_only_when_asked_and_points_only_to_files_that_exist(tmp_path, capsys):
    folder = make_project(
        tmp_path / "p",
        leaders=LEADERS + [{"id": "X", "name": "戊", "level": "省"}],
        roads=[{"name": "路", "geometry": line((0, 0), (1000, 0))}],
        communities=[{"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1100, 100)}],
        assignments=[{"leader": "S1", "kind": "community", "target": "A"}],
    )
    code, text = _run(["validate", str(folder)], capsys)
    assert code == 2 and "ledger.csv" not in text
    code, text = _run(["validate", str(folder), "--out", str(tmp_path / "problems")], capsys)
    assert code == 2
    assert f"全部问题已写入 {tmp_path / 'problems' / 'ledger.csv'}" in text
    ledger = pd.read_csv(tmp_path / "problems" / "ledger.csv")
    assert ledger["value"].tolist() == ["省"]


# ----------------------------------------------------------------------------- Big5
def test_big5_tables_and_a_big5_shapefile_without_cpg_are_read_as_big5(tmp_path, capsys):
    """Taiwan's Excel saves CSV in Big5 and its Shapefiles often come without a .cpg."""
    folder = make_project(
        tmp_path / "p",
        leaders=LEADERS,
        roads=[],
        communities=[
            {
                "VILLCODE": "63000010001",
                "VILLNAME": "中正里",
                "TOWNNAME": "中正區",
                "tier": "一般",
                "geometry": square(-100, -100, 1100, 100),
            }
        ],
        assignments=[],
    )
    (folder / "roads.geojson").unlink()
    frame = gpd.GeoDataFrame({"name": ["民生東路"]}, geometry=[to_wgs(line((0, 0), (1000, 0)))], crs=4326)
    frame.to_file(folder / "roads.shp", encoding="cp950", engine="pyogrio")
    (folder / "roads.cpg").unlink(missing_ok=True)
    _write_rows(
        folder / "leaders.csv",
        ["編號", "姓名", "職務", "級別"],
        [["D1", "陳志明", "區長", "區"], ["S1", "林淑芬", "里長", "街道"]],
        encoding="cp950",
    )
    _write_rows(
        folder / "assignments.csv",
        ["責任人", "類型", "對象"],
        [["陳志明", "包路", "民生東路"], ["林淑芬", "包社區", "中正里"]],
        encoding="cp950",
    )
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    # every name is Traditional and no language was given: the run speaks Traditional Chinese (geo.words)
    assert "沒有 .cpg 文件，且文本不是 UTF-8：按 Big5 讀取" in text
    assert "leaders.csv：按 Big5 編碼讀取" in text
    leaders = pd.read_csv(tmp_path / "out" / "reports" / "leaders.csv", dtype=str).set_index("id")
    assert leaders.at["D1", "name"] == "陳志明" and leaders.at["D1", "roads"] == "民生東路"
    communities = pd.read_csv(tmp_path / "out" / "reports" / "communities.csv", dtype=str).set_index("id")
    assert communities.at["63000010001", "name"] == "中正里"
    assert communities.at["63000010001", "street"] == "中正區"


# ----------------------------------------------------------------------------- one bad feature, not a bad file
def _small(tmp_path, **layers):
    base = {
        "leaders": LEADERS,
        "roads": [{"name": "路", "geometry": line((0, 0), (1000, 0))}],
        "communities": [{"id": "A", "name": "A", "tier": "general", "geometry": square(-100, -100, 1100, 100)}],
        "assignments": [
            {"leader": "S1", "kind": "community", "target": "A"},
            {"leader": "C1", "kind": "road", "target": "路"},
        ],
    }
    base.update(layers)
    return make_project(tmp_path / "p", **base)


def _ledger(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "reports" / "ledger_summary.csv").set_index("layer")


def test_a_swapped_point_among_good_ones_leaves_out_that_point_only(tmp_path, capsys):
    folder = _small(
        tmp_path,
        issues=[{"id": f"I{k}", "state": "open", "geometry": shapely.Point(m(100 * k, 20))} for k in range(1, 5)],
    )
    data = json.loads((folder / "issues.geojson").read_text(encoding="utf-8"))
    lon, lat = data["features"][3]["geometry"]["coordinates"]
    data["features"][3]["geometry"]["coordinates"] = [lat, lon]  # the fourth pin typed the wrong way round
    (folder / "issues.geojson").write_text(json.dumps(data), encoding="utf-8")
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    assert f"issues.geojson 第 4 个要素（I4）：经度与纬度似乎颠倒了，该要素未使用（值：“第一个顶点 x {lat:.10g}" in text
    ledger = _ledger(tmp_path / "out")
    assert (ledger.at["issues", "used"], ledger.at["issues", "rejected"]) == (3, 1)


def test_an_issue_table_with_a_bad_and_an_empty_coordinate_still_builds(tmp_path, capsys):
    folder = _small(tmp_path)
    write_csv(
        folder / "issues.csv",
        [
            {"编号": "I1", "状态": "未整改", "经度": "", "纬度": "", "类别": "no pin, no state either"},
            {"编号": "I2", "状态": "未整改", "经度": "东经112度", "纬度": "30.3"},
            {
                "编号": "I3",
                "状态": "处理中",
                "经度": f"{to_wgs(shapely.Point(m(100, 20))).x:.7f}",
                "纬度": f"{to_wgs(shapely.Point(m(100, 20))).y:.7f}",
            },
        ],
    )
    rows = (folder / "issues.csv").read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace("未整改", "", 1)  # I1 has no state: its row is left out already (no pin)
    (folder / "issues.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    assert "issues.csv 第 2 行（I1）：没有经纬度，该行未使用。修改：填写经度、纬度，或删除该行" in text
    assert (
        "issues.csv 第 3 行（I2），“经度”列：不是数字，该行未使用（值：“东经112度”）。修改：填写十进制度数，如 112.2563"
    ) in text
    ledger = _ledger(tmp_path / "out")
    assert (ledger.at["issues", "used"], ledger.at["issues", "rejected"]) == (1, 2)


def test_multipoints_collections_and_a_stray_point_among_areas(tmp_path, capsys):
    a = square(-100, -100, 500, 100)
    folder = _small(
        tmp_path,
        communities=[
            {
                "id": "A",
                "name": "A",
                "tier": "general",
                "geometry": shapely.GeometryCollection([a, shapely.Point(m(0, 0))]),
            },  # an area with a stray point
            {"id": "B", "name": "B", "tier": "general", "geometry": square(500, -100, 1100, 100)},
            {"id": "P", "name": "P", "tier": "general", "geometry": shapely.Point(m(200, 0))},  # a point among areas
        ],
        assignments=[{"leader": "S1", "kind": "community", "target": t} for t in "AB"],
        issues=[
            {"id": "I1", "state": "open", "geometry": shapely.MultiPoint([m(100, 20)])},
            {"id": "I2", "state": "open", "geometry": shapely.MultiPoint([m(600, 20), m(700, 20)])},
        ],
    )
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    assert "communities.geojson 第 1 个要素（A）：几何集合中只用了 Polygon 或 MultiPolygon 部分" in text
    assert "communities.geojson 第 3 个要素（P）：几何类型错误，应为 Polygon 或 MultiPolygon，该要素未使用" in text
    assert "issues.geojson 第 2 个要素（I2）：多点要素：只用了第一个点" in text
    issues = pd.read_csv(tmp_path / "out" / "reports" / "issues.csv", dtype=str).set_index("id")
    assert issues["community"].to_dict() == {"I1": "A", "I2": "B"}
    communities = pd.read_csv(tmp_path / "out" / "reports" / "communities.csv", dtype=str)
    assert sorted(communities["id"]) == ["A", "B"]


def test_hotline_and_311_dates_states_and_sources(tmp_path, capsys):
    # As of 2023-06-10: due 2023-06-01 (epoch ms, UTC) and 2023-152 (= 1 June) are overdue; 6/15/2023 is not.
    folder = _small(
        tmp_path,
        issues=[
            {
                "id": "H1",
                "state": "处理中",
                "source": "12345",
                "due": "1685577600000",
                "reported": "05/28/2023 09:15:00 AM",
                "geometry": shapely.Point(m(100, 20)),
            },
            {
                "id": "H2",
                "state": "办结",
                "source": "市民热线",
                "due": "2023-152",
                "geometry": shapely.Point(m(200, 20)),
            },
            {
                "id": "H3",
                "state": "pending",
                "source": "巡查",
                "due": "06/15/2023 03:34:43 PM",
                "geometry": shapely.Point(m(300, 20)),
            },
            {"id": "H4", "state": "待处理", "source": "311", "due": "2023-152", "geometry": shapely.Point(m(400, 20))},
        ],
    )
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out"), "--today", "2023-06-10"], capsys)
    assert code == 0, text
    issues = pd.read_csv(tmp_path / "out" / "reports" / "issues.csv", dtype=str).set_index("id")
    assert issues["state"].to_dict() == {"H1": "open", "H2": "resolved", "H3": "open", "H4": "open"}
    assert issues["due"].to_dict() == {"H1": "2023-06-01", "H2": "2023-06-01", "H3": "2023-06-15", "H4": "2023-06-01"}
    assert issues["overdue"].to_dict() == {"H1": "True", "H2": "False", "H3": "False", "H4": "True"}
    summary = _summary(tmp_path / "out")
    assert summary["issues"]["by_source"] == {"complaint": 3, "inspection": 1, "leader": 0}


# ----------------------------------------------------------------------------- files as offices keep them
def test_a_workbook_with_a_cover_sheet_is_read_from_its_data_sheet(tmp_path, capsys):
    import openpyxl

    folder = _small(tmp_path)
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由区创卫办汇总，2023 年 6 月"])
    data = book.create_sheet("整改进度")
    data.append(["类型", "对象", "整改事项", "状态"])
    data.append(["社区", "A", "垃圾清运", "已完成"])
    data.append(["社区", "A", "墙面清洗", "整改中"])
    book.save(folder / "status.xlsx")
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    assert "第一个工作表“说明”没有表头，读取了工作表“整改进度”" in text
    assert _summary(tmp_path / "out")["status"]["by_state"] == {"todo": 0, "doing": 1, "done": 1}


def test_an_old_xls_is_named_with_what_to_do(tmp_path, capsys):
    folder = _small(tmp_path)
    (folder / "leaders.csv").rename(folder / "leaders.xls")
    code, text = _run(["validate", str(folder)], capsys)
    assert code == 2
    assert "leaders.xls：旧版 Excel（.xls）不能直接读取：请在 Excel 或 WPS 中另存为 .xlsx" in text


def test_roads_as_kml_are_read_with_their_names(tmp_path, capsys):
    folder = _small(tmp_path)
    (folder / "roads.geojson").unlink()
    frame = gpd.GeoDataFrame(
        {"Name": ["路", "", "东街"]},
        crs=4326,
        geometry=[
            to_wgs(line((0, 0), (1000, 0))),
            to_wgs(line((0, 50), (300, 50))),
            to_wgs(line((500, -90), (500, 90))),
        ],
    )
    frame.to_file(folder / "roads.kml", driver="KML", engine="pyogrio")
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    roads = pd.read_csv(tmp_path / "out" / "reports" / "roads.csv").set_index("road")
    assert roads["length_m"].round(2).to_dict() == {"东街": 180.0, "路": 1000.0}
    assert _summary(tmp_path / "out")["roads"]["unnamed_pieces"] == 1


def test_a_latin1_cpg_over_gbk_text_is_read_as_gbk(tmp_path, capsys):
    folder = _small(
        tmp_path,
        assignments=[
            {"leader": "S1", "kind": "community", "target": "A"},
            {"leader": "C1", "kind": "road", "target": "红门路"},
        ],
    )
    (folder / "roads.geojson").unlink()
    gpd.GeoDataFrame({"name": ["红门路"]}, geometry=[to_wgs(line((0, 0), (1000, 0)))], crs=4326).to_file(
        folder / "roads.shp", encoding="GBK", engine="pyogrio"
    )
    (folder / "roads.cpg").write_text("ISO-8859-1", encoding="ascii")
    code, text = _run(["check", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, text
    assert "roads.cpg 写的编码是“ISO-8859-1”，但属性文本不是这种编码：按 GBK 读取" in text
    assert pd.read_csv(tmp_path / "out" / "reports" / "roads.csv")["road"].tolist() == ["红门路"]


def test_a_road_layer_that_cannot_be_used_is_named_in_the_assignments_messages(tmp_path, capsys):
    folder = _small(tmp_path)
    data = json.loads((folder / "roads.geojson").read_text(encoding="utf-8"))
    for feature in data["features"]:  # every coordinate swapped: the layer, not a feature, is wrong
        feature["geometry"]["coordinates"] = [[y, x] for x, y in feature["geometry"]["coordinates"]]
    (folder / "roads.geojson").write_text(json.dumps(data), encoding="utf-8")
    code, text = _run(["validate", str(folder)], capsys)
    assert code == 2
    assert "roads.geojson：经度与纬度似乎颠倒了" in text
    assert "所指道路无法使用（roads.geojson 无法使用，见该文件的错误）" in text
    assert "请检查拼写" not in text


@pytest.mark.parametrize("layer", ["boundary", "communities"])
def test_an_undeclared_gcj02_layer_is_named_with_the_fix(tmp_path, layer):
    """The demo with one layer moved into GCJ-02 (as AMap/DataV give it) and not declared."""
    from conftest import ROOT
    from geo.coords import geometry_wgs84_to_gcj02

    folder = tmp_path / "demo"
    shutil.copytree(ROOT / "layers", folder)
    frame = gpd.read_file(folder / f"{layer}.geojson")
    frame.set_geometry(geometry_wgs84_to_gcj02(frame.geometry.values), crs=4326).to_file(
        folder / f"{layer}.geojson", driver="GeoJSON", engine="pyogrio"
    )
    hints = [p for p in _problems(folder) if "GCJ-02" in str(p.message)]
    assert [(p.severity, p.file) for p in hints] == [("warning", f"{layer}.geojson")]
    assert f'[crs] {layer} = "GCJ-02"' in str(hints[0].fix)
    (folder / "geo.toml").write_text(f'today = 2022-05-14\n[crs]\n{layer} = "GCJ-02"\n', encoding="utf-8")
    assert not [p for p in _problems(folder) if "GCJ-02" in str(p.message)]  # declared: converted, and no more hint
