"""The clean, validated project that every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

__all__ = ["Project", "SourceFile"]


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
