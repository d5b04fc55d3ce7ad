"""The bad-input corpus: each broken file gets exit code 2 (or a warning) and a
message naming the file, the row as the user sees it, and the column; the
ledger balances (rows read = used + rejected, none lost) for every input."""

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
    {"id": "I1", "state": "open", "source": "complaint", "reported": "2022-05-01",
     "geometry": shapely.Point(m(100, 20))},
    {"id": "I2", "state": "resolved", "source": "inspection", "reported": "2022-05-02",
     "geometry": shapely.Point(m(700, 20))},
]


def _base(folder):
    return make_project(folder, communities=COMMUNITIES, roads=ROADS, leaders=LEADERS, assignments=ASSIGNMENTS,
                        status=STATUS, issues=ISSUES, boundary=square(-100, -300, 1100, 600))


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
            folder / f"{name}.csv", index=False)
    return mutate


def _edit_feature(name, index, key, value, rows):
    def mutate(folder):
        changed = [dict(r) for r in rows]
        changed[index][key] = value
        write_geojson(folder / f"{name}.geojson", changed)
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
    write_geojson(folder / "boundary.geojson",
                  [{"name": "b", "geometry": shapely.affinity.translate(square(0, 0, 100, 100), 2_000_000, 0)}])


def _gcj_in_europe(folder):
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "I1", "state": "open"},
         "geometry": {"type": "Point", "coordinates": [2.35, 48.85]}}]}
    (folder / "issues.geojson").write_text(json.dumps(data), encoding="utf-8")
    (folder / "geo.toml").write_text('[crs]\nissues = "GCJ-02"\n', encoding="utf-8")


@dataclass
class Case:
    id: str
    mutate: Callable
    expect: list[str]  # substrings of stderr, e.g. "assignments.csv row 3, column 'target'"
    code: int = 2


UTM_LINE = {"type": "LineString", "coordinates": [[620000, 3350000], [621000, 3350000]]}
BOWTIE = shapely.Polygon([m(0, 0), m(500, 500), m(500, 0), m(0, 500)])

CASES = [
    Case("communities-missing-tier", _drop_column("communities", "tier", spatial=True),
         ["communities.geojson: required column 'tier' is missing", "类别"]),
    Case("communities-duplicate-id", _edit_feature("communities", 1, "id", "A", COMMUNITIES),
         ["communities.geojson feature 2, column 'id'", "duplicate id (also in feature 1)"]),
    Case("communities-empty-id", _edit_feature("communities", 0, "id", "", COMMUNITIES),
         ["communities.geojson feature 1, column 'id': empty value"]),
    Case("communities-bad-tier", _edit_feature("communities", 0, "tier", "特级", COMMUNITIES),
         ["communities.geojson feature 1, column 'tier': not a known value", "'特级'"]),
    Case("communities-empty-name", _edit_feature("communities", 1, "name", "", COMMUNITIES),
         ["communities.geojson feature 2, column 'name': empty value"]),
    Case("communities-line-not-polygon", _edit_feature("communities", 1, "geometry", line((0, 0), (5, 5)),
                                                       COMMUNITIES),
         ["communities.geojson feature 2: wrong geometry type", "'LineString'"]),
    Case("communities-no-geometry", _edit_feature("communities", 1, "geometry", None, COMMUNITIES),
         ["communities.geojson feature 2: no geometry; row left out",
          "assignments.csv row 5, column 'target': its community was left out (communities.geojson feature 2)"],
         code=1),  # B's ground is now a territory gap
    Case("communities-bowtie-repaired", _edit_feature("communities", 0, "geometry", BOWTIE, COMMUNITIES),
         ["communities.geojson feature 1: invalid geometry repaired with make_valid"], code=1),
    Case("roads-polygon-not-line", _edit_feature("roads", 3, "geometry", square(0, 0, 5, 5), ROADS),
         ["roads.geojson feature 4: wrong geometry type", "'Polygon'"]),
    Case("roads-missing-name", _drop_column("roads", "name", spatial=True),
         ["roads.geojson: required column 'name' is missing"]),
    Case("leaders-missing-level", _drop_column("leaders", "level"),
         ["leaders.csv: required column 'level' is missing", "级别"]),
    Case("leaders-duplicate-id", _edit_csv("leaders", 2, "id", "D1"),
         ["leaders.csv row 4, column 'id'", "also in row 3"]),
    Case("leaders-bad-level", _edit_csv("leaders", 0, "level", "省"),
         ["leaders.csv row 2, column 'level': not a known value", "'省'"]),
    Case("leaders-empty-name", _edit_csv("leaders", 3, "name", ""),
         ["leaders.csv row 5, column 'name': empty value"]),
    Case("assignments-unknown-leader", _edit_csv("assignments", 0, "leader", "C9"),
         ["assignments.csv row 2, column 'leader'", "'C9'", "did you mean"]),
    Case("assignments-ambiguous-name", lambda f: (_edit_csv("leaders", 2, "name", "乙")(f),
                                                  _edit_csv("assignments", 1, "leader", "乙")(f)),
         ["assignments.csv row 3, column 'leader'", "belongs to several leaders", "D1, D2"]),
    Case("assignments-bad-kind", _edit_csv("assignments", 0, "kind", "包干"),
         ["assignments.csv row 2, column 'kind': not a known value", "'包干'"]),
    Case("assignments-unknown-road", _edit_csv("assignments", 0, "target", "东西"),
         ["assignments.csv row 2, column 'target'", "did you mean 东西路?"]),
    Case("assignments-unknown-community", _edit_csv("assignments", 2, "target", "左社"),
         ["assignments.csv row 4, column 'target'", "did you mean 左社区"]),
    Case("assignments-section-without-from", _edit_csv("assignments", 1, "from", ""),
         ["assignments.csv row 3, column 'from'", "a section needs a start and an end"]),
    Case("assignments-street-does-not-cross", _edit_csv("assignments", 1, "to", "远街"),
         ["assignments.csv row 3, column 'to'", "远街 does not cross 东西路"]),
    Case("assignments-distance-beyond-end", _edit_csv("assignments", 1, "to", "1500"),
         ["assignments.csv row 3, column 'to'", "beyond the road's end"]),
    Case("assignments-duplicate-row", _append_csv("assignments", ASSIGNMENTS[0]),
         ["assignments.csv row 6: duplicate of an earlier assignment"], code=0),
    Case("status-bad-state", _edit_csv("status", 0, "state", "差不多"),
         ["status.csv row 2, column 'state': not a known value"]),
    Case("status-bad-progress", _edit_csv("status", 1, "progress", "八十"),
         ["status.csv row 3, column 'progress'", "0 to 100"]),
    Case("status-bad-date", _edit_csv("status", 0, "due", "五月底"),
         ["status.csv row 2, column 'due': not a date"]),
    Case("status-unknown-target", _edit_csv("status", 1, "target", "西东路"),
         ["status.csv row 3, column 'target'", "no road with this name"]),
    Case("issues-duplicate-id", _edit_feature("issues", 1, "id", "I1", ISSUES),
         ["issues.geojson feature 2, column 'id'", "duplicate id"]),
    Case("issues-bad-state", _edit_feature("issues", 0, "state", "搁置", ISSUES),
         ["issues.geojson feature 1, column 'state': not a known value"]),
    Case("issues-table-lon-not-a-number", _issues_table([{"编号": "I1", "状态": "未整改", "经度": "东经112度",
                                                          "纬度": "30.3"}]),
         ["issues.csv row 2, column '经度': not a number"]),
    Case("issues-table-swapped-lon-lat", _swapped_issues,
         ["issues.csv: longitude and latitude look swapped"]),
    Case("roads-metres-labelled-as-degrees", _raw_geojson("roads", [UTM_LINE] * 4),
         ["roads.geojson: coordinates are not longitude/latitude degrees"]),
    Case("issues-gcj02-outside-china", _gcj_in_europe,
         ["issues.geojson: declared GCJ-02, but the data lies outside China"]),
    Case("boundary-does-not-overlap", _shifted_boundary,
         ["boundary.geojson: does not overlap communities.geojson"]),
    Case("communities-not-json", _write_text("communities.geojson", "{ this is not json"),
         ["communities.geojson: cannot be read"]),
    Case("leaders-missing-file", lambda f: (f / "leaders.csv").unlink(),
         ["leaders.*: required layer 'leaders' not found"]),
    Case("roads-gpkg-two-layers", _gpkg_two_layers,
         ["roads.gpkg holds several layers (道路, 道路_旧)", "[layers] roads"]),
    Case("roads-shapefile-without-prj", _shapefile_without_prj,
         ["roads.shp: the file has no coordinate reference system", "[crs] roads"]),
    Case("config-unknown-key", _write_text("geo.toml", "[tolerance]\nsnap_m = 5\n"),
         ["geo.toml: unknown key 'tolerance'; did you mean 'tolerances'?"]),
    Case("config-unknown-column", _write_text("geo.toml", "[columns.roads]\nnmae = \"路名\"\n"),
         ["geo.toml [columns.roads]: unknown key 'nmae'; did you mean 'name'?"]),
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
    ledger = out / "reports" / "ledger_summary.csv"
    if case.id.startswith("config-"):
        return  # the configuration is read before any file: nothing to account for
    table = pd.read_csv(ledger)
    assert (table["read"] == table["used"] + table["rejected"]).all(), table
    assert (table["lost"] == 0).all(), table


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30


def test_the_clean_base_project_passes(tmp_path):
    folder = _base(tmp_path / "p")
    assert main(["check", str(folder), "--out", str(tmp_path / "out"), "-q"]) in (0, 1)
