"""CSV for Excel users: UTF-8 with a BOM (Chinese intact), no formula injection."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["excel_safe", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that Excel would run as a formula (``=``, ``+``, ``-``, ``@`` first) get a leading ``'``."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table for Excel in China: UTF-8 with BOM, ``\\n`` line ends, formula-safe."""
    excel_safe(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
