"""Interval algebra on chainage (metres along a road's axis).

An interval is a ``(start_m, end_m)`` pair with ``start_m <= end_m``; lists
of intervals are returned sorted and non-overlapping. Only sorting and
comparisons are used, so results are exact for the floats given: no
tolerance is applied here (callers drop gaps shorter than their tolerance).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

__all__ = ["complement", "intersect_length", "length", "overlaps", "union"]

Interval = tuple[float, float]


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Merge intervals into sorted, disjoint ones (touching intervals join)."""
    merged: list[list[float]] = []
    for start, end in sorted((min(a, b), max(a, b)) for a, b in intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged if b > a]


def complement(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    """The parts of ``[start, end]`` that no interval covers."""
    gaps = []
    cursor = start
    for a, b in union(intervals):
        a, b = max(a, start), min(b, end)
        if b <= a:
            continue
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if end > cursor:
        gaps.append((cursor, end))
    return gaps


def length(intervals: Iterable[Interval]) -> float:
    """Total length covered by the intervals, overlaps counted once."""
    return sum(b - a for a, b in union(intervals))


def intersect_length(intervals: Iterable[Interval], others: Iterable[Interval]) -> float:
    """Length covered by both sets of intervals."""
    a_list, b_list = union(intervals), union(others)
    total, i, j = 0.0, 0, 0
    while i < len(a_list) and j < len(b_list):
        lo = max(a_list[i][0], b_list[j][0])
        hi = min(a_list[i][1], b_list[j][1])
        if hi > lo:
            total += hi - lo
        if a_list[i][1] < b_list[j][1]:
            i += 1
        else:
            j += 1
    return total


def overlaps(labelled: Iterable[tuple[float, float, Hashable]]) -> list[tuple[float, float, frozenset]]:
    """Stretches covered by two or more *different* labels.

    Parameters
    ----------
    labelled
        ``(start_m, end_m, label)`` triples; a label is e.g. a leader id.
        One label's own intervals never overlap each other.

    Returns
    -------
    list of ``(start_m, end_m, labels)``
        Maximal stretches with the same set of two or more labels, sorted.
    """
    events: list[tuple[float, int, Hashable]] = []
    for a, b, label in labelled:
        a, b = min(a, b), max(a, b)
        if b > a:
            events.append((a, 1, label))
            events.append((b, -1, label))
    events.sort(key=lambda e: (e[0], e[1]))
    active: dict[Hashable, int] = {}
    out: list[tuple[float, float, frozenset]] = []
    position = None
    for x, delta, label in events:
        if position is not None and x > position:
            labels = frozenset(k for k, v in active.items() if v > 0)
            if len(labels) >= 2:
                if out and out[-1][1] == position and out[-1][2] == labels:
                    out[-1] = (out[-1][0], x, labels)
                else:
                    out.append((position, x, labels))
        active[label] = active.get(label, 0) + delta
        position = x
    return out
