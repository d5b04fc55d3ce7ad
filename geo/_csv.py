"""Spreadsheets for Excel users: CSV in UTF-8 with a BOM (Chinese intact), XLSX; never a formula from the data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["cell_text", "each_distinct", "excel_safe", "is_blank", "text_cells", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def each_distinct(values: pd.Series, func) -> np.ndarray:
    """`func` of every cell as an object array, called once per distinct value (a column repeats its values)."""
    try:
        codes, distinct = pd.factorize(values, use_na_sentinel=False)
    except TypeError:  # unhashable cells (lists): one call per cell
        return np.array([func(v) for v in values], dtype=object)
    results = np.empty(len(distinct), dtype=object)
    results[:] = [func(v) for v in distinct]
    return results[codes]


def is_blank(value) -> bool:
    """Whether a cell holds nothing: None, or the missing value of pandas (NaN, NaT, ``pd.NA``).

    A date column the input did not have is NaN, and pandas' string dtype turns a None into NaN:
    tested here, never by ``value is None`` alone (``str(nan)`` is "nan" in a person's table).
    """
    if value is None:
        return True
    if isinstance(value, str | bytes | tuple | list | dict | np.ndarray):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_text(value) -> str:
    """A cell as a person reads it: nothing for a blank (`is_blank`), else its text."""
    return "" if is_blank(value) else str(value)


def _formula(value) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def text_cells(book) -> None:
    """Every cell of an openpyxl workbook that would be a formula (``=HYPERLINK(…)`` from a name) made plain text.

    The XLSX side of `excel_safe`'s rule: a spreadsheet geo writes holds the data's text as text,
    never as a formula Excel runs; in XLSX a cell can say so itself, so the text stays as written.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that Excel would run as a formula (``=``, ``+``, ``-``, ``@`` first) get a leading ``'``."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            # tested once per distinct value; numbers, dates and None are never formulas
            risky = np.flatnonzero(each_distinct(values, _formula).astype(bool))
            if len(risky):
                fixed = values.to_numpy(dtype=object).copy()
                fixed[risky] = ["'" + v for v in fixed[risky]]
                out[column] = pd.Series(fixed, index=out.index, dtype=object)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table for Excel in China: UTF-8 with BOM, ``\\n`` line ends, formula-safe."""
    excel_safe(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
