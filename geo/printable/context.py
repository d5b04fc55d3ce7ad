"""Everything the pages draw, prepared once per run (`prepare`), as a `PrintContext`.

The layers are shaped for matplotlib once, in the analysis' metric CRS; the
words, the cut font and each leader's rows come with them. Nothing here
reads phone numbers: the leaders table is kept without its phone column.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from .._labels import labels
from .._readers import is_osm
from ..analyse import Analysis
from ..checks import CHECKS
from ..config import MapOptions
from ..messages import LANGUAGES, msg
from ..render import OSM_ATTRIBUTION, gap_label
from ..words import section_label, section_words
from .errors import NoCJKFontError
from .fonts import _BASE_CHARS, CJKFont, _cut_font, find_cjk_font

__all__ = ["PrintContext", "prepare"]

log = logging.getLogger(__name__)


def _polygon_paths(geometry: np.ndarray) -> list[Any]:
    """One matplotlib `Path` per feature (holes and parts included); None for an empty one."""
    from matplotlib.path import Path as MplPath

    paths: list[Any] = [None] * len(geometry)
    if len(geometry) == 0:
        return paths
    parts, owner = shapely.get_parts(geometry, return_index=True)
    keep = shapely.get_dimensions(parts) == 2
    parts, owner = parts[keep], owner[keep]
    rings, part_of_ring = shapely.get_rings(parts, return_index=True)
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return paths
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    starts = np.flatnonzero(np.diff(ring_of_coord, prepend=-1))
    codes[starts] = MplPath.MOVETO
    codes[np.append(starts[1:], len(coords)) - 1] = MplPath.CLOSEPOLY
    feature = owner[part_of_ring[ring_of_coord]]
    cuts = np.flatnonzero(np.diff(feature)) + 1
    for xy, code, ids in zip(np.split(coords, cuts), np.split(codes, cuts), np.split(feature, cuts)):
        paths[int(ids[0])] = MplPath(xy, code)
    return paths


def _line_parts(geometry: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Each feature's lines as coordinate arrays, and the feature each belongs to."""
    if len(geometry) == 0:
        return [], np.array([], dtype=int)
    parts, owner = shapely.get_parts(geometry, return_index=True)
    keep = shapely.get_dimensions(parts) == 1
    parts, owner = parts[keep], owner[keep]
    coords, part = shapely.get_coordinates(parts, return_index=True)
    cuts = np.flatnonzero(np.diff(part)) + 1
    lines = np.split(coords, cuts) if len(coords) else []
    present = np.unique(part) if len(coords) else np.array([], dtype=int)
    return lines, owner[present]


@dataclass
class _Shapes:
    """A layer ready to draw: its frame, the features' boxes, and their matplotlib geometry."""

    frame: pd.DataFrame
    bounds: np.ndarray
    paths: list[Any] = field(default_factory=list)  # polygons: one Path per row
    lines: list[np.ndarray] = field(default_factory=list)  # lines: one array per part
    line_rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))

    @classmethod
    def of(cls, frame, dimension: int) -> _Shapes:
        geometry = np.asarray(frame.geometry.values, dtype=object) if len(frame) else np.array([], dtype=object)
        bounds = shapely.bounds(geometry) if len(geometry) else np.zeros((0, 4))
        shapes = cls(frame, bounds)
        if dimension == 2:
            shapes.paths = _polygon_paths(geometry)
        elif dimension == 1:
            shapes.lines, shapes.line_rows = _line_parts(geometry)
        return shapes

    def near(self, window: tuple[float, float, float, float]) -> np.ndarray:
        """Positions of the rows whose box meets `window`."""
        x0, y0, x1, y1 = window
        b = self.bounds
        if len(b) == 0:
            return np.array([], dtype=int)
        hit = (b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0) & np.isfinite(b[:, 0])
        return np.flatnonzero(hit)


# ----------------------------------------------------------------------------- the context, once per run
@dataclass
class PrintContext:
    """Everything the pages draw, prepared once: layers in the metric CRS, words, the font."""

    analysis: Analysis
    options: MapOptions
    words: dict[str, str]
    font: CJKFont
    font_file: Path  # the cut font (or the font itself)
    charset: frozenset[str]  # the characters `font_file` holds
    source_line: str
    figures: list[str]  # the headline figures, as the terminal says them (`geo.words.summary_lines`)
    communities: _Shapes
    roads: _Shapes
    coverage: _Shapes
    issues: pd.DataFrame
    gaps: dict[str, _Shapes]
    boundary: _Shapes | None
    leaders: pd.DataFrame
    mine: dict[str, dict[str, np.ndarray]]
    north_deg: float  # true north's angle from grid north, counter-clockwise (degrees)
    footprint: Any  # the district's area (boundary, else the communities), for placing an inset
    _fonts: dict[tuple[float, bool], Any] = field(default_factory=dict)

    def font_at(self, size: float, whole: bool = False):
        """The font at `size` points (`whole`: the full font, for a character the cut one lacks)."""
        key = (size, whole)
        if key not in self._fonts:
            from matplotlib.font_manager import FontProperties

            if (whole or self.font_file == self.font.path) and self.font.family:  # its face in a collection
                self._fonts[key] = FontProperties(family=self.font.family, size=size)
            else:
                self._fonts[key] = FontProperties(fname=str(self.font.path if whole else self.font_file), size=size)
        return self._fonts[key]

    @property
    def title(self) -> str:
        return self.options.title or self.words["title"]


def _texts_of(analysis: Analysis, words: Iterable[str], options: MapOptions) -> str:
    """Every character a page may write: the data's names and our words (never a phone number)."""
    resolved = analysis.resolved
    project = resolved.project
    parts = [_BASE_CHARS, options.title, *words]
    frames = [
        resolved.communities[["id", "name", "tier"]],
        resolved.roads[["name"]],
        section_words(resolved.coverage, options.lang)[["road", "from", "to", "label"]],  # label: the ends in words
        project.leaders[[c for c in ("id", "name", "title", "unit") if c in project.leaders.columns]],
        analysis.issues[["id", "category", "road"]],
        analysis.gaps[["name", "target"]],
    ]
    for frame in frames:
        for column in frame.columns:
            parts.extend(str(v) for v in pd.unique(frame[column].dropna().astype(str)))
    for lang in LANGUAGES:
        parts.extend(gap_label(c.kind, lang, options.unit_word) for c in CHECKS)
    return "".join(parts)


def _north_angle(analysis: Analysis, centre: tuple[float, float]) -> float:
    """Degrees from grid north (up the page) to true north at `centre`, counter-clockwise."""
    from pyproj import Transformer

    crs = analysis.resolved.crs
    try:
        to_wgs = Transformer.from_crs(crs, 4326, always_xy=True)
        back = Transformer.from_crs(4326, crs, always_xy=True)
        lon, lat = to_wgs.transform(*centre)
        x, y = back.transform(lon, min(lat + 0.01, 89.9))
    except Exception:  # a CRS pyproj cannot turn round: grid north it is
        log.debug("no true north for %s", crs, exc_info=True)
        return 0.0
    return math.degrees(math.atan2(-(x - centre[0]), y - centre[1]))


def prepare(
    analysis: Analysis,
    options: MapOptions,
    *,
    font_file: str | Path | None = None,
    project_name: str = "",
    folder: Path | None = None,
) -> PrintContext:
    """Prepare the pages: find the font, cut it to the district's characters, shape every layer once.

    Parameters
    ----------
    analysis
        The check's result (`geo.pipeline.check`).
    options
        The map options (title, language, unit word).
    font_file
        A font file to use instead of searching (``GEO_CJK_FONT``).
    project_name
        The project folder's name, for the source line (never a path).
    folder
        Where the cut font is written (a temporary folder; the font file itself
        is used when None).

    Raises
    ------
    NoCJKFontError
        When no font can write Chinese.
    """
    lang = options.lang
    font = find_cjk_font(lang, font_file)
    if font is None:
        raise NoCJKFontError(msg("print.no_cjk_font"))
    from ..report import summary
    from ..words import summary_lines

    words = labels(lang, options.unit_word)
    figures = summary_lines(summary(analysis, [], []), lang)
    text = _texts_of(analysis, [*words.values(), *figures], options)
    cut = _cut_font(font, text, folder) if folder is not None else None
    charset = frozenset(text) if cut is not None else frozenset()
    resolved = analysis.resolved
    project = resolved.project
    osm = any(is_osm(Path(s.file)) for s in project.sources.values())
    source = words["print.source"].format(project=f"{project_name} · geo" if project_name else "geo")
    source_line = source + (f"{words['p.comma']}{OSM_ATTRIBUTION}" if osm else "")

    communities = resolved.communities[["id", "name", "tier", "geometry"]].copy()
    held = communities["id"].map(lambda c: analysis.community_leaders.get(c, ()))
    communities["leader_ids"] = held
    points = shapely.get_coordinates(communities.geometry.representative_point().values)
    communities["label_x"], communities["label_y"] = points[:, 0], points[:, 1]
    coverage = resolved.coverage.copy()
    coverage["ends"] = [
        "" if kind == "road" else section_label(str(a), str(b), s, e, lang)
        for kind, a, b, s, e in zip(
            coverage["kind"], coverage["from"], coverage["to"], coverage["start_m"], coverage["end_m"]
        )
    ]
    issues = analysis.issues.copy()
    issues["status"] = np.where(issues["overdue"], "overdue", np.where(issues["state"] == "open", "open", "resolved"))
    points = shapely.get_geometry(np.asarray(issues.geometry.values, dtype=object), 0)  # a multi-point: its first
    issues["x"], issues["y"] = shapely.get_x(points), shapely.get_y(points)  # NaN (not drawn) where there is none
    gaps = analysis.gaps[analysis.gaps.geometry.notna()]
    gap_shapes = {
        c.kind: _Shapes.of(gaps[gaps["kind"] == c.kind], c.dimension) for c in CHECKS if (gaps["kind"] == c.kind).any()
    }
    boundary = resolved.boundary
    leaders = project.leaders.drop(columns=[c for c in ("phone",) if c in project.leaders.columns])
    leaders = leaders.set_index("id", drop=False)
    mine = {
        "communities": _rows_by_leader(communities["leader_ids"]),
        "coverage": _rows_by_leader(coverage["leader"].map(lambda i: (i,))),
        "issues": _rows_by_leader(issues["leaders"].map(tuple)),
    }
    none = np.array([], dtype=int)
    box = _district_box(resolved)
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    return PrintContext(
        analysis,
        options,
        words,
        font,
        cut or font.path,
        charset,
        source_line,
        figures,
        _Shapes.of(communities, 2),
        _Shapes.of(resolved.roads[["name", "geometry"]], 1),
        _Shapes.of(coverage, 1),
        issues,
        gap_shapes,
        None if boundary is None or boundary.empty else _Shapes.of(boundary, 2),
        leaders,
        {str(i): {layer: rows.get(str(i), none) for layer, rows in mine.items()} for i in leaders.index},
        _north_angle(analysis, centre),
        _footprint(resolved),
    )


def _rows_by_leader(ids: pd.Series) -> dict[str, np.ndarray]:
    """Leader id -> the positions of the rows whose leaders (a tuple per row) include them."""
    each = pd.Series(ids.to_numpy(), index=np.arange(len(ids))).explode().dropna()
    return {str(k): np.asarray(v, dtype=int) for k, v in each.groupby(each).groups.items()}


def _footprint(resolved):
    frame = resolved.boundary if resolved.boundary is not None and not resolved.boundary.empty else resolved.communities
    return shapely.union_all(frame.geometry.values) if len(frame) else shapely.Polygon()


def _district_box(resolved) -> tuple[float, float, float, float]:
    frames = [f for f in (resolved.boundary, resolved.communities, resolved.roads) if f is not None and not f.empty]
    boxes = np.array([f.total_bounds for f in frames]) if frames else np.array([[0.0, 0.0, 1.0, 1.0]])
    return (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())
