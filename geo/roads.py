"""Roads as entities: the pieces sharing a name, one chainage for all of them.

Real roads are rarely one line (HARD_PARTS.md): dual carriageways, slip roads,
gaps where a bridge piece carries another name. Every named road therefore
gets a **reference axis**, a single line that chainage (metres from the start)
runs along, and every piece is measured by projecting it onto that axis:

1. the pieces are merged (`shapely.line_merge`), and a merged part that runs
   out along one carriageway and back along the other is *unfolded* into its
   two sides (below); the longest part (for two sides: their centre line) is
   the axis to begin with, and its first vertex is the road's start;
2. each other part, longest first, is either *alongside* the axis (most of it
   projects inside the axis: the other carriageway, a branch) and keeps the
   axis as it is, or lies *beyond one end* (a gap in the data, a bridge
   piece under another name) and extends the axis: the axis runs on from its
   end to the part's near end, then along the part (a part reaching past
   both ends extends both, one after the other);
3. the road is **present** on the chainage intervals its parts project onto
   (a data gap bridged in step 2 is not road, so it is no coverage gap);
4. a part that leaves the axis sideways (its chainage spans less than half
   its length: the arm of a T-junction carrying the same name) is a
   **branch**: it has no chainage of its own, belongs to whoever holds the
   stretch where it joins, and its length is reported as ``branch_m``.

5. a road crossing the district's edge is built from its pieces as drawn
   (outside too), and `road_inside` cuts its parts to the district on that
   same axis: sections are placed on the road as drawn, and counted on the
   road inside (`geo.resolve`); chainage is the same on both.

Both carriageways of a dual carriageway thus share one chainage: a section
from one cross street to another covers both, and its drawn stretch includes
both. Lengths on the axis are route lengths; ``pieces_m`` is the ground
length of every piece. Chainage runs from 0 to ``extent_m``, the axis's
length; where the axis bridges a gap in the data, ``extent_m`` exceeds the
route length ``length_m`` by the gap.

**Two sides joined at their ends, or a loop.** Where the two one-way sides of
a divided road meet at both ends (as OpenStreetMap draws them), or meet at one
end and stop close together at the other, `line_merge` makes them one part
that runs out along one side and back along the other. The rule: a merged part
whose two ends are closer than ``_DUAL_APART_M`` (50 m; 0 m for a closed ring)
is cut at its two *tips* -- for a ring, the vertex farthest from where it
begins and the vertex farthest from that one (the two ends of an elongated
loop, wherever it begins); for an open part, its two ends and the vertex
farthest from them. If the two halves lie alongside each other -- half of the
shorter one lies within ``_DUAL_APART_M`` of the other *and* within
``_DUAL_SHARE`` (15 %) of its own length -- they are the two carriageways of
one road: two parts, measured on their centre line (the midpoints of the
points at equal shares of their lengths). The route length is then about one
side's, and a section between two cross streets covers both sides. Otherwise
the part is a genuine loop and is kept whole: a roundabout or a circular road
(on a circle, half of one half lies over 0.24 of its length from the other),
or a loop whose sides are over 50 m apart. Chainage then runs once around the
loop from its first vertex, and its route length is the whole loop. So a loop
street around a block narrower than 50 m and more than about six times as long
as it is wide counts as two sides.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from . import intervals

__all__ = ["RoadAxis", "build_axis", "merged_roads", "road_inside"]

log = logging.getLogger(__name__)

_DENSIFY_M = 10.0  # parts are sampled this finely to project them onto the axis
_EXTEND_MIN_M = 20.0  # a part reaching less than this past an end of the axis does not extend it
_BRANCH = 0.5  # a part whose chainage spread is under this share of its length is a branch
_DUAL_APART_M = 50.0  # two carriageways of one road lie at most this far apart (10-40 m in real data)
_DUAL_SHARE = 0.15  # ... and at most this share of their length apart (a roundabout's halves: about 0.24)


@dataclass
class _Part:
    """One merged part of a road, oriented along the axis, with its chainage profile."""

    line: shapely.LineString
    along_m: np.ndarray  # distance along the part at each sample
    chainage_m: np.ndarray  # chainage on the axis at each sample (non-decreasing)

    @functools.cached_property
    def vertices(self) -> tuple[np.ndarray, np.ndarray]:
        """The line's own vertices and their distances along it (for `_cut`)."""
        coords = shapely.get_coordinates(self.line)
        return coords, np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])


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
        return shapely.multilinestrings([p.line for p in self.parts]) if len(self.parts) != 1 else self.parts[0].line

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
                pieces.append(_cut(*part.vertices, a, b))
        if not pieces:
            return substring(self.axis, start_m, end_m)
        return pieces[0] if len(pieces) == 1 else shapely.multilinestrings(pieces)


def _runs_inside(line: shapely.LineString, area, edge) -> list[tuple[float, float]]:
    """The stretches of `line` inside `area` (prepared; `edge` its boundary), as metres along the line.

    The line is cut where it meets the area's edge (its crossing points, and
    the ends of any stretch running along the edge), and each piece between
    two cuts is inside when its midpoint is (on the edge counts as inside,
    as `geo.scope` keeps it). Consecutive inside pieces join.
    """
    length = float(line.length)
    if shapely.covers(area, line):  # most parts of a road crossing the edge lie wholly on one side
        return [(0.0, length)] if length > 0 else []
    if not shapely.intersects(area, line):
        return []
    met = shapely.get_coordinates(shapely.intersection(line, edge))
    cuts = np.unique(np.concatenate([[0.0, length], shapely.line_locate_point(line, shapely.points(met))]))
    if len(cuts) < 2:
        return []
    middles = shapely.line_interpolate_point(line, (cuts[:-1] + cuts[1:]) / 2.0)
    inside = shapely.covers(area, middles) & (np.diff(cuts) > 0)
    runs: list[tuple[float, float]] = []
    for a, b, keep in zip(cuts[:-1], cuts[1:], inside):
        if not keep:
            continue
        if runs and runs[-1][1] == a:
            runs[-1] = (runs[-1][0], float(b))
        else:
            runs.append((float(a), float(b)))
    return runs


def _sub_part(part: _Part, start: float, end: float) -> _Part:
    """The stretch of a part from `start` to `end` metres along it, keeping its chainage profile."""
    inner = part.along_m[(part.along_m > start) & (part.along_m < end)]
    along = np.concatenate([[start], inner, [end]])
    chainage = np.interp(along, part.along_m, part.chainage_m)
    return _Part(_cut(*part.vertices, start, end), along - start, chainage)


def road_inside(road: RoadAxis, area, edge=None) -> RoadAxis:
    """The road as the district counts it: its parts cut to `area`, on the axis (and chainage) of the road as drawn.

    Sections are placed on the whole road, as drawn (a cross street just past
    the border still ends one); what counts is the part inside. The result
    keeps the road's axis, so a chainage means the same place on both; its
    parts are the stretches of the road's parts inside `area` (a stretch of
    a branch is a branch), and the road is present only where those are.
    `area` is a polygon in the road's CRS (`geo.scope`'s, grown by its
    margin), best prepared; `edge` its boundary (worked out here when None).
    """
    edge = shapely.boundary(area) if edge is None else edge
    parts, branches = [], []
    branch_ids = {id(p) for p in road.branches}
    for part in road.parts:
        for start, end in _runs_inside(part.line, area, edge):
            piece = _sub_part(part, start, end)
            parts.append(piece)
            if id(part) in branch_ids:
                branches.append(piece)
    branch_pieces = {id(p) for p in branches}
    present = intervals.union((p.chainage_m[0], p.chainage_m[-1]) for p in parts if id(p) not in branch_pieces)
    return RoadAxis(road.name, road.axis, parts, present, branches)


def _cut(coords: np.ndarray, along: np.ndarray, start: float, end: float) -> shapely.LineString:
    """The stretch of a line from `start` to `end` metres along it, as `shapely.ops.substring` gives it.

    `coords` are the line's vertices and `along` their distances along it.
    The ends are interpolated on their segments and the vertices strictly
    between them kept, with no Python call per vertex (`substring` walks the
    vertices in Python: most of the time of placing thousands of sections).
    """
    start, end = max(start, 0.0), min(end, float(along[-1]))
    inner = coords[np.searchsorted(along, start, side="right") : np.searchsorted(along, end, side="left")]
    ends = np.column_stack([np.interp([start, end], along, coords[:, 0]), np.interp([start, end], along, coords[:, 1])])
    return shapely.linestrings(np.concatenate([ends[:1], inner, ends[1:]]))


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


def _tips(coords: np.ndarray, closed: bool) -> tuple[np.ndarray, int]:
    """A folded part's vertices reordered to start at one tip, and the index of the other tip.

    A ring is cut at the vertex farthest from where it begins (``far``) and
    at the vertex farthest from that one (``near``, the tip at or nearest its
    beginning): the two ends of an elongated loop, wherever it begins (where
    the ring meets the rest of the road, `line_merge` begins it there). The
    ring is returned starting at ``near``. An open part keeps its order:
    one tip is its two ends, the other the vertex farthest from them.
    """
    if not closed:
        middle = (coords[0] + coords[-1]) / 2.0
        return coords, int(np.argmax(np.hypot(*(coords - middle).T)))
    cycle = coords[:-1]
    far = int(np.argmax(np.hypot(*(cycle - cycle[0]).T)))
    near = int(np.argmax(np.hypot(*(cycle - cycle[far]).T)))
    ring = np.concatenate([cycle[near:], cycle[:near], cycle[near : near + 1]])
    return ring, (far - near) % len(cycle)


def _centre(first: shapely.LineString, second: shapely.LineString) -> shapely.LineString:
    """The centre line of two sides running from the same tip: midpoints of points at equal shares of each."""
    count = int(np.ceil(max(first.length, second.length) / _DENSIFY_M)) + 1
    shares = np.linspace(0.0, 1.0, count)
    a = shapely.get_coordinates(shapely.line_interpolate_point(first, shares, normalized=True))
    b = shapely.get_coordinates(shapely.line_interpolate_point(second, shares, normalized=True))
    return shapely.simplify(shapely.linestrings((a + b) / 2.0), 0.01)


@dataclass
class _Unit:
    """A merged part as chainage sees it: its sides (one, or two carriageways) and the line they run along."""

    sides: list[shapely.LineString]
    centre: shapely.LineString


def _unfold(line: shapely.LineString) -> _Unit:
    """A merged part: the two carriageways of one that runs out along one side and back along the other.

    See the module docstring: a part whose ends meet or nearly meet is cut at
    its tips; the halves are two carriageways when half of the shorter one
    lies within ``min(_DUAL_APART_M, _DUAL_SHARE * its length)`` of the
    other, and chainage then follows their centre line. Any other part (a
    genuine loop among them) is one side that chainage follows itself.
    """
    whole = _Unit([line], line)
    coords = shapely.get_coordinates(line)
    if len(coords) < 3 or np.hypot(*(coords[-1] - coords[0])) > _DUAL_APART_M:
        return whole
    ordered, tip = _tips(coords, bool(line.is_closed))
    if tip <= 0 or tip >= len(ordered) - 1:
        return whole
    out, back = shapely.linestrings(ordered[: tip + 1]), shapely.linestrings(ordered[tip:])
    shorter, longer = sorted((out, back), key=lambda g: g.length)
    samples = shapely.points(shapely.get_coordinates(shapely.segmentize(shorter, _DENSIFY_M)))
    apart_m = float(np.median(shapely.distance(samples, longer)))
    if apart_m > min(_DUAL_APART_M, _DUAL_SHARE * shorter.length):
        log.debug("part of %.0f m kept whole (a loop): its halves lie %.0f m apart", line.length, apart_m)
        return whole
    centre = _centre(out, back.reverse())
    if centre.length <= 0:
        return whole
    log.debug("part of %.0f m is two carriageways %.0f m apart", line.length, apart_m)
    return _Unit([out, back], centre)


def merged_roads(names, pieces) -> tuple[list[str], np.ndarray]:
    """Every named road's pieces merged into lines, all roads at once: (names in order, merged lines).

    The same as ``line_merge(union_all(pieces))`` per road: where a road's
    pieces meet only at their ends (``is_simple``: most roads), merging
    them as they are gives exactly what merging their union does, in one
    vectorised call; a road whose pieces cross or overlap is noded by its
    union first (checked against the union on generated and OpenStreetMap
    roads in tests/test_bite_roads.py).
    """
    codes, distinct = pd.factorize(np.asarray(names, dtype=object), sort=True)
    parts, owner = shapely.get_parts(np.asarray(pieces, dtype=object), return_index=True)
    keep = ~shapely.is_empty(parts)
    parts, road = parts[keep], codes[owner[keep]]
    order = np.argsort(road, kind="stable")
    multi = np.full(len(distinct), None, dtype=object)
    present = np.unique(road)
    multi[present] = shapely.multilinestrings(parts[order], indices=np.searchsorted(present, road[order]))
    merged = np.full(len(distinct), None, dtype=object)
    simple = np.zeros(len(distinct), dtype=bool)
    simple[present] = shapely.is_simple(multi[present])
    merged[simple] = shapely.line_merge(multi[simple])
    for i in np.flatnonzero(~simple & (multi != None)):  # noqa: E711 (elementwise)
        merged[i] = shapely.line_merge(shapely.union_all(shapely.get_parts(multi[i])))
    return [str(n) for n in distinct], merged


def build_axis(name: str, pieces, merged=None) -> RoadAxis:
    """Merge a road's pieces (metric CRS) and build its reference axis (see the module docstring).

    Parameters
    ----------
    name
        The road's name.
    pieces
        Its line geometries, in a metric CRS.
    merged
        The pieces already merged (`merged_roads`); None merges them here.

    Returns
    -------
    RoadAxis
        The axis, every part (each carriageway of a dual one on its own) with
        its chainage profile, where the road is present and its branches.
    """
    if merged is None:
        merged = shapely.line_merge(shapely.union_all(list(pieces)))
    units = sorted((_unfold(p) for p in shapely.get_parts(merged) if p.length > 0), key=lambda u: -u.centre.length)
    axis = units[0].centre
    head_m = 0.0  # how far the axis was extended before the first part's start
    pending = [u.centre for u in units[1:]]
    while pending:  # one extension at a time, the straightest first (a T-junction's arm comes last)
        options = [
            (result[1], -part.length, i, result)
            for i, part in enumerate(pending)
            if (result := _extend(axis, part)) is not None
        ]
        if not options:
            break
        *_, i, (longer, _turn, end) = min(options, key=lambda o: o[:3])
        if end == "head":
            head_m += longer.length - axis.length
        axis = longer
        part = pending.pop(i)
        if (again := _extend(axis, part)) is not None and again[2] != end:
            pending.append(part)  # it runs past the other end too: that end is extended in turn
    first, *others = units
    if len(first.sides) == 1:  # the axis runs along this part itself: its chainage is exact
        profiled = [_exact_profile(first.sides[0], head_m)]
    else:
        profiled = [_profile(side, axis) for side in first.sides]
    profiled += [_profile(side, axis) for unit in others for side in unit.sides]
    branches = [p for p in profiled if p.chainage_m[-1] - p.chainage_m[0] < _BRANCH * p.line.length]
    present = intervals.union((p.chainage_m[0], p.chainage_m[-1]) for p in profiled if p not in branches)
    return RoadAxis(name, axis, profiled, present, branches)
