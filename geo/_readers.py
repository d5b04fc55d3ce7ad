"""File readers: the quirks of each format, so `load` sees plain frames.

Tables (CSV, XLSX) come back as text cells with the header row found (a title
row above it is skipped) and each row's number as Excel shows it. Spatial
files come back as GeoDataFrames with the layer chosen, the text encoding
right and Z dropped. Anything a user should know is returned as a note.
"""

from __future__ import annotations

import ast
import codecs
import csv
import io
import json
import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import shapely
from openpyxl.utils import get_column_letter

from .errors import ProjectError
from .messages import Msg, msg, seq
from .schema import normalise_header, normalise_text

__all__ = ["ReadResult", "read_spatial", "read_table"]

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10  # a header row is looked for among the first rows


@dataclass
class ReadResult:
    """A file's rows as read, before any column mapping.

    ``frame`` has a ``_row`` column: the spreadsheet row number (header is
    row 1 unless a title sits above it) or the feature number (from 1).
    """

    frame: pd.DataFrame
    row_label: str
    notes: list[Msg] = field(default_factory=list)
    part: str | None = None  # the layer or sheet read, when the file has several
    encoding: str | None = None  # the text encoding a CSV was read in (`ENCODING_LABELS`)
    warnings: list[tuple[Msg, Msg]] = field(default_factory=list)  # (what, the fix) about the file as a whole


class ReadError(ProjectError):
    """The file cannot be read as its type; the message says why and what to do.

    `file` is the file's name, `reason` the message without it (a `Msg`).
    """

    def __init__(self, file: str, reason: Msg):
        super().__init__(msg("error.in_file", file=file, message=reason))
        self.file = file
        self.reason = reason


def cell_text(value) -> str:
    """A cell as normalised text: full-width folded, spaces trimmed, blanks ''.

    Numbers typed into Excel lose nothing: ``7.0`` becomes ``"7"``; a date
    cell becomes ``"2022-05-14"``.
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, list | tuple | np.ndarray):
        items = [cell_text(v) for v in value]
        return next((v for v in items if v), "")  # an OSM name list: the first name
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return normalise_text(value)


def cell_texts(column: pd.Series) -> pd.Series:
    """`cell_text` of every cell of a column, without a Python call per cell.

    A column of text is folded value by distinct value, all at once: the
    distinct values joined by NUL, normalised (NFKC, spaces) in one pass and
    split again; NFKC never composes across NUL, and a value holding NUL
    itself is folded alone. Any other column is read distinct value by
    distinct value (a state or a date repeats across thousands of rows).
    """
    from .schema import SPACES

    if len(column) == 0:
        return column.astype(object)
    kind = pd.api.types.infer_dtype(column, skipna=True)
    try:
        codes, distinct = pd.factorize(column, use_na_sentinel=True)
    except TypeError:  # unhashable cells (an OSM name list)
        return column.map(cell_text).astype(object)
    if kind == "string":
        texts = _folded(np.asarray(distinct, dtype=object).tolist(), SPACES)  # an extension array iterates slowly
    else:
        texts = [cell_text(v) for v in distinct]
    table = np.array([*texts, ""], dtype=object)  # code -1 (a missing cell) reads as ""
    return pd.Series(table[codes], index=column.index, dtype=object)


_AROUND_NUL = re.compile(" ?\x00 ?")


def _folded(values: list[str], spaces: re.Pattern) -> list[str]:
    """`normalise_text` of each value, done on all of them joined (see `cell_texts`)."""
    joined = "\x00".join(values)
    if joined.count("\x00") != len(values) - 1:  # a value holds NUL: fold one by one
        return [normalise_text(v) for v in values]
    folded = spaces.sub(" ", unicodedata.normalize("NFKC", joined))
    parts = _AROUND_NUL.sub("\x00", folded).strip(" ").split("\x00")
    if len(parts) != len(values):  # cannot happen (NFKC maps nothing to NUL); never trust it blindly
        return [normalise_text(v) for v in values]
    return parts


# ----------------------------------------------------------------------------- tables
def _plausible_share(text: str, codec: str) -> float:
    """Share of the non-ASCII characters of `text` that are common in `codec`'s own script.

    Big5 bytes read as GBK (or GBK as Big5) still decode, into rare characters
    and symbols; real text is mostly the everyday characters: GB2312 for
    Simplified, Big5's level 1 (lead bytes A4–C6) and punctuation (A1–A3) for
    Traditional.
    """
    chars = [c for c in text if not c.isascii()]
    if not chars:
        return 1.0
    plausible = 0
    for c in set(chars):
        try:
            raw = c.encode("gb2312" if codec == "gb18030" else "cp950")
        except UnicodeEncodeError:
            continue
        if codec == "gb18030" or 0xA1 <= raw[0] <= 0xC6:
            plausible += chars.count(c)
    return plausible / len(chars)


# Legacy encodings tried, in order, when a file is not UTF-8: GBK (mainland Excel's "ANSI") and Big5
# (Taiwan's, Hong Kong's: Microsoft's cp950, then Big5-HKSCS for the characters only Hong Kong's
# supplement has, such as 塩); the one whose text reads as everyday characters wins, the first on a tie.
_LEGACY = {"gb18030": "read.as_gbk", "cp950": "read.as_big5", "big5hkscs": "read.as_big5hkscs"}  # -> the note
# Each encoding as a person names it (in messages: which one was tried, which others there are).
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "gb18030": "GBK",
    "cp950": "Big5",
    "big5hkscs": "Big5-HKSCS",
}


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding of bytes that are UTF-8 (with or without BOM), GBK/GB18030 or Big5."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        first_error = err
    best = None
    for codec in _LEGACY:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausible_share(text[:20_000], codec)
        if best is None or score > best[0]:
            best = (score, text, codec)
    if best is None:
        raise ReadError(name, msg("read.not_text", offset=first_error.start))
    return best[1], best[2]


MAX_TEXT_BYTES = 512 * 1024 * 1024  # a CSV (or a GeoJSON read by Python) larger than this is refused


def decode_text(path: Path) -> tuple[str, str]:
    """Return a text file's content and its encoding: UTF-8 (with or without BOM), GB18030 or Big5 (cp950).

    A file over `MAX_TEXT_BYTES` is refused before it is read: a table of a district is megabytes.
    """
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise ReadError(path.name, msg("read.too_big", size_mb=size / 2**20, limit_mb=MAX_TEXT_BYTES / 2**20))
    return decode_bytes(path.read_bytes(), path.name)


MAX_CELL_CHARS = 10_000_000  # a CSV cell longer than this is refused (the csv module's own limit is 131,072)


def _csv_rows(path: Path) -> tuple[list[list[str]], list[Msg], str]:
    text, encoding = decode_text(path)
    notes = [msg(_LEGACY[encoding])] if encoding in _LEGACY else []
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is guessed; the quoting is Excel's own ("" inside quotes is one "), wherever it
    # first appears: a sample without one would otherwise be taken to mean another rule for the whole file.
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)]
    except csv.Error as err:
        raise ReadError(path.name, msg("read.cell_too_long", limit=MAX_CELL_CHARS, error=str(err))) from err
    finally:
        csv.field_size_limit(limit)
    return rows, notes, encoding


def _xlsx_rows(path: Path, sheet: str | None, known: set[str]) -> tuple[list[list[object]], list[Msg], str | None]:
    """The rows of the sheet named, or of the first sheet with a header row the layer knows."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a broken file
        raise ReadError(path.name, msg("read.bad_xlsx", error=str(err))) from err
    notes = []
    _xlsx_within_limits(path)
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            raise ReadError(path.name, msg("read.no_such_sheet", sheet=sheet, names=seq(names)))
        chosen = sheet if sheet is not None else names[0]
        rows = _sheet_rows(book[chosen], path.name)
        if sheet is None and len(names) > 1 and _header_hits(rows, known) < 2:
            # a cover sheet or notes first, the data on another sheet: take the first sheet with a header row
            for name in names[1:]:
                candidate = _sheet_rows(book[name], path.name)
                if _header_hits(candidate, known) >= 2:
                    notes.append(msg("read.sheet_chosen", first=chosen, sheet=name))
                    chosen, rows = name, candidate
                    break
    finally:
        book.close()
    return rows, notes, chosen if len(names) > 1 else None  # messages name the sheet when there are several


# What one worksheet may hold: a district's tables are thousands of rows, Excel's own limit is 1,048,576.
MAX_XLSX_XML_BYTES = 256 * 1024 * 1024  # a worksheet's XML, uncompressed (50 MB of XLSX can be GBs of XML)
MAX_XLSX_ROWS = 1_048_576


def _xlsx_within_limits(path: Path) -> None:
    """Refuse, before parsing, a workbook whose worksheets unpack to more XML than `MAX_XLSX_XML_BYTES`."""
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = [i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    if max(sizes, default=0) > MAX_XLSX_XML_BYTES:
        raise ReadError(
            path.name, msg("read.xlsx_too_big", size_mb=max(sizes) / 2**20, limit_mb=MAX_XLSX_XML_BYTES / 2**20)
        )


def _sheet_rows(sheet, file: str) -> list[list[object]]:
    """Every row the worksheet holds, counted from the data itself.

    The ``<dimension>`` a writer put in the file is not trusted: one that says
    ``A1:H20`` over 183 rows would hide the rest, one that says ``A1:XFD1048576``
    would have every row padded to 16,384 cells.
    """
    sheet.reset_dimensions()
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(list(row))
        if len(rows) > MAX_XLSX_ROWS:
            raise ReadError(file, msg("read.xlsx_too_many_rows", limit=MAX_XLSX_ROWS))
    return rows


def _header_hits(rows: list[list[object]], known: set[str]) -> int:
    """The most known headers any of the top rows holds."""
    return max(
        (
            sum(normalise_header(cell_text(c)) in known for c in row if c is not None)
            for row in rows[:HEADER_SEARCH_ROWS]
        ),
        default=0,
    )


_INTEGRAL = re.compile(r"^-?\d+\.0+$")


def _excel_number(text: str) -> str:
    """``7.0`` -> ``7``: Excel turns typed ids into numbers and saves them with a decimal point."""
    return text[: text.index(".")] if _INTEGRAL.match(text) else text


def _texts_of_rows(raw: list[list[Any]]) -> list[list[str]]:
    """Every cell as `cell_text` (Excel's ``7.0`` read ``7``), worked out once per distinct cell.

    A table repeats its values (a leader on every row, a state, a date), so
    the cells are looked up by type and value; ``True``, ``1`` and ``1.0``
    are equal as keys but not as cells, hence the type.
    """
    memo: dict[tuple[type, Any], str] = {}

    def text(cell: Any) -> str:
        key = (type(cell), cell)
        try:
            return memo[key]
        except KeyError:
            memo[key] = found = _excel_number(cell_text(cell))
            return found
        except TypeError:  # an unhashable cell
            return _excel_number(cell_text(cell))

    return [[text(c) for c in r] for r in raw]


def _header_index(rows: list[list[str]], known: set[str]) -> int:
    """The first of the top rows holding two or more known headers; else the row holding the most (or 0)."""
    best, best_hits = 0, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = sum(normalise_header(c) in known for c in row if c)
        if hits >= 2 and hits > best_hits:
            return i
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def _unique_headers(cells: list[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for n, cell in enumerate(cells, start=1):
        name = cell or f"column_{n}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def read_table(path: Path, known_headers: set[str], sheet: str | None = None) -> ReadResult:
    """Read a CSV or XLSX table into text cells, finding the header row.

    Parameters
    ----------
    known_headers
        Normalised header spellings of the layer (to recognise the header
        row under a title row).
    sheet
        The XLSX sheet to read; the first one when None.
    """
    part = encoding = None
    raw: list[list[Any]]
    if path.suffix.lower() == ".xlsx":
        raw, notes, part = _xlsx_rows(path, sheet, known_headers)
    else:
        raw, notes, encoding = _csv_rows(path)
    rows = _texts_of_rows(raw)
    if not rows:
        raise ReadError(path.name, msg("read.empty"))
    head = _header_index(rows, known_headers)
    if head:
        notes.append(msg("read.title_rows", row=head + 1, count=head))
    width = max(len(r) for r in rows)
    cells = (rows[head] + [""] * width)[:width]
    headers = _unique_headers(cells)
    for name in sorted({c for c in cells if c and cells.count(c) > 1 and normalise_header(c) in known_headers}):
        notes.append(msg("read.repeated_header", name=name, count=cells.count(name)))
    body, numbers = [], []
    for i, row in enumerate(rows[head + 1 :], start=head + 2):
        if not any(row):
            continue  # a blank line is no row of data
        body.append((row + [""] * width)[:width])
        numbers.append(i)
    frame = pd.DataFrame(body, columns=headers, dtype=object)
    frame["_row"] = numbers
    return ReadResult(frame, "row", notes, part, encoding, _headless_columns(cells, body, head + 1))


def _headless_columns(cells: list[str], body: list[list[str]], header_row: int) -> list[tuple[Msg, Msg]]:
    """A warning for each column with data under a blank header cell (a header merged over two columns).

    The cell is named as Excel names it (``C1``), with what its column holds; the column is not read.
    """
    warnings = []
    for n, cell in enumerate(cells):
        if cell:
            continue
        values = list(dict.fromkeys(row[n] for row in body if row[n]))
        if not values:
            continue
        before = next((cells[k] for k in range(n - 1, -1, -1) if cells[k]), "")
        warnings.append(
            (
                msg(
                    "read.blank_header" if before else "read.blank_header_first",
                    cell=f"{get_column_letter(n + 1)}{header_row}",
                    values=seq(values[:3], quoted=True),
                    before=before,
                ),
                msg("read.blank_header_fix"),
            )
        )
    return warnings


# ----------------------------------------------------------------------------- spatial files
def _choose_layer(path: Path, wanted: str | None, base_name: str) -> tuple[str, bool]:
    """The layer to read, and whether the file holds several."""
    layers = [str(name) for name, _type in pyogrio.list_layers(path)]
    if wanted is not None:
        if wanted not in layers:
            raise ReadError(path.name, msg("read.no_such_layer", layer=wanted, names=seq(layers)))
        return wanted, len(layers) > 1
    if len(layers) == 1:
        return layers[0], False
    if base_name in layers:
        return base_name, True
    raise ReadError(path.name, msg("read.several_layers", names=seq(layers), base=base_name, first=layers[0]))


def _sibling(path: Path, suffix: str) -> Path | None:
    """The file of the same name with another extension, in any letter case."""
    return next((p for p in path.parent.glob(f"{path.stem}.*") if p.suffix.lower() == suffix), None)


def _shapefile_parts(path: Path) -> None:
    """A Shapefile is several files; say which one is missing (rather than GDAL's advice)."""
    for suffix, what in ((".shx", msg("read.shx")), (".dbf", msg("read.dbf"))):
        if _sibling(path, suffix) is None:
            raise ReadError(path.name, msg("read.shapefile_part", what=what, name=f"{path.stem}{suffix}"))


def _dbf_records(dbf: Path) -> bytes:
    data = dbf.read_bytes()
    header_len = int.from_bytes(data[8:10], "little") if len(data) > 10 else 0
    return data[header_len:]


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


# What a .cpg may say -> a Python codec (ArcGIS writes code page numbers, QGIS names).
_CPG_CODECS = {
    "65001": "utf-8",
    "utf8": "utf-8",
    "936": "gbk",
    "cp936": "gbk",
    "ansi936": "gbk",
    "gb2312": "gbk",
    "54936": "gb18030",
    "950": "big5",
    "cp950": "big5",
    "8859_1": "latin-1",
    "88591": "latin-1",
    "ansi1252": "cp1252",
}


# A codec of `decode_bytes` -> the name GDAL (iconv) knows it by, and the name a person does.
_GDAL_ENCODING = {"utf-8": ("UTF-8", "UTF-8"), "cp950": ("CP950", "Big5"), "big5hkscs": ("BIG5-HKSCS", "Big5-HKSCS")}


def _dbf_encoding(path: Path) -> tuple[str | None, Msg | None]:
    """Encoding for a Shapefile's attributes, and a note when it was guessed or the .cpg was wrong."""
    dbf = _sibling(path, ".dbf")
    if dbf is None:
        return None, None
    records = _dbf_records(dbf)
    cpg = _sibling(path, ".cpg")
    if cpg is not None:
        said = cpg.read_bytes().decode("ascii", "replace").strip()
        codec = _CPG_CODECS.get(said.lower().replace(" ", "").replace("-", ""), said)
        if not said or (_decodes(records, codec) and not _single_byte_mistake(records, codec)):
            return None, None  # GDAL honours the .cpg
        try:
            _text, codec = decode_bytes(records, dbf.name)
        except ReadError:
            return None, None  # nothing decodes cleanly: let GDAL try, and its error be reported
        gdal, label = _GDAL_ENCODING.get(codec, ("GBK", "GBK"))
        return gdal, msg("read.cpg_wrong", cpg=cpg.name, said=said, label=label)
    if not _decodes(records, "utf-8"):
        try:
            _text, codec = decode_bytes(records, dbf.name)
        except ReadError:
            return "GBK", msg("read.no_cpg_not_utf8", label="GBK")
        gdal, label = _GDAL_ENCODING.get(codec, ("GBK", "GBK"))
        return gdal, msg("read.no_cpg_not_utf8", label=label)
    if _dbf_code_page(dbf) == b"\x4d":  # the DBF language driver id for code page 936 (GBK)
        return "GBK", msg("read.dbf_code_page_936")
    return "UTF-8", None


def _single_byte_mistake(data: bytes, codec: str) -> bool:
    """A .cpg naming a one-byte code page (Latin-1, 1252 …) over Chinese text: it decodes, into nonsense.

    Any bytes decode in a one-byte code page, so decoding proves nothing; the
    text is taken as Chinese when it is valid UTF-8 with non-ASCII characters,
    or reads as everyday GBK/Big5 characters (a European name such as
    ``Peña`` in Latin-1 reads as a rare character in GBK, and is left alone).
    """
    try:
        if codecs.lookup(codec).name not in _ONE_BYTE:
            return False
    except LookupError:
        return False
    if data.isascii():
        return False
    if _decodes(data, "utf-8"):
        return True
    try:
        text, legacy = decode_bytes(data, "")
    except ReadError:
        return False
    return _plausible_share(text[:20_000], legacy) >= 0.9


_ONE_BYTE = {"latin-1", "iso8859-1", "cp1252", "iso8859-15", "cp437", "cp850", "ascii"}


def _dbf_code_page(dbf: Path) -> bytes:
    with open(dbf, "rb") as f:
        return f.read(30)[29:30]


# OpenStreetMap: the ways GDAL's OSM driver puts in its ``lines`` layer, kept when their ``highway``
# tag is one of these: streets a vehicle or a pedestrian crowd uses (and their links). Footways,
# paths, cycleways, steps, tracks and roads under construction or proposed are left out.
OSM_HIGHWAYS = (
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "motorway_link",
    "trunk_link",
    "primary_link",
    "secondary_link",
    "tertiary_link",
    "living_street",
    "service",
    "pedestrian",
    "road",
    "busway",
)


def _osm_note(path: Path, highways: str) -> Msg:
    """What was read from an OSM extract, and what was not (counted by ``highway`` value)."""
    try:
        tags = pyogrio.read_dataframe(
            path,
            layer="lines",
            columns=["highway"],
            read_geometry=False,
            where=f"highway IS NOT NULL AND highway NOT IN ({highways})",
        )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        raise ReadError(path.name, msg("read.not_osm", error=str(err))) from err
    left = tags["highway"].value_counts()
    tags_left = seq(f"{tag} {n}" for tag, n in left.items())
    skipped = msg("read.osm_skipped", count=int(left.sum()), tags=tags_left) if len(left) else ""
    return msg("read.osm", skipped=skipped)


def is_osm(path: Path) -> bool:
    """An OpenStreetMap extract: ``.osm`` (XML) or ``.osm.pbf``."""
    name = path.name.lower()
    return name.endswith(".osm") or name.endswith(".osm.pbf")


def _holds(path: Path, needle: bytes, chunk: int = 1 << 22) -> bool:
    """Whether the file's bytes contain `needle`, read a few MB at a time."""
    tail = b""
    with open(path, "rb") as f:
        while block := f.read(chunk):
            if needle in tail + block:
                return True
            tail = block[-len(needle) :]
    return False


def _features_from_json(path: Path, text: str | None = None) -> gpd.GeoDataFrame | None:
    """GeoJSON read by Python rather than GDAL; None if it is not a feature list or collection.

    For what GDAL does not read as written: a bare list of Features, and text
    holding ``\\u0000`` (GDAL cuts a string at a NUL and the rest of the
    cell would be lost unseen; here the NUL is kept, and removed with a
    warning like any control character).
    """
    try:
        data = json.loads(text if text is not None else decode_text(path)[0])
    except (ValueError, ReadError):
        return None
    except RecursionError as err:  # brackets nested thousands deep: no GeoJSON is
        raise ReadError(path.name, msg("read.too_deep")) from err
    crs = 4326
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        declared = data.get("crs")  # an old-style named CRS member, else GeoJSON's WGS84
        crs = (declared.get("properties") or {}).get("name") or 4326 if isinstance(declared, dict) else 4326
        data = data.get("features")
    if isinstance(data, list) and all(isinstance(f, dict) and f.get("type") == "Feature" for f in data):
        columns = list(dict.fromkeys(k for f in data for k in (f.get("properties") or {})))
        frame = gpd.GeoDataFrame.from_features(data, crs=crs, columns=[*columns, "geometry"])
        return frame[[*columns, "geometry"]]
    return None


# Layers are read and written through Arrow (pyarrow, a dependency): the same frames, and reading a
# large layer takes about half the time.
ARROW = True


@contextmanager
def gdal_options(options: Mapping[str, str | None]) -> Iterator[None]:
    """GDAL configuration `options` for the duration of a block, then each as it was (GDAL's state is the
    process's: a library user's own settings are left as they found them)."""
    before = {key: pyogrio.get_gdal_config_option(key) for key in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


_LISTED = re.compile(r"^\s*\[\s*['\"].*['\"]\s*\]\s*$")


def _unlist(frame: pd.DataFrame, known: set[str] | None = None) -> list[Msg]:
    """Cells holding a list of names (OSM after simplification): keep the first, say so.

    The list may be a real list, or its text (``"['红荔西路', '红荔路']"``) as a
    CSV or GeoJSON export writes it. Only columns whose header is in `known`
    (normalised) are looked at: the others are not used.
    """
    notes = []
    for column in frame.columns:
        if column == "geometry" or (known is not None and normalise_header(column) not in known):
            continue
        values = frame[column]
        if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
            distinct = np.asarray(pd.unique(values.dropna()), dtype=object).tolist()  # not iterated cell by cell
            if "[" not in "".join(distinct):  # no list written as text: nothing to look at
                continue
            texts = values.str.match(_LISTED).fillna(False).astype(bool)
        else:
            texts = values.map(lambda v: isinstance(v, str) and bool(_LISTED.match(v)))
        if texts.any():
            frame.loc[texts, column] = values[texts].map(_literal_list)
        listed = frame[column].map(lambda v: isinstance(v, list | tuple | np.ndarray) and len(v) > 1)
        if listed.any():
            notes.append(msg("read.name_lists", count=int(listed.sum()), column=column))
    return notes


def _literal_list(text: str):
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return list(value) if isinstance(value, list | tuple) else text


# GDAL refuses a GeoJSON object over 200 MB unless told otherwise, and its message names a setting
# a clerk cannot set; a district outline surveyed in detail can be that large. No limit: memory is.
_GEOJSON_NO_SIZE_LIMIT = {"OGR_GEOJSON_MAX_OBJ_SIZE": "0"}


def read_spatial(path: Path, base_name: str, layer: str | None = None, known: set[str] | None = None) -> ReadResult:
    """Read a GeoJSON, GeoPackage, Shapefile, File Geodatabase or OpenStreetMap layer.

    `known` (normalised headers the layer uses) limits the notes to columns that matter.
    """
    notes: list[Msg] = []
    kwargs: dict = {}
    part = None
    suffix = path.suffix.lower()
    if suffix in (".gpkg", ".gdb", ".kml"):  # files that may hold several layers (a KML: its folders)
        try:
            kwargs["layer"], several = _choose_layer(path, layer, base_name)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
            raise ReadError(path.name, msg("read.cannot_read", kind=suffix[1:], error=str(err))) from err
        part = kwargs["layer"] if several else None
    elif is_osm(path):
        if base_name != "roads":
            raise ReadError(path.name, msg("read.osm_roads_only", layer=base_name))
        highways = ", ".join(f"'{h}'" for h in OSM_HIGHWAYS)
        kwargs.update(layer="lines", where=f"highway IN ({highways})")
        notes.append(_osm_note(path, highways))
    elif suffix == ".shp":
        _shapefile_parts(path)
        encoding, note = _dbf_encoding(path)
        if encoding:
            kwargs["encoding"] = encoding
        if note:
            notes.append(note)
    frame = None
    if suffix in (".geojson", ".json"):
        # Dates stay text, as written: GDAL would turn "2021-02-30" into a crash and a date-time with
        # a zone into another value; `validate` reads them and names what is wrong.
        kwargs["DATE_AS_STRING"] = "YES"
    if suffix in (".geojson", ".json") and _holds(path, b"\\u0000"):
        frame = _features_from_json(path)
    try:
        if frame is None:
            size_limit = _GEOJSON_NO_SIZE_LIMIT if suffix in (".geojson", ".json") else {}
            with warnings.catch_warnings(), gdal_options(size_limit):
                warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on non-standard members
                frame = gpd.read_file(path, engine="pyogrio", use_arrow=ARROW, **kwargs)
        if frame.crs is None and is_osm(path):
            frame = frame.set_crs(4326)  # OpenStreetMap is WGS84 by definition
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        frame = _features_from_json(path) if suffix in (".geojson", ".json") else None
        if frame is None:
            raise ReadError(path.name, msg("read.cannot_read", kind=suffix[1:], error=str(err))) from err
    frame = frame.reset_index(drop=True)
    notes += _unlist(frame, known)
    has_z = shapely.has_z(frame.geometry.values)
    if has_z.any():
        frame = frame.set_geometry(shapely.force_2d(frame.geometry.values), crs=frame.crs)
        notes.append(msg("read.z_dropped", count=int(has_z.sum())))
    for column in frame.columns:
        if column != "geometry":
            frame[column] = cell_texts(frame[column])
    frame["_row"] = frame.index + 1
    return ReadResult(frame, "feature", notes, part)
