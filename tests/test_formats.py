"""The same project in three real-world shapes gives the same summary.json.

1. GeoJSON + CSV with English headers (the demo as committed);
2. GeoPackage (all layers in one file, chosen in geo.toml) + XLSX with Chinese
   headers, Chinese values and a title row above the header;
3. GBK Shapefiles without .cpg in a CGCS2000 Gauss–Krüger zone (EPSG:4546,
   central meridian 111°E) + GBK CSV with Chinese headers.
"""

import json
import shutil

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from conftest import ROOT
from geo.cli import main

LAYERS = ROOT / "layers"
SPATIAL = ("communities", "roads", "issues", "boundary")
TABLES = ("leaders", "assignments", "status", "inspectors")

HEADERS_ZH = {
    "communities": {"id": "社区代码", "name": "社区名称", "tier": "类别", "street": "街道"},
    "roads": {"id": "编号", "name": "道路名称", "class": "等级"},
    "issues": {
        "id": "编号",
        "reported": "日期",
        "source": "来源",
        "category": "类别",
        "state": "状态",
        "due": "整改期限",
        "note": "备注",
    },
    "boundary": {"name": "名称", "adcode": "区划代码"},
    "leaders": {"id": "编号", "name": "姓名", "title": "职务", "level": "级别", "unit": "单位", "phone": "电话"},
    "assignments": {"leader": "责任人", "kind": "类型", "target": "对象", "from": "起点", "to": "止点", "role": "职责"},
    "status": {
        "kind": "类型",
        "target": "对象",
        "item": "事项",
        "state": "状态",
        "progress": "进度",
        "due": "期限",
        "updated": "更新日期",
        "note": "备注",
    },
    "inspectors": {"id": "督查组编号", "name": "督查组名称"},
}
VALUES_ZH = {
    "tier": {"demonstration": "示范社区", "key": "重点社区", "general": "一般"},
    "level": {"city": "市", "district": "区", "street": "街道", "department": "部门"},
    "source": {"complaint": "投诉", "inspection": "检查"},
}
KIND_ZH = {
    "assignments": {"road": "包路", "section": "路段", "community": "包社区"},
    "status": {"community": "社区", "road": "道路"},
}
STATE_ZH = {
    "issues": {"open": "未整改", "resolved": "已整改"},
    "status": {"todo": "未开始", "doing": "整改中", "done": "已完成"},
}


def _chinese(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column, mapping in VALUES_ZH.items():
        if column in frame:
            frame[column] = frame[column].map(mapping).fillna(frame[column])
    if name in KIND_ZH:
        frame["kind"] = frame["kind"].map(KIND_ZH[name])
    if name in STATE_ZH:
        frame["state"] = frame["state"].map(STATE_ZH[name])
    return frame.rename(columns=HEADERS_ZH[name])


def _spatial(name: str) -> gpd.GeoDataFrame:
    frame = gpd.read_file(LAYERS / f"{name}.geojson")
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):  # GDAL reads ISO dates as dates
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame


def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(LAYERS / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _summary(folder, tmp_path) -> dict:
    out = tmp_path / f"out-{folder.name}"
    assert main(["check", str(folder), "--out", str(out), "-q"]) == 1  # the demo has gaps
    return json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ref")
    folder = tmp / "geojson_csv"
    shutil.copytree(LAYERS, folder, ignore=shutil.ignore_patterns("history"))  # the same files, no snapshots
    return _summary(folder, tmp)


def test_geopackage_and_xlsx_with_chinese_headers(tmp_path, reference):
    folder = tmp_path / "gpkg_xlsx"
    folder.mkdir()
    for name in SPATIAL:
        _chinese(name, _spatial(name)).to_file(folder / "沙市区.gpkg", layer=f"{name}_图层", engine="pyogrio")
    for name in TABLES:
        frame = _chinese(name, _table(name))
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "说明"
        sheet.append(["本表由创卫办填写"])
        data = book.create_sheet("数据")
        data.append([f"沙市区创卫{name}表"])  # a title row above the header
        data.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            data.append(list(row))
        book.save(folder / f"{name}.xlsx")
    toml = ["today = 2022-05-14", "[files]"] + [f'{n} = "沙市区.gpkg"' for n in SPATIAL]
    toml += ["[layers]"] + [f'{n} = "{n}_图层"' for n in SPATIAL] + [f'{n} = "数据"' for n in TABLES]
    (folder / "geo.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    assert _summary(folder, tmp_path) == reference


def test_gbk_shapefile_in_a_gauss_kruger_zone_and_gbk_csv(tmp_path, reference):
    folder = tmp_path / "shp_gbk"
    folder.mkdir()
    for name in SPATIAL:
        frame = _chinese(name, _spatial(name)).to_crs(4546)
        frame.to_file(folder / f"{name}.shp", encoding="GBK", engine="pyogrio")
        (folder / f"{name}.cpg").unlink()  # as surveying units deliver them: no .cpg
    for name in TABLES:
        _chinese(name, _table(name)).to_csv(folder / f"{name}.csv", index=False, encoding="gbk")
    shutil.copy(LAYERS / "geo.toml", folder / "geo.toml")
    assert _summary(folder, tmp_path) == reference
