"""Load a project folder: find each layer's file, read it, name its columns.

Loading never judges the data (that is `validate`); it only reads what is
there, maps headers to the contract's column names, and records where each
row came from (`_row`, the row number a user sees in Excel or the feature
number in a spatial file). Problems that stop a file from being read at all
are returned as `Problem` records, never raised one by one.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from .config import Config
from .coords import geometry_gcj02_to_wgs84, in_china
from .errors import Problem, ProjectError
from .schema import LAYERS, LayerSpec, normalise_header, normalise_text

__all__ = ["Layer", "load_project"]

log = logging.getLogger(__name__)

SPATIAL_EXTENSIONS = (".geojson", ".json", ".gpkg", ".shp", ".gdb")
TABLE_EXTENSIONS = (".csv", ".xlsx")
GCJ02_NAMES = {"gcj-02", "gcj02", "gcj"}


@dataclass
class Layer:
    """One layer as read from its file.

    Attributes
    ----------
    name
        The contract's base name (``roads``, ``leaders`` …).
    path
        The file it was read from.
    frame
        Its rows, columns renamed to the contract's names, plus ``_row``
        (the row as the user sees it); a GeoDataFrame in EPSG:4326 for a
        spatial layer.
    headers
        Contract column -> header as written in the file (for messages).
    rows_read
        How many data rows the file had.
    """

    name: str
    path: Path
    frame: pd.DataFrame
    headers: dict[str, str]
    rows_read: int
    row_label: str = "row"
    notes: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.path.name

    def header(self, column: str) -> str:
        """The column's header as the user wrote it."""
        return self.headers.get(column, column)


def _cell(value) -> str:
    """A cell as normalised text: full-width forms folded, spaces trimmed, blanks ''."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as a number in a spatial file: 7.0 -> "7"
    return normalise_text(value)


def find_layer_file(project_dir: Path, spec: LayerSpec, config: Config) -> Path | None:
    """Return the file holding a layer, by configured name or by base name."""
    if spec.name in config.files:
        path = project_dir / config.files[spec.name]
        if not path.exists():
            raise ProjectError(
                f"geo.toml [files] {spec.name} = '{config.files[spec.name]}', "
                f"but {path} does not exist"
            )
        return path
    extensions = TABLE_EXTENSIONS + (SPATIAL_EXTENSIONS if spec.name == "issues" else ())
    if spec.spatial:
        extensions = SPATIAL_EXTENSIONS
    found = [project_dir / f"{spec.name}{ext}" for ext in extensions]
    found = [p for p in found if p.exists()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ProjectError(
            f"{project_dir}: several files for layer '{spec.name}' ({names}); "
            f"keep one, or choose one in geo.toml under [files]"
        )
    return found[0] if found else None


def _decode_csv(path: Path) -> tuple[str, str]:
    """Return the text of a CSV file and the encoding it was read with."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        log.debug("%s is not UTF-8; reading it as GB18030", path.name)
        return data.decode("gb18030"), "gb18030"


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".xlsx":
        frame = pd.read_excel(path, dtype=str, sheet_name=0)
        return frame.fillna("")
    text, _encoding = _decode_csv(path)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)


def _rename_columns(
    frame: pd.DataFrame, spec: LayerSpec, config: Config
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename headers to the contract's names; return the frame and the mapping used."""
    configured = config.columns.get(spec.name, {})
    aliases: dict[str, str] = {}
    for canonical, spellings in spec.columns.items():
        for spelling in (canonical, *spellings):
            aliases.setdefault(normalise_header(spelling), canonical)
    for canonical, header in configured.items():
        aliases[normalise_header(header)] = canonical
    renames: dict[str, str] = {}
    headers: dict[str, str] = {}
    for column in frame.columns:
        if column == "geometry":
            continue
        canonical = aliases.get(normalise_header(column))
        if canonical and canonical not in headers:
            renames[column] = canonical
            headers[canonical] = str(column)
    return frame.rename(columns=renames), headers


def _layer_crs(layer_name: str, path: Path, frame: gpd.GeoDataFrame, config: Config, problems):
    """Put a spatial frame into EPSG:4326, honouring a CRS declared in geo.toml."""
    declared = config.crs.get(layer_name)
    if declared and normalise_header(declared) in GCJ02_NAMES:
        frame = frame.set_crs(4326, allow_override=True)
        bounds = frame.total_bounds
        if not in_china([bounds[0], bounds[2]], [bounds[1], bounds[3]]).all():
            problems.append(
                Problem("error", path.name, None, None, declared,
                        "declared GCJ-02, but the data lies outside China, where GCJ-02 has no offset",
                        "declare the layer's real CRS (probably EPSG:4326) in geo.toml [crs]")
            )
            return frame
        frame = frame.set_geometry(geometry_gcj02_to_wgs84(frame.geometry.values))
        return frame.set_crs(4326, allow_override=True)
    if declared:
        try:
            frame = frame.set_crs(declared, allow_override=True)
        except Exception as err:  # pyproj raises its own CRSError subclasses
            problems.append(
                Problem("error", path.name, None, None, declared, f"unknown CRS in geo.toml [crs]: {err}",
                        "use an EPSG code such as 'EPSG:4490', or 'GCJ-02'")
            )
            return frame.set_crs(4326, allow_override=True)
    elif frame.crs is None:
        if path.suffix.lower() in (".geojson", ".json"):
            frame = frame.set_crs(4326)
        else:
            problems.append(
                Problem("error", path.name, None, None, None, "the file has no coordinate reference system",
                        f"declare it in geo.toml, e.g. [crs] {layer_name} = \"EPSG:4490\"")
            )
            return frame.set_crs(4326, allow_override=True)
    if frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    return frame


def _check_degrees(layer: Layer, problems: list[Problem]) -> None:
    frame = layer.frame
    valid = frame.geometry[~(frame.geometry.isna() | frame.geometry.is_empty)]
    if valid.empty:
        return
    x0, y0, x1, y1 = valid.total_bounds
    if x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90:
        problems.append(
            Problem("error", layer.file, None, None, f"{x0:.0f}..{x1:.0f}, {y0:.0f}..{y1:.0f}",
                    "coordinates are not degrees of longitude/latitude (projected numbers labelled as degrees?)",
                    "declare the layer's real CRS in geo.toml [crs], e.g. EPSG:4547")
        )


def _read_spatial(path: Path) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        # GDAL notes about non-standard GeoJSON members are not the user's concern.
        warnings.simplefilter("ignore", RuntimeWarning)
        return gpd.read_file(path, engine="pyogrio")


def _points_from_table(layer_name: str, path: Path, frame: pd.DataFrame, headers, problems):
    """Turn a table with lon/lat columns into points (EPSG:4326)."""
    lon = pd.to_numeric(frame.get("lon", pd.Series(index=frame.index, dtype=str)), errors="coerce")
    lat = pd.to_numeric(frame.get("lat", pd.Series(index=frame.index, dtype=str)), errors="coerce")
    if "lon" not in frame or "lat" not in frame:
        problems.append(
            Problem("error", path.name, None, None, None, "a table of issues needs lon and lat columns",
                    "add columns 经度 and 纬度 (or lon and lat)")
        )
    geometry = shapely.points(lon.to_numpy(), lat.to_numpy())
    geometry[(lon.isna() | lat.isna()).to_numpy()] = None
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)


def load_layer(project_dir: Path, spec: LayerSpec, config: Config, problems: list[Problem]) -> Layer | None:
    """Read one layer; append any problem that prevents reading it."""
    path = find_layer_file(project_dir, spec, config)
    if path is None:
        if spec.required:
            problems.append(
                Problem("error", f"{spec.name}.*", None, None, None, f"required layer '{spec.name}' not found",
                        f"add {spec.name}.geojson / .csv (see layers/README.md) or name it in geo.toml [files]")
            )
        return None
    is_table = path.suffix.lower() in TABLE_EXTENSIONS
    try:
        raw = _read_table(path) if is_table else _read_spatial(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, OSError) as err:
        problems.append(
            Problem("error", path.name, None, None, None, f"cannot read the file: {err}",
                    "check that it is a valid file of its type (open it in QGIS or Excel)")
        )
        return None
    frame, headers = _rename_columns(raw, spec, config)
    frame = frame.reset_index(drop=True)
    for column in frame.columns:
        if column != "geometry":
            frame[column] = frame[column].map(_cell).astype(object)
    frame["_row"] = frame.index + (2 if is_table else 1)
    row_label = "row" if is_table else "feature"
    if spec.spatial or (spec.name == "issues"):
        if is_table:
            frame = _points_from_table(spec.name, path, frame, headers, problems)
        frame = _layer_crs(spec.name, path, frame, config, problems)
    layer = Layer(spec.name, path, frame, headers, len(frame), row_label)
    if spec.spatial or spec.name == "issues":
        _check_degrees(layer, problems)
    return layer


def load_project(project_dir: str | Path, config: Config) -> tuple[dict[str, Layer], list[Problem]]:
    """Read every layer of a project folder.

    Returns
    -------
    layers
        Base name -> `Layer`, for the layers present.
    problems
        Problems that stopped a file from being read (missing required
        layer, unreadable file, bad CRS).
    """
    project_dir = Path(project_dir)
    if not project_dir.is_dir():
        raise ProjectError(f"project folder not found: {project_dir}")
    problems: list[Problem] = []
    layers = {}
    for spec in LAYERS.values():
        layer = load_layer(project_dir, spec, config, problems)
        if layer is not None:
            layers[spec.name] = layer
    return layers, problems
