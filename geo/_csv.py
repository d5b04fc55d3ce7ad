"""CSV for Excel users: UTF-8 with a BOM (Chinese intact), no formula injection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["excel_safe", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that Excel would run as a formula (``=``, ``+``, ``-``, ``@`` first) get a leading ``'``."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            # one vectorised test over a column's text cells; numbers, dates and None are never formulas
            positions = np.flatnonzero(values.map(type).eq(str).to_numpy())
            risky = positions[values.iloc[positions].astype(str).str.startswith(_FORMULA_START).to_numpy(bool)]
            if len(risky):
                fixed = values.to_numpy(dtype=object).copy()
                fixed[risky] = ["'" + v for v in fixed[risky]]
                out[column] = pd.Series(fixed, index=out.index, dtype=object)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table for Excel in China: UTF-8 with BOM, ``\\n`` line ends, formula-safe."""
    excel_safe(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
