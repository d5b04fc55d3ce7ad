"""Interval algebra: hand examples and properties (hypothesis)."""

from hypothesis import given
from hypothesis import strategies as st

from geo import intervals


def test_union_merges_touching_and_overlapping():
    assert intervals.union([(5, 7), (0, 2), (2, 3), (6, 9)]) == [(0, 3), (5, 9)]


def test_complement_of_two_sections_on_1000_m():
    assert intervals.complement([(0, 300), (500, 1000)], 0, 1000) == [(300, 500)]


def test_overlaps_name_both_labels():
    out = intervals.overlaps([(0, 600, "D1"), (500, 1000, "D2")])
    assert out == [(500, 600, frozenset({"D1", "D2"}))]


def test_overlaps_ignore_one_labels_own_touching_pieces():
    assert intervals.overlaps([(0, 500, "D1"), (500, 1000, "D1"), (200, 300, "D1")]) == []


spans = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)).map(lambda t: (t[0] / 1000, t[1] / 1000)),
    max_size=12,
)


@given(spans)
def test_union_is_sorted_disjoint_and_keeps_length(raw):
    merged = intervals.union(raw)
    assert all(a < b for a, b in merged)
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(merged, merged[1:]))
    # every input point is covered
    for a, b in raw:
        lo, hi = min(a, b), max(a, b)
        if hi > lo:
            assert any(x <= lo and hi <= y for x, y in merged)


@given(spans)
def test_covered_plus_gaps_is_the_whole_road(raw):
    total = 10.0
    covered = intervals.intersect_length(raw, [(0, total)])
    gaps = intervals.complement(raw, 0, total)
    assert abs(covered + sum(b - a for a, b in gaps) - total) < 1e-9
    assert intervals.intersect_length(gaps, raw) < 1e-9


@given(spans, spans)
def test_overlap_length_is_the_intersection_of_two_leaders(a, b):
    a_u, b_u = intervals.union(a), intervals.union(b)
    labelled = [(x, y, "A") for x, y in a_u] + [(x, y, "B") for x, y in b_u]
    got = sum(e - s for s, e, _ in intervals.overlaps(labelled))
    assert abs(got - intervals.intersect_length(a_u, b_u)) < 1e-9
