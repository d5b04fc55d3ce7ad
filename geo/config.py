"""The project's typed configuration, read from an optional ``geo.toml``.

One `Config` object is built at the CLI edge and passed down explicitly.
Every key has a default; an unknown key is an error that names the closest
valid one, so a typo never silently falls back to a default.

Example ``geo.toml``::

    [files]
    communities = "社区.gpkg"         # base name -> file in the project folder
    roads = ["城区道路.shp", "小巷.shp"]  # or several files read as one layer

    [layers]
    communities = "社区边界"          # the layer (GeoPackage, .gdb) or sheet (.xlsx) to read

    [columns.communities]
    id = "社区编码"                   # contract column -> header in the file

    [crs]
    roads = "GCJ-02"                  # or "EPSG:4490", ...

    [tolerances]
    snap_m = 15.0

    [bulletin]
    deadline_days = 14                # lagging units are given this many days after the as-of date

A top-level ``today = 2022-05-14`` (before any table) sets the date that
"overdue" is judged against; the default is the day of the run.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .messages import LANGUAGES, Msg, msg
from .schema import LAYERS

__all__ = ["BASEMAPS", "LANGUAGES", "BulletinOptions", "Config", "MapOptions", "Tolerances", "load_config"]

LAYER_NAMES = tuple(LAYERS)


@dataclass(frozen=True)
class Tolerances:
    """Distances (metres) and areas (m²) the checks use; all stated in reports.

    Attributes
    ----------
    snap_m
        A cross street that passes within this distance of the target road
        without touching it still counts as crossing it.
    crossing_cluster_m
        Crossing points of one cross street closer than this along the road
        (a dual carriageway's two lanes) count as one crossing.
    min_gap_m
        Road stretches shorter than this are not reported: section gaps,
        overlaps and unmanaged stretches alike; a section must be longer.
    min_area_m2
        Territory gaps and overlaps smaller than this are slivers, counted
        separately and not reported as gaps.
    issue_road_m
        An issue point is on a road when the road is within this distance.
    scope_margin_m
        How far beyond the boundary (or, without one, the communities'
        outline) still counts as the district: a road drawn on the boundary
        line, a pin a few metres off. Road pieces, issues and communities
        farther out are left out of every figure (`geo.scope`).
    """

    snap_m: float = 15.0
    crossing_cluster_m: float = 60.0
    min_gap_m: float = 1.0
    min_area_m2: float = 100.0
    issue_road_m: float = 50.0
    scope_margin_m: float = 15.0


@dataclass(frozen=True)
class MapOptions:
    """How maps are drawn.

    Attributes
    ----------
    title
        Shown on every map and the index page; a default per language.
    basemap
        One basemap or several separated by commas (a layer switcher then
        offers them; the first is shown): ``none`` (works offline), ``osm``
        (OpenStreetMap), ``amap`` (高德; the data is then drawn in GCJ-02 so it
        sits on AMap's streets, and cannot be mixed with the others),
        ``tianditu`` (天地图, needs a key), ``intranet`` (your own tile server,
        `tiles_url`). Every basemap but ``none`` needs the network; the maps
        still read without it.
    tiles_url, tiles_attribution
        The intranet tile server, e.g. ``http://10.1.2.3/tiles/{z}/{x}/{y}.png``.
    tianditu_key
        The Tianditu key; or set the environment variable ``TIANDITU_KEY``.
    write_key
        Write the Tianditu key into the HTML files. Off by default: maps are
        shared, so without it each reader types the key once in the map.
    lang
        ``zh`` (default), ``en`` or ``zh-Hant`` (Traditional characters): the
        language of the maps' and reports' own words (the data stays as written).
        When no language is given (in ``geo.toml`` or with ``--lang``) and every
        community and road name is written in Traditional characters, the
        build speaks ``zh-Hant`` and says so (``summary.json`` ``language``).
    unit_word
        What the district calls its units, in place of 社区 in the maps' own
        words (村, 里, 片区 …); the data's names stay as written.
    lang_given
        Whether `lang` was chosen (not a ``geo.toml`` key: set when reading it).
    """

    title: str = ""
    basemap: str = "none"
    tiles_url: str = ""
    tiles_attribution: str = ""
    tianditu_key: str = ""
    write_key: bool = False
    lang: str = "zh"
    unit_word: str = ""
    lang_given: bool = field(default=False, metadata={"toml": False})

    @property
    def basemaps(self) -> tuple[str, ...]:
        return tuple(b.strip() for b in self.basemap.split(",") if b.strip()) or ("none",)


BASEMAPS = ("none", "osm", "amap", "tianditu", "intranet")


@dataclass(frozen=True)
class BulletinOptions:
    """How the bulletin (通报, ``geo bulletin``) names the units that lag.

    Attributes
    ----------
    deadline_days
        The deadline for the lagging units to put things right (限期整改):
        this many days after the as-of date (``geo bulletin --deadline DATE``
        gives a date instead).
    lagging
        At most this many streets, and as many leaders, are named as lagging.
    """

    deadline_days: int = 14
    lagging: int = 5


@dataclass(frozen=True)
class Config:
    """Everything configurable about one project."""

    files: dict[str, tuple[str, ...]] = field(default_factory=dict)  # layer -> its file(s)
    layers: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    crs: dict[str, str] = field(default_factory=dict)
    tolerances: Tolerances = field(default_factory=Tolerances)
    map: MapOptions = field(default_factory=MapOptions)
    bulletin: BulletinOptions = field(default_factory=BulletinOptions)
    today: date | None = None  # "as of" date for overdue checks; None: the system date

    def as_of(self) -> date:
        """The date overdue is judged against."""
        return self.today or date.today()

    def with_today(self, today: date | None) -> Config:
        """Return a copy with another as-of date (None keeps this one)."""
        return self if today is None else replace(self, today=today)

    def with_map(self, **changes: Any) -> Config:
        """Return a copy with some map options changed (None values ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if "lang" in changes:
            changes.setdefault("lang_given", True)
        new = replace(self.map, **changes)
        _check_map(new, "command line")
        return replace(self, map=new)


def _unknown(key: str, valid, where: str) -> ConfigError:
    close = difflib.get_close_matches(key, list(valid), n=1)
    hint = msg("config.did_you_mean", close=close[0]) if close else ""
    return ConfigError(msg("config.unknown_key", where=where, key=key, hint=hint, valid=", ".join(sorted(valid))))


def _check_keys(table: dict, valid, where: str) -> None:
    for key in table:
        if key not in valid:
            raise _unknown(key, valid, where)


def _str_table(table: Any, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(msg("config.not_names", where=where, value=repr(table)))
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(msg("config.not_text", where=where, key=key, value=repr(value)))
    return dict(table)


def _files_table(table: Any, where: str) -> dict[str, tuple[str, ...]]:
    """``[files]``: each layer's file, or a list of files read as one layer."""
    if not isinstance(table, dict):
        raise ConfigError(msg("config.not_names", where=where, value=repr(table)))
    files = {}
    for key, value in table.items():
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(v, str) and v.strip() for v in names):
            raise ConfigError(msg("config.not_text", where=where, key=key, value=repr(value)))
        files[key] = tuple(names)
    return files


def _dataclass_from(cls, table: Any, where: str):
    if not isinstance(table, dict):
        raise ConfigError(msg("config.not_table", where=where, value=repr(table)))
    valid = {f.name: f for f in fields(cls) if f.metadata.get("toml", True)}
    _check_keys(table, valid, where)
    values = {}
    for key, value in table.items():
        default = getattr(cls(), key)
        if isinstance(default, int) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(msg("config.not_count", where=where, key=key, value=repr(value)))
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < float("inf"):
                raise ConfigError(msg("config.not_number", where=where, key=key, value=repr(value)))
            value = float(value)
        elif not isinstance(value, type(default)):
            kinds = {"str": msg("config.kind_text"), "bool": msg("config.kind_bool")}
            kind: str | Msg = kinds.get(type(default).__name__, type(default).__name__)
            raise ConfigError(msg("config.wrong_type", where=where, key=key, kind=kind, value=repr(value)))
        values[key] = value
    return cls(**values)


def _check_map(options: MapOptions, where: str) -> None:
    for name in options.basemaps:
        if name not in BASEMAPS:
            raise _unknown(name, BASEMAPS, f"{where}: basemap")
    if "amap" in options.basemaps and set(options.basemaps) - {"amap", "none"}:
        others = ", ".join(sorted(set(options.basemaps) - {"amap", "none"}))
        raise ConfigError(msg("config.amap_mixed", where=where, others=others))
    if "intranet" in options.basemaps and not options.tiles_url:
        raise ConfigError(msg("config.intranet_url", where=where))
    if options.lang not in LANGUAGES:
        raise _unknown(options.lang, LANGUAGES, f"{where}: lang")


def config_from_dict(data: dict, where: str = "geo.toml") -> Config:
    """Build a `Config` from a parsed TOML table, checking every key."""
    valid = {f.name for f in fields(Config)}
    _check_keys(data, valid, where)
    files = _files_table(data.get("files", {}), f"{where} [files]")
    _check_keys(files, LAYER_NAMES, f"{where} [files]")
    layers = _str_table(data.get("layers", {}), f"{where} [layers]")
    _check_keys(layers, LAYER_NAMES, f"{where} [layers]")
    crs = _str_table(data.get("crs", {}), f"{where} [crs]")
    _check_keys(crs, LAYER_NAMES, f"{where} [crs]")
    columns_raw = data.get("columns", {})
    if not isinstance(columns_raw, dict):
        raise ConfigError(msg("config.columns_tables", where=where))
    _check_keys(columns_raw, LAYER_NAMES, f"{where} [columns]")
    columns = {layer: _str_table(t, f"{where} [columns.{layer}]") for layer, t in columns_raw.items()}
    for layer, table in columns.items():
        _check_keys(table, LAYERS[layer].columns, f"{where} [columns.{layer}]")
    tolerances = _dataclass_from(Tolerances, data.get("tolerances", {}), f"{where} [tolerances]")
    map_table = dict(data.get("map", {})) if isinstance(data.get("map", {}), dict) else data.get("map")
    if isinstance(map_table, dict) and isinstance(map_table.get("basemap"), list):
        map_table["basemap"] = ",".join(str(b) for b in map_table["basemap"])
    map_options = replace(
        _dataclass_from(MapOptions, map_table, f"{where} [map]"), lang_given="lang" in (map_table or {})
    )
    _check_map(map_options, f"{where} [map]")
    bulletin = _dataclass_from(BulletinOptions, data.get("bulletin", {}), f"{where} [bulletin]")
    today = data.get("today")
    if isinstance(today, datetime):
        today = today.date()
    elif isinstance(today, str):
        try:
            today = date.fromisoformat(today)
        except ValueError as err:
            raise ConfigError(msg("config.bad_today", where=where, value=repr(today))) from err
    elif today is not None and not isinstance(today, date):
        raise ConfigError(msg("config.bad_today", where=where, value=repr(today)))
    return Config(
        files=files,
        layers=layers,
        columns=columns,
        crs=crs,
        tolerances=tolerances,
        map=map_options,
        bulletin=bulletin,
        today=today,
    )


def load_config(project_dir: str | Path) -> Config:
    """Read ``geo.toml`` from the project folder, or return the defaults."""
    path = Path(project_dir) / "geo.toml"
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(msg("config.bad_toml", file=path.name, error=str(err))) from err
    except RecursionError as err:  # arrays or tables nested thousands deep
        raise ConfigError(msg("config.bad_toml", file=path.name, error=msg("read.too_deep"))) from err
    return config_from_dict(data, path.name)
