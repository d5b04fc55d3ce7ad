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
   (a data gap bridged in step 2 is not road, so it is no coverage gap);
4. a part that leaves the axis sideways (its chainage spans less than half
   its length: the arm of a T-junction carrying the same name) is a
   **branch**: it has no chainage of its own, belongs to whoever holds the
   stretch where it joins, and its length is reported as ``branch_m``.

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
_EXTEND_MIN_M = 20.0  # a part reaching less than this past an end of the axis does not extend it
_BRANCH = 0.5  # a part whose chainage spread is under this share of its length is a branch


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
    branches: list[_Part] = field(default_factory=list)

    @property
    def branch_m(self) -> float:
        """Ground length of branches: parts that leave the axis sideways (held by their junction's leader)."""
        return float(sum(p.line.length for p in self.branches))

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


def _exact_profile(line: shapely.LineString, offset_m: float) -> _Part:
    """The axis's own first part: its chainage is its length along itself (exact, even for a ring)."""
    coords = shapely.get_coordinates(line)
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    return _Part(line, along, along + offset_m)


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


def _beyond(axis: shapely.LineString, part: shapely.LineString, end: str) -> np.ndarray:
    """The longest unbroken stretch of `part` past one end of the axis, ordered away from that end."""
    samples = shapely.get_coordinates(shapely.segmentize(part, _DENSIFY_M))
    chain = shapely.line_locate_point(axis, shapely.points(samples))
    past = chain >= axis.length - 1e-6 if end == "tail" else chain <= 1e-6
    if not past.any():
        return np.empty((0, 2))
    # contiguous runs of samples past the end, in the part's own order
    edges = np.flatnonzero(np.diff(np.concatenate([[0], past.astype(int), [0]])))
    runs = [samples[a:b] for a, b in zip(edges[::2], edges[1::2])]
    run = max(runs, key=lambda r: float(np.hypot(*np.diff(r, axis=0).T).sum()) if len(r) > 1 else 0.0)
    anchor = np.array(axis.coords[-1] if end == "tail" else axis.coords[0])
    if np.hypot(*(run[-1] - anchor)) < np.hypot(*(run[0] - anchor)):
        run = run[::-1]
    return run


def _extend(axis: shapely.LineString, part: shapely.LineString) -> tuple[shapely.LineString, float, str] | None:
    """The axis extended by the stretch of a part that lies beyond one of its ends, or None.

    Only the stretch past the end extends the axis (a carriageway that starts
    alongside and runs on further extends it by the part that runs on); a
    stretch shorter than ``_EXTEND_MIN_M`` does not. Also returns how sharply
    the extension turns (radians), so the straightest continuation wins.
    """
    coords = [tuple(c) for c in axis.coords]
    best = None
    for end in ("tail", "head"):
        run = _beyond(axis, part, end)
        length = float(np.hypot(*np.diff(run, axis=0).T).sum()) if len(run) > 1 else 0.0
        if length >= _EXTEND_MIN_M and (best is None or length > best[2]):
            best = (end, run, length)
    if best is None:
        return None
    end, run, _ = best
    extra = [tuple(c) for c in run]
    if end == "tail":
        heading = np.subtract(coords[-1], coords[-2])
        line = shapely.LineString(coords + [c for c in extra if c != coords[-1]])
    else:
        heading = np.subtract(coords[0], coords[1])
        line = shapely.LineString([c for c in extra[::-1] if c != coords[0]] + coords)
    onward = np.subtract(extra[-1], extra[0]) if len(extra) > 1 else heading
    cos = np.dot(heading, onward) / (np.hypot(*heading) * np.hypot(*onward) or 1.0)
    return line, float(np.arccos(np.clip(cos, -1.0, 1.0))), end


def build_axis(name: str, pieces) -> RoadAxis:
    """Merge a road's pieces (metric CRS) and build its reference axis."""
    merged = shapely.line_merge(shapely.union_all(list(pieces)))
    parts = sorted((p for p in shapely.get_parts(merged) if p.length > 0), key=lambda g: -g.length)
    axis = parts[0]
    head_m = 0.0  # how far the axis was extended before the first part's start
    pending = parts[1:]
    while pending:  # one extension at a time, the straightest first (a T-junction's arm comes last)
        options = [(result[1], -part.length, i, result) for i, part in enumerate(pending)
                   if (result := _extend(axis, part)) is not None]
        if not options:
            break
        *_, i, (longer, _turn, end) = min(options, key=lambda o: o[:3])
        if end == "head":
            head_m += longer.length - axis.length
        axis = longer
        pending.pop(i)
    profiled = [_exact_profile(parts[0], head_m)] + [_profile(p, axis) for p in parts[1:]]
    branches = [p for p in profiled if p.chainage_m[-1] - p.chainage_m[0] < _BRANCH * p.line.length]
    present = intervals.union((p.chainage_m[0], p.chainage_m[-1]) for p in profiled if p not in branches)
    return RoadAxis(name, axis, profiled, present, branches)
