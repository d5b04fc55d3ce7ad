"""Interval algebra (geo/intervals.py): boundary cases whose answers are worked out by hand.

Each test names the rule it protects; the expected lists are written out from
the definitions in the module docstring (sorted, disjoint, touching joins, no
tolerance), never computed by the code under test.
"""

from geo import intervals


# ----------------------------------------------------------------------------- union
def test_union_orders_each_interval_given_backwards():
    # (300, 0) is the stretch 0-300 m drawn from its far end; (900, 500) likewise 500-900 m.
    assert intervals.union([(300, 0), (900, 500)]) == [(0, 300), (500, 900)]


def test_union_drops_an_empty_interval():
    # A section that starts and ends at 400 m covers nothing; (0, 100) stays.
    assert intervals.union([(400, 400), (0, 100)]) == [(0, 100)]


def test_union_keeps_the_farther_end_when_one_interval_holds_another():
    # (0, 1000) holds (200, 300): the merged end is max(1000, 300) = 1000, not 300.
    assert intervals.union([(0, 1000), (200, 300)]) == [(0, 1000)]


# ----------------------------------------------------------------------------- complement
def test_complement_of_nothing_is_the_whole_road():
    assert intervals.complement([], 0, 1000) == [(0, 1000)]


def test_complement_starts_after_a_section_that_begins_at_the_start():
    # 0-300 covered: the gap is 300-1000 only, no zero-length gap (0, 0) at the start.
    assert intervals.complement([(0, 300)], 0, 1000) == [(300, 1000)]


def test_complement_of_a_fully_covered_road_is_empty():
    # 0-1000 covered end to end: no zero-length gap (1000, 1000) at the end.
    assert intervals.complement([(0, 600), (600, 1000)], 0, 1000) == []


def test_complement_clips_intervals_to_the_road():
    # Chainage 0-1000. (-50, 100) reaches 50 m before the start: covered 0-100.
    # (1100, 1200) lies wholly past the end: it covers nothing, so the gap runs 100-1000
    # (not 100-1100 with a made-up stretch past the road's end).
    assert intervals.complement([(-50, 100), (1100, 1200)], 0, 1000) == [(100, 1000)]


def test_complement_of_a_window_inside_the_road():
    # Window 200-800 m; covered 100-300 and 500-600 → gaps 300-500 and 600-800.
    # An interval ending exactly at the window's start (0, 200) covers none of it.
    assert intervals.complement([(0, 200), (100, 300), (500, 600)], 200, 800) == [(300, 500), (600, 800)]


def test_complement_skips_an_interval_wholly_before_the_window():
    # Window 200-800 m; (0, 100) lies wholly before it and covers nothing there; (300, 400)
    # still counts after it: gaps 200-300 and 400-800.
    assert intervals.complement([(0, 100), (300, 400)], 200, 800) == [(200, 300), (400, 800)]


def test_complement_window_starting_inside_a_covered_stretch():
    # Window 250-1000; (0, 400) covers 250-400 → gap 400-1000.
    assert intervals.complement([(0, 400)], 250, 1000) == [(400, 1000)]


# ----------------------------------------------------------------------------- length
def test_length_counts_overlaps_once():
    # 0-300 and 200-500 overlap on 200-300: 500 m in all (not 300 + 300 = 600).
    assert intervals.length([(0, 300), (200, 500)]) == 500


def test_length_of_nothing_is_zero():
    assert intervals.length([]) == 0


# ----------------------------------------------------------------------------- intersect_length
def test_intersect_length_of_two_pieces_against_one_long_interval():
    # (0, 10) and (20, 30) both lie in (0, 100): 10 + 10 = 20. Stepping past the long
    # interval too early would miss the second piece.
    assert intervals.intersect_length([(0, 10), (20, 30)], [(0, 100)]) == 20


def test_intersect_length_is_symmetric_by_hand():
    # The same, with the roles swapped.
    assert intervals.intersect_length([(0, 100)], [(0, 10), (20, 30)]) == 20


def test_intersect_length_partial_overlaps():
    # a: 0-300, 500-1000; b: 200-600 → 200-300 (100) + 500-600 (100) = 200.
    assert intervals.intersect_length([(0, 300), (500, 1000)], [(200, 600)]) == 200


def test_intersect_length_of_disjoint_sets_is_zero():
    # Touching at 300 m is not overlapping: 0.
    assert intervals.intersect_length([(0, 300)], [(300, 600)]) == 0
    assert intervals.intersect_length([], [(0, 600)]) == 0


# ----------------------------------------------------------------------------- overlaps
def test_overlaps_with_an_interval_given_backwards():
    # (600, 0) is 0-600 m: overlaps (500, 1000) on 500-600.
    assert intervals.overlaps([(600, 0, "D1"), (500, 1000, "D2")]) == [(500, 600, frozenset({"D1", "D2"}))]


def test_overlaps_split_where_the_set_of_labels_changes():
    # D1 0-600, D2 500-1000, D3 500-700: 500-600 has {D1, D2, D3}, 600-700 has {D2, D3};
    # 700-1000 only D2. Two stretches, not merged (their label sets differ) and no
    # zero-length stretch where D2 and D3 both start at 500.
    out = intervals.overlaps([(0, 600, "D1"), (500, 1000, "D2"), (500, 700, "D3")])
    assert out == [(500, 600, frozenset({"D1", "D2", "D3"})), (600, 700, frozenset({"D2", "D3"}))]


def test_overlaps_merge_across_a_labels_own_joint():
    # D1 holds 0-500 and 500-1000 (two touching pieces), D2 holds 0-1000: one overlap
    # 0-1000 with {D1, D2}, not two stretches split at D1's joint.
    out = intervals.overlaps([(0, 500, "D1"), (500, 1000, "D1"), (0, 1000, "D2")])
    assert out == [(0, 1000, frozenset({"D1", "D2"}))]


def test_overlaps_count_a_labels_nested_pieces():
    # D1 holds 0-500 and, inside it, 200-300 (two rows for one leader); D2 holds 0-1000. D1 is
    # still there after its inner piece ends at 300: one overlap 0-500 with {D1, D2}.
    out = intervals.overlaps([(0, 500, "D1"), (200, 300, "D1"), (0, 1000, "D2")])
    assert out == [(0, 500, frozenset({"D1", "D2"}))]


def test_overlaps_ignore_empty_intervals_and_single_cover():
    # D2's (300, 300) is empty; D1 alone on 0-1000 is no overlap.
    assert intervals.overlaps([(0, 1000, "D1"), (300, 300, "D2")]) == []


def test_overlaps_of_two_separate_stretches():
    # D1 0-1000; D2 100-200 and 800-900: two overlaps, 100-200 and 800-900, not joined.
    out = intervals.overlaps([(0, 1000, "D1"), (100, 200, "D2"), (800, 900, "D2")])
    both = frozenset({"D1", "D2"})
    assert out == [(100, 200, both), (800, 900, both)]
