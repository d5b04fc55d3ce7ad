"""CSV for Excel users: UTF-8 with a BOM (Chinese intact), no formula injection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["each_distinct", "excel_safe", "write_csv"]

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


def _formula(value) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


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
