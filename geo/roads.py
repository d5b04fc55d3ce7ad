"""Roads as entities: the pieces sharing a name, one chainage for all of them.

Real roads are rarely one line (HARD_PARTS.md): dual carriageways, slip roads,
gaps where a bridge piece carries another name. Every named road therefore
gets a **reference axis**, a single line that chainage (metres from the start)
runs along, and every piece is measured by projecting it onto that axis:

1. the pieces are merged (`shapely.line_merge`); the longest merged part is
   the axis to begin with, and its first vertex is the road's start;
2. each other part, longest first, is either *alongside* the axis (most of it
   projects inside the axis: the other carriageway, a branch) and keeps the
   axis as it is, or lies *beyond one end* (a gap in the data, a bridge
   piece under another name) and extends the axis: the axis runs on from its
   end to the part's near end, then along the part;
3. the road is **present** on the chainage intervals its parts project onto
   (a data gap bridged in step 2 is not road, so it is no coverage gap).

Both carriageways of a dual carriageway thus share one chainage: a section
from one cross street to another covers both, and its drawn stretch includes
both. Lengths on the axis are route lengths; ``pieces_m`` is the ground
length of every piece.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.ops import substring

from . import intervals

__all__ = ["RoadAxis", "build_axis"]

_DENSIFY_M = 10.0  # parts are sampled this finely to project them onto the axis
_ALONGSIDE = 0.5  # a part with at least this share of its length projecting inside the axis runs alongside


@dataclass
class _Part:
    """One merged part of a road, oriented along the axis, with its chainage profile."""

    line: shapely.LineString
    along_m: np.ndarray  # distance along the part at each sample
    chainage_m: np.ndarray  # chainage on the axis at each sample (non-decreasing)


@dataclass
class RoadAxis:
    """A named road: its parts, its reference axis and where the road is present.

    Attributes
    ----------
    name
        The road's name.
    axis
        The line chainage runs along (metres from its first vertex).
    parts
        The merged parts of the road, each with its chainage profile.
    present
        Chainage intervals where the road exists on the ground.
    """

    name: str
    axis: shapely.LineString
    parts: list[_Part] = field(default_factory=list)
    present: list[tuple[float, float]] = field(default_factory=list)

    @property
    def length_m(self) -> float:
        """Route length: chainage metres where the road is present."""
        return intervals.length(self.present)

    @property
    def extent_m(self) -> float:
        """Chainage of the axis's far end."""
        return float(self.axis.length)

    @property
    def pieces_m(self) -> float:
        """Ground length of every part (both carriageways of a dual one)."""
        return float(sum(p.line.length for p in self.parts))

    @property
    def geometry(self):
        return shapely.multilinestrings([p.line for p in self.parts]) if len(self.parts) > 1 else self.parts[0].line

    def chainage(self, points) -> np.ndarray:
        """Chainage (m) of points projected onto the axis."""
        return shapely.line_locate_point(self.axis, points)

    def stretch(self, start_m: float, end_m: float):
        """The road between two chainages: the matching stretch of every part (both carriageways)."""
        pieces = []
        for part in self.parts:
            lo, hi = max(start_m, part.chainage_m[0]), min(end_m, part.chainage_m[-1])
            if hi - lo <= 1e-9:
                continue
            a = float(np.interp(lo, part.chainage_m, part.along_m))
            b = float(np.interp(hi, part.chainage_m, part.along_m))
            if b - a > 1e-9:
                pieces.append(substring(part.line, a, b))
        if not pieces:
            return substring(self.axis, start_m, end_m)
        return pieces[0] if len(pieces) == 1 else shapely.multilinestrings(pieces)


def _profile(line: shapely.LineString, axis: shapely.LineString) -> _Part:
    """Orient a part along the axis and tabulate its chainage."""
    dense = shapely.segmentize(line, _DENSIFY_M)
    coords = shapely.get_coordinates(dense)
    chain = shapely.line_locate_point(axis, shapely.points(coords))
    if chain[-1] < chain[0]:
        line = line.reverse()
        coords, chain = coords[::-1], chain[::-1]
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    return _Part(line, along, np.maximum.accumulate(chain))


def _extend(axis: shapely.LineString, part: shapely.LineString) -> shapely.LineString | None:
    """The axis extended through a part lying beyond one of its ends, or None if alongside."""
    dense = shapely.segmentize(part, _DENSIFY_M)
    chain = shapely.line_locate_point(axis, shapely.points(shapely.get_coordinates(dense)))
    inside = np.mean((chain > 1e-6) & (chain < axis.length - 1e-6))
    if inside >= _ALONGSIDE:
        return None
    coords = list(axis.coords)
    head, tail = shapely.Point(coords[0]), shapely.Point(coords[-1])
    p0, p1 = shapely.Point(part.coords[0]), shapely.Point(part.coords[-1])
    if min(p0.distance(tail), p1.distance(tail)) <= min(p0.distance(head), p1.distance(head)):
        line = part if p0.distance(tail) <= p1.distance(tail) else part.reverse()
        return shapely.LineString(coords + [c for c in line.coords if c != coords[-1]])
    line = part if p1.distance(head) <= p0.distance(head) else part.reverse()
    return shapely.LineString([c for c in line.coords if c != coords[0]] + coords)


def build_axis(name: str, pieces) -> RoadAxis:
    """Merge a road's pieces (metric CRS) and build its reference axis."""
    merged = shapely.line_merge(shapely.union_all(list(pieces)))
    parts = sorted((p for p in shapely.get_parts(merged) if p.length > 0), key=lambda g: -g.length)
    axis = parts[0]
    pending = parts[1:]
    while True:  # a part may only reach the axis once another has extended it
        extended = False
        for part in list(pending):
            longer = _extend(axis, part)
            if longer is not None:
                axis, extended = longer, True
                pending.remove(part)
        if not extended:
            break
    profiled = [_profile(p, axis) for p in parts]
    present = intervals.union((p.chainage_m[0], p.chainage_m[-1]) for p in profiled)
    return RoadAxis(name, axis, profiled, present)
