"""The clean, validated project that every later stage reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

if TYPE_CHECKING:  # only named in annotations: `geo --help` does not wait for pandas
    import geopandas as gpd
    import pandas as pd

__all__ = ["District", "Gap", "Outside", "Project", "SourceFile", "Summary", "require_columns"]


def require_columns(frame: pd.DataFrame, columns: Iterable[str], where: str) -> None:
    """The check at a stage boundary: `frame` has every column the next stage reads.

    A missing column here is a bug in geo, not in the data (the data's own
    problems are `Problem` records long before); it is said at the boundary,
    not as a KeyError three stages later.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TypeError(f"{where}: missing column(s) {', '.join(missing)} (have: {', '.join(map(str, frame.columns))})")


@dataclass(frozen=True)
class SourceFile:
    """Where a layer came from and how many rows it had."""

    name: str  # the contract's layer name (roads, leaders …)
    file: str  # as messages name it: the file, with the layer or sheet when it holds several
    rows: tuple[int, ...]  # every data row the file had, as the user numbers them (for the ledger)
    headers: dict[str, str] = field(default_factory=dict)  # contract column -> header as written
    row_label: str = "row"  # "row" for tables, "feature" for spatial files
    # A layer read from several files (``[files] roads = ["a.shp", "b.shp"]``): each file, and the
    # offset added to its rows to number the combined layer's rows in one sequence. `file` is then
    # the files joined; `geo.load.split_sources` gives each problem back its own file and row.
    parts: tuple[SourcePart, ...] = ()

    @property
    def rows_read(self) -> int:
        return len(self.rows)

    def locate(self, row: int) -> tuple[SourceFile, int]:
        """The file a row of the (combined) layer came from, and the row as that file numbers it."""
        for part in reversed(self.parts):
            if row > part.offset:
                return part.source, row - part.offset
        return self, row

    def header(self, column: str) -> str:
        """The column's header as the user wrote it."""
        return self.headers.get(column, column)


@dataclass(frozen=True)
class SourcePart:
    """One file of a layer read from several: its `SourceFile` and the offset of its rows in the layer."""

    source: SourceFile
    offset: int


@dataclass(frozen=True)
class Outside:
    """What was left out as lying outside the district."""

    communities: int = 0
    road_pieces: int = 0  # pieces wholly outside
    road_m: float = 0.0  # their length plus what was cut off pieces crossing the edge
    issues: int = 0
    margin_m: float = 0.0
    scope: str = ""  # "boundary", "communities" or "" (no scope)

    @property
    def any(self) -> bool:
        return bool(self.communities or self.road_pieces or self.road_m >= 0.5 or self.issues)

    def as_dict(self) -> dict[str, str | int | float]:
        return {
            "scope": self.scope,
            "margin_m": self.margin_m,
            "communities": self.communities,
            "road_pieces": self.road_pieces,
            "road_m": round(self.road_m, 3),
            "issues": self.issues,
        }


@dataclass(frozen=True, eq=False)
class District:
    """The district the layers were cut to, and the road pieces as they were drawn (`geo.scope`).

    Sections are placed on the roads as drawn (`geo.resolve`): a cross street
    that meets a road just outside the district still ends a section there,
    and a distance is measured from the start of the road as drawn; only the
    part of each stretch inside `area` is counted.

    Attributes
    ----------
    area
        The scope in metres: the boundary (or the communities' outline) grown
        by the margin. A road piece is cut to it.
    crs
        The CRS of `area`, `drawn` and `beyond`.
    drawn
        The whole line (in metres) of each named road piece the scope cut,
        indexed by the piece's position in ``Project.roads``.
    beyond
        The named road pieces wholly outside (``name``, ``_row``), geometry in
        metres: the roads' parts past the district and the cross streets there.
    roads
        The geometry array of the cut road layer these describe (``Project.roads``'s
        as the scope left it): a layer changed since is taken as drawn.
    """

    area: Any
    crs: Any
    drawn: gpd.GeoSeries
    beyond: gpd.GeoDataFrame
    roads: Any = None

    @property
    def cut(self) -> bool:
        """Whether the scope cut or left out any named road piece (else the roads are as drawn)."""
        return bool(len(self.drawn) or len(self.beyond))


@dataclass
class Project:
    """A project's layers after validation, in EPSG:4326.

    Values are canonical (English vocabulary, normalised names); references
    are resolved (an assignment's ``leader`` is a leader id, its ``target``
    a road name or a community id). Each frame keeps ``_row``, the row the
    user sees in the source file. Rows rejected by validation are absent
    here and listed in the problems with ``rejected=True``.
    """

    communities: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    leaders: pd.DataFrame
    assignments: pd.DataFrame
    status: pd.DataFrame
    issues: gpd.GeoDataFrame
    boundary: gpd.GeoDataFrame | None
    sources: dict[str, SourceFile] = field(default_factory=dict)
    outside: Outside = field(default_factory=Outside)  # what was left out as outside the district (`geo.scope`)
    # The layers' geometries in metres as `geo.scope` projected them, so that `geo.resolve` need not
    # project them again: by layer name, the layer's geometry array then and its projection (a cut
    # road piece as cut there). Used only while the layer still holds that very array.
    metric: dict[str, tuple[Any, gpd.GeoSeries]] = field(default_factory=dict, repr=False, compare=False)
    # The `tiers` table's usable rows (``community`` an id, ``tier`` canonical), already applied to
    # ``communities.tier``: kept for the ledger.
    tiers: pd.DataFrame | None = None
    # The district and the road pieces as drawn before the cut (`geo.scope`): sections are placed on those.
    # None: no scope, or a project built in code (its roads are then taken as drawn).
    district: District | None = field(default=None, repr=False, compare=False)
    # The inspection groups (`inspectors` table: ``id``, ``name``, ``_row``); empty when there is none.
    inspectors: pd.DataFrame = field(default_factory=lambda: _table("id", "name", "_row"))

    def __post_init__(self) -> None:
        from .schema import LAYERS

        for name in ("communities", "roads", "leaders", "assignments", "status", "issues"):
            require_columns(getattr(self, name), (*LAYERS[name].columns, "_row"), f"Project.{name}")


def _table(*columns: str) -> pd.DataFrame:
    """An empty table of text columns (imported here when needed: `geo --help` does not wait for pandas)."""
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})


@dataclass(frozen=True)
class Gap:
    """One thing no one answers for, as facts: the words come from `geo.words` in the reader's language.

    Attributes
    ----------
    kind
        The check that found it (``section_gap`` …, see `geo.analyse.CHECKS`).
    target
        What lacks a leader, as the data names it: a road's name, a community
        id (two, ``A;B``, for an overlap), an issue id, an unnamed piece's id;
        ``""`` for a territory gap with no community near.
    name
        Its name in the data (a road, a community); ``""`` when it has none.
    geometry
        Where it is, in the analysis CRS: lines for stretches, areas for
        territory and communities, a point for an issue.
    leaders
        Leader ids concerned: both holders of an overlap, a community's
        current leaders.
    owners
        Leader ids who could take it on: the sections' leaders on either side
        of a section gap, the street's leaders for a community with none.
    neighbours
        Community names next to a territory gap, or the two that overlap.
    length_m, area_m2, start_m, end_m
        Its size, and where a stretch lies on the road's chainage.
    ends
        The cross streets at the start and end of a stretch (``""``: none near).
    facts
        Kind-specific facts a description may use (a community's tier, an
        issue's category, the levels of the current leaders …).
    """

    kind: str
    target: str
    name: str
    geometry: Any
    leaders: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    neighbours: tuple[str, ...] = ()
    length_m: float | None = None
    area_m2: float | None = None
    start_m: float | None = None
    end_m: float | None = None
    ends: tuple[str, str] = ("", "")
    facts: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- the headline figures
# summary.json's shape, typed: the reports write it, the terminal, the maps and the index read it.
class CommunityFigures(TypedDict):
    total: int
    by_tier: dict[str, int]
    with_leader: int
    with_work_team: int


class RoadFigures(TypedDict):
    named: int
    pieces: int
    unnamed_pieces: int
    length_m: float
    city_leader_roads: int
    district_sections: int
    with_assignment: int
    without_assignment: int
    covered_m: float
    assigned_length_m: float
    coverage_pct: float | None


class IssueFigures(TypedDict):
    total: int
    by_source: dict[str, int]
    by_state: dict[str, int]
    orphans: int
    overdue: int
    resolved_reported: int  # resolved, by the office's or a leader's word (geo.replies)
    resolved_confirmed: int  # of those, the office's own or confirmed by an inspection group


class GapFigures(TypedDict):
    total: int
    by_kind: dict[str, int]
    section_gap_m: float
    unmanaged_m: float
    territory_gap_m2: float
    geometry_parts_removed: dict[str, int]


class Summary(TypedDict):
    """summary.json: a pure function of the data (no paths, no times), English keys."""

    communities: CommunityFigures
    roads: RoadFigures
    leaders: dict[str, Any]  # total, by_level
    assignments: dict[str, Any]  # total, by_kind
    status: dict[str, Any]  # total, by_state, overdue, done_reported, done_confirmed
    issues: IssueFigures
    replies: dict[str, int]  # the kept replies' entries: applied, repeated, not applied, new issues
    as_of: str
    gaps: GapFigures
    outside: dict[str, Any]  # Outside.as_dict()
    slivers: dict[str, float]
    tolerances: dict[str, float]
    metric_crs: str
    input: dict[str, Any]  # errors, warnings, ledger per layer
    language: NotRequired[dict[str, str]]  # lang, and chosen: given, default or auto (every name Traditional)
    changes: NotRequired[dict[str, Any]]  # since the last snapshot (geo.history): since, as_of, counts
