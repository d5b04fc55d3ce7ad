"""A column read at once (`cell_texts`) says exactly what each cell read alone (`cell_text`) says."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from geo._readers import cell_text, cell_texts

# text as offices type it: full-width letters and spaces, tabs, ideographic spaces, controls kept for later
# (and a combining accent, NUL, NEL and a ligature, which NFKC and the joined folding must treat alike)
TEXT = st.text(alphabet=st.sampled_from(list("红门路 \u3000\tＡＢab1２\u00a0\u2003_-（）e\u0301\x00\x85ﬁ")), max_size=9)
CELLS = st.one_of(TEXT, st.none(), st.just(float("nan")))


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, max_size=30))
def test_a_text_column_reads_as_its_cells_do(cells):
    column = pd.Series(cells, dtype=object)
    assert list(cell_texts(column)) == [cell_text(v) for v in cells]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=False, width=32), st.integers(-(10**6), 10**6), st.none()),
        max_size=30,
    )
)
def test_a_column_of_numbers_reads_as_its_cells_do(cells):
    column = pd.Series(cells, dtype=object)
    assert list(cell_texts(column)) == [cell_text(v) for v in cells]


def test_dates_lists_and_mixed_columns_read_as_their_cells_do():
    for cells in (
        [pd.Timestamp("2022-05-14"), pd.NaT, pd.Timestamp("2022-05-14 08:30")],
        [dt.date(2022, 5, 14), "2022-05-15", 3.0, None],
        [["Calle A", "Calle B"], None, "Calle C"],  # an OSM name list: its first name
        [np.array(["x", "y"]), "z"],
    ):
        column = pd.Series(cells, dtype=object)
        assert list(cell_texts(column)) == [cell_text(v) for v in cells]
    assert list(cell_texts(pd.Series([], dtype=object))) == []
