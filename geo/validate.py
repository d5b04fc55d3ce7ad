"""Validate loaded layers in one pass and build the clean `Project`.

Every check appends a `Problem` naming the file, the row as the user sees it,
the column, the value and the fix; nothing raises until the caller decides
(`raise_for_errors`). A row that cannot be used is left out of the project
and its problem is marked ``rejected`` so the ledger can account for it.
"""

from __future__ import annotations

import difflib
import logging
import re
from datetime import date, datetime, timedelta

import geopandas as gpd
import pandas as pd
import shapely

from .config import Tolerances
from .errors import Problem, ValidationError
from .load import Layer, finite_geometries
from .model import Project
from .schema import LAYERS, VOCABULARIES, name_key, normalise_header, normalise_text, vocabulary_lookup
from .scope import limit_to_district
from .shapes import DIMENSION_OF, keep_dimension

__all__ = ["DateError", "parse_date", "raise_for_errors", "validate_project"]

log = logging.getLogger(__name__)

# A date as offices type it: 2023-06-01, 2023/6/1, 2023.6.1, 2023年6月1日, each maybe followed by a time.
_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:[T\s]\s*|\s*[号號]?\s*)(\d{1,2})\s*[:时時点點]\s*(\d{1,2})?.*)?$"
)
_EXCEL_EPOCH = date(1899, 12, 30)
# US order, as 311 exports write it: 06/15/2023, 6/15/2023 3:34:43 PM (the year last: never read as Y/M/D).
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*([AaPp][Mm])?)?$")
_ORDINAL = re.compile(r"^(\d{4})-?(\d{3})$")  # ISO 8601 ordinal date: 2023-152 is 1 June
_EPOCH_MS = re.compile(r"^1\d{12}$")  # milliseconds since 1970 (2001–2286), as JSON APIs give dates


class DateError(ValueError):
    """A value that is not a date; the message says why in the user's words."""


def parse_date(value: str) -> date | None:
    """Parse a date as offices type it; a time after it, or a time zone, is allowed and not used.

    Accepted: any ISO 8601 date or date-time (``2023-06-01T15:34:43.042999``,
    ``…+08:00``, ``…Z``, ``20230601``, the ordinal ``2023-152``), 2023/6/1,
    2023.6.1, 2023-6-1, 2023年6月1日 (each maybe followed by a time), the US
    order with the year last (``06/15/2023 03:34:43 PM``), an Excel serial
    number (``44713``) and milliseconds since 1970 (``1685577600000``, in UTC).
    The date is the one written, in the zone written.

    Returns None for an empty value; raises `DateError` for anything else,
    including a date that does not exist (2021-02-30).
    """
    text = normalise_text(value)
    if not text:
        return None
    match = _YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups()[:3])
        try:
            return date(year, month, day)
        except ValueError as err:
            raise DateError(
                f"日期不存在（{year} 年 {month} 月没有 {day} 日）"
                if 1 <= month <= 12
                else f"日期不存在（没有 {month} 月）"
            ) from err
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    if _EPOCH_MS.match(text):
        return (datetime(1970, 1, 1) + timedelta(milliseconds=int(text))).date()
    match = _US.match(text) or _ORDINAL.match(text)
    if match:
        try:
            if match.re is _ORDINAL:
                year, day = int(match.group(1)), int(match.group(2))
                if not 1 <= day <= (366 if date(year, 12, 31).timetuple().tm_yday == 366 else 365):
                    raise ValueError(day)
                return date(year, 1, 1) + timedelta(days=day - 1)
            return date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
        except ValueError as err:
            raise DateError("日期不存在") from err
    try:
        return datetime.fromisoformat(text.replace("z", "Z")).date()
    except ValueError:
        pass
    raise DateError("不是日期")


def raise_for_errors(problems: list[Problem], ledger: list | None = None) -> None:
    """Raise one `ValidationError` listing every error (and carrying the ledger), if there is any."""
    if any(p.severity == "error" for p in problems):
        raise ValidationError(problems, ledger)


class _Checker:
    """Collects problems for one layer, located by its file and headers."""

    def __init__(self, layer: Layer, problems: list[Problem]):
        self.layer = layer
        self.problems = problems
        # rows loading already left out (a coordinate that is not a number): no second message for them
        self.rejected: set[int] = {p.row for p in problems if p.rejected and p.file == layer.file and p.row}

    def add(self, severity, row, column, value, message, fix="", reject=False):
        if severity == "error" and row is not None and row in self.rejected:
            severity, reject = "warning", True  # the row is left out already: this cannot block the run
        self.problems.append(
            Problem(
                severity,
                self.layer.file,
                row,
                None if column is None else self.layer.header(column),
                None if value is None else str(value),
                message,
                fix,
                reject,
                self.layer.row_label,
            )
        )
        if reject and row is not None:
            self.rejected.add(row)

    def require_columns(self) -> bool:
        spec = LAYERS[self.layer.name]
        if not spec.required and not self.layer.rows:
            return False  # an optional layer with no rows is simply empty
        missing = [c for c in spec.required_columns if c not in self.layer.frame.columns]
        for column in missing:
            aliases = "、".join(f"“{a}”" for a in (*spec.columns[column][:2], column))
            self.add(
                "error",
                None,
                None,
                None,
                f"缺少必需的列“{column}”",
                f"加一列，表头写 {aliases}；或在 geo.toml [columns.{self.layer.name}] 中对应你的表头",
            )
        return not missing

    def vocabulary(self, column: str, vocabulary: str, required: bool = True, reject: bool = False) -> pd.Series:
        """Map a column to canonical values; report values that match nothing.

        With `reject`, a row whose value matches nothing is left out (the
        value decides how the row is used, as an assignment's kind does).
        """
        lookup = vocabulary_lookup(vocabulary)
        frame = self.layer.frame
        if column not in frame:
            return pd.Series("", index=frame.index)
        out = frame[column].map(lambda v: lookup.get(normalise_header(v), ""))
        for idx in frame.index[(out == "") & ((frame[column] != "") | required)]:
            value = frame.at[idx, column]
            self.add(
                "error",
                frame.at[idx, "_row"],
                column,
                value,
                "未填写" if value == "" else "不是可识别的值",
                f"请填写以下之一：{_choices(vocabulary)}",
                reject,
            )
        return out

    def unique(self, column: str) -> None:
        frame = self.layer.frame
        dup = frame[column].duplicated(keep="first") & (frame[column] != "")
        for idx in frame.index[dup]:
            first = frame.loc[frame[column] == frame.at[idx, column], "_row"].iloc[0]
            unit = "个要素" if self.layer.row_label == "feature" else "行"
            self.add(
                "error",
                frame.at[idx, "_row"],
                column,
                frame.at[idx, column],
                "编号重复",
                f"每行使用不同的编号（第 {first} {unit}已用此编号）",
                reject=True,
            )

    def not_empty(self, column: str, severity="error", reject=False) -> None:
        frame = self.layer.frame
        for idx in frame.index[frame[column] == ""]:
            self.add(
                severity, frame.at[idx, "_row"], column, "", "未填写", f"请填写“{self.layer.header(column)}”", reject
            )

    def duplicate_geometries(self, frame: gpd.GeoDataFrame, key: str) -> None:
        """A piece drawn twice (same name, same coordinates) would be counted twice: keep the first."""
        usable = frame[~frame["_row"].isin(self.rejected) & frame.geometry.notna() & ~frame.geometry.is_empty]
        if usable.empty:
            return
        shapes = shapely.normalize(usable.geometry.values)
        keys = pd.Series([f"{k}\x00{w.hex()}" for k, w in zip(usable[key], shapely.to_wkb(shapes))], index=usable.index)
        first = keys.drop_duplicates(keep="first")
        unit = "个要素" if self.layer.row_label == "feature" else "行"
        for idx in keys.index[keys.duplicated(keep="first")]:
            original = usable.at[first.index[first == keys[idx]][0], "_row"]
            self.add(
                "warning",
                usable.at[idx, "_row"],
                None,
                None,
                f"与第 {original} {unit}完全重复（同名同线），未使用",
                "删除重复的要素",
                reject=True,
            )

    def dates(self, column: str) -> pd.Series:
        frame = self.layer.frame
        if column not in frame:
            return pd.Series(None, index=frame.index, dtype=object)
        values = []
        for idx, raw in frame[column].items():
            try:
                values.append(parse_date(raw))
            except DateError as err:
                values.append(None)
                self.add(
                    "error",
                    frame.at[idx, "_row"],
                    column,
                    raw,
                    str(err),
                    "日期写作 2022-05-14、2022/5/14 或 2022年5月14日",
                    reject=True,
                )
        return pd.Series(values, index=frame.index, dtype=object)

    def geometries(self, types: tuple[str, ...]) -> gpd.GeoSeries:
        """Reject empty geometries and those with NaN or infinite coordinates, repair invalid ones, check type."""
        frame = self.layer.frame
        geom = frame.geometry.copy()
        missing = geom.isna() | geom.is_empty
        table = "lon" in self.layer.headers or "lat" in self.layer.headers  # points from lon/lat columns
        for idx in frame.index[missing & ~frame["_row"].isin(self.rejected)]:
            self.add(
                "warning",
                frame.at[idx, "_row"],
                None,
                None,
                "没有经纬度，该行未使用" if table else "没有几何图形，该行未使用",
                "填写经度、纬度，或删除该行" if table else "补画该要素，或删除该行",
                reject=True,
            )
        broken = ~missing & ~finite_geometries(geom.values)
        for idx in frame.index[broken]:
            self.add(
                "warning",
                frame.at[idx, "_row"],
                None,
                None,
                "坐标中有缺失值（NaN）或无穷大，只有这个要素未使用",
                "在 GIS 软件中检查或重画该要素",
                reject=True,
            )
        missing |= broken
        counts = shapely.get_num_coordinates(geom.values)
        huge = ~missing.to_numpy() & (counts > VERTEX_WARNING)
        for idx, n in zip(frame.index[huge], counts[huge]):
            self.add(
                "warning",
                frame.at[idx, "_row"],
                None,
                f"{n:,} 个顶点",
                f"顶点极多（超过 {VERTEX_WARNING:,} 个）：分析照常使用全部顶点，地图中简化显示",
                "如是误操作（如轨迹或重复数字化），请在 GIS 软件中简化该要素",
            )
        dimension = DIMENSION_OF[types[0]]
        geom = self._one_kind(geom, missing, types, dimension)
        missing |= geom.isna()
        invalid = ~missing & ~geom.is_valid
        if invalid.any():
            reasons = shapely.is_valid_reason(geom[invalid].values)
            repaired, _ = keep_dimension(shapely.make_valid(geom[invalid].values), dimension)
            for idx, reason, fixed in zip(frame.index[invalid], reasons, repaired):
                if fixed is None:  # a line of one repeated point, an area with no area: nothing to draw
                    missing.at[idx] = True
                    self._degenerate(idx, dimension, _reason(reason))
                    continue
                self.add(
                    "warning",
                    frame.at[idx, "_row"],
                    None,
                    _reason(reason),
                    "几何图形无效，已自动修复",
                    "请在 QGIS 中检查该要素",
                )
                geom.at[idx] = fixed  # of the layer's dimension: one part, or a Multi* of several
        size = shapely.area(geom.values) if dimension == 2 else shapely.length(geom.values) if dimension == 1 else None
        if size is not None:
            for idx in frame.index[~missing.to_numpy() & (size == 0)]:  # valid, yet nothing: a collapsed ring
                missing.at[idx] = True
                self._degenerate(idx, dimension, None)
        return geom.where(~missing, None)

    def _degenerate(self, idx, dimension: int, value) -> None:
        what = "长度" if dimension == 1 else "面积"
        self.add(
            "warning",
            self.layer.frame.at[idx, "_row"],
            None,
            value,
            f"几何图形退化（{what}为零，如只有重复的顶点），未使用",
            "在 GIS 软件中删除或重画该要素",
            reject=True,
        )

    def _one_kind(self, geom: gpd.GeoSeries, missing: pd.Series, types, dimension: int) -> gpd.GeoSeries:
        """Bring every geometry to the layer's kind: a collection or a multi-point gives its parts of that kind.

        A feature of another kind altogether (a point among areas) is left out:
        with a warning when most of the layer is right (a stray piece of an
        export), as an error when most of it is wrong (the wrong layer).
        """
        frame = self.layer.frame
        geom = geom.copy()
        kinds = geom.geom_type
        collection = ~missing & (kinds == "GeometryCollection")
        if collection.any():
            kept, _ = keep_dimension(geom[collection].values, dimension)
            for idx, fixed in zip(frame.index[collection], kept):
                if fixed is not None:
                    self.add(
                        "warning",
                        frame.at[idx, "_row"],
                        None,
                        "GeometryCollection",
                        f"几何集合中只用了 {' 或 '.join(types)} 部分",
                        "请按正确的几何类型导出该要素",
                    )
                    geom.at[idx] = fixed
        if "Point" in types:  # a multi-point issue: its first point
            multi = ~missing & (geom.geom_type == "MultiPoint")
            for idx in frame.index[multi]:
                parts = shapely.get_parts(geom.at[idx])
                if len(parts) > 1:
                    self.add(
                        "warning",
                        frame.at[idx, "_row"],
                        None,
                        f"{len(parts)} 个点",
                        "多点要素：只用了第一个点",
                        "每个问题点一个点",
                    )
                geom.at[idx] = parts[0]
        wrong = ~missing & ~geom.geom_type.isin(types)
        severity = "warning" if wrong.sum() * 2 < (~missing).sum() else "error"
        for idx in frame.index[wrong]:
            self.add(
                severity,
                frame.at[idx, "_row"],
                None,
                geom.at[idx].geom_type,
                f"几何类型错误，应为 {' 或 '.join(types)}，该要素未使用",
                "请按正确的几何类型导出该图层",
                reject=True,
            )
        return geom.where(~wrong, None)


# GEOS's reasons, in the user's words (the location in brackets is kept).
_REASONS = {
    "Too few points in geometry component": "顶点过少",
    "Self-intersection": "自相交",
    "Ring Self-intersection": "环自相交",
    "Interior is disconnected": "内部不连通",
    "Hole lies outside shell": "洞在外环之外",
    "Nested shells": "外环嵌套",
    "Nested holes": "洞嵌套",
    "Duplicate Rings": "重复的环",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "环未闭合",
}


def _reason(reason: str) -> str:
    """``Self-intersection[112.2 30.3]`` -> ``自相交（112.2 30.3 处）``."""
    head, _, where = reason.partition("[")
    words = _REASONS.get(head.strip(), head.strip())
    return f"{words}（{where.rstrip(']')} 处）" if where else words


VERTEX_WARNING = 500_000  # a feature with more vertices than this is worth a word (a GPS track, a mistake)


def _closest(value: str, candidates) -> str:
    close = difflib.get_close_matches(value, list(candidates), n=3, cutoff=0.4)
    return f"是否应为 {' / '.join(close)}？" if close else "请检查拼写"


def _choices(vocabulary: str) -> str:
    """The accepted values of a vocabulary, Chinese first: 示范（demonstration）、…"""
    return "、".join(f"{aliases[0]}（{canonical}）" for canonical, aliases in VOCABULARIES[vocabulary].items())


def _empty_layer(name: str) -> pd.DataFrame:
    columns = list(LAYERS[name].columns) + ["_row"]
    if LAYERS[name].spatial or name == "issues":
        return gpd.GeoDataFrame({c: pd.Series(dtype=str) for c in columns}, geometry=[], crs=4326)
    return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})


def _with_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    for column in LAYERS[name].columns:
        if column not in frame:
            frame[column] = ""
    return frame


def _communities(layer: Layer, problems) -> gpd.GeoDataFrame:
    check = _Checker(layer, problems)
    if not check.require_columns():
        return _empty_layer("communities")
    frame = _with_columns(layer.frame.copy(), "communities")
    frame = frame.set_geometry(check.geometries(LAYERS["communities"].geometry))
    check.not_empty("id")
    check.unique("id")
    check.not_empty("name")
    frame["tier"] = check.vocabulary("tier", "tier")
    return frame[~frame["_row"].isin(check.rejected)]


def _roads(layer: Layer, problems) -> gpd.GeoDataFrame:
    check = _Checker(layer, problems)
    if not check.require_columns():
        return _empty_layer("roads")
    frame = _with_columns(layer.frame.copy(), "roads")
    if "name" not in layer.frame:
        check.add(
            "note",
            None,
            None,
            None,
            "没有道路名称列：全部作为无名路段（只参加无人管路段检查）",
            '如有名称列，在 geo.toml [columns.roads] 中写明，例如 name = "路名"',
        )
    frame = frame.set_geometry(check.geometries(LAYERS["roads"].geometry))
    frame["name"] = _one_spelling(frame["name"], check)
    check.duplicate_geometries(frame, "name")
    return frame[~frame["_row"].isin(check.rejected)]


def _one_spelling(names: pd.Series, check: _Checker) -> pd.Series:
    """Pieces of one road spelt two ways (紅門路 / 红门路, Main St / MAIN ST) get the commonest spelling."""
    named = names[names != ""]
    keys = named.map(name_key)
    spellings = named.groupby(keys).agg(lambda s: s.value_counts().index[0])  # most pieces, then first seen
    several = named.groupby(keys).nunique()
    for key in several.index[several > 1]:
        variants = "、".join(f"“{v}”" for v in dict.fromkeys(named[keys == key]))
        check.add("note", None, "name", None, f"{variants} 视为同一条道路，统一写作“{spellings[key]}”")
    out = names.copy()
    out[named.index] = keys.map(spellings)
    return out


def _leaders(layer: Layer, problems) -> pd.DataFrame:
    check = _Checker(layer, problems)
    if not check.require_columns():
        return _empty_layer("leaders")
    frame = _with_columns(layer.frame.copy(), "leaders")
    check.not_empty("id")
    check.unique("id")
    check.not_empty("name")
    frame["level"] = check.vocabulary("level", "level")
    return frame


class _Refs:
    """What a reference cell may name: an id or a name, matched by `name_key` (繁/简, width, case).

    An exact id wins; then an exact name; then the folded id or name. `find`
    returns every id the value could mean (several: an ambiguous name).
    """

    def __init__(self, ids, names=None):
        self.ids = set(ids)
        self.exact: dict[str, set[str]] = {}
        self.folded: dict[str, set[str]] = {}
        for ident, name in zip(ids, ids if names is None else names):
            for value in {ident, name} - {""}:
                self.exact.setdefault(value, set()).add(ident)
                self.folded.setdefault(name_key(value), set()).add(ident)

    def find(self, value: str) -> list[str]:
        if value in self.ids:
            return [value]
        return sorted(self.exact.get(value) or self.folded.get(name_key(value)) or ())

    def spellings(self) -> set[str]:
        return set(self.exact)


# What a reference to each kind of target is called in messages: the noun, "not found", the fix when left out.
_TARGET_WORDS = {
    "community": ("社区", "社区图层中没有这个编号或名称", "修正那一行社区数据"),
    "road": ("道路", "道路图层中没有这个道路名称", "修正那条道路的数据"),
}


def _target(check, n, target, refs: _Refs, left_out, kind: str, what: str) -> str:
    """The community id or road name a reference names, or '' with the problem reported.

    `kind` is ``community`` or ``road``; `what` names the row in messages (包保责任, 整改事项).
    """
    noun, missing, fix = _TARGET_WORDS[kind]
    found = refs.find(target)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        check.add(
            "error", n, "target", target, f"多个{noun}同名", f"请改用{noun}编号（{', '.join(found)}）", reject=True
        )
    elif target in left_out:
        gone = "无法使用" if left_out.whole else "已被剔除"
        check.add(
            "warning",
            n,
            "target",
            target,
            f"所指{noun}{gone}（{left_out[target]}）",
            f"{fix}；在此之前本条{what}不使用",
            reject=True,
        )
    else:
        check.add("error", n, "target", target, missing, _closest(target, refs.spellings()), reject=True)
    return ""


def _assignments(
    layer: Layer, problems, leaders, communities, roads, left_out, roads_left_out, leaders_unusable: str = ""
) -> pd.DataFrame:
    check = _Checker(layer, problems)
    if not check.require_columns():
        return _empty_layer("assignments")
    frame = _with_columns(layer.frame.copy(), "assignments")
    frame["kind"] = check.vocabulary("kind", "assignment_kind", reject=True)
    leader_refs = _Refs(leaders["id"], leaders["name"])
    road_refs = _Refs(sorted(set(roads["name"]) - {""}))
    community_refs = _Refs(communities["id"], communities["name"])
    resolved_leaders, resolved_targets = [], []
    for row in frame.to_dict("records"):
        n, leader, target = row["_row"], row["leader"], row["target"]
        found = leader_refs.find(leader) if leader else []
        resolved_leaders.append(found[0] if len(found) == 1 else "")
        if leader == "":
            check.add("error", n, "leader", "", "未填写", "填写责任人的编号或姓名（合并单元格请逐行填写）", reject=True)
        elif len(found) > 1:
            check.add("error", n, "leader", leader, "多个责任人同名", f"请改用编号（{', '.join(found)}）", reject=True)
        elif not found and leaders_unusable:
            check.add(
                "warning",
                n,
                "leader",
                leader,
                f"责任人名单不可用（{leaders_unusable}）",
                "先修正责任人名单；在此之前本条包保责任不使用",
                reject=True,
            )
        elif not found:
            check.add(
                "error",
                n,
                "leader",
                leader,
                "责任人名单中没有这个编号或姓名",
                _closest(leader, leader_refs.spellings()),
                reject=True,
            )
        if row["kind"] in ("road", "section"):
            resolved_targets.append(_target(check, n, target, road_refs, roads_left_out, "road", "包保责任"))
            if row["kind"] == "section":
                for column in ("from", "to"):
                    if row[column] == "":
                        check.add(
                            "error",
                            n,
                            column,
                            "",
                            "路段需要起点和止点",
                            "填写与该路相交的道路名称，或距道路起点的米数",
                            reject=True,
                        )
            elif row["from"] or row["to"]:
                check.add(
                    "warning",
                    n,
                    "from",
                    f"{row['from']}..{row['to']}",
                    "整条道路的包保不使用起点、止点",
                    "若只包一段，请把类型写成“路段”",
                )
        elif row["kind"] == "community":
            resolved_targets.append(_target(check, n, target, community_refs, left_out, "community", "包保责任"))
        else:
            resolved_targets.append("")
    frame["leader"] = resolved_leaders
    frame["target"] = resolved_targets
    for column in ("from", "to"):  # a cross street named in another script or case: the roads layer's spelling
        frame[column] = [(road_refs.find(v) or [v])[0] if v else v for v in frame[column]]
    key = ["leader", "kind", "target", "from", "to"]
    dup = frame.duplicated(key, keep="first") & (frame["leader"] != "") & (frame["target"] != "")
    for idx in frame.index[dup]:
        check.add(
            "warning",
            frame.at[idx, "_row"],
            None,
            None,
            "与前面的一条包保责任重复，未使用",
            "删除重复的行",
            reject=True,
        )
    return frame[~frame["_row"].isin(check.rejected)]


def _status(layer: Layer, problems, communities, roads, left_out, roads_left_out) -> pd.DataFrame:
    check = _Checker(layer, problems)
    if not check.require_columns():
        return _empty_layer("status")
    frame = _with_columns(layer.frame.copy(), "status")
    frame["kind"] = check.vocabulary("kind", "status_kind", reject=True)
    frame["state"] = check.vocabulary("state", "status_state")
    frame["due"] = check.dates("due")
    frame["updated"] = check.dates("updated")
    progress = pd.to_numeric(frame["progress"].replace("", None), errors="coerce")
    bad = (frame["progress"] != "") & (progress.isna() | (progress < 0) | (progress > 100))
    for idx in frame.index[bad]:
        check.add(
            "error",
            frame.at[idx, "_row"],
            "progress",
            frame.at[idx, "progress"],
            "进度应为 0 到 100 的数字",
            "例如 80 表示 80%",
        )
    frame["progress"] = progress
    community_refs = _Refs(communities["id"], communities["name"])
    road_refs = _Refs(sorted(set(roads["name"]) - {""}))
    targets = []
    lookups = {"community": (community_refs, left_out), "road": (road_refs, roads_left_out)}
    for row in frame.to_dict("records"):
        if row["kind"] in lookups:
            refs, gone = lookups[row["kind"]]
            targets.append(_target(check, row["_row"], row["target"], refs, gone, row["kind"], "整改事项"))
        else:
            targets.append("")
    frame["target"] = targets
    return frame[~frame["_row"].isin(check.rejected)]


def _issues(layer: Layer, problems) -> gpd.GeoDataFrame:
    check = _Checker(layer, problems)
    if not check.require_columns():
        return _empty_layer("issues")
    frame = _with_columns(layer.frame.copy(), "issues")
    frame = frame.set_geometry(check.geometries(("Point",)))  # first: a row left out has no other error
    check.not_empty("id")
    check.unique("id")
    frame["state"] = check.vocabulary("state", "issue_state")
    frame["source"] = check.vocabulary("source", "issue_source", required=False)
    frame["reported"] = check.dates("reported")
    frame["due"] = check.dates("due")
    return frame[~frame["_row"].isin(check.rejected)]


def _boundary(layer: Layer, problems) -> gpd.GeoDataFrame:
    check = _Checker(layer, problems)
    frame = layer.frame.copy()
    frame = frame.set_geometry(check.geometries(LAYERS["boundary"].geometry))
    return frame[~frame["_row"].isin(check.rejected)]


class _LeftOut(dict):
    """Id or name of each row rejected by validation -> where it was.

    When the whole layer could not be used, every reference counts as left out
    (the layer's own error says why), so references do not each become errors.
    """

    def __init__(self, where: dict[str, str], whole: str = ""):
        super().__init__(where)
        self.whole = whole

    def __contains__(self, key) -> bool:
        return bool(self.whole) or super().__contains__(key)

    def __getitem__(self, key) -> str:
        return self.whole or super().__getitem__(key)


def _left_out(layer: Layer | None, kept: pd.DataFrame, name: str, problems: list[Problem]) -> _LeftOut:
    if layer is None:
        return _LeftOut({}, f"没有 {name} 图层")
    if not layer.rows:
        return _LeftOut({}, f"{layer.file} 没有数据")
    if any(p.file == layer.file and p.row is None and p.severity == "error" for p in problems):
        return _LeftOut({}, f"{layer.file} 无法使用，见该文件的错误")
    if name == "roads" and "name" not in layer.frame:
        return _LeftOut({}, f"{layer.file} 没有道路名称列")
    if "id" not in layer.frame and "name" not in layer.frame:
        return _LeftOut({}, f"{layer.file} 无法使用")
    gone = layer.frame[~layer.frame["_row"].isin(kept["_row"])]
    survivors = {v for c in ("id", "name") if c in kept for v in kept[c]}
    outside = {p.row for p in problems if p.outside and p.file == layer.file}
    where = {}
    for _, row in gone.iterrows():
        label = f"{layer.file} 第 {row['_row']} {'个要素' if layer.row_label == 'feature' else '行'}"
        label += "，在辖区之外" if row["_row"] in outside else ""
        for key in (row.get("id", ""), row.get("name", "")):
            if key and key not in survivors:
                where[key] = label
    return _LeftOut(where)


def validate_project(
    layers: dict[str, Layer], problems: list[Problem] | None = None, tolerances: Tolerances | None = None
) -> tuple[Project, list[Problem]]:
    """Check every layer, keep what lies in the district, and build the clean `Project`.

    Parameters
    ----------
    layers
        What `load_project` read.
    problems
        Problems already found while loading; the list is copied and extended.
    tolerances
        For the district's margin (`geo.scope`); the defaults when None.

    Returns
    -------
    project, problems
        The project holds only usable rows in the district; `problems` lists
        every problem (errors and warnings) and every row left out as outside
        the district. Call `raise_for_errors` to stop on errors.
    """
    problems = list(problems or [])
    tolerances = tolerances or Tolerances()

    def checked(name: str, check, *args) -> pd.DataFrame:
        layer = layers.get(name)
        return check(layer, problems, *args) if layer is not None else _empty_layer(name)

    communities = checked("communities", _communities)
    roads = checked("roads", _roads)
    roads_layer = layers.get("roads")
    if roads_layer is None or not roads_layer.rows:
        problems.append(
            Problem(
                "note",
                roads_layer.file if roads_layer is not None else "roads.*",
                None,
                None,
                None,
                "没有道路（无道路图层，或图层为空）：跳过道路与路段的检查，只检查社区与问题点",
                "要检查道路，请加入 roads.geojson / .gpkg / .shp 或 OSM 数据（roads.osm.pbf）",
            )
        )
    leaders = checked("leaders", _leaders)
    issues = checked("issues", _issues)
    boundary_layer = layers.get("boundary")
    boundary = _boundary(boundary_layer, problems) if boundary_layer is not None else None
    communities, roads, issues, outside = limit_to_district(
        communities, roads, issues, boundary, tolerances.scope_margin_m, layers, problems
    )
    left_out = _left_out(layers.get("communities"), communities, "communities", problems)
    roads_left_out = _left_out(roads_layer, roads, "roads", problems)
    leaders_layer = layers.get("leaders")
    leaders_unusable = (
        ""
        if leaders_layer is not None and len(leaders)
        else (f"{leaders_layer.file} 无法使用" if leaders_layer is not None else "leaders 图层不可用")
    )
    assignments = checked(
        "assignments", _assignments, leaders, communities, roads, left_out, roads_left_out, leaders_unusable
    )
    status = checked("status", _status, communities, roads, left_out, roads_left_out)
    sources = {name: layer.source() for name, layer in layers.items()}
    project = Project(communities, roads, leaders, assignments, status, issues, boundary, sources, outside)
    return project, problems
