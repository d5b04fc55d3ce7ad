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
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ._readers import ReadError, ReadResult, cell_texts, read_spatial, read_table
from .config import Config
from .coords import geometry_gcj02_to_wgs84, in_china
from .errors import Problem, ProjectError
from .messages import Msg, msg, seq
from .model import SourceFile, SourcePart
from .schema import CONTROL_CHARS, LAYERS, PRIVATE_COLUMNS, LayerSpec, normalise_header, strip_controls

__all__ = [
    "Layer",
    "combine",
    "finite_geometries",
    "load_frames",
    "load_project",
    "name_records",
    "record_labels",
    "split_sources",
]

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
    encoding
        The text encoding a CSV was read in; None for other files.
    """

    path: Path
    frame: pd.DataFrame
    part: str | None = None
    encoding: str | None = None  # a CSV's text encoding as read (`geo._readers.ENCODING_LABELS`)

    def source(self) -> SourceFile:
        """Where the layer came from, without its rows: what the later stages keep."""
        return SourceFile(self.name, self.file, self.rows, self.headers, self.row_label, self.parts)


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
    ".xls": msg("load.unsupported_xls"),
    ".et": msg("load.unsupported_et"),
    ".ods": msg("load.unsupported_ods"),
    ".numbers": msg("load.unsupported_numbers"),
    ".txt": msg("load.unsupported_txt"),
    ".kmz": msg("load.unsupported_kmz"),
    ".dwg": msg("load.unsupported_cad", suffix=".dwg"),
    ".dxf": msg("load.unsupported_cad", suffix=".dxf"),
    ".dbf": msg("load.unsupported_dbf"),
}


def _unsupported(project_dir: Path, name: str) -> None:
    """Say so when the layer's file is there in a format that is not read."""
    for path in sorted(project_dir.iterdir()):
        if path.stem.lower() == name and path.suffix.lower() in UNSUPPORTED:
            raise ProjectError(msg("error.in_file", file=path.name, message=UNSUPPORTED[path.suffix.lower()]))


def find_layer_files(project_dir: Path, spec: LayerSpec, config: Config) -> list[Path]:
    """The files holding a layer: as configured (one or several), else the one file of its base name (any case)."""
    if spec.name in config.files:
        paths = []
        for name in config.files[spec.name]:
            path = project_dir / name
            if not path.exists():
                raise ProjectError(msg("load.configured_file_missing", layer=spec.name, name=name, path=str(path)))
            paths.append(path)
        return paths
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
        raise ProjectError(msg("load.several_files", folder=str(project_dir), layer=spec.name, names=names))
    return found


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
) -> tuple[pd.DataFrame, dict[str, str], list[Msg], list[Msg]]:
    """Rename headers to the contract's names.

    Returns the frame, the mapping used (contract column -> header), a
    warning for each header that also meant an already-taken column (the first
    one is used; the others are kept aside under another name, never merged),
    and a note for each column shadowed by a header that geo.toml names.
    """
    aliases = _aliases(spec, config)
    renames: dict[str, str] = {}
    headers: dict[str, str] = {}
    clashes: list[Msg] = []
    shadowed: list[Msg] = []
    # One header configured for two columns (id = name = "社区名称"): the others get a copy.
    shared: dict[str, list[str]] = {}
    for canonical, header in config.columns.get(spec.name, {}).items():
        shared.setdefault(normalise_header(header), []).append(canonical)
    # A header named in geo.toml wins over a column that merely carries the contract's name (an empty
    # `id` beside `VILLCODE`): the configured headers are placed first, whatever their position.
    configured = {normalise_header(h): c for c, h in config.columns.get(spec.name, {}).items()}
    for column in frame.columns:
        if column not in ("geometry", "_row") and normalise_header(column) in configured:
            found = aliases[normalise_header(column)]
            if found not in headers:
                renames[column] = found
                headers[found] = str(column)
    for column in frame.columns:
        if column in ("geometry", "_row") or column in renames:
            continue
        known = aliases.get(normalise_header(column))
        if known is None:
            if column in spec.columns:  # e.g. a 'name' column after '名称' took 'name'
                renames[column] = f"{column}（未使用）"
            continue
        found = known
        if found in headers and normalise_header(headers[found]) in configured:
            renames[column] = f"{column}（未使用）"
            shadowed.append(msg("load.column_shadowed", column=str(column), header=headers[found], canonical=found))
        elif found not in headers:
            renames[column] = found
            headers[found] = str(column)
        else:
            renames[column] = f"{column}（未使用）"
            clashes.append(msg("load.column_clash", column=str(column), first=headers[found], canonical=found))
    frame = frame.rename(columns=renames)
    for header, canonicals in shared.items():
        first = aliases.get(header)
        if first in frame and first in headers:
            for other in canonicals:
                if other != first and other not in headers:
                    frame[other] = frame[first]
                    headers[other] = headers[first]
    return frame, headers, clashes, shadowed


def finite_geometries(geometries) -> np.ndarray:
    """True where every coordinate of a geometry is a finite number (None and empty count as finite)."""
    geometries = np.asarray(geometries)
    coords, where = shapely.get_coordinates(geometries, return_index=True)
    ok = np.ones(len(geometries), dtype=bool)
    ok[np.unique(where[~np.isfinite(coords).all(axis=1)])] = False
    return ok


def _drawable_mask(geometries) -> np.ndarray:
    """True for the geometries that can tell where a layer lies: present, not empty, finite."""
    geometries = np.asarray(geometries)
    return ~(shapely.is_missing(geometries) | shapely.is_empty(geometries)) & finite_geometries(geometries)


def _drawable(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """The geometries that can tell where a layer lies: present, not empty, finite."""
    return frame.geometry[_drawable_mask(frame.geometry.values)]


def _clean_controls(layer: Layer, frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Remove control and bidi-override characters from every text cell, with a warning per cell."""
    frame = frame.copy()
    for column in frame.columns:
        if column in ("geometry", "_row") or frame[column].dtype != object:
            continue
        values = frame[column]
        distinct = pd.unique(values)
        if not CONTROL_CHARS.search("".join(map(str, distinct))):  # one pass over the distinct values
            continue
        # the rows holding one (found by Python's re: a lone surrogate is no text to Arrow's string kernels)
        hit = values.isin([v for v in distinct if CONTROL_CHARS.search(str(v))]).to_numpy()
        used = column in LAYERS[layer.name].columns  # a column the tool does not use is cleaned in silence
        private = column in PRIVATE_COLUMNS.get(layer.name, ())  # a phone number is never echoed
        for idx in frame.index[hit]:
            raw = values.at[idx]
            codes = seq(sorted({f"U+{ord(c):04X}" for c in CONTROL_CHARS.findall(raw)}))
            clean = strip_controls(raw)
            frame.at[idx, column] = clean
            if used:
                problems.append(
                    Problem(
                        "warning",
                        layer.file,
                        int(frame.at[idx, "_row"]),
                        layer.header(column),
                        None if private else clean,
                        msg("load.control_chars", codes=codes),
                        msg("load.control_chars_fix"),
                        row_label=layer.row_label,
                    )
                )
    return frame


# The layers whose rows a clerk finds by their id or name rather than by a row number (a feature's
# number shows nowhere in QGIS; a leader or an issue is looked up by id).
_RECORDED = ("communities", "roads", "leaders", "issues", "boundary")
_RECORD_CHARS = 40  # an id or a name longer than this is cut in messages


def record_labels(frame: pd.DataFrame, rows=None) -> dict[int, str]:
    """Row -> the record's own id and name as written (``6500100-001 大安里``; one of them when they agree).

    Only for `rows` when given (the rows problems are about, not every row of a large layer).
    """
    columns = [c for c in ("id", "name") if c in frame]
    if not columns:
        return {}
    if rows is not None:
        frame = frame[frame["_row"].isin(rows)]
    texts = [frame[c].astype(str).to_numpy() for c in columns]
    labels = {}
    for row, *values in zip(frame["_row"].to_numpy(), *texts):
        words = dict.fromkeys(v if len(v) <= _RECORD_CHARS else v[: _RECORD_CHARS - 1] + "…" for v in values if v)
        if words:
            labels[int(row)] = " ".join(words)
    return labels


def name_records(problems: list[Problem], layers: dict[str, Layer]) -> list[Problem]:
    """Every problem about a row of a layer in `_RECORDED`, with the record's id and name beside its number."""
    wanted: dict[str, set[int]] = {}
    for p in problems:
        if p.row is not None and not p.record:
            wanted.setdefault(p.file, set()).add(p.row)
    labels = {
        layer.file: record_labels(layer.frame, list(wanted[layer.file]))
        for name, layer in layers.items()
        if name in _RECORDED and layer.file in wanted
    }
    if not labels:
        return problems
    return [
        replace(p, record=labels[p.file].get(p.row, ""))
        if p.row is not None and not p.record and p.file in labels
        else p
        for p in problems
    ]


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
                        msg("load.gcj02_outside_china"),
                        msg("load.gcj02_outside_china_fix"),
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
                        msg("load.crs_overridden", crs=frame.crs.to_string()),
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
                    msg("load.crs_unknown", error=str(err)),
                    msg("load.crs_unknown_fix"),
                )
            )
            return frame.set_crs(4326, allow_override=True)
    if frame.crs is None:
        if path.suffix.lower() in (".geojson", ".json", ".csv", ".xlsx"):
            return frame.set_crs(4326)  # GeoJSON's default; lon/lat columns are degrees
        frame_given = path.suffix == ".frame"  # a GeoDataFrame in memory (`load_frames`): no .prj to miss
        problems.append(
            Problem(
                "error",
                file,
                None,
                None,
                None,
                msg("load.no_crs_frame") if frame_given else msg("load.no_crs"),
                msg("load.no_crs_frame_fix") if frame_given else msg("load.no_crs_fix", layer=layer_name),
            )
        )
        return frame.set_crs(4326, allow_override=True)
    return frame


def _plausible_degrees(file: str, valid: np.ndarray, raw_bounds, problems) -> bool:
    """Catch coordinates that cannot be degrees, and swapped lon/lat (`valid`: the drawable geometries)."""
    if len(valid) == 0:
        return True
    x0, y0, x1, y1 = shapely.total_bounds(valid)
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
                msg("load.lonlat_swapped"),
                msg("load.lonlat_order_fix"),
            )
        )
        return False
    hint: str | Msg = ""
    if rx0 > 1e7:
        hint = msg("load.gauss_kruger_zone", easting=rx0, zone=int(rx0 // 1e6))
    problems.append(
        Problem(
            "error",
            file,
            None,
            None,
            f"x {rx0:.0f}..{rx1:.0f}, y {ry0:.0f}..{ry1:.0f}",
            msg("load.not_degrees"),
            msg("load.not_degrees_fix", hint=hint),
        )
    )
    return False


def _stray_features(
    layer: Layer, frame: gpd.GeoDataFrame, raw: gpd.GeoDataFrame, present: np.ndarray, problems
) -> np.ndarray:
    """The features to keep: all but the few whose coordinates cannot be degrees (a typo, a swapped pair), each named.

    `present` marks the drawable geometries (`_drawable_mask`). When most of
    the layer is wrong, nothing is left out here: the layer's CRS is what is
    wrong, and `_plausible_degrees` says so for the whole file.
    """
    geometry = frame.geometry.values
    bounds = shapely.bounds(geometry)
    with np.errstate(invalid="ignore"):
        inside = (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180) & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    stray = present & ~inside
    if not stray.any() or stray.sum() * 2 >= present.sum():
        return np.ones(len(frame), dtype=bool)
    table = "lon" in layer.headers and "lat" in layer.headers
    for idx, (x, y, *_rest) in zip(frame.index[stray], shapely.bounds(raw.geometry.values[stray])):
        swapped = -90 <= x <= 90 and -180 <= y <= 180 and not -90 <= y <= 90
        value = (
            msg("load.stray_lonlat", lon=layer.header("lon"), x=x, lat=layer.header("lat"), y=y)
            if table
            else msg("load.stray_vertex", x=x, y=y)
        )
        problems.append(
            Problem(
                "warning",
                layer.file,
                int(frame.at[idx, "_row"]),
                None,
                value,
                msg("load.stray_swapped") if swapped else msg("load.stray_out_of_range"),
                msg("load.lonlat_order_fix") if swapped else msg("load.stray_out_of_range_fix"),
                rejected=True,
                row_label=layer.row_label,
            )
        )
    return ~stray


def _to_wgs84(layer: Layer, frame: gpd.GeoDataFrame, config: Config, problems) -> gpd.GeoDataFrame:
    frame = _declared_crs(layer, frame, config, problems)
    raw = frame
    if frame.crs is not None and not frame.crs.equals(pyproj.CRS.from_epsg(4326)):
        with np.errstate(all="ignore"):
            frame = frame.to_crs(4326)
    # which geometries are drawable, worked out once (again for the file's own coordinates only
    # when they were projected: a projection can make a finite coordinate infinite)
    drawable = _drawable_mask(frame.geometry.values)
    raw_drawable = drawable if raw is frame else _drawable_mask(raw.geometry.values)
    kept = _stray_features(layer, frame, raw, drawable, problems)
    if not kept.all():
        frame = frame[kept]
    raw_valid = raw.geometry.values[kept & raw_drawable]
    raw_bounds = shapely.total_bounds(raw_valid) if len(raw_valid) else (0, 0, 0, 0)
    if not _plausible_degrees(layer.file, frame.geometry.values[drawable[kept]], raw_bounds, problems):
        return frame.iloc[0:0]  # unusable as a whole; the file-level error says why
    return frame


def _points_from_table(layer: Layer, frame: pd.DataFrame, problems) -> gpd.GeoDataFrame:
    """Turn a table with lon/lat columns into points (degrees)."""
    file = layer.file
    if "lon" not in frame or "lat" not in frame:
        problems.append(
            Problem("error", file, None, None, None, msg("load.table_needs_lonlat"), msg("load.table_needs_lonlat_fix"))
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
                    msg("load.not_a_number"),
                    msg("load.not_a_number_fix", example=example),
                    rejected=True,
                    row_label=layer.row_label,
                )
            )
    geometry = shapely.points(lon.to_numpy(), lat.to_numpy())
    geometry[(lon.isna() | lat.isna()).to_numpy()] = None
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=None)


def load_layer(project_dir: Path, spec: LayerSpec, config: Config, problems: list[Problem]) -> Layer | None:
    """Read one layer from its file, or from its several files as one (`combine`); append what prevents reading."""
    paths = find_layer_files(project_dir, spec, config)
    if len(paths) > 1:
        parts = []
        for path in paths:
            mine: list[Problem] = []
            layer = _load_file(path, spec, config, mine)
            if layer is not None:
                parts.append((layer, mine))
            else:
                problems.extend(mine)
        return combine(parts, problems) if parts else None
    return _load_file(paths[0] if paths else None, spec, config, problems)


def combine(parts: list[tuple[Layer, list[Problem]]], problems: list[Problem]) -> Layer:
    """One layer of several files' rows, numbered in one sequence; each file's problems renumbered alike.

    The rows of the k-th file are numbered after the last row of the one before (`SourcePart.offset`),
    so every later stage sees one layer; `split_sources` gives each problem back its file and row.
    """
    first = parts[0][0]
    file = " + ".join(layer.file for layer, _mine in parts)
    frames, rows, offsets = [], [], []
    headers: dict[str, str] = {}
    offset = 0
    for layer, _mine in parts:
        frames.append(layer.frame.assign(_row=layer.frame["_row"].astype(int) + offset))
        rows += [r + offset for r in layer.rows]
        offsets.append(SourcePart(layer.source(), offset))
        for column, header in layer.headers.items():
            headers.setdefault(column, header)
        offset += max(layer.rows, default=0)
    frame = pd.concat(frames, ignore_index=True)
    text = [c for c in frame.columns if c not in ("geometry", "_row") and frame[c].dtype == object]
    frame[text] = frame[text].fillna("")  # a column one file has and another lacks: blank there
    if isinstance(first.frame, gpd.GeoDataFrame):
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=first.frame.crs)
    for (layer, mine), part in zip(parts, offsets):
        for p in mine:
            if p.file == layer.file:
                p = replace(p, file=file, row=None if p.row is None else p.row + part.offset)
            problems.append(p)
    return Layer(
        name=first.name,
        file=file,
        rows=tuple(rows),
        headers=headers,
        row_label=first.row_label,
        parts=tuple(offsets),
        path=first.path,
        frame=frame,
        encoding=first.encoding,
    )


def split_sources(problems: list[Problem], sources) -> list[Problem]:
    """Each problem about a layer read from several files, with its own file, row and row label again."""
    combined = {source.file: source for source in sources.values() if source.parts}
    if not combined:
        return problems
    out = []
    for p in problems:
        source = combined.get(p.file)
        if source is None:
            out.append(p)
        elif p.row is None:  # about the layer as a whole: every file of it
            out += [replace(p, file=part.source.file) for part in source.parts]
        else:
            part, row = source.locate(p.row)
            out.append(replace(p, file=part.file, row=row, row_label=part.row_label))
    return out


def _load_file(path: Path | None, spec: LayerSpec, config: Config, problems: list[Problem]) -> Layer | None:
    """Read one file of a layer; append any problem that prevents reading it."""
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
                    msg("load.missing_layer", layer=spec.name),
                    msg("load.missing_layer_fix", layer=spec.name, kinds=kinds),
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
                msg("load.table_not_spatial", layer=spec.name),
                msg("load.table_not_spatial_fix"),
            )
        )
        return None
    try:
        if is_table:
            result = read_table(path, set(_aliases(spec, config)), config.layers.get(spec.name))
        else:
            result = read_spatial(path, spec.name, config.layers.get(spec.name), set(_aliases(spec, config)))
    except ReadError as err:
        problems.append(Problem("error", path.name, None, None, None, err.reason, ""))
        return None
    return _layer_of(result, spec, config, problems, path, _file_label(path, result.part), is_table)


def _layer_of(
    result: ReadResult, spec: LayerSpec, config: Config, problems: list[Problem], path: Path, file: str, is_table: bool
) -> Layer:
    """A layer from what was read (a file, or a frame in memory): headers named, text cleaned, in WGS84."""
    frame, headers, clashes, shadowed = _rename_columns(result.frame, spec, config)
    for clash in clashes:
        problems.append(Problem("warning", file, None, None, None, clash, msg("load.column_clash_fix")))
    for note in shadowed:
        problems.append(Problem("note", file, None, None, None, note))
    if spec.name in ID_FROM_NAME and "id" not in headers and "name" in headers:
        frame["id"] = frame["name"]
        headers["id"] = headers["name"]
        problems.append(
            Problem(
                "note",
                file,
                None,
                headers["name"],
                None,
                msg("load.id_from_name"),
                msg("load.id_from_name_fix"),
            )
        )
    several_parts = (".gpkg", ".gdb", ".kml", ".xlsx")
    if spec.name in config.layers and result.part is None and path.suffix.lower() not in several_parts:
        problems.append(
            Problem(
                "note",
                file,
                None,
                None,
                config.layers[spec.name],
                msg("load.layers_option_unused", layer=spec.name),
            )
        )
    for canonical, header in config.columns.get(spec.name, {}).items():
        if headers.get(canonical) != header and normalise_header(header) not in {
            normalise_header(c) for c in result.frame.columns
        }:
            problems.append(
                Problem(
                    "warning",
                    file,
                    None,
                    None,
                    header,
                    msg("load.configured_header_missing", layer=spec.name, column=canonical),
                    msg("load.configured_header_missing_fix"),
                )
            )
    layer = Layer(
        name=spec.name,
        file=file,
        rows=tuple(int(r) for r in frame["_row"]),
        headers=headers,
        row_label=result.row_label,
        path=path,
        frame=frame,
        part=result.part,
        encoding=result.encoding,
    )
    first_problem = len(problems)
    frame = _clean_controls(layer, frame, problems)
    for note in result.notes:
        problems.append(Problem("note", layer.file, None, None, None, note))
    for warning, fix in result.warnings:
        problems.append(Problem("warning", layer.file, None, None, None, warning, fix))
    if spec.required and not layer.rows:
        problems.append(Problem("error", layer.file, None, None, None, msg("load.no_rows"), msg("load.no_rows_fix")))
    if spec.name in POINTS_AS_TABLE and is_table:
        frame = _points_from_table(layer, frame, problems)
    if isinstance(frame, gpd.GeoDataFrame):
        named = replace(layer, frame=frame)  # every row still there: a feature left out is named too
        frame = _to_wgs84(layer, frame, config, problems)
        problems[first_problem:] = name_records(problems[first_problem:], {spec.name: named})
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
                    msg("load.centre", x=c.x, y=c.y),
                    msg("load.no_overlap", other=reference.file, x=r.x, y=r.y),
                    msg("load.no_overlap_fix"),
                )
            )


def load_frames(
    frames: Mapping[str, pd.DataFrame], config: Config | None = None
) -> tuple[dict[str, Layer], list[Problem]]:
    """Layers from frames in memory (a notebook's GeoDataFrames and DataFrames), read as a project's files are.

    Parameters
    ----------
    frames
        Layer name (``communities``, ``leaders``, ``assignments``, ``roads``, ``status``,
        ``issues``, ``boundary``, ``tiers``) -> its rows: a GeoDataFrame with a CRS for a
        spatial layer (``issues`` may be a DataFrame with ``lon``/``lat`` in degrees), a
        DataFrame for a table. Headers may be Chinese, as in files; ``config.columns`` maps
        others. The frames are not changed.
    config
        As `geo.toml` would give it (`Config()` when None).

    Returns
    -------
    layers, problems
        As `load_project` returns them; messages name a frame as ``communities (DataFrame)``
        and its rows by position from 1 (feature 1 is the first row).
    """
    config = config or Config()
    unknown = sorted(set(frames) - set(LAYERS))
    if unknown:
        raise ProjectError(msg("load.unknown_frames", names=seq(unknown, quoted=True), layers=seq(LAYERS)))
    problems: list[Problem] = []
    layers = {}
    for spec in LAYERS.values():
        given = frames.get(spec.name)
        spatial = isinstance(given, gpd.GeoDataFrame)
        refused = None
        if given is None and spec.required:
            refused = (msg("load.missing_layer", layer=spec.name), msg("load.missing_frame_fix", layer=spec.name))
        elif given is not None and spec.spatial and not spatial and spec.name not in POINTS_AS_TABLE:
            refused = (msg("load.table_not_spatial", layer=spec.name), msg("load.frame_not_spatial_fix"))
        if refused is not None:
            problems.append(Problem("error", spec.name, None, None, None, *refused))
        if given is None or refused is not None:
            continue
        kind = "GeoDataFrame" if spatial else "DataFrame"
        # a table's lon/lat are degrees by definition; a GeoDataFrame says its CRS (or geo.toml does)
        path = Path(f"{spec.name}.{'frame' if spatial else 'csv'}")
        layer = _layer_of(
            _frame_read(given, spatial), spec, config, problems, path, f"{spec.name} ({kind})", not spatial
        )
        layers[spec.name] = layer
    _check_overlap(layers, problems)
    return layers, problems


def _frame_read(given: pd.DataFrame, spatial: bool) -> ReadResult:
    """A frame as a file is read: every cell as text (`cell_texts`), rows numbered from 1; the frame not changed."""
    columns = [c for c in given.columns if not spatial or c != given.geometry.name]
    texts = {str(c): cell_texts(given[c]).to_numpy() for c in columns}
    frame = pd.DataFrame(texts, index=pd.RangeIndex(len(given)))
    frame["_row"] = np.arange(1, len(given) + 1)
    if spatial:
        frame = gpd.GeoDataFrame(frame, geometry=given.geometry.to_numpy(), crs=given.crs)
    return ReadResult(frame, "feature" if spatial else "row")


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
        raise ProjectError(msg("load.no_project", folder=str(project_dir)))
    problems: list[Problem] = []
    layers = {}
    for spec in LAYERS.values():
        layer = load_layer(project_dir, spec, config, problems)
        if layer is not None:
            layers[spec.name] = layer
    _check_overlap(layers, problems)
    return layers, problems
