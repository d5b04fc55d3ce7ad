"""``geo init``: a new, empty project a campaign-office clerk can fill in.

Writes XLSX tables with the Chinese headers the contract accepts (and a
second sheet explaining each column), a commented ``geo.toml``, and a short
Chinese guide (说明.txt) naming every file a project may hold. Which layers
and columns are required (必需, 必填) is read from `geo.schema.LAYERS`, the
rules the checks apply, so the guide and the sheets say what the tool does.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from .errors import ProjectError
from .schema import LAYERS

__all__ = ["init_project"]

# layer -> [(Chinese header, contract column, explanation)], in the contract's column order. Whether a
# column must be filled (必填 / 可选) is said from `geo.schema.LAYERS`, the rules the checks apply, so a sheet
# cannot disagree with them; `_SOMETIMES` says it for the columns needed only in some rows or some files.
TABLES: dict[str, list[tuple[str, str, str]]] = {
    "leaders": [
        ("编号", "id", "唯一，例如 C01"),
        ("姓名", "name", "部门工作队可写“市住建委工作队”"),
        ("职务", "title", "例如 副区长"),
        ("级别", "level", "市 / 区 / 街道 / 部门"),
        ("单位", "unit", ""),
        ("电话", "phone", "不会写入任何地图或报表"),
    ],
    "assignments": [
        ("责任人", "leader", "领导编号，或不重名的姓名"),
        ("类型", "kind", "包路（整条道路）/ 路段 / 包社区（包片）"),
        ("对象", "target", "道路名称，或社区编号 / 名称"),
        ("起点", "from", "与该路相交的道路名称，或距起点的米数"),
        ("止点", "to", "同上"),
        ("职责", "role", "包路、包片、党建工作队 等"),
    ],
    "status": [
        ("类型", "kind", "社区 / 道路"),
        ("对象", "target", "社区编号 / 名称，或道路名称"),
        ("事项", "item", "拆违、五乱、门前三包、粉刷、绿化、保洁、刷黑 等"),
        ("状态", "state", "未开始 / 整改中 / 已完成"),
        ("进度", "progress", "0–100"),
        ("期限", "due", "日期，如 2022-05-31"),
        ("更新日期", "updated", "日期"),
        ("备注", "note", ""),
    ],
    "issues": [
        ("编号", "id", "唯一"),
        ("日期", "reported", "反映日期"),
        ("来源", "source", "投诉 / 检查（明查、暗访）"),
        ("类别", "category", "例如 卫生死角"),
        ("状态", "state", "未整改 / 已整改；整列不填时均视为未整改"),
        ("整改期限", "due", "日期"),
        ("备注", "note", ""),
        ("经度", "lon", "WGS84 经度，如 112.2563"),
        ("纬度", "lat", "WGS84 纬度，如 30.3138"),
    ],
    "tiers": [
        ("社区", "community", "社区编号，或不重名的社区名称"),
        ("类别", "tier", "示范 / 重点；未列出的社区为一般社区"),
    ],
    "inspectors": [
        ("编号", "id", "唯一，例如 DC1"),
        ("名称", "name", "例如 第一督查组"),
    ],
}

# Needed in some rows only (a section's ends), or in a table but not in a point layer (an issue's place).
_SOMETIMES = {("assignments", "from"): "路段必填", ("assignments", "to"): "路段必填"}
_SOMETIMES |= {("issues", "lon"): "必填", ("issues", "lat"): "必填"}  # this template is a table: no geometry


def _explained(layer: str, column: str, text: str) -> str:
    """A column's line on the 填写说明 sheet: 必填 or 可选 as the schema says, then `text`."""
    need = _SOMETIMES.get((layer, column)) or ("必填" if column in LAYERS[layer].required_columns else "可选")
    return f"{need}：{text}" if text else need


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

# What each layer is, for the guide (说明.txt). Whether it is required is `LayerSpec.required`; the columns of a
# layer init writes no sheet for are listed from the schema, 必填 where the checks require them.
_ABOUT = {
    "communities": "社区边界（面）：GeoJSON / GeoPackage / Shapefile / .gdb",
    "roads": "道路（线），格式同上。可以没有，也可以为空：此时跳过道路检查（会给出说明），社区与问题点照常检查",
    "leaders": "责任人名单（已建好表头，第二个工作表为填写说明）",
    "assignments": "包保责任：谁包哪条路、哪个路段、哪个社区（同上）",
    "status": "整改事项进度（同上）",
    "issues": "问题点（投诉、督查发现），表格含经度、纬度（同上）；也可以是点图层",
    "boundary": "辖区边界（面），用于检查辖区空白",
    "tiers": "示范、重点社区名单（表格）：未列出的社区为一般社区；与社区图层的类别不同时，以名单为准",
    "inspectors": "督查组名单（表格）：每组一张地图，可核实、退回报完成的事项并上报问题（回执用 geo import 收下）",
}
_HINTS = {  # what a column holds, where its header does not say
    ("communities", "name"): "不填时用编号",
    ("communities", "tier"): "示范 / 重点 / 一般；不填时为一般，或另附 tiers 名单",
    ("roads", "name"): "同名的多段为一条路",
    ("tiers", "community"): "社区编号或名称",
    ("tiers", "tier"): "示范 / 重点",
}


def _columns(layer: str) -> str:
    """A layer's columns for the guide: the first Chinese header the tool reads for each, 必填 as the schema says."""
    spec = LAYERS[layer]
    items = []
    for column, aliases in spec.columns.items():
        header = next((a for a in aliases if not a.isascii()), column)
        notes = [*(["必填"] if column in spec.required_columns else []), *filter(None, [_HINTS.get((layer, column))])]
        items.append(f"{header}（{'：'.join(notes)}）" if notes else header)
    return "、".join(items)


def guide() -> str:
    """The text of 说明.txt: the layers the schema requires, then the optional ones, each with what it is."""
    lines = [
        "创卫包保责任地图 · 项目文件夹说明",
        "",
        "本文件夹是一个项目。请按下列文件名放入数据（扩展名可不同；表头可用中文或英文，简体、繁体均可）。",
    ]
    for heading, required in (("必需：", True), ("可选：", False)):
        lines += ["", heading]
        for name, spec in LAYERS.items():
            if spec.required != required:
                continue
            file = f"{name}.xlsx" if name in TABLES else name
            lines.append(f"  {file:<18} {_ABOUT.get(name, '')}".rstrip())
            if name not in TABLES and spec.columns:
                lines.append(f"  {'':<18} 列：{_columns(name)}")
    lines += [
        "",
        "从高德、DataV 等网站取得的坐标是 GCJ-02，请在 geo.toml 的 [crs] 中注明。",
        "填好后运行：  geo validate 本文件夹   检查数据；  geo build 本文件夹   生成地图。",
        "",
    ]
    return "\n".join(lines)


def _workbook(layer: str, columns: list[tuple[str, str, str]], path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append([header for header, _, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, (header, _, _) in enumerate(columns, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(n)].width = max(10, 3 * len(header))
    help_sheet = book.create_sheet("填写说明")
    help_sheet.append(["列", "说明"])
    for header, column, text in columns:
        help_sheet.append([header, _explained(layer, column, text)])
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
        _workbook(name, columns, folder / f"{name}.xlsx")
    (folder / "geo.toml").write_text(GEO_TOML, encoding="utf-8")
    (folder / "说明.txt").write_text(guide(), encoding="utf-8")
    return targets
