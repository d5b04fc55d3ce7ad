"""``geo init``: a new, empty project a campaign-office clerk can fill in.

Writes XLSX tables with the Chinese headers the contract accepts (and a
second sheet explaining each column), a commented ``geo.toml``, and a short
Chinese guide saying where the map layers come from.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from .errors import ProjectError

__all__ = ["init_project"]

# layer -> [(Chinese header, explanation)], in the contract's column order.
TABLES: dict[str, list[tuple[str, str]]] = {
    "leaders": [
        ("编号", "必填，唯一，例如 C01"),
        ("姓名", "必填；部门工作队可写“市住建委工作队”"),
        ("职务", "例如 副区长"),
        ("级别", "必填：市 / 区 / 街道 / 部门"),
        ("单位", "可选"),
        ("电话", "可选；不会写入任何地图或报表"),
    ],
    "assignments": [
        ("责任人", "必填：领导编号，或不重名的姓名"),
        ("类型", "必填：包路（整条道路）/ 路段 / 包社区（包片）"),
        ("对象", "必填：道路名称，或社区编号 / 名称"),
        ("起点", "路段必填：与该路相交的道路名称，或距起点的米数"),
        ("止点", "路段必填：同上"),
        ("职责", "可选：包路、包片、党建工作队 等"),
    ],
    "status": [
        ("类型", "必填：社区 / 道路"),
        ("对象", "必填：社区编号 / 名称，或道路名称"),
        ("事项", "必填：拆违、五乱、门前三包、粉刷、绿化、保洁、刷黑 等"),
        ("状态", "必填：未开始 / 整改中 / 已完成"),
        ("进度", "可选：0–100"),
        ("期限", "可选：日期，如 2022-05-31"),
        ("更新日期", "可选：日期"),
        ("备注", "可选"),
    ],
    "issues": [
        ("编号", "必填，唯一"),
        ("日期", "反映日期"),
        ("来源", "投诉 / 检查（明查、暗访）"),
        ("类别", "例如 卫生死角"),
        ("状态", "必填：未整改 / 已整改"),
        ("整改期限", "可选：日期"),
        ("备注", "可选"),
        ("经度", "必填：WGS84 经度，如 112.2563"),
        ("纬度", "必填：WGS84 纬度，如 30.3138"),
    ],
}

GEO_TOML = """\
# geo.toml — optional settings for this project. Every key is optional; delete what you do not need.
# 本文件可选：只需填写与默认不同的设置。

# today = 2022-05-14         # judge "overdue" as of this date (default: the day of the run); keep it above any [table]

# [files]                    # base name -> file, when your file is named otherwise
# communities = "社区边界.shp"
# roads = "道路.gpkg"

# [layers]                   # the layer (GeoPackage, .gdb) or sheet (.xlsx) to read
# roads = "道路中心线"
# leaders = "领导名单"

# [columns.communities]      # contract column -> your header, when it is not one the tool knows
# id = "社区统一代码"

# [crs]                      # when a file has no CRS, or its data is GCJ-02 (AMap, DataV)
# roads = "GCJ-02"
# communities = "EPSG:4546"  # CGCS2000 / 3-degree Gauss-Kruger CM 111E

# [tolerances]               # metres and square metres; all are printed in reports/summary.json
# snap_m = 15.0              # a cross street this close to the road counts as crossing it
# crossing_cluster_m = 60.0  # crossings this close along the road are one (dual carriageways)
# min_gap_m = 1.0            # shorter stretches without a leader are not reported
# min_area_m2 = 100.0        # smaller territory gaps and overlaps are counted as slivers
# issue_road_m = 50.0        # an issue is on a road when the road is this close

# [map]
# title = "创卫包保责任地图"
# basemap = "none"           # "none" works offline; or "osm", "amap" (高德, GCJ-02), "tianditu", "intranet",
#                            # several as a list: ["tianditu", "osm"] (not amap with the others)
# tiles_url = "http://10.1.2.3/tiles/{z}/{x}/{y}.png"   # for "intranet"
# tianditu_key = ""          # or the environment variable TIANDITU_KEY
# write_key = false          # true writes the Tianditu key into the maps; otherwise readers type it once
# lang = "zh"                # or "en", "zh-Hant"
# unit_word = "村"           # what the district calls its units, in place of 社区 in the maps' own words

# [bulletin]                 # geo bulletin (通报)
# deadline_days = 14         # the lagging units are to finish this many days after the as-of date
# lagging = 5                # at most this many streets, and as many leaders, are named as lagging
"""

GUIDE = """\
创卫包保责任地图 · 项目文件夹说明

本文件夹是一个项目。请按下列文件名放入数据（扩展名可不同）：

必需：
  communities  社区边界（面）：GeoJSON / GeoPackage / Shapefile / .gdb，字段：编号、名称、类别（示范/重点/一般）、街道
  roads        道路（线）：同上，字段：道路名称（同名的多段为一条路）
  leaders.xlsx       责任人名单（已建好表头，第二个工作表为填写说明）
  assignments.xlsx   包保责任：谁包哪条路、哪个路段、哪个社区

可选：
  status.xlsx        整改事项进度
  issues.xlsx        问题点（投诉、督查发现），含经度、纬度
  boundary           辖区边界（面），用于检查辖区空白

从高德、DataV 等网站取得的坐标是 GCJ-02，请在 geo.toml 的 [crs] 中注明。
填好后运行：  geo validate 本文件夹   检查数据；  geo build 本文件夹   生成地图。
"""


def _workbook(columns: list[tuple[str, str]], path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append([header for header, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, (header, _) in enumerate(columns, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(n)].width = max(10, 3 * len(header))
    help_sheet = book.create_sheet("填写说明")
    help_sheet.append(["列", "说明"])
    for header, text in columns:
        help_sheet.append([header, text])
    help_sheet.column_dimensions["B"].width = 60
    book.save(path)


def init_project(folder: str | Path, force: bool = False) -> list[Path]:
    """Write a new empty project into `folder`; return the files written.

    Raises
    ------
    ProjectError
        When a file it would write already exists and `force` is not set.
    """
    folder = Path(folder)
    targets = [folder / f"{name}.xlsx" for name in TABLES] + [folder / "geo.toml", folder / "说明.txt"]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise ProjectError(
            f"{folder}：将覆盖已有的 {', '.join(p.name for p in existing)}；请选择空文件夹，或加 --force"
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns in TABLES.items():
        _workbook(columns, folder / f"{name}.xlsx")
    (folder / "geo.toml").write_text(GEO_TOML, encoding="utf-8")
    (folder / "说明.txt").write_text(GUIDE, encoding="utf-8")
    return targets
