"""Load a project folder: find each layer's file, read it, name its columns, put it in WGS84.

Loading never judges the values (that is `validate`); it reads what is there,
maps headers to the contract's column names, records where each row came
from (`_row`, the row number a user sees in Excel or the feature number in a
spatial file), and brings every spatial layer to EPSG:4326 — converting
GCJ-02 when the config declares it, and catching coordinates that cannot be
right (projected numbers labelled as degrees, swapped lon/lat, layers that
do not overlap). Problems are returned as `Problem` records, never raised
one by one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ._readers import ReadError, read_spatial, read_table
from .config import Config
from .coords import geometry_gcj02_to_wgs84, in_china
from .errors import Problem, ProjectError
from .model import SourceFile
from .schema import CONTROL_CHARS, LAYERS, LayerSpec, normalise_header, strip_controls

__all__ = ["Layer", "finite_geometries", "load_project"]

log = logging.getLogger(__name__)

SPATIAL_EXTENSIONS = (".geojson", ".json", ".gpkg", ".shp", ".gdb", ".kml", ".fgb", ".tab", ".mif")
OSM_EXTENSIONS = (".osm.pbf", ".osm")  # an OpenStreetMap extract, for roads only
TABLE_EXTENSIONS = (".csv", ".xlsx")
GCJ02_NAMES = {"gcj-02", "gcj02", "gcj"}
POINTS_AS_TABLE = {"issues"}  # layers that may come as a table with lon/lat columns
ID_FROM_NAME = {"communities", "leaders"}  # without an id column, the name serves as the id


@dataclass(frozen=True, kw_only=True)
class Layer(SourceFile):
    """One layer as read from its file: where it came from (`SourceFile`) and its rows.

    Attributes
    ----------
    path
        The file it was read from.
    frame
        Its rows, columns renamed to the contract's names, plus ``_row``
        (the row as the user sees it); a GeoDataFrame in EPSG:4326 for a
        spatial layer.
    part
        The layer or sheet read, when the file holds several (then in `file`).
    """

    path: Path
    frame: pd.DataFrame
    part: str | None = None

    def source(self) -> SourceFile:
        """Where the layer came from, without its rows: what the later stages keep."""
        return SourceFile(self.name, self.file, self.rows, self.headers, self.row_label)


def _file_label(path: Path, part: str | None) -> str:
    """The file as messages name it: with the layer or sheet when it holds several."""
    return f"{path.name} ({part})" if part else path.name


def _candidates(project_dir: Path, name: str, extensions) -> list[Path]:
    wanted = {f"{name}{ext}" for ext in extensions}
    if name == "roads":
        wanted |= {f"{name}{ext}" for ext in OSM_EXTENSIONS}
    return sorted(p for p in project_dir.iterdir() if p.name.lower() in wanted)


# A file a person would expect to work, that is not read: what to do instead.
UNSUPPORTED = {
    ".xls": "旧版 Excel（.xls）不能直接读取：请在 Excel 或 WPS 中另存为 .xlsx",
    ".et": "WPS 表格（.et）不能直接读取：请在 WPS 中另存为 .xlsx",
    ".ods": "OpenDocument 表格（.ods）不能直接读取：请另存为 .xlsx 或 CSV",
    ".numbers": "Numbers 表格不能直接读取：请导出为 .xlsx 或 CSV",
    ".txt": "文本文件（.txt）不能直接读取：如是逗号或制表符分隔的表格，请把扩展名改为 .csv",
    ".kmz": "KMZ 不能直接读取：请解压得到 .kml（KMZ 是 ZIP 压缩包），或在 GIS 软件中导出为 GeoJSON",
    ".dwg": "CAD 图纸（.dwg）不能直接读取：请在 GIS 软件中转换为 GeoJSON 或 Shapefile，并给要素加上属性",
    ".dxf": "CAD 图纸（.dxf）不能直接读取：请在 GIS 软件中转换为 GeoJSON 或 Shapefile，并给要素加上属性",
    ".dbf": "只有 .dbf（属性表）而没有 .shp：请把同名的 .shp、.shx、.dbf、.prj 一起复制进来",
}


def _unsupported(project_dir: Path, name: str) -> None:
    """Say so when the layer's file is there in a format that is not read."""
    for path in sorted(project_dir.iterdir()):
        if path.stem.lower() == name and path.suffix.lower() in UNSUPPORTED:
            raise ProjectError(f"{path.name}：{UNSUPPORTED[path.suffix.lower()]}")


def find_layer_file(project_dir: Path, spec: LayerSpec, config: Config) -> Path | None:
    """Return the file holding a layer, by configured name or by base name (any case)."""
    if spec.name in config.files:
        path = project_dir / config.files[spec.name]
        if not path.exists():
            raise ProjectError(f"geo.toml [files] {spec.name} = '{config.files[spec.name]}'，但 {path} 不存在")
        return path
    extensions: tuple[str, ...]
    if spec.name in POINTS_AS_TABLE:
        extensions = SPATIAL_EXTENSIONS + TABLE_EXTENSIONS
    elif spec.spatial:
        extensions = SPATIAL_EXTENSIONS
    else:
        extensions = TABLE_EXTENSIONS
    found = _candidates(project_dir, spec.name, extensions)
    if not found:
        _unsupported(project_dir, spec.name)
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ProjectError(
            f"{project_dir}：图层“{spec.name}”有多个文件（{names}）；请只保留一个，或在 geo.toml 的 [files] 中指定"
        )
    return found[0] if found else None


def _aliases(spec: LayerSpec, config: Config) -> dict[str, str]:
    """Normalised header spelling -> contract column, config mappings first."""
    aliases: dict[str, str] = {}
    for canonical, header in config.columns.get(spec.name, {}).items():
        aliases[normalise_header(header)] = canonical
    for canonical, spellings in spec.columns.items():
        for spelling in (canonical, *spellings):
            aliases.setdefault(normalise_header(spelling), canonical)
    return aliases


def _rename_columns(
    frame: pd.DataFrame, spec: LayerSpec, config: Config
) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Rename headers to the contract's names.

    Returns the frame, the mapping used (contract column -> header), and a
    note for each header that also meant an already-taken column (the first
    one is used; the others are kept aside under another name, never merged).
    """
    aliases = _aliases(spec, config)
    renames: dict[str, str] = {}
    headers: dict[str, str] = {}
    clashes = []
    # One header configured for two columns (id = name = "社区名称"): the others get a copy.
    shared: dict[str, list[str]] = {}
    for canonical, header in config.columns.get(spec.name, {}).items():
        shared.setdefault(normalise_header(header), []).append(canonical)
    for column in frame.columns:
        if column in ("geometry", "_row"):
            continue
        found = aliases.get(normalise_header(column))
        if found and found not in headers:
            renames[column] = found
            headers[found] = str(column)
        elif found:
            renames[column] = f"{column}（未使用）"
            clashes.append(f"“{column}”列与“{headers[found]}”列都表示 {found}，使用了“{headers[found]}”")
        elif column in spec.columns:  # e.g. a 'name' column after '名称' took 'name'
            renames[column] = f"{column}（未使用）"
    frame = frame.rename(columns=renames)
    for header, canonicals in shared.items():
        first = aliases.get(header)
        if first in frame and first in headers:
            for other in canonicals:
                if other != first and other not in headers:
                    frame[other] = frame[first]
                    headers[other] = headers[first]
    return frame, headers, clashes


def finite_geometries(geometries) -> np.ndarray:
    """True where every coordinate of a geometry is a finite number (None and empty count as finite)."""
    geometries = np.asarray(geometries)
    coords, where = shapely.get_coordinates(geometries, return_index=True)
    ok = np.ones(len(geometries), dtype=bool)
    ok[np.unique(where[~np.isfinite(coords).all(axis=1)])] = False
    return ok


def _drawable(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """The geometries that can tell where a layer lies: present, not empty, finite."""
    geometry = frame.geometry
    keep = ~(geometry.isna() | geometry.is_empty).to_numpy() & finite_geometries(geometry.values)
    return geometry[keep]


def _clean_controls(layer: Layer, frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Remove control and bidi-override characters from every text cell, with a warning per cell."""
    frame = frame.copy()
    for column in frame.columns:
        if column in ("geometry", "_row") or frame[column].dtype != object:
            continue
        values = frame[column]
        hit = values.astype(str).str.contains(CONTROL_CHARS)
        used = column in LAYERS[layer.name].columns  # a column the tool does not use is cleaned in silence
        for idx in frame.index[hit]:
            raw = values.at[idx]
            codes = "、".join(sorted({f"U+{ord(c):04X}" for c in CONTROL_CHARS.findall(raw)}))
            clean = strip_controls(raw)
            frame.at[idx, column] = clean
            if used:
                problems.append(
                    Problem(
                        "warning",
                        layer.file,
                        int(frame.at[idx, "_row"]),
                        layer.header(column),
                        clean,
                        f"含有不可见的控制字符（{codes}），已删除",
                        "在原文件中删去这些字符",
                        row_label=layer.row_label,
                    )
                )
    return frame


def _declared_crs(layer: Layer, frame: gpd.GeoDataFrame, config: Config, problems) -> gpd.GeoDataFrame:
    """Apply a CRS declared in geo.toml, or the GeoJSON default; GCJ-02 is converted."""
    declared = config.crs.get(layer.name)
    file, layer_name, path = layer.file, layer.name, layer.path
    if declared and normalise_header(declared) in GCJ02_NAMES:
        frame = frame.set_crs(4326, allow_override=True)
        valid = _drawable(frame)
        if not valid.empty:
            x0, y0, x1, y1 = valid.total_bounds
            if not in_china([x0, x1], [y0, y1]).all():
                problems.append(
                    Problem(
                        "error",
                        file,
                        None,
                        None,
                        declared,
                        "声明为 GCJ-02，但数据位于中国境外，那里没有 GCJ-02 偏移",
                        "从 geo.toml [crs] 中删去 GCJ-02 声明（数据多半是 WGS84）",
                    )
                )
                return frame
        return frame.set_geometry(geometry_gcj02_to_wgs84(frame.geometry.values), crs=4326)
    if declared:
        try:
            crs = pyproj.CRS.from_user_input(declared)
            if frame.crs is not None and not frame.crs.equals(crs):
                problems.append(
                    Problem(
                        "note",
                        file,
                        None,
                        None,
                        declared,
                        f"geo.toml 声明的坐标系与文件自带的（{frame.crs.to_string()}）不同，按 geo.toml 的读取",
                    )
                )
            return frame.set_crs(crs, allow_override=True)
        except pyproj.exceptions.CRSError as err:
            problems.append(
                Problem(
                    "error",
                    file,
                    None,
                    None,
                    declared,
                    f"geo.toml [crs] 中的坐标系无法识别：{err}",
                    "使用 EPSG 代码，如“EPSG:4490”“EPSG:4547”，或“GCJ-02”",
                )
            )
            return frame.set_crs(4326, allow_override=True)
    if frame.crs is None:
        if path.suffix.lower() in (".geojson", ".json", ".csv", ".xlsx"):
            return frame.set_crs(4326)  # GeoJSON's default; lon/lat columns are degrees
        problems.append(
            Problem(
                "error",
                file,
                None,
                None,
                None,
                "文件没有坐标系（缺少 .prj 文件？）",
                f'在 geo.toml 中声明，例如 [crs] {layer_name} = "EPSG:4490"',
            )
        )
        return frame.set_crs(4326, allow_override=True)
    return frame


def _plausible_degrees(file: str, frame: gpd.GeoDataFrame, raw_bounds, problems) -> bool:
    """Catch coordinates that cannot be degrees, and swapped lon/lat."""
    valid = _drawable(frame)
    if valid.empty:
        return True
    x0, y0, x1, y1 = valid.total_bounds
    if np.isfinite([x0, y0, x1, y1]).all() and -180 <= x0 and x1 <= 180 and -90 <= y0 and y1 <= 90:
        return True
    rx0, ry0, rx1, ry1 = raw_bounds
    if -90 <= rx0 and rx1 <= 90 and -180 <= ry0 and ry1 <= 180:
        problems.append(
            Problem(
                "error",
                file,
                None,
                None,
                f"x {rx0:.4f}..{rx1:.4f}, y {ry0:.4f}..{ry1:.4f}",
                "经度与纬度似乎颠倒了（纬度超出 ±90°）",
                "经度（x）在前，纬度（y）在后",
            )
        )
        return False
    hint = ""
    if rx0 > 1e7:
        hint = (
            f"；东坐标 {rx0:.0f} 带有高斯-克吕格带号 {int(rx0 // 1e6)}：请使用该带号的"
            "“CGCS2000 / 3-degree Gauss-Kruger zone N”坐标系"
        )
    problems.append(
        Problem(
            "error",
            file,
            None,
            None,
            f"x {rx0:.0f}..{rx1:.0f}, y {ry0:.0f}..{ry1:.0f}",
            "坐标不是经纬度（投影坐标被当成了度，或坐标系有误）",
            f"在 geo.toml [crs] 中声明实际坐标系，例如 EPSG:4547{hint}",
        )
    )
    return False


def _stray_features(layer: Layer, frame: gpd.GeoDataFrame, raw: gpd.GeoDataFrame, problems) -> gpd.GeoDataFrame:
    """Leave out the few features whose coordinates cannot be degrees (a typo, a swapped pair), each named.

    When most of the layer is wrong, nothing is left out here: the layer's CRS
    is what is wrong, and `_plausible_degrees` says so for the whole file.
    """
    geometry = frame.geometry.values
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry)) & finite_geometries(geometry)
    bounds = shapely.bounds(geometry)
    with np.errstate(invalid="ignore"):
        inside = (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180) & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    stray = present & ~inside
    if not stray.any() or stray.sum() * 2 >= present.sum():
        return frame
    table = "lon" in layer.headers and "lat" in layer.headers
    for idx, (x, y, *_rest) in zip(frame.index[stray], shapely.bounds(raw.geometry.values[stray])):
        swapped = -90 <= x <= 90 and -180 <= y <= 180 and not -90 <= y <= 90
        value = (
            f"{layer.header('lon')} {x:g}，{layer.header('lat')} {y:g}"
            if table
            else f"第一个顶点 x {x:.10g}，y {y:.10g}"
        )
        problems.append(
            Problem(
                "warning",
                layer.file,
                int(frame.at[idx, "_row"]),
                None,
                value,
                "经度与纬度似乎颠倒了，该要素未使用" if swapped else "坐标超出经纬度范围，该要素未使用",
                "经度（x）在前，纬度（y）在后" if swapped else "在 GIS 软件中检查该要素的坐标",
                rejected=True,
                row_label=layer.row_label,
            )
        )
    return frame[~stray]


def _to_wgs84(layer: Layer, frame: gpd.GeoDataFrame, config: Config, problems) -> gpd.GeoDataFrame:
    frame = _declared_crs(layer, frame, config, problems)
    raw = frame
    if frame.crs is not None and not frame.crs.equals(pyproj.CRS.from_epsg(4326)):
        with np.errstate(all="ignore"):
            frame = frame.to_crs(4326)
    frame = _stray_features(layer, frame, raw, problems)
    raw = raw.loc[frame.index]
    valid = _drawable(raw)
    raw_bounds = valid.total_bounds if not valid.empty else (0, 0, 0, 0)
    if not _plausible_degrees(layer.file, frame, raw_bounds, problems):
        return frame.iloc[0:0]  # unusable as a whole; the file-level error says why
    return frame


def _points_from_table(layer: Layer, frame: pd.DataFrame, problems) -> gpd.GeoDataFrame:
    """Turn a table with lon/lat columns into points (degrees)."""
    file = layer.file
    if "lon" not in frame or "lat" not in frame:
        problems.append(
            Problem(
                "error", file, None, None, None, "问题点表格需要经度、纬度两列", "加上“经度”“纬度”两列（或 lon、lat）"
            )
        )
        return gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs=4326)
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    for column, values in (("lon", lon), ("lat", lat)):
        for idx in frame.index[values.isna() & (frame[column] != "")]:
            example = "112.2563" if column == "lon" else "30.3162"
            problems.append(
                Problem(
                    "warning",
                    file,
                    int(frame.at[idx, "_row"]),
                    layer.header(column),
                    frame.at[idx, column],
                    "不是数字，该行未使用",
                    f"填写十进制度数，如 {example}",
                    rejected=True,
                    row_label=layer.row_label,
                )
            )
    geometry = shapely.points(lon.to_numpy(), lat.to_numpy())
    geometry[(lon.isna() | lat.isna()).to_numpy()] = None
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=None)


def load_layer(project_dir: Path, spec: LayerSpec, config: Config, problems: list[Problem]) -> Layer | None:
    """Read one layer; append any problem that prevents reading it."""
    path = find_layer_file(project_dir, spec, config)
    if path is None:
        if spec.required:
            kinds = ".geojson / .gpkg / .shp" if spec.spatial else ".xlsx / .csv"
            problems.append(
                Problem(
                    "error",
                    f"{spec.name}.*",
                    None,
                    None,
                    None,
                    f"缺少必需的图层“{spec.name}”",
                    f"加入 {spec.name}{kinds}（见 layers/README.md），或在 geo.toml [files] 中指定文件",
                )
            )
        return None
    is_table = path.suffix.lower() in TABLE_EXTENSIONS
    if spec.spatial and is_table and spec.name not in POINTS_AS_TABLE:
        problems.append(
            Problem(
                "error",
                path.name,
                None,
                None,
                None,
                f"“{spec.name}”需要几何图形，表格无法提供",
                "请从 GIS 软件导出为 GeoJSON、GeoPackage 或 Shapefile",
            )
        )
        return None
    try:
        if is_table:
            result = read_table(path, set(_aliases(spec, config)), config.layers.get(spec.name))
        else:
            result = read_spatial(path, spec.name, config.layers.get(spec.name), set(_aliases(spec, config)))
    except ReadError as err:
        problems.append(Problem("error", path.name, None, None, None, str(err).removeprefix(f"{path.name}："), ""))
        return None
    frame, headers, clashes = _rename_columns(result.frame, spec, config)
    for clash in clashes:
        problems.append(Problem("warning", path.name, None, None, None, clash, "删除或改名多余的列"))
    if spec.name in ID_FROM_NAME and "id" not in headers and "name" in headers:
        frame["id"] = frame["name"]
        headers["id"] = headers["name"]
        problems.append(
            Problem(
                "note",
                path.name,
                None,
                headers["name"],
                None,
                "没有编号列：以名称作编号",
                "名称须各不相同；如有编号列，在 geo.toml [columns] 中写明",
            )
        )
    several_parts = (".gpkg", ".gdb", ".kml", ".xlsx")
    if spec.name in config.layers and result.part is None and path.suffix.lower() not in several_parts:
        problems.append(
            Problem(
                "note",
                path.name,
                None,
                None,
                config.layers[spec.name],
                f"geo.toml [layers] {spec.name} 只用于 GeoPackage、.gdb、KML 和 XLSX，此处不起作用",
            )
        )
    for canonical, header in config.columns.get(spec.name, {}).items():
        if headers.get(canonical) != header and normalise_header(header) not in {
            normalise_header(c) for c in result.frame.columns
        }:
            problems.append(
                Problem(
                    "warning",
                    path.name,
                    None,
                    None,
                    header,
                    f"geo.toml [columns.{spec.name}] {canonical} 指定的表头在文件中不存在",
                    "检查表头的写法",
                )
            )
    layer = Layer(
        name=spec.name,
        file=_file_label(path, result.part),
        rows=tuple(int(r) for r in frame["_row"]),
        headers=headers,
        row_label=result.row_label,
        path=path,
        frame=frame,
        part=result.part,
    )
    frame = _clean_controls(layer, frame, problems)
    for note in result.notes:
        problems.append(Problem("note", layer.file, None, None, None, note))
    if spec.required and not layer.rows:
        problems.append(Problem("error", layer.file, None, None, None, "文件没有数据行", "在表头行下面填写数据"))
    if spec.name in POINTS_AS_TABLE and is_table:
        frame = _points_from_table(layer, frame, problems)
    if isinstance(frame, gpd.GeoDataFrame):
        frame = _to_wgs84(layer, frame, config, problems)
    return replace(layer, frame=frame)


def _check_overlap(layers: dict[str, Layer], problems: list[Problem]) -> None:
    """Layers that share no ground have a wrong CRS somewhere: say which."""
    reference = layers.get("communities") or layers.get("roads")
    if reference is None:
        return
    boxes = {}
    for name, layer in layers.items():
        if isinstance(layer.frame, gpd.GeoDataFrame):
            valid = _drawable(layer.frame)
            if not valid.empty:
                boxes[name] = shapely.box(*valid.total_bounds)
    if reference.name not in boxes:
        return
    ref = boxes[reference.name]
    margin = max(0.01, 0.2 * max(ref.bounds[2] - ref.bounds[0], ref.bounds[3] - ref.bounds[1]))
    for name, box in boxes.items():
        if name != reference.name and not box.intersects(ref.buffer(margin)):
            layer = layers[name]
            c, r = box.centroid, ref.centroid
            problems.append(
                Problem(
                    "error",
                    layer.file,
                    None,
                    None,
                    f"中心约 {c.x:.4f}, {c.y:.4f}",
                    f"与 {reference.file}（中心约 {r.x:.4f}, {r.y:.4f}）不重叠：其中一个的坐标系有误，或经纬度颠倒",
                    "检查两个文件的坐标系（geo.toml [crs]）和经纬度顺序",
                )
            )


def load_project(project_dir: str | Path, config: Config) -> tuple[dict[str, Layer], list[Problem]]:
    """Read every layer of a project folder.

    Returns
    -------
    layers
        Base name -> `Layer`, for the layers present and readable.
    problems
        Problems found while reading: missing required layer, unreadable
        file, bad CRS, implausible coordinates; and notes on how files were
        read (encoding guessed, title row skipped, Z dropped).
    """
    project_dir = Path(project_dir)
    if not project_dir.is_dir():
        raise ProjectError(f"找不到项目文件夹：{project_dir}")
    problems: list[Problem] = []
    layers = {}
    for spec in LAYERS.values():
        layer = load_layer(project_dir, spec, config, problems)
        if layer is not None:
            layers[spec.name] = layer
    _check_overlap(layers, problems)
    return layers, problems
