"""Validate loaded layers in one pass and build the clean `Project`.

Every check appends a `Problem` naming the file, the row as the user sees it,
the column, the value and the fix; nothing raises until the caller decides
(`raise_for_errors`). A row that cannot be used is left out of the project
and its problem is marked ``rejected`` so the ledger can account for it.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ._readers import ENCODING_LABELS
from .config import Tolerances
from .errors import Problem, ValidationError
from .load import Layer, finite_geometries, name_records, split_sources
from .messages import Msg, Seq, msg, seq
from .model import Project
from .schema import LAYERS, MAP_TEXT_CHARS, VOCABULARIES, name_key, normalise_header, normalise_text, vocabulary_lookup
from .scope import limit_to_district
from .shapes import DIMENSION_OF, keep_dimension

__all__ = ["DateError", "parse_date", "raise_for_errors", "validate_project"]

log = logging.getLogger(__name__)

# A date as offices type it: 2023-06-01, 2023/6/1, 2023.6.1, 2023年6月1日, each maybe followed by a time.
_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:[T\s]\s*|\s*[号號]?\s*)(\d{1,2})\s*[:时時点點]\s*(\d{1,2})?.*)?$"
)
# A year of the Republic of China calendar (Taiwan's offices): 民國104年9月30日, or a bare three-digit year as
# in 104/9/30 (no Gregorian date of a district's records has one). Year 1 is 1912.
_ROC_YEAR = re.compile(r"^(?:民\s*[國国]\s*(\d{1,3})|(\d{3}))(?=\s*[-/.年])")
_ROC_OFFSET = 1911
_EXCEL_EPOCH = date(1899, 12, 30)
# US order, as 311 exports write it: 06/15/2023, 6/15/2023 3:34:43 PM (the year last: never read as Y/M/D).
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*([AaPp][Mm])?)?$")
_ORDINAL = re.compile(r"^(\d{4})-?(\d{3})$")  # ISO 8601 ordinal date: 2023-152 is 1 June
_EPOCH_MS = re.compile(r"^1\d{12}$")  # milliseconds since 1970 (2001–2286), as JSON APIs give dates


class DateError(ValueError):
    """A value that is not a date; the message (`message`, a `Msg`) says why in the user's words."""

    def __init__(self, message: Msg):
        super().__init__(str(message))
        self.message = message


def parse_date(value: str) -> date | None:
    """Parse a date as offices type it; a time after it, or a time zone, is allowed and not used.

    Accepted: any ISO 8601 date or date-time (``2023-06-01T15:34:43.042999``,
    ``…+08:00``, ``…Z``, ``20230601``, the ordinal ``2023-152``), 2023/6/1,
    2023.6.1, 2023-6-1, 2023年6月1日 (each maybe followed by a time), the US
    order with the year last (``06/15/2023 03:34:43 PM``), an Excel serial
    number (``44713``), milliseconds since 1970 (``1685577600000``, in UTC), and
    dates of the Republic of China calendar (``104/9/30``, ``民國104年9月30日``:
    2015-09-30).
    The date is the one written, in the zone written.

    Returns None for an empty value; raises `DateError` for anything else,
    including a date that does not exist (2021-02-30).
    """
    text = normalise_text(value)
    if not text:
        return None
    roc = _ROC_YEAR.match(text)
    if roc:
        text = f"{int(roc.group(1) or roc.group(2)) + _ROC_OFFSET}{text[roc.end() :]}"
    match = _YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups()[:3])
        try:
            return date(year, month, day)
        except ValueError as err:
            raise DateError(
                msg("date.no_such_day", year=year, month=month, day=day)
                if 1 <= month <= 12
                else msg("date.no_such_month", month=month)
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
            raise DateError(msg("date.no_such_date")) from err
    try:
        return datetime.fromisoformat(text.replace("z", "Z")).date()
    except ValueError:
        pass
    raise DateError(msg("date.not_a_date"))


def raise_for_errors(problems: list[Problem], ledger: list | None = None) -> None:
    """Raise one `ValidationError` listing every error (and carrying the ledger), if there is any."""
    if any(p.severity == "error" for p in problems):
        raise ValidationError(problems, ledger)


def _per_distinct(column: pd.Series, func) -> pd.Series:
    """`func` of every cell, called once per distinct value (cells are text here, so hashable)."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    results = np.empty(len(distinct), dtype=object)
    for n, value in enumerate(distinct):
        results[n] = func(value)
    return pd.Series(results[codes] if len(codes) else [], index=column.index, dtype=object)


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
                None if value is None else value if isinstance(value, Msg) else str(value),
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
            headers = seq((*spec.columns[column][:2], column), quoted=True)
            self.add(
                "error",
                None,
                None,
                None,
                msg("validate.missing_column", column=column),
                msg("validate.missing_column_fix", headers=headers, column=column, layer=self.layer.name),
            )
        if missing and self.layer.encoding is not None:
            self._encoding_hint()
        return not missing

    def _encoding_hint(self) -> None:
        """Headers in Chinese that mean nothing here may be garbled: say which encoding was tried, and the others."""
        used = set(self.layer.headers.values())
        written = [
            str(c)
            for c in self.layer.frame.columns
            if c not in ("_row", "geometry") and c not in used and not str(c).endswith("（未使用）")
        ]
        if not any(not c.isascii() for c in written):
            return
        tried = ENCODING_LABELS[self.layer.encoding or "utf-8"]
        self.add(
            "warning",
            None,
            None,
            None,
            msg(
                "validate.headers_encoding",
                encoding=tried,
                headers=seq(written[:4], quoted=True),
                others=seq(sorted(set(ENCODING_LABELS.values()) - {tried}), sep="sep.or"),
            ),
        )

    def vocabulary(
        self, column: str, vocabulary: str, required: bool = True, reject: bool = False, severity: str = "error"
    ) -> pd.Series:
        """Map a column to canonical values; report values that match nothing (``""`` in the result).

        With `reject`, a row whose value matches nothing is left out (the
        value decides how the row is used, as an assignment's kind does).
        """
        lookup = vocabulary_lookup(vocabulary)
        frame = self.layer.frame
        if column not in frame:
            return pd.Series("", index=frame.index)
        out = _per_distinct(frame[column], lambda v: lookup.get(normalise_header(v), ""))
        for idx in frame.index[(out == "") & ((frame[column] != "") | required)]:
            value = frame.at[idx, column]
            self.add(
                severity,
                frame.at[idx, "_row"],
                column,
                value,
                msg("validate.blank") if value == "" else msg("validate.unknown_value"),
                msg("validate.one_of", choices=_choices(vocabulary)),
                reject,
            )
        return out

    def long_texts(self, *columns: str) -> None:
        """A warning for each cell longer than the maps show (`MAP_TEXT_CHARS`): shortened there, whole in reports."""
        frame = self.layer.frame
        for column in columns:
            if column not in frame:
                continue
            lengths = frame[column].str.len()
            for idx in frame.index[lengths > MAP_TEXT_CHARS]:
                self.add(
                    "warning",
                    frame.at[idx, "_row"],
                    column,
                    msg("validate.characters", count=int(lengths[idx])),
                    msg("validate.long_text", limit=MAP_TEXT_CHARS),
                    msg("validate.long_text_fix"),
                )

    def unique(self, column: str) -> None:
        frame = self.layer.frame
        dup = frame[column].duplicated(keep="first") & (frame[column] != "")
        for idx in frame.index[dup]:
            first = frame.loc[frame[column] == frame.at[idx, column], "_row"].iloc[0]
            fix = (
                "validate.duplicate_id_fix_feature"
                if self.layer.row_label == "feature"
                else "validate.duplicate_id_fix_row"
            )
            self.add(
                "error",
                frame.at[idx, "_row"],
                column,
                frame.at[idx, column],
                msg("validate.duplicate_id"),
                msg(fix, first=int(first)),
                reject=True,
            )

    def not_empty(self, column: str, severity="error", reject=False) -> None:
        frame = self.layer.frame
        for idx in frame.index[frame[column] == ""]:
            self.add(
                severity,
                frame.at[idx, "_row"],
                column,
                "",
                msg("validate.blank"),
                msg("validate.fill_in", column=self.layer.header(column)),
                reject,
            )

    def duplicate_geometries(self, frame: gpd.GeoDataFrame, key: str) -> None:
        """A piece drawn twice (same name, same coordinates) would be counted twice: keep the first."""
        usable = frame[~frame["_row"].isin(self.rejected) & frame.geometry.notna() & ~frame.geometry.is_empty]
        if usable.empty:
            return
        # Two drawings of one piece have the same name and the same bounds (whichever way they run):
        # only pieces sharing both are compared vertex by vertex.
        bounds = shapely.bounds(usable.geometry.values)
        coarse = pd.DataFrame(bounds, index=usable.index).assign(key=usable[key].to_numpy())
        usable = usable[coarse.duplicated(keep=False)]
        if usable.empty:
            return
        shapes = shapely.normalize(usable.geometry.values)
        keys = pd.DataFrame({"key": usable[key].to_numpy(), "wkb": shapely.to_wkb(shapes)}, index=usable.index)
        again = keys.duplicated(keep="first")
        if not again.any():
            return
        first_row = usable["_row"].groupby([keys["key"], keys["wkb"]], sort=False).transform("first")
        same = "validate.same_piece_feature" if self.layer.row_label == "feature" else "validate.same_piece_row"
        for idx in keys.index[again]:
            original = first_row[idx]
            self.add(
                "warning",
                usable.at[idx, "_row"],
                None,
                None,
                msg(same, first=int(original)),
                msg("validate.same_piece_fix"),
                reject=True,
            )

    def dates(self, column: str) -> pd.Series:
        frame = self.layer.frame
        if column not in frame:  # no such column: no date on any row (None, as a blank cell gives)
            return pd.Series([None] * len(frame), index=frame.index, dtype=object)
        failed: dict[object, DateError] = {}

        def parsed(raw):
            try:
                return parse_date(raw)
            except DateError as err:
                failed[raw] = err
                return None

        values = _per_distinct(frame[column], parsed)  # a due date repeats across thousands of rows
        for idx, raw in frame[column][frame[column].isin(list(failed))].items():
            self.add("error", frame.at[idx, "_row"], column, raw, failed[raw].message, msg("date.fix"), reject=True)
        return values

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
                msg("validate.no_lonlat") if table else msg("validate.no_geometry"),
                msg("validate.no_lonlat_fix") if table else msg("validate.no_geometry_fix"),
                reject=True,
            )
        broken = ~missing & ~finite_geometries(geom.values)
        for idx in frame.index[broken]:
            self.add(
                "warning",
                frame.at[idx, "_row"],
                None,
                None,
                msg("validate.not_finite"),
                msg("validate.not_finite_fix"),
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
                msg("validate.vertices", count=int(n)),
                msg("validate.many_vertices", limit=VERTEX_WARNING),
                msg("validate.many_vertices_fix"),
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
                    msg("validate.repaired"),
                    msg("validate.repaired_fix"),
                )
                geom.at[idx] = fixed  # of the layer's dimension: one part, or a Multi* of several
        size = shapely.area(geom.values) if dimension == 2 else shapely.length(geom.values) if dimension == 1 else None
        if size is not None:
            for idx in frame.index[~missing.to_numpy() & (size == 0)]:  # valid, yet nothing: a collapsed ring
                missing.at[idx] = True
                self._degenerate(idx, dimension, None)
        return geom.where(~missing, None)

    def _degenerate(self, idx, dimension: int, value) -> None:
        what = msg("validate.length") if dimension == 1 else msg("validate.area")
        self.add(
            "warning",
            self.layer.frame.at[idx, "_row"],
            None,
            value,
            msg("validate.degenerate", what=what),
            msg("validate.degenerate_fix"),
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
                        msg("validate.collection_parts", types=seq(types, sep="sep.or")),
                        msg("validate.collection_parts_fix"),
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
                        msg("validate.points", count=len(parts)),
                        msg("validate.multipoint"),
                        msg("validate.multipoint_fix"),
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
                msg("validate.wrong_type", types=seq(types, sep="sep.or")),
                msg("validate.wrong_type_fix"),
                reject=True,
            )
        return geom.where(~wrong, None)


# GEOS's reasons, in the user's words (the location in brackets is kept); another reason is shown as GEOS says it.
_REASONS = {
    "Too few points in geometry component": msg("geos.too_few_points"),
    "Self-intersection": msg("geos.self_intersection"),
    "Ring Self-intersection": msg("geos.ring_self_intersection"),
    "Interior is disconnected": msg("geos.interior_disconnected"),
    "Hole lies outside shell": msg("geos.hole_outside_shell"),
    "Nested shells": msg("geos.nested_shells"),
    "Nested holes": msg("geos.nested_holes"),
    "Duplicate Rings": msg("geos.duplicate_rings"),
    "Invalid Coordinate": msg("geos.invalid_coordinate"),
    "Ring is not closed": msg("geos.ring_not_closed"),
}


def _reason(reason: str) -> str | Msg:
    """``Self-intersection[112.2 30.3]`` -> ``自相交（112.2 30.3 处）`` / ``self-intersection (at 112.2 30.3)``."""
    head, _, where = reason.partition("[")
    words: str | Msg = _REASONS.get(head.strip(), head.strip())
    return msg("validate.reason_at", reason=words, at=where.rstrip("]")) if where else words


VERTEX_WARNING = 500_000  # a feature with more vertices than this is worth a word (a GPS track, a mistake)


_LEADING_ZEROS = re.compile(r"(?<!\d)0+(\d)")


def loose_key(value: object) -> str:
    """`name_key` without spaces, its numbers without leading zeros: how a clerk reads two spellings as one.

    ``友愛街 251巷`` and ``友愛街251巷`` match, and so do ``00120`` and the ``120`` a spreadsheet left of it.
    """
    return _LEADING_ZEROS.sub(r"\1", name_key(value).replace(" ", ""))


def _closest(value: str, candidates) -> Msg:
    """Up to three spellings nearest to `value` by edit distance on their loose forms (digits kept), nearest first.

    So ``Hammon St`` suggests ``Hammond St`` before ``Chapin St``; a spelling that differs in more
    than half of the longer of the two (``东西`` and ``乙街``) is no suggestion.
    """
    spellings = sorted(set(candidates))
    keys = [loose_key(c) for c in spellings]
    query = loose_key(value)
    hits = process.extract(query, keys, scorer=Levenshtein.distance, limit=None, score_cutoff=len(query))
    near = [(distance, spellings[n]) for key, distance, n in hits if 2 * distance <= max(len(query), len(key))]
    close = [spelling for _distance, spelling in sorted(near)[:3]]
    return msg("validate.did_you_mean", names=" / ".join(close)) if close else msg("validate.check_spelling")


def _choices(vocabulary: str) -> Seq:
    """The accepted values of a vocabulary: 示范（demonstration）、… in Chinese, demonstration, … in English."""
    return seq(
        msg("validate.choice", spelling=aliases[0], value=canonical)
        for canonical, aliases in VOCABULARIES[vocabulary].items()
    )


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


def _communities(layer: Layer, problems, tiers_listed: bool = False) -> gpd.GeoDataFrame:
    """The usable communities; a missing name takes the id, a missing tier is left ``""`` (`_apply_tiers`).

    With `tiers_listed` (a `tiers` table decides), a tier the layer spells
    in a way geo does not know is a warning, not an error.
    """
    check = _Checker(layer, problems)
    if not check.require_columns():
        return _empty_layer("communities")
    frame = _with_columns(layer.frame.copy(), "communities")
    frame = frame.set_geometry(check.geometries(LAYERS["communities"].geometry))
    if "name" not in layer.frame:
        frame["name"] = frame["id"]
        check.add("note", None, None, None, msg("validate.names_from_ids"), msg("validate.names_from_ids_fix"))
    _stand_in_keys(frame, check)
    check.unique("id")
    check.long_texts("id", "name", "street")
    if "tier" in layer.frame:
        frame["tier"] = check.vocabulary(
            "tier", "tier", required=False, severity="warning" if tiers_listed else "error"
        )
    return frame[~frame["_row"].isin(check.rejected)]


def _stand_in_keys(frame: pd.DataFrame, check: _Checker) -> None:
    """A community without a name takes its id; one without an id its name, or ``#<feature>`` with neither.

    Each row so completed gets one warning; none is left out for it (`frame` is changed in place).
    """
    no_id, no_name = frame["id"] == "", frame["name"] == ""
    for idx in frame.index[no_id | no_name]:
        row = int(frame.at[idx, "_row"])
        if no_id[idx] and no_name[idx]:
            frame.at[idx, "id"] = frame.at[idx, "name"] = f"#{row}"
            check.add(
                "warning", row, None, None, msg("validate.no_id_no_name", key=f"#{row}"), msg("validate.no_id_fix")
            )
        elif no_name[idx]:
            frame.at[idx, "name"] = frame.at[idx, "id"]
            check.add("warning", row, "name", "", msg("validate.name_from_id", id=frame.at[idx, "id"]))
        else:
            frame.at[idx, "id"] = f"#{row}"
            check.add("warning", row, "id", "", msg("validate.id_stand_in", key=f"#{row}"), msg("validate.no_id_fix"))


def _apply_tiers(
    layer: Layer | None, problems, communities: gpd.GeoDataFrame, left_out, communities_layer: Layer | None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Each community's tier: from the `tiers` table when there is one (unlisted: general), else the layer's.

    Returns the communities with ``tier`` filled in (in place: the frame is validation's own, and its
    geometry array stays the one `geo.scope` projected) and the table's usable rows. Where the table and
    the layer's own tier column disagree, the table wins and the community's row gets a note.
    """
    layer_tiers = communities["tier"].copy()
    if layer is None or not layer.rows:
        blank = layer_tiers == ""
        if communities_layer is not None and len(communities) and blank.any():
            key = "validate.no_tiers" if blank.all() else "validate.tiers_blank"
            problems.append(
                Problem(
                    "note",
                    communities_layer.file,
                    None,
                    communities_layer.header("tier") if "tier" in communities_layer.headers else None,
                    None,
                    msg(key, count=int(blank.sum())),
                    msg("validate.no_tiers_fix"),
                )
            )
        communities["tier"] = layer_tiers.where(~blank, "general")
        return communities, _empty_layer("tiers")
    check = _Checker(layer, problems)
    if not check.require_columns():
        communities["tier"] = layer_tiers.where(layer_tiers != "", "general")
        return communities, _empty_layer("tiers")
    frame = _with_columns(layer.frame.copy(), "tiers")
    frame["tier"] = check.vocabulary("tier", "tier", reject=True)
    refs = _Refs(communities["id"], communities["name"])
    what = msg("validate.a_tier_row")
    frame["community"] = [
        _target(check, row["_row"], row["community"], refs, left_out, "community", what, column="community")
        if row["tier"] and row["community"]
        else ""
        for row in frame.to_dict("records")
    ]
    check.not_empty("community", reject=True)
    usable = frame[(frame["community"] != "") & (frame["tier"] != "") & ~frame["_row"].isin(check.rejected)]
    typed = layer.frame["community"]  # as the clerk wrote it, for the messages
    first: dict[str, tuple[str, int]] = {}
    for idx, ident, tier, row in zip(usable.index, usable["community"], usable["tier"], usable["_row"]):
        if ident not in first:
            first[ident] = (tier, int(row))
            continue
        same = first[ident][0] == tier
        check.add(
            "warning" if same else "error",
            int(row),
            "community",
            typed[idx],
            msg("validate.tier_repeated" if same else "validate.tier_conflict", first=first[ident][1]),
            msg("validate.repeated_row_fix") if same else msg("validate.tier_conflict_fix"),
            reject=True,
        )
    listed = {ident: tier for ident, (tier, _row) in first.items()}
    chosen = pd.Series([listed.get(i, "general") for i in communities["id"]], index=communities.index, dtype=object)
    differ = (layer_tiers != "") & (layer_tiers != chosen)
    if communities_layer is not None:
        for idx in communities.index[differ]:
            problems.append(
                Problem(
                    "note",
                    communities_layer.file,
                    int(communities.at[idx, "_row"]),
                    communities_layer.header("tier"),
                    _tier_word(layer_tiers[idx]),
                    msg("validate.tier_from_table", file=layer.file, tier=_tier_word(chosen[idx])),
                    row_label=communities_layer.row_label,
                )
            )
    communities["tier"] = chosen
    return communities, frame[frame["_row"].isin(usable["_row"]) & ~frame["_row"].isin(check.rejected)]


def _tier_word(tier: str) -> Msg:
    """示范（demonstration） in Chinese, demonstration in English."""
    return msg("validate.choice", spelling=VOCABULARIES["tier"][tier][0], value=tier)


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
            msg("validate.roads_unnamed"),
            msg("validate.roads_unnamed_fix"),
        )
    frame = frame.set_geometry(check.geometries(LAYERS["roads"].geometry))
    frame["name"] = _one_spelling(frame["name"], check)
    check.duplicate_geometries(frame, "name")
    return frame[~frame["_row"].isin(check.rejected)]


def _one_spelling(names: pd.Series, check: _Checker) -> pd.Series:
    """Pieces of one road spelt two ways (紅門路 / 红门路, Main St / MAIN ST) get the commonest spelling."""
    named = names[names != ""]
    keys = _per_distinct(named, name_key)
    pieces = pd.DataFrame({"key": keys.to_numpy(), "name": named.to_numpy(), "seen": np.arange(len(named))})
    spellings = (
        pieces.groupby(["key", "name"], sort=False)["seen"]
        .agg(["size", "min"])
        .reset_index()
        .sort_values(["key", "size", "min"], ascending=[True, False, True])  # most pieces, then first seen
    )
    chosen = spellings.drop_duplicates("key").set_index("key")["name"]
    several = spellings[spellings.duplicated("key", keep=False)].sort_values(["key", "min"])
    for key, variants in several.groupby("key", sort=True)["name"]:
        check.add(
            "note",
            None,
            "name",
            None,
            msg("validate.one_road", spellings=seq(variants, quoted=True), spelling=chosen[key]),
        )
    out = names.copy()
    out[named.index] = keys.map(chosen).to_numpy()
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
    check.long_texts("id", "name", "title", "unit")
    return frame


class _Refs:
    """What a reference cell may name: an id or a name, matched by `name_key` (繁/简, width, case).

    An exact id wins; then an exact name; then the folded id or name; then
    the loose form (`loose_key`: spaces, leading zeros), which `loosely`
    records with the spelling it matched so the caller can say so. `find`
    returns every id the value could mean (several: an ambiguous name).
    """

    def __init__(self, ids, names=None) -> None:
        self.ids = set(ids)
        self._found: dict[str, tuple[str, ...]] = {}  # a leader or a road is named on many rows
        self.exact: dict[str, set[str]] = {}
        self.folded: dict[str, set[str]] = {}
        self.loose: dict[str, set[str]] = {}
        self._loose_spelling: dict[str, str] = {}
        self.loosely: dict[str, str] = {}  # value found by its loose form -> the spelling it matched
        for ident, name in zip(ids, ids if names is None else names):
            for value in {ident, name} - {""}:
                self.exact.setdefault(value, set()).add(ident)
                self.folded.setdefault(name_key(value), set()).add(ident)
                key = loose_key(value)
                self.loose.setdefault(key, set()).add(ident)
                self._loose_spelling.setdefault(key, value)

    def find(self, value: str) -> list[str]:
        """Every id `value` could mean (a list of one when it is clear); worked out once per value."""
        try:
            return list(self._found[value])
        except KeyError:
            pass
        if value in self.ids:
            found = [value]
        else:
            found = sorted(self.exact.get(value) or self.folded.get(name_key(value)) or ())
        if not found and value:
            key = loose_key(value)
            found = sorted(self.loose.get(key, ()))
            if found:
                self.loosely[value] = self._loose_spelling[key]
        self._found[value] = tuple(found)
        return found

    def warn_if_loose(self, check: _Checker, row, column: str, value: str) -> None:
        """A warning naming both spellings when `value` was found only by its loose form."""
        if value in self.loosely:
            check.add(
                "warning",
                row,
                column,
                value,
                msg("validate.matched_loosely", spelling=self.loosely[value]),
                msg("validate.matched_loosely_fix"),
            )

    def spellings(self) -> set[str]:
        return set(self.exact)


# The messages about a reference to each kind of target, by catalogue key: several with its name, use the
# id instead, the target cannot be used (its whole layer), was left out (its row), fix it first, not found.
_TARGET_WORDS = {
    "community": (
        "validate.ambiguous_community",
        "validate.use_community_id",
        "validate.community_unusable",
        "validate.community_left_out",
        "validate.community_first_fix",
        "validate.no_such_community",
    ),
    "road": (
        "validate.ambiguous_road",
        "validate.use_road_id",
        "validate.road_unusable",
        "validate.road_left_out",
        "validate.road_first_fix",
        "validate.no_such_road",
    ),
}


def _target(check, n, target, refs: _Refs, left_out, kind: str, what: Msg, column: str = "target") -> str:
    """The community id or road name a reference names, or '' with the problem reported.

    `kind` is ``community`` or ``road``; `what` names the row in messages (包保责任, 整改事项);
    `column` is the contract column the reference is in.
    """
    ambiguous, use_id, unusable, rejected, first_fix, missing = _TARGET_WORDS[kind]
    found = refs.find(target)
    if len(found) == 1:
        refs.warn_if_loose(check, n, column, target)
        return found[0]
    if len(found) > 1:
        check.add("error", n, column, target, msg(ambiguous), msg(use_id, ids=", ".join(found)), reject=True)
    elif target in left_out:
        check.add(
            "warning",
            n,
            column,
            target,
            msg(unusable if left_out.whole else rejected, why=left_out[target]),
            msg(first_fix, what=what),
            reject=True,
        )
    else:
        check.add("error", n, column, target, msg(missing), _closest(target, refs.spellings()), reject=True)
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
        if len(found) == 1:
            leader_refs.warn_if_loose(check, n, "leader", leader)
        if leader == "":
            check.add("error", n, "leader", "", msg("validate.blank"), msg("validate.leader_blank_fix"), reject=True)
        elif len(found) > 1:
            check.add(
                "error",
                n,
                "leader",
                leader,
                msg("validate.ambiguous_leader"),
                msg("validate.use_leader_id", ids=", ".join(found)),
                reject=True,
            )
        elif not found and leaders_unusable:
            check.add(
                "warning",
                n,
                "leader",
                leader,
                msg("validate.leaders_unusable", why=leaders_unusable),
                msg("validate.leaders_unusable_fix"),
                reject=True,
            )
        elif not found:
            check.add(
                "error",
                n,
                "leader",
                leader,
                msg("validate.no_such_leader"),
                _closest(leader, leader_refs.spellings()),
                reject=True,
            )
        if row["kind"] in ("road", "section"):
            resolved_targets.append(
                _target(check, n, target, road_refs, roads_left_out, "road", msg("validate.an_assignment"))
            )
            if row["kind"] == "section":
                for column in ("from", "to"):
                    if row[column] == "":
                        check.add(
                            "error",
                            n,
                            column,
                            "",
                            msg("validate.section_needs_ends"),
                            msg("validate.section_needs_ends_fix"),
                            reject=True,
                        )
            elif row["from"] or row["to"]:
                check.add(
                    "warning",
                    n,
                    "from",
                    f"{row['from']}..{row['to']}",
                    msg("validate.whole_road_ends"),
                    msg("validate.whole_road_ends_fix"),
                )
        elif row["kind"] == "community":
            resolved_targets.append(
                _target(check, n, target, community_refs, left_out, "community", msg("validate.an_assignment"))
            )
        else:
            resolved_targets.append("")
    frame["leader"] = resolved_leaders
    frame["target"] = resolved_targets
    for column in ("from", "to"):  # a cross street named in another script or case: the roads layer's spelling
        spelt = []
        for n, value in zip(frame["_row"], frame[column]):
            found = road_refs.find(value) if value else []
            if len(found) == 1:
                road_refs.warn_if_loose(check, n, column, value)
            spelt.append(found[0] if len(found) == 1 else value)
        frame[column] = spelt
    key = ["leader", "kind", "target", "from", "to"]
    dup = frame.duplicated(key, keep="first") & (frame["leader"] != "") & (frame["target"] != "")
    for idx in frame.index[dup]:
        check.add(
            "warning",
            frame.at[idx, "_row"],
            None,
            None,
            msg("validate.repeated_assignment"),
            msg("validate.repeated_row_fix"),
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
    check.long_texts("item", "note")
    progress = pd.to_numeric(frame["progress"].replace("", None), errors="coerce")
    bad = (frame["progress"] != "") & (progress.isna() | (progress < 0) | (progress > 100))
    for idx in frame.index[bad]:
        check.add(
            "error",
            frame.at[idx, "_row"],
            "progress",
            frame.at[idx, "progress"],
            msg("validate.bad_progress"),
            msg("validate.bad_progress_fix"),
        )
    frame["progress"] = progress
    community_refs = _Refs(communities["id"], communities["name"])
    road_refs = _Refs(sorted(set(roads["name"]) - {""}))
    targets = []
    lookups = {"community": (community_refs, left_out), "road": (road_refs, roads_left_out)}
    for row in frame.to_dict("records"):
        if row["kind"] in lookups:
            refs, gone = lookups[row["kind"]]
            what = msg("validate.a_status_item")
            targets.append(_target(check, row["_row"], row["target"], refs, gone, row["kind"], what))
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
    if "state" in layer.frame:
        frame["state"] = check.vocabulary("state", "issue_state")
    else:  # a case list, a hotline export of open cases (contract v3)
        frame["state"] = "open"
        if len(frame):
            check.add("note", None, None, None, msg("validate.issues_all_open", count=len(frame)))
    frame["source"] = check.vocabulary("source", "issue_source", required=False)
    frame["reported"] = check.dates("reported")
    frame["due"] = check.dates("due")
    check.long_texts("id", "category", "note")
    return frame[~frame["_row"].isin(check.rejected)]


def _inspectors(layer: Layer, problems) -> pd.DataFrame:
    """The inspection groups (督查组): an id each, unique; a group without a name is called by its id."""
    check = _Checker(layer, problems)
    if not check.require_columns():
        return _empty_layer("inspectors")
    frame = _with_columns(layer.frame.copy(), "inspectors")
    check.not_empty("id", reject=True)
    check.unique("id")
    check.long_texts("id", "name")
    frame["name"] = frame["name"].where(frame["name"] != "", frame["id"])
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

    def __init__(self, where: dict[str, Msg], whole: str | Msg = ""):
        super().__init__(where)
        self.whole = whole

    def __contains__(self, key) -> bool:
        return bool(self.whole) or super().__contains__(key)

    def __getitem__(self, key) -> str | Msg:
        return self.whole or super().__getitem__(key)


def _left_out(layer: Layer | None, kept: pd.DataFrame, name: str, problems: list[Problem]) -> _LeftOut:
    if layer is None:
        return _LeftOut({}, msg("validate.no_layer", layer=name))
    if not layer.rows:
        return _LeftOut({}, msg("validate.no_data", file=layer.file))
    if any(p.file == layer.file and p.row is None and p.severity == "error" for p in problems):
        return _LeftOut({}, msg("validate.file_has_errors", file=layer.file))
    if name == "roads" and "name" not in layer.frame:
        return _LeftOut({}, msg("validate.no_road_names", file=layer.file))
    if "id" not in layer.frame and "name" not in layer.frame:
        return _LeftOut({}, msg("validate.unusable", file=layer.file))
    gone = layer.frame[~layer.frame["_row"].isin(kept["_row"])]
    survivors = {v for c in ("id", "name") if c in kept for v in kept[c]}
    outside = {p.row for p in problems if p.outside and p.file == layer.file}
    where = {}
    for _, row in gone.iterrows():
        source, number = layer.locate(int(row["_row"]))  # its own file, for a layer of several
        at = "problem.at_feature" if source.row_label == "feature" else "problem.at_row"
        label = msg(at, file=source.file, row=number)
        if row["_row"] in outside:
            label = msg("validate.outside", where=label)
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

    tiers_layer = layers.get("tiers")
    communities = checked("communities", _communities, tiers_layer is not None and bool(tiers_layer.rows))
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
                msg("validate.no_roads"),
                msg("validate.no_roads_fix"),
            )
        )
    leaders = checked("leaders", _leaders)
    issues = checked("issues", _issues)
    boundary_layer = layers.get("boundary")
    boundary = _boundary(boundary_layer, problems) if boundary_layer is not None else None
    communities, roads, issues, outside, metric, district = limit_to_district(
        communities, roads, issues, boundary, tolerances.scope_margin_m, layers, problems
    )
    left_out = _left_out(layers.get("communities"), communities, "communities", problems)
    communities, tiers = _apply_tiers(tiers_layer, problems, communities, left_out, layers.get("communities"))
    roads_left_out = _left_out(roads_layer, roads, "roads", problems)
    leaders_layer = layers.get("leaders")
    leaders_unusable: str | Msg = (
        ""
        if leaders_layer is not None and len(leaders)
        else (
            msg("validate.unusable", file=leaders_layer.file)
            if leaders_layer is not None
            else msg("validate.no_leaders_layer")
        )
    )
    assignments = checked(
        "assignments", _assignments, leaders, communities, roads, left_out, roads_left_out, leaders_unusable
    )
    status = checked("status", _status, communities, roads, left_out, roads_left_out)
    inspectors = checked("inspectors", _inspectors)
    problems = name_records(problems, layers)
    sources = {name: layer.source() for name, layer in layers.items()}
    problems = split_sources(problems, sources)
    project = Project(
        communities,
        roads,
        leaders,
        assignments,
        status,
        issues,
        boundary,
        sources,
        outside,
        metric,
        tiers=tiers,
        district=district,
        inspectors=inspectors,
    )
    return project, problems
