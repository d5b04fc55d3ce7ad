"""The clean, validated project that every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

__all__ = ["Outside", "Project", "SourceFile"]


@dataclass(frozen=True)
class SourceFile:
    """Where a layer came from and how many rows it had."""

    layer: str
    file: str
    rows: tuple[int, ...]
    headers: dict[str, str] = field(default_factory=dict)
    row_label: str = "row"

    @property
    def rows_read(self) -> int:
        return len(self.rows)

    def header(self, column: str) -> str:
        """The column's header as the user wrote it."""
        return self.headers.get(column, column)


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

    def as_dict(self) -> dict:
        return {
            "scope": self.scope,
            "margin_m": self.margin_m,
            "communities": self.communities,
            "road_pieces": self.road_pieces,
            "road_m": round(self.road_m, 3),
            "issues": self.issues,
        }


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
